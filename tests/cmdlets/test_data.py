"""ConvertTo-Json, CSV and content cmdlets."""
from __future__ import annotations

import datetime as dt

import pytest

from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.psobject import Hashtable, PSObject, type_names


class State(PSEnum):
    Running = 2


# ---- ConvertTo-Json -------------------------------------------------------------

def test_json_layout_of_windows_powershell_5(run):
    item = PSObject([("Name", "web01"), ("Memory", 4 << 30), ("Running", True),
                     ("Tags", ["a", "b"]), ("Inner", PSObject([("X", 1)])), ("Parent", None)])
    (text,) = run("ConvertTo-Json", {}, [item])
    assert text == (
        '{\n'
        '    "Name":  "web01",\n'
        '    "Memory":  4294967296,\n'
        '    "Running":  true,\n'
        '    "Tags":  [\n'
        '                 "a",\n'
        '                 "b"\n'
        '             ],\n'
        '    "Inner":  {\n'
        '                  "X":  1\n'
        '              },\n'
        '    "Parent":  null\n'
        '}')


def test_json_compress_arrays_and_pipeline(run):
    assert run("ConvertTo-Json", {"Compress": True}, [Hashtable([("Only", 1)])]) == ['{"Only":1}']
    assert run("ConvertTo-Json", {"Compress": True}, [1, 2, 3]) == ["[1,2,3]"]
    assert run("ConvertTo-Json", {}, [[1, 2]]) == ["[\n    1,\n    2\n]"]
    assert run("ConvertTo-Json", {}, [[]]) == ["[\n\n]"]
    assert run("ConvertTo-Json", {}, [Hashtable()]) == ["{\n\n}"]
    assert run("ConvertTo-Json", {}, []) == []


def test_json_values(run):
    (text,) = run("ConvertTo-Json", {"Compress": True}, [PSObject([
        ("S", State.Running), ("D", dt.datetime(2014, 3, 25, 9, 0)), ("F", 0.5), ("G", 6.0),
        ("E", 1e20), ("T", "<a href='x'>&")])])
    assert text == ('{"S":2,"D":"\\/Date(1395738000000)\\/","F":0.5,"G":6,"E":1E+20,'
                    '"T":"\\u003ca href=\\u0027x\\u0027\\u003e\\u0026"}')
    assert run("ConvertTo-Json", {}, ['quote " and \\ backslash']) == \
        ['"quote \\" and \\\\ backslash"']


def test_json_depth_cuts_to_text(run):
    deep = Hashtable([("a", Hashtable([("b", Hashtable([("c", Hashtable([("d", 1)]))]))]))])
    (text,) = run("ConvertTo-Json", {"Compress": True}, [deep])
    assert text == '{"a":{"b":{"c":"System.Collections.Hashtable"}}}'
    (text,) = run("ConvertTo-Json", {"Compress": True, "Depth": 1}, [deep])
    assert text == '{"a":{"b":"System.Collections.Hashtable"}}'


def test_json_timespan(run):
    (text,) = run("ConvertTo-Json", {"Compress": True}, [dt.timedelta(seconds=90)])
    assert text.startswith('{"Ticks":900000000,"Days":0,"Hours":0,"Milliseconds":0,'
                           '"Minutes":1,"Seconds":30,')


# ---- CSV ---------------------------------------------------------------------------

def vms():
    return [PSObject([("Name", "web01"), ("MemoryGB", 4), ("Note", "front, end")]),
            PSObject([("Name", "sql01"), ("MemoryGB", 16), ("Note", 'say "hi"')])]


def test_export_csv_writes_type_line_and_quotes_every_field(run, ctx):
    run("Export-Csv", {"Path": "vms.csv"}, vms())
    assert (ctx.root / "vms.csv").read_text() == (
        '#TYPE System.Management.Automation.PSCustomObject\n'
        '"Name","MemoryGB","Note"\n"web01","4","front, end"\n"sql01","16","say ""hi"""\n')
    run("Export-Csv", {"Path": "plain.csv", "NoTypeInformation": True, "Delimiter": ";"},
        [PSObject([("A", None), ("B", [1, 2])])])
    assert (ctx.root / "plain.csv").read_text() == '"A";"B"\n;"System.Object[]"\n'


def test_export_csv_append_follows_the_existing_header(run, ctx):
    run("Export-Csv", {"Path": "a.csv", "NoTypeInformation": True}, vms()[:1])
    extra = PSObject([("Note", "n"), ("MemoryGB", 1), ("Name", "x"), ("More", 5)])
    run("Export-Csv", {"Path": "a.csv", "NoTypeInformation": True, "Append": True}, [extra])
    assert (ctx.root / "a.csv").read_text().splitlines()[-1] == '"x","1","n"'
    with pytest.raises(CmdletError) as caught:
        run("Export-Csv", {"Path": "a.csv", "Append": True}, [PSObject([("Name", "y")])])
    assert caught.value.record.error_id == "CannotAppendCsvWithMismatchedPropertyNames"


def test_import_csv_round_trip(run, ctx):
    run("Export-Csv", {"Path": "vms.csv"}, vms())
    back = run("Import-Csv", {"Path": "vms.csv"})
    assert [list(o.items()) for o in back] == [
        [("Name", "web01"), ("MemoryGB", "4"), ("Note", "front, end")],
        [("Name", "sql01"), ("MemoryGB", "16"), ("Note", 'say "hi"')]]
    assert type_names(back[0])[0] == "CSV:System.Management.Automation.PSCustomObject"


def test_import_csv_header_and_delimiter(run, ctx):
    (ctx.root / "raw.txt").write_text("a|b\nc\n")
    out = run("Import-Csv", {"Path": "raw.txt", "Delimiter": "|", "Header": ["X", "Y"]})
    assert [list(o.items()) for o in out] == [[("X", "a"), ("Y", "b")], [("X", "c"), ("Y", None)]]
    (ctx.root / "dup.csv").write_text("a,A\n1,2\n")
    with pytest.raises(CmdletError):
        run("Import-Csv", {"Path": "dup.csv"})


def test_convert_csv_both_ways(run):
    lines = run("ConvertTo-Csv", {"NoTypeInformation": True}, vms())
    assert lines[0] == '"Name","MemoryGB","Note"'
    back = run("ConvertFrom-Csv", {}, lines)
    assert back[1].get("Note") == 'say "hi"'


# ---- content -------------------------------------------------------------------------

def test_set_add_get_content(run, ctx):
    run("Set-Content", {"Path": "f.txt", "Value": ["one", 2, True]})
    assert (ctx.root / "f.txt").read_text() == "one\n2\nTrue\n"
    run("Add-Content", {"Path": "f.txt", "Value": "four"})
    assert run("Get-Content", {"Path": "f.txt"}) == ["one", "2", "True", "four"]
    assert run("Get-Content", {"Path": "f.txt", "TotalCount": 2}) == ["one", "2"]
    assert run("Get-Content", {"Path": "f.txt", "Tail": 1}) == ["four"]
    assert run("Get-Content", {"Path": "f.txt", "Raw": True}) == ["one\n2\nTrue\nfour\n"]


def test_set_content_from_the_pipeline_and_no_newline(run, ctx):
    run("Set-Content", {"Path": "p.txt"}, ["a", "b"], pipe="Value")
    assert (ctx.root / "p.txt").read_text() == "a\nb\n"
    run("Set-Content", {"Path": "p.txt", "Value": ["a", "b"], "NoNewline": True})
    assert (ctx.root / "p.txt").read_text() == "ab"


def test_get_content_reads_byte_order_marks_and_wildcards(run, ctx):
    (ctx.root / "u16.txt").write_bytes(b"\xff\xfeh\x00i\x00\r\x00\n\x00")
    (ctx.root / "u8.txt").write_bytes(b"\xef\xbb\xbfok\r\n")
    assert run("Get-Content", {"Path": "u*.txt"}) == ["hi", "ok"]


def test_get_content_missing_file_is_a_non_terminating_error(run, ctx):
    assert run("Get-Content", {"Path": ["nope.txt"]}) == []
    assert ctx.errors[0].error_id == "PathNotFound"
    assert ctx.errors[0].message == "Cannot find path 'nope.txt' because it does not exist."


def test_content_whatif_and_root(run, ctx):
    ctx.whatif = True
    run("Set-Content", {"Path": "w.txt", "Value": "x"})
    assert not (ctx.root / "w.txt").exists()
    assert ctx.whatif_lines == ['What if: Performing the operation "Set Content" on target '
                                '"Path: w.txt".']
    assert run("Get-Content", {"Path": "/etc/passwd"}) == []
    assert ctx.errors[-1].error_id == "FileAccessDenied"
