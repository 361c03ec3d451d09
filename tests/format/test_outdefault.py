"""Out-Default: what the console shows for a stream of objects."""
from __future__ import annotations

import datetime as dt

import attrs

from hvshell.format import records as rec
from hvshell.format.formatter import Formatter
from hvshell.format.outdefault import OutDefault, render
from hvshell.format.properties import PropertySpec
from hvshell.format.views import Column, CustomView, ListView, TableView, register_view
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.psobject import Hashtable, PSObject


def obj(**props):
    return PSObject(props.items())


class State(PSEnum):
    Off = 3
    Running = 2


@attrs.define
class Box:
    PS_TYPE = "Test.Box"
    Name: str
    State: State
    Size: int


register_view("Test.Box", TableView((Column("Name"), Column("State"),
                                     Column("Size(M)", lambda b: b.Size // 2**20))))
register_view("Test.Box", ListView((Column("Name"), Column("Size"))), default=False)


@attrs.define
class Note:
    PS_TYPE = "Test.Note"
    Text: str


register_view("Test.Note", CustomView(lambda n: f"<{n.Text}>"))


def test_scalars_print_bare():
    assert render(["text", 42, True, False, None, 2.5, State.Running]) == \
        "text\n42\nTrue\nFalse\n2.5\nRunning\n"


def test_arrays_are_unrolled():
    assert render([[1, [2, 3]], "x"]) == "1\n2\n3\nx\n"


def test_small_object_is_a_table_framed_by_blank_lines():
    assert render([obj(Name="web01", CPU=2)]) == \
        "\nName  CPU\n----  ---\nweb01   2\n\n\n"


def test_five_properties_make_a_list():
    assert render([obj(A=1, B=2, C=3, D=4, E=5), obj(A=6, B=7, C=8, D=9, E=10)]) == (
        "\n\nA : 1\nB : 2\nC : 3\nD : 4\nE : 5\n\nA : 6\nB : 7\nC : 8\nD : 9\nE : 10\n\n\n\n")


def test_first_object_fixes_the_columns():
    text = render([obj(Name="a", CPU=1), obj(Other="x"), obj(Name="bbbbbb", CPU=22)])
    assert text == ("\nName   CPU\n----   ---\na        1\n          \nbbbbbb  22\n\n\n")


def test_a_property_table_takes_only_its_first_type():
    other = PSObject([("Size", 5)], type_names=["Selected.Test.Other"])
    text = render([obj(Name="a"), other, obj(Name="b")])
    assert text == "\nName\n----\na   \n\nSize : 5\n\nb   \n\n\n"


def test_columns_fit_the_data_and_numbers_align_right():
    text = render([obj(Name="a-much-longer-name", Memory=65536), obj(Name="web01", Memory=4)])
    assert text.split("\n")[1:5] == ["Name               Memory", "----               ------",
                                     "a-much-longer-name  65536", "web01                   4"]


def test_strings_among_objects_print_out_of_band():
    assert render([obj(A=1), "note", obj(A=2)]) == "\nA\n-\n1\nnote\n2\n\n\n"


def test_registered_view_and_an_uncovered_object():
    box = Box("vm1", State.Running, 4096 << 20)
    text = render([box, obj(A=1), box])
    # (the view leaves State's alignment to the rule: an enum aligns right)
    assert text == ("\nName   State Size(M)\n----   ----- -------\nvm1  Running    4096\n"
                    "\nA : 1\n\nvm1  Running    4096\n\n\n")


def test_hashtable_prints_name_and_value():
    lines = render([Hashtable([("Zeta", 1), ("Alpha", "two")])]).split("\n")
    assert lines[1] == "Name" + " " * 27 + "Value" + " " * 83
    assert len(lines[1]) == 119
    assert lines[3].rstrip() == "Zeta                           1"


def test_datetime_prints_long_form_and_timespan_as_list():
    assert render([dt.datetime(2014, 3, 25, 9, 0)]) == \
        "\nTuesday, March 25, 2014 9:00:00 AM\n\n\n"
    text = render([dt.timedelta(minutes=1, milliseconds=500)])
    assert text.startswith("\n\nDays              : 0\nHours             : 0\n"
                           "Minutes           : 1\nSeconds           : 0\n"
                           "Milliseconds      : 500\n")


def test_custom_view():
    assert render([Note("a"), Note("b")]) == "\n<a>\n<b>\n\n\n"


def test_narrow_console_hides_then_cuts_columns():
    # Status does not fit at all and disappears; Name is cut to the console
    text = render([obj(Name="a" * 30, Status="Operating normally")], width=30)
    assert text.split("\n")[1:4] == ["Name".ljust(29), "----".ljust(29), "a" * 26 + "..."]


def test_flush_fixes_widths_for_the_rest_of_the_block():
    lines: list[str] = []
    out = OutDefault(lines.append, 120)
    out.write(obj(Name="ab", N=1))
    assert lines == ["\n"]                       # rows wait for their widths
    out.flush()
    assert lines == ["\n", "Name N\n", "---- -\n", "ab   1\n"]
    out.write(obj(Name="a-longer-name", N=2))
    out.close()
    assert lines[4:] == ["a... 2\n", "\n", "\n"]


def test_close_then_new_block():
    lines: list[str] = []
    out = OutDefault(lines.append, 120)
    out.write(obj(A=1))
    out.close()
    out.write(obj(B=2))
    out.close()
    assert "".join(lines) == "\nA\n-\n1\n\n\n\nB\n-\n2\n\n\n"


def test_format_table_records_pass_through():
    # a width on the first column: the open column takes the rest of the line
    formatter = Formatter(rec.TABLE, [PropertySpec("B", width=4), PropertySpec("A")])
    records = formatter.process([obj(A=1, B="x"), obj(A=22, B="y")]) + formatter.end()
    lines: list[str] = []
    out = OutDefault(lines.append, 20)
    out.write(obj(Z=0))                          # an open default block is closed first
    for record in records:
        out.write(record)
    out.close()
    assert "".join(lines) == ("\nZ\n-\n0\n\n\n"
                              "\nB                 A\n-                 -\n"
                              "x                 1\ny                22\n\n\n")


def test_group_by_starts_a_group_when_the_value_changes():
    formatter = Formatter(rec.TABLE, group_by=PropertySpec("K"))
    records = []
    for item in (obj(K="a", V=1), obj(K="a", V=2), obj(K="b", V=3)):
        records += formatter.process(item)
    records += formatter.end()
    assert render(records) == ("\n\n   K: a\n\nK V\n- -\na 1\na 2\n\n\n   K: b\n\n"
                               "K V\n- -\nb 3\n\n\n")


def test_format_list_uses_the_list_view_of_the_type():
    formatter = Formatter(rec.LIST)
    records = formatter.process(Box("vm1", State.Off, 1)) + formatter.end()
    assert render(records) == "\n\nName : vm1\nSize : 1\n\n\n\n"


def test_format_string_and_alignment_of_calculated_columns():
    spec = PropertySpec("N", label="Pct", format_string="P1", alignment="left")
    formatter = Formatter(rec.TABLE, [spec])
    records = formatter.process(obj(N=0.256)) + formatter.end()
    assert render(records).split("\n")[3] == "25.6 %"


def test_error_records_print_in_the_error_layout_out_of_band():
    from hvshell.runtime.errors import ErrorRecord
    record = ErrorRecord("it broke", "Broken", "InvalidOperation", command="Get-Thing",
                         command_type="Test.GetThing")
    assert render([obj(A=1), record]) == (
        "\nA\n-\n1\nGet-Thing : it broke\n"
        "    + CategoryInfo          : InvalidOperation: (:) [Get-Thing], RuntimeException\n"
        "    + FullyQualifiedErrorId : Broken,Test.GetThing\n \n\n\n")


def test_formatted_lone_lines_do_not_close_the_open_block():
    formatter = Formatter(rec.TABLE)
    records = formatter.process(["x", "y"]) + formatter.end()
    assert records and all(r.out_of_band for r in records)
    assert render([obj(A=1)] + records + [obj(A=2)]) == "\nA\n-\n1\nx\ny\n2\n\n\n"
