"""Go's sorting algorithms, for patch code whose output depends on them.

Strategic merge patch sorts with comparison functions that are not strict orders (``<=`` in
``SortableSliceOfScalars.Less``; "true when either item is unknown" in ``normalizeSliceOrder``),
so the order of equal items, and of the result, depends on the algorithm. These are the
algorithms of Go's ``sort`` package (``zsortfunc.go``):

- :func:`slice_stable` is ``sort.SliceStable``: insertion sort on blocks of 20, then ``symMerge``;
- :func:`insertion_sort` is what ``sort.Sort`` does for up to 12 items (pdqsort's small case).
  Used here for any length: larger lists differ from Go only when the comparison is not a
  strict order and items compare equal, which takes duplicate merge keys.

Both sort ``items`` in place with ``less(items[i], items[j])``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["insertion_sort", "slice_stable"]

T = TypeVar("T")
Less = Callable[[Any, Any], bool]


def insertion_sort(items: list[T], less: Less, a: int = 0, b: int | None = None) -> None:
    """``insertionSort_func`` on ``items[a:b]``."""
    if b is None:
        b = len(items)
    for i in range(a + 1, b):
        j = i
        while j > a and less(items[j], items[j - 1]):
            items[j], items[j - 1] = items[j - 1], items[j]
            j -= 1


def _swap_range(items: list[T], a: int, b: int, n: int) -> None:
    for i in range(n):
        items[a + i], items[b + i] = items[b + i], items[a + i]


def _rotate(items: list[T], a: int, m: int, b: int) -> None:
    i = m - a
    j = b - m
    while i != j:
        if i > j:
            _swap_range(items, m - i, m, j)
            i -= j
        else:
            _swap_range(items, m - i, m + j - i, i)
            j -= i
    _swap_range(items, m - i, m, i)


def _sym_merge(items: list[T], less: Less, a: int, m: int, b: int) -> None:
    """``symMerge_func``: merge the sorted runs ``items[a:m]`` and ``items[m:b]`` in place."""
    if m - a == 1:
        i, j = m, b
        while i < j:
            h = (i + j) // 2
            if less(items[h], items[a]):
                i = h + 1
            else:
                j = h
        for k in range(a, i - 1):
            items[k], items[k + 1] = items[k + 1], items[k]
        return
    if b - m == 1:
        i, j = a, m
        while i < j:
            h = (i + j) // 2
            if not less(items[m], items[h]):
                i = h + 1
            else:
                j = h
        for k in range(m, i, -1):
            items[k], items[k - 1] = items[k - 1], items[k]
        return
    mid = (a + b) // 2
    n = mid + m
    if m > mid:
        start, r = n - b, mid
    else:
        start, r = a, m
    p = n - 1
    while start < r:
        c = (start + r) // 2
        if not less(items[p - c], items[c]):
            start = c + 1
        else:
            r = c
    end = n - start
    if start < m < end:
        _rotate(items, start, m, end)
    if a < start < mid:
        _sym_merge(items, less, a, start, mid)
    if mid < end < b:
        _sym_merge(items, less, mid, end, b)


def slice_stable(items: list[T], less: Less) -> None:
    """``sort.SliceStable(items, less)`` (``stable_func``)."""
    n = len(items)
    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(items, less, a, b)
        a = b
        b += block
    insertion_sort(items, less, a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            _sym_merge(items, less, a, a + block, b)
            a = b
            b += 2 * block
        m = a + block
        if m < n:
            _sym_merge(items, less, a, m, n)
        block *= 2
