"""Format-Table, Format-List, Out-String, Out-File."""
from __future__ import annotations

import pytest

from hvshell.format import records as rec
from hvshell.format.outdefault import render
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.psobject import Hashtable, PSObject


def rows():
    return [PSObject([("Id", i), ("Square", i * i), ("Label", f"row {i}")]) for i in (1, 2, 3)]


def test_format_table_emits_format_records(run):
    out = run("Format-Table", {}, rows())
    assert [type(r) for r in out] == [rec.FormatStart, rec.GroupStart, rec.FormatEntry,
                                      rec.FormatEntry, rec.FormatEntry, rec.GroupEnd,
                                      rec.FormatEnd]
    assert render(out) == ("\nId Square Label\n-- ------ -----\n 1      1 row 1\n"
                           " 2      4 row 2\n 3      9 row 3\n\n\n")


def test_format_table_properties_and_calculated_column(run, ctx):
    cube = ctx.block(lambda o: o.get("Id") * o.get("Square"), " $_.Id * $_.Square ")
    out = run("Format-Table", {"Property": [Hashtable([("Label", "Cube"), ("Expression", cube)]),
                                            "Label"]}, rows())
    assert render(out) == ("\nCube Label\n---- -----\n   1 row 1\n   8 row 2\n  27 row 3\n"
                           "\n\n")


def test_format_table_wildcards_resolve_on_the_first_object(run):
    out = run("Format-Table", {"Property": ["*e*"]}, rows())
    assert render(out).split("\n")[1] == "Square Label"


def test_format_table_width_alignment_and_hidden_headers(run):
    column = Hashtable([("e", "Label"), ("w", 8), ("a", "Right")])
    out = run("Format-Table", {"Property": [column], "HideTableHeaders": True}, rows()[:1])
    assert render(out) == "\n   row 1\n\n\n"


def test_format_table_group_by(run):
    items = [PSObject([("State", s), ("Name", n)]) for s, n in
             (("Running", "a"), ("Running", "b"), ("Off", "c"))]
    out = run("Format-Table", {"GroupBy": "State", "Property": ["Name"]}, items)
    assert render(out) == ("\n\n   State: Running\n\nName\n----\na   \nb   \n\n\n"
                           "   State: Off\n\nName\n----\nc   \n\n\n")


def test_format_table_wrap(run):
    item = PSObject([("Name", "x"), ("Text", "alpha beta gamma delta")])
    out = run("Format-Table", {"Property": ["Name", Hashtable([("e", "Text"), ("Width", 11)])],
                               "Wrap": True}, [item])
    # Name has no width: the columns are fitted to the data
    assert render(out).split("\n")[3] == "x    alpha beta gamma delta"


def test_format_table_bad_alignment(run):
    with pytest.raises(CmdletError) as caught:
        run("Format-Table", {"Property": [Hashtable([("e", "Id"), ("Alignment", "Middle")])]},
            rows())
    assert "Left, Center or Right" in caught.value.record.message


def test_format_list_all_and_selected_properties(run):
    item = PSObject([("Name", "web01"), ("State", "Running"), ("Tags", ["a", "b", "c", "d", "e"])])
    assert render(run("Format-List", {}, [item])) == \
        "\n\nName  : web01\nState : Running\nTags  : {a, b, c, d...}\n\n\n\n"
    assert render(run("Format-List", {"Property": ["Name", "State"]}, [item])) == \
        "\n\nName  : web01\nState : Running\n\n\n\n"
    assert render(run("Format-List", {"Property": ["*"]}, [item])).count(" : ") == 3


def test_format_list_of_a_hashtable(run):
    out = run("Format-List", {}, [Hashtable([("a", 1)])])
    assert render(out) == "\n\nName  : a\nKey   : a\nValue : 1\n\n\n\n"


def test_out_string_one_string_with_newlines(run):
    (text,) = run("Out-String", {}, [PSObject([("Name", "web01"), ("Size", 40)])])
    assert text == "\nName  Size\n----  ----\nweb01   40\n\n\n"
    assert run("Out-String", {}, ["one", "two"]) == ["one\ntwo\n"]
    assert run("Out-String", {}) == [""]


def test_out_string_stream_and_width(run):
    assert run("Out-String", {"Stream": True}, ["one", "two"]) == ["one", "two"]
    (text,) = run("Out-String", {"Width": 10},
                  [PSObject([("Name", "a-long-name-here"), ("N", 1)])])
    assert text.split("\n")[3] == "a-long-..."


def test_out_string_renders_format_table_output(run, ctx):
    records = run("Format-Table", {}, rows()[:1])
    assert run("Out-String", {}, records) == \
        ["\nId Square Label\n-- ------ -----\n 1      1 row 1\n\n\n"]


def test_out_file_writes_what_the_console_shows(run, ctx):
    run("Out-File", {"FilePath": "out.txt"}, ["a", PSObject([("N", 1)])])
    assert (ctx.root / "out.txt").read_text() == "a\n\nN\n-\n1\n\n\n"
    run("Out-File", {"FilePath": "out.txt", "Append": True}, ["b"])
    assert (ctx.root / "out.txt").read_text().endswith("\n\n\nb\n")


def test_out_file_encoding_no_clobber_and_whatif(run, ctx):
    run("Out-File", {"FilePath": "u.txt", "Encoding": "Unicode"}, ["hi"])
    assert (ctx.root / "u.txt").read_bytes() == b"\xff\xfeh\x00i\x00\n\x00"
    with pytest.raises(CmdletError) as caught:
        run("Out-File", {"FilePath": "u.txt", "NoClobber": True}, ["x"])
    assert caught.value.record.error_id == "NoClobber"
    ctx.whatif = True
    run("Out-File", {"FilePath": "w.txt"}, ["x"])
    assert not (ctx.root / "w.txt").exists()
    assert ctx.whatif_lines == ['What if: Performing the operation "Output to File" on target '
                                '"w.txt".']


def test_out_file_stays_below_the_root(run):
    with pytest.raises(CmdletError) as caught:
        run("Out-File", {"FilePath": "../escape.txt"}, ["x"])
    assert caught.value.record.error_id == "FileAccessDenied"
