"""A small step chart in plain SVG (no plotting library): replica counts over virtual time,
one line per series — what the RolloutTimeline widget draws. Deterministic text: fixed sizes,
numbers rounded, series in the order given.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["SERIES_COLOURS", "step_chart"]

SERIES_COLOURS = ("#6c757d", "#0d6efd", "#d63384", "#198754", "#fd7e14", "#6f42c1")


def _fmt(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def step_chart(series: Mapping[str, Sequence[tuple[float, int]]], *, until: float | None = None,
               width: int = 560, height: int = 220, title: str = "",
               dashed: Sequence[str] = (), colours: Mapping[str, str] | None = None) -> str:
    """``series`` maps a name to ``(time, value)`` samples (time ascending); each is drawn as a
    step line held until the next sample (or ``until``). Names in ``dashed`` are drawn dashed;
    ``colours`` picks a series' colour (default: by position)."""
    left, right, top, bottom = 40, 170, 24 if title else 10, 28
    pw, ph = width - left - right, height - top - bottom
    times = [t for pts in series.values() for t, _ in pts]
    t0 = min(times) if times else 0.0
    t1 = max(times) if times else t0
    if until is not None:
        t1 = max(t1, until)
    if t1 <= t0:
        t1 = t0 + 1.0
    vmax = max([v for pts in series.values() for _, v in pts] + [1])

    def x(t: float) -> str:
        return _fmt(left + (t - t0) / (t1 - t0) * pw)

    def y(v: float) -> str:
        return _fmt(top + ph - v / vmax * ph)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica,Arial,sans-serif" '
           'font-size="10">']
    if title:
        out.append(f'<text x="{left}" y="14" font-size="12">{escape(title)}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#ffffff" '
               'stroke="#adb5bd"/>')
    step = max(1, -(-vmax // 5))
    for v in range(0, vmax + 1, step):
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(v)}" y2="{y(v)}" '
                   'stroke="#e9ecef"/>')
        out.append(f'<text x="{left - 4}" y="{y(v)}" text-anchor="end" '
                   f'dominant-baseline="middle">{v}</text>')
    for t in (t0, (t0 + t1) / 2, t1):
        out.append(f'<text x="{x(t)}" y="{top + ph + 14}" text-anchor="middle">'
                   f't={_fmt(t)}s</text>')
    for i, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        colour = (colours or {}).get(name) or SERIES_COLOURS[i % len(SERIES_COLOURS)]
        d = [f"M{x(pts[0][0])},{y(pts[0][1])}"]
        for (_, v0), (t, v) in itertools.pairwise(pts):
            d.append(f"H{x(t)}")
            if v != v0:
                d.append(f"V{y(v)}")
        end = until if until is not None and until > pts[-1][0] else t1
        d.append(f"H{x(end)}")
        dash = ' stroke-dasharray="4,3"' if name in dashed else ""
        out.append(f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" '
                   f'stroke-width="2"{dash}/>')
        ly = top + 12 + i * 14
        out.append(f'<line x1="{left + pw + 10}" x2="{left + pw + 26}" y1="{ly}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{left + pw + 30}" y="{ly}" dominant-baseline="middle">'
                   f'{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
