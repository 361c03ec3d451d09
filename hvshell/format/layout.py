"""Table and list layout, as Windows PowerShell 5.1's console formatter
lays them out.

Tables: one space between columns, every cell padded to its column's
width (so lines carry trailing blanks, as 5.1's Out-String output does),
a dashes row as long as each label (or the column, when narrower), values
that do not fit cut to `abc...` (right-aligned ones to `...xyz`).  Column
widths come from the view; unspecified widths share out what is left of
the screen, and when the columns do not fit, the rightmost shrinks or
disappears.

Lists: `Label : value`, labels padded to the longest, long values wrapped
at word boundaries under the value column.
"""
from __future__ import annotations

from hvshell.format.text import ELLIPSIS, display_width, head, tail

SEPARATOR = 1            # blanks between table columns
MIN_COLUMN_WIDTH = 1
# A column cut narrower than this would show only "..." and a character or
# two; it is dropped instead, as PowerShell drops columns that do not fit.
MIN_SHRUNK_WIDTH = 5
MIN_SCREEN_COLUMNS = 5
LIST_SEPARATOR = " : "

LEFT, RIGHT, CENTER = "left", "right", "center"


# ---------------------------------------------------------------------------
# Column widths
# ---------------------------------------------------------------------------

def _table_width(widths: list[int]) -> int:
    visible = [w for w in widths if w > 0]
    return sum(visible) + SEPARATOR * (len(visible) - 1)


def share_widths(requested: list[int | None], screen: int) -> list[int]:
    """Final column widths: `None` columns share the room the fixed ones
    leave (one cell at a time, left to right); then, while the table is
    wider than the screen, the rightmost visible column shrinks, or is
    hidden (-1) when it would drop below MIN_SHRUNK_WIDTH cells (or below
    its own width, when that is narrower)."""
    widths = [w if w and w > 0 else 0 for w in requested]
    if any(w == 0 for w in widths):
        fixed = [w > 0 for w in widths]
        widths = [w if w > 0 else MIN_COLUMN_WIDTH for w in widths]
        room = screen - _table_width(widths)
        free = [k for k, is_fixed in enumerate(fixed) if not is_fixed]
        if room > 0:
            share, extra = divmod(room, len(free))
            for order, k in enumerate(free):
                widths[k] += share + (1 if order < extra else 0)
    while _table_width(widths) > screen:
        visible = [k for k, w in enumerate(widths) if w > 0]
        if not visible:
            break
        last = visible[-1]
        shrunk = widths[last] - (_table_width(widths) - screen)
        floor = max(MIN_COLUMN_WIDTH, min(MIN_SHRUNK_WIDTH, widths[last]))
        widths[last] = shrunk if shrunk >= floor else -1
    return widths


def fitted_widths(labels: list[str], rows: list[list[str]], wrap: bool = False) -> list[int]:
    """Each column as wide as its label or its widest value."""
    widths = [max(display_width(label), MIN_COLUMN_WIDTH) for label in labels]
    for row in rows:
        for k, value in enumerate(row[:len(widths)]):
            lines = value.split("\n") if wrap else [first_line(value)]
            widths[k] = max([widths[k]] + [display_width(line) for line in lines])
    return widths


def first_line(text: str) -> str:
    """A cell shows only its first line, marked with `...` when cut."""
    cut = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
    return text if cut < 0 else text[:cut] + ELLIPSIS


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------

def fit_cell(text: str, width: int, align: str) -> str:
    """`text` padded or cut to exactly `width` screen cells."""
    size = display_width(text)
    if size < width:
        pad = width - size
        if align == RIGHT:
            return " " * pad + text
        if align == CENTER:
            return " " * (pad // 2) + text + " " * (pad - pad // 2)
        return text + " " * pad
    if size > width:
        room = width - len(ELLIPSIS)
        if room > 0:
            text = ELLIPSIS + tail(text, room) if align == RIGHT else head(text, room) + ELLIPSIS
        else:
            text = tail(text, width) if align == RIGHT else head(text, width)
        # a cut wide character can leave one cell short
        if display_width(text) < width:
            text = " " + text if align == RIGHT else text + " "
    return text


class TableLayout:
    """Lays out rows once the column widths are known."""

    def __init__(self, screen: int, widths: list[int | None], aligns: list[str],
                 hide_header: bool = False, wrap: bool = False):
        self.disabled = screen < MIN_SCREEN_COLUMNS
        self.widths = share_widths(widths, screen) if not self.disabled else []
        if all(w <= 0 for w in self.widths):
            self.disabled = True
        self.aligns = aligns
        self.hide_header = hide_header
        self.wrap = wrap

    def header(self, labels: list[str]) -> list[str]:
        if self.disabled or self.hide_header:
            return []
        dashes = []
        for label, width in zip(labels, self.widths):
            dashes.append("-" * min(width, display_width(label)) if width > 0 else "")
        return [self._line(labels, self.aligns), self._line(dashes, self.aligns)]

    def row(self, values: list[str], aligns: list[str | None] | None = None) -> list[str]:
        if self.disabled:
            return []
        values = (values + [""] * len(self.widths))[:len(self.widths)]
        row_aligns = [a or b for a, b in zip(aligns or [None] * len(self.widths), self.aligns)]
        if self.wrap:
            return self._wrapped(values, row_aligns)
        return [self._line([first_line(v) for v in values], row_aligns)]

    def _line(self, values: list[str], aligns: list[str]) -> str:
        cells = [fit_cell(value, width, align)
                 for value, width, align in zip(values, self.widths, aligns) if width > 0]
        return (" " * SEPARATOR).join(cells)

    def _wrapped(self, values: list[str], aligns: list[str]) -> list[str]:
        columns = []
        for value, width, align in zip(values, self.widths, aligns):
            if width <= 0:
                continue
            lines = wrap_text(value, width)
            columns.append([fit_cell(line, width, align) for line in lines])
        height = max(len(c) for c in columns)
        visible = [w for w in self.widths if w > 0]
        for column, width in zip(columns, visible):
            column.extend([" " * width] * (height - len(column)))
        return [(" " * SEPARATOR).join(c[i] for c in columns) for i in range(height)]


# ---------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------

def list_lines(labels: list[str], values: list[str], screen: int) -> list[str]:
    """One object as `Label : value` lines."""
    if not labels or screen - len(LIST_SEPARATOR) - 2 < 0:
        return []
    longest = max(display_width(label) for label in labels)
    label_width = min(longest, screen - len(LIST_SEPARATOR) - 1)
    prefix_width = label_width + len(LIST_SEPARATOR)
    field = screen - prefix_width
    out = []
    for label, value in zip(labels, values + [""] * len(labels)):
        shown = head(label, label_width)
        prefix = shown + " " * (label_width - display_width(shown)) + LIST_SEPARATOR
        first = True
        for line in wrap_text(value or "", field):
            out.append((prefix if first else " " * prefix_width) + line)
            first = False
    return out


# ---------------------------------------------------------------------------
# Wrapping
# ---------------------------------------------------------------------------

def wrap_text(text: str, width: int) -> list[str]:
    """Break `text` into lines of at most `width` cells: at its own line
    breaks, then between words (a word keeps the blank after it),
    splitting a word only when it is longer than a whole line."""
    out: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        if display_width(line) <= width:
            out.append(line)
        else:
            out.extend(_wrap_words(line, width))
    return out


def _wrap_words(line: str, width: int) -> list[str]:
    words: list[str] = []
    current = ""
    for ch in line:
        current += ch
        if ch in " \t":
            words.append(current)
            current = ""
    words.append(current)
    lines: list[str] = []
    built = ""
    room = width
    for word in words:
        size = display_width(word)
        if size > width:
            for ch in word:
                if display_width(ch) > room:
                    lines.append(built)
                    built = ""
                    room = width
                built += ch
                room -= display_width(ch)
        elif size > room:
            lines.append(built)
            built = word
            room = width - size
        else:
            built += word
            room -= size
    lines.append(built)
    return lines
