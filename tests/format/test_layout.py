"""Table and list layout rules (PowerShell 5.1's console formatter)."""
from __future__ import annotations

from hvshell.format.layout import (TableLayout, fit_cell, fitted_widths, list_lines,
                                   share_widths, wrap_text)
from hvshell.format.text import cell_text, display_width, is_right_aligned
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.psobject import Hashtable, PSObject


def test_fixed_widths_that_fit_are_kept():
    assert share_widths([5, 25, 10], 119) == [5, 25, 10]


def test_open_widths_share_the_rest_left_first():
    # Count(5) Name(25) Group(open): the Group column takes what is left
    assert share_widths([5, 25, None], 119) == [5, 25, 87]
    # two open columns split the room, the left one getting the odd cell
    assert share_widths([10, None, None], 31) == [10, 10, 9]


def test_too_wide_tables_shrink_then_hide_the_last_column():
    assert share_widths([10, 10, 10], 27) == [10, 10, 5]
    # narrower than 5 cells a cut value would read as another value: dropped
    assert share_widths([10, 10, 10], 25) == [10, 10, -1]
    assert share_widths([10, 10, 3], 25) == [10, 10, 3]
    assert share_widths([10, 10, 10], 21) == [10, 10, -1]
    assert share_widths([30, 30], 20) == [20, -1]


def test_cells_pad_and_cut_like_powershell():
    assert fit_cell("abc", 5, "left") == "abc  "
    assert fit_cell("abc", 5, "right") == "  abc"
    assert fit_cell("abc", 6, "center") == " abc  "
    assert fit_cell("Operating normally", 8, "left") == "Opera..."
    assert fit_cell("123456789", 6, "right") == "...789"
    assert fit_cell("abcdef", 3, "left") == "abc"      # no room for the ellipsis


def test_table_header_dashes_follow_the_label():
    table = TableLayout(119, [9, 7], ["left", "right"])
    assert table.header(["Name", "State"]) == ["Name        State", "----        -----"]
    assert table.row(["web01", "Off"]) == ["web01         Off"]


def test_narrow_column_cuts_the_label_and_its_dashes():
    table = TableLayout(119, [6], ["left"])
    assert table.header(["MemoryAssigned"]) == ["Mem...", "------"]


def test_hidden_header_and_hidden_columns():
    assert TableLayout(119, [3], ["left"], hide_header=True).header(["A"]) == []
    assert TableLayout(11, [5, 5], ["left", "left"]).header(["A", "B"]) == ["A     B    ",
                                                                          "-     -    "]
    assert TableLayout(8, [5, 5], ["left", "left"]).header(["A", "B"]) == ["A    ", "-    "]
    table = TableLayout(6, [5, 5], ["left", "left"])
    assert table.header(["A", "B"]) == ["A    ", "-    "]
    assert table.row(["x", "y"]) == ["x    "]


def test_a_cell_shows_its_first_line_only():
    table = TableLayout(119, [12], ["left"])
    assert table.row(["one\ntwo"]) == ["one...      "]


def test_wrapped_rows():
    table = TableLayout(119, [5, 3], ["left", "right"], wrap=True)
    assert table.row(["aaa bbb ccc", "1"]) == ["aaa     1", "bbb      ", "ccc      "]


def test_fitted_widths_from_labels_and_values():
    assert fitted_widths(["Name", "Id"], [["web01", "1"], ["a", "12345"]]) == [5, 5]


def test_list_lines_pad_labels_and_wrap_values():
    assert list_lines(["Name", "MemoryAssigned"], ["web01", "4096"], 119) == [
        "Name           : web01", "MemoryAssigned : 4096"]
    lines = list_lines(["N"], ["alpha beta gamma"], 15)
    assert lines == ["N : alpha beta ", "    gamma"]
    assert list_lines(["N"], ["one\ntwo"], 119) == ["N : one", "    two"]


def test_wrap_text_splits_long_words():
    assert wrap_text("abcdefgh", 3) == ["abc", "def", "gh"]
    assert wrap_text("", 3) == [""]


def test_cell_text_for_collections_and_nulls():
    assert cell_text([1, 2, 3, 4]) == "{1, 2, 3, 4}"
    assert cell_text([1, 2, 3, 4, 5]) == "{1, 2, 3, 4...}"
    assert cell_text([]) == "{}"
    assert cell_text([None, "a"]) == "{$null, a}"
    assert cell_text(Hashtable([("a", 1), ("b", 2)])) == "{a, b}"
    assert cell_text([PSObject([("A", 1)])]) == "{@{A=1}}"
    assert cell_text(None) == ""
    assert cell_text(0.1 + 0.2) == "0.3"


class Color(PSEnum):
    Red = 1


def test_right_alignment_rule():
    assert is_right_aligned(1) and is_right_aligned(2.5) and is_right_aligned(True)
    assert is_right_aligned(Color.Red)
    assert not is_right_aligned("1") and not is_right_aligned(None)


def test_wide_characters_take_two_cells():
    assert display_width("日本") == 4
    # a cut that splits a wide character leaves a blank to keep the column
    assert fit_cell("日本語テキスト", 6, "left") == "日... "
