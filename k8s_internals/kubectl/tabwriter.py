"""Go's ``text/tabwriter`` (and ``github.com/liggitt/tabwriter``, its fork with
``RememberWidths``), which aligns every table kubectl prints.

Cells are terminated by ``\\t``; the last cell of a line is not part of any column. Tab-terminated
cells in *contiguous* lines form a column block whose width is the widest cell plus ``padding``
(at least ``minwidth``). A line without any tab ends the blocks above it and flushes. With
``remember_widths`` a column never gets narrower after a flush (kubectl's watch output stays
aligned with the header it printed first).

The two configurations kubectl uses:

- ``printers.GetNewTabWriter`` (``get``, ``api-resources``): ``minwidth=6, tabwidth=4,
  padding=3, padchar=' ', flags=RememberWidths`` → :func:`table_writer`;
- ``describe.tabbedString`` (``describe``, ``rollout history``): ``minwidth=0, tabwidth=8,
  padding=2, padchar=' '`` → :func:`describe_writer`.

Widths count code points, as ``utf8.RuneCount`` does. Flags other than ``RememberWidths``
(HTML filtering, escapes, right alignment, debug bars) are not implemented.

>>> w = table_writer()
>>> w.write("NAME\\tREADY\\tAGE\\nweb\\t1/1\\t5s\\n")
>>> print(w.flush(), end="")
NAME   READY   AGE
web    1/1     5s
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TabWriter", "describe_writer", "table_writer"]


@dataclass
class _Cell:
    text: str
    htab: bool  # terminated by a tab (part of a column)


class TabWriter:
    """Collects text, formats it into aligned columns on :meth:`flush`."""

    def __init__(self, minwidth: int, tabwidth: int, padding: int, padchar: str = " ",
                 remember_widths: bool = False) -> None:
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self.remember_widths = remember_widths
        self.maxwidths: list[int] = []
        self._out: list[str] = []
        self._lines: list[list[_Cell]] = [[]]
        self._cell = ""
        self._widths: list[int] = []

    # -- input -----------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """``Write``: split into cells; a line with a single cell flushes what is buffered."""
        start = 0
        for i, ch in enumerate(text):
            if ch not in "\t\v\n\f":
                continue
            self._cell += text[start:i]
            start = i + 1
            line = self._lines[-1]
            line.append(_Cell(self._cell, ch == "\t"))
            self._cell = ""
            if ch in "\n\f":
                ncells = len(line)
                self._lines.append([])
                if ch == "\f" or ncells == 1:
                    self._flush_buffer()
        self._cell += text[start:]

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        """``SetRememberedWidths`` (kubectl resets them between resource kinds)."""
        self.maxwidths = list(widths or [])

    def flush(self) -> str:
        """``Flush``: format what is buffered; returns everything written since the last call."""
        self._flush_buffer()
        out = "".join(self._out)
        self._out.clear()
        return out

    def getvalue(self) -> str:
        """Everything formatted so far (without flushing a partial block)."""
        return "".join(self._out)

    # -- formatting (a transcription of tabwriter.format / writeLines) ----------------------------

    def _flush_buffer(self) -> None:
        if self._cell:
            self._lines[-1].append(_Cell(self._cell, False))
            self._cell = ""
        self._format(0, len(self._lines))
        self._lines = [[]]
        self._widths = []

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # a cell exists in this column: this line starts a column block
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                w = len(line[column].text) + self.padding
                width = max(width, w)
                this += 1
            if self.remember_widths:
                if len(self.maxwidths) < len(self._widths):
                    self.maxwidths.extend(self._widths[len(self.maxwidths):])
                idx = len(self._widths)
                if len(self.maxwidths) == idx:
                    self.maxwidths.append(width)
                elif self.maxwidths[idx] > width:
                    width = self.maxwidths[idx]
                elif self.maxwidths[idx] < width:
                    self.maxwidths[idx] = width
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _write_lines(self, line0: int, line1: int) -> None:
        out = self._out
        for i in range(line0, line1):
            line = self._lines[i]
            for j, c in enumerate(line):
                out.append(c.text)
                if j < len(self._widths):
                    out.append(self.padchar * (self._widths[j] - len(c.text)))
            if i + 1 < len(self._lines):
                out.append("\n")


def table_writer() -> TabWriter:
    """``printers.GetNewTabWriter``: minwidth 6, tabwidth 4, padding 3, ``RememberWidths``."""
    return TabWriter(6, 4, 3, " ", remember_widths=True)


def describe_writer() -> TabWriter:
    """``describe.tabbedString``'s writer: minwidth 0, tabwidth 8, padding 2."""
    return TabWriter(0, 8, 2, " ")
