"""Printing objects as Windows PowerShell 5.1's console does.

`OutDefault` is what the end of a top-level pipeline feeds: objects (or
Format-Table/Format-List records) go in one at a time, text lines come out.

    out = OutDefault(sys.stdout.write, width=120)
    out.write(obj)      # any object or format record
    out.flush()         # print what is held back (before a Write-Host or
                        # an error line interleaves)
    out.close()         # end of the input: close the open block

`width` is the console width; like 5.1's console host, lines use at most
width - 1 columns.  `write` is called with whole lines, each ending in
"\\n".  `render(objects, width)` gives the same text as one string
(Out-String, `>` redirection).

Blank lines follow 5.1's formatter exactly: a block (table, list or
custom view) starts with one blank line; a list puts one blank line before
its first object and one after each; a group header (`-GroupBy`,
Get-Member's TypeName) is framed by blank lines; a group ends with one
blank line and the block with another.  So a table is preceded by one
blank line and followed by two, a list by two and three.  Text printed
out of band (a string among objects) gets no blank lines; an object the
open view does not cover is printed as a list framed by one blank line
on each side.

A table whose widths come from the data holds its rows back until the
group ends or `flush()` is called; after a flush its widths stay fixed
for the rest of the group (later, longer values are cut with `...`).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from hvshell.format import records as rec
from hvshell.format.formatter import Formatter
from hvshell.format.layout import TableLayout, fitted_widths, list_lines

DEFAULT_WIDTH = 120


class LineRenderer:
    """Format records to lines of at most `columns` cells."""

    def __init__(self, emit: Callable[[str], None], columns: int):
        self.emit = emit
        self.columns = columns
        self._start: rec.FormatStart | None = None
        self._table: TableLayout | None = None
        self._held: list[Any] | None = None      # records waiting for column widths

    def feed(self, record: Any) -> None:
        if self._held is not None:
            if not isinstance(record, (rec.GroupEnd, rec.FormatEnd, rec.FormatStart)):
                self._held.append(record)
                return
            self.flush()
        if isinstance(record, rec.FormatStart):
            self._start = record
            self._table = None
            self.emit("")
        elif isinstance(record, rec.GroupStart):
            self._group_start(record)
        elif isinstance(record, rec.FormatEntry):
            self._entry(record)
        elif isinstance(record, rec.GroupEnd):
            self.emit("")
        elif isinstance(record, rec.FormatEnd):
            self.emit("")
            self._start = None
            self._table = None

    def flush(self) -> None:
        """Fix the column widths of a held-back table and print its rows."""
        if self._held is None:
            return
        held, self._held = self._held, None
        start = self._start
        assert start is not None
        rows = [r.values for r in held
                if isinstance(r, rec.FormatEntry) and r.kind == rec.TABLE and not r.out_of_band]
        widths: list[int | None] = list(fitted_widths(start.labels, rows, start.wrap))
        self._open_table(widths)
        for record in held:
            self.feed(record)

    # ---- records ----------------------------------------------------------

    def _group_start(self, record: rec.GroupStart) -> None:
        if record.label is not None:
            self.emit("")
            self.emit(record.label)
            self.emit("")
        start = self._start
        if start is None:
            return
        if start.shape == rec.LIST:
            self.emit("")
        elif start.shape == rec.TABLE:
            if start.fits_widths:
                self._held = []
            else:
                self._open_table(list(start.widths))

    def _open_table(self, widths: list[int | None]) -> None:
        start = self._start
        assert start is not None
        self._table = TableLayout(self.columns, widths, start.aligns, start.hide_header,
                                  start.wrap)
        self._emit_all(self._table.header(start.labels))

    def _entry(self, entry: rec.FormatEntry) -> None:
        if entry.kind == rec.LIST:
            if entry.out_of_band:
                self.emit("")
            self._emit_all(list_lines(entry.labels, entry.values, self.columns))
            self.emit("")
        elif entry.kind == rec.TABLE:
            if self._table is not None:
                self._emit_all(self._table.row(entry.values))
        else:
            self._emit_all(entry.text.split("\n"))

    def _emit_all(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.emit(line)


class LineOutput:
    """Objects to lines: the default formatter in front of a renderer, as
    Out-Default, Out-String and Out-File use it."""

    def __init__(self, emit: Callable[[str], None], columns: int):
        self._formatter = Formatter()
        self._renderer = LineRenderer(emit, columns)

    def write(self, obj: Any) -> None:
        for record in self._formatter.process(obj):
            self._renderer.feed(record)

    def flush(self) -> None:
        self._renderer.flush()

    def close(self) -> None:
        for record in self._formatter.end():
            self._renderer.feed(record)
        self._renderer.flush()


class OutDefault(LineOutput):
    """The console: `write` receives whole lines ending in a newline."""

    def __init__(self, write: Callable[[str], None], width: int = DEFAULT_WIDTH):
        super().__init__(lambda line: write(line + "\n"), width - 1)


def render_lines(objects: Iterable[Any], columns: int) -> list[str]:
    """The lines printing `objects` gives, at most `columns` cells wide."""
    lines: list[str] = []
    out = LineOutput(lines.append, columns)
    for obj in objects:
        out.write(obj)
    out.close()
    return lines


def render(objects: Iterable[Any], width: int = DEFAULT_WIDTH) -> str:
    """The text a console `width` columns wide would show for `objects`."""
    return "".join(line + "\n" for line in render_lines(objects, width - 1))
