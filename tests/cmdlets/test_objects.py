"""Select-Object, Sort-Object, Group-Object, Measure-Object, Get-Member."""
from __future__ import annotations

import pytest

from hvshell.cmdlets.powershell.objects import GroupInfo, compare_values
from hvshell.format.outdefault import render
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.psobject import Hashtable, PSObject, type_names


def vm(name: str, state: str, memory: int, cpu: int) -> PSObject:
    return PSObject([("Name", name), ("State", state), ("Memory", memory), ("CPU", cpu)])


@pytest.fixture
def vms() -> list[PSObject]:
    return [vm("web01", "Running", 4 << 30, 2), vm("web02", "Off", 2 << 30, 1),
            vm("sql01", "Running", 16 << 30, 8)]


# ---- Select-Object ----------------------------------------------------------

def test_select_properties_builds_selected_objects(run, vms):
    out = run("Select-Object", {"Property": ["Name", "State"]}, vms)
    assert [list(o.items()) for o in out] == [
        [("Name", "web01"), ("State", "Running")], [("Name", "web02"), ("State", "Off")],
        [("Name", "sql01"), ("State", "Running")]]
    assert type_names(out[0])[:2] == ["Selected.System.Management.Automation.PSCustomObject",
                                      "System.Management.Automation.PSCustomObject"]


def test_select_wildcard_and_missing_property(run, vms):
    out = run("Select-Object", {"Property": ["N*", "Nope"]}, vms[:1])
    assert list(out[0].items()) == [("Name", "web01"), ("Nope", None)]


def test_select_calculated_property_with_short_keys(run, ctx, vms):
    gb = ctx.block(lambda o: o.get("Memory") / 2**30, " $_.Memory / 1GB ")
    out = run("Select-Object", {"Property": ["Name", Hashtable([("n", "MemoryGB"), ("e", gb)])]},
              vms)
    assert [o.get("MemoryGB") for o in out] == [4, 2, 16]


def test_select_bare_script_block_is_named_by_its_text(run, ctx, vms):
    block = ctx.block(lambda o: o.get("CPU") * 2, " $_.CPU * 2 ")
    out = run("Select-Object", {"Property": [block]}, vms[:1])
    assert list(out[0].items()) == [(" $_.CPU * 2 ", 4)]


def test_select_expression_failure_reads_as_null(run, ctx, vms):
    from hvshell.runtime.errors import ErrorRecord, PSError

    def fail(obj):
        raise PSError(ErrorRecord("boom"))
    out = run("Select-Object", {"Property": [Hashtable([("Name", "X"), ("Expression",
                                                                          ctx.block(fail))])]},
              vms[:1])
    assert out[0].get("X") is None


def test_select_bad_key_is_a_clear_error(run, ctx, vms):
    with pytest.raises(CmdletError) as caught:
        run("Select-Object", {"Property": [Hashtable([("Nmae", "X"), ("e", "Name")])]}, vms)
    assert "Nmae" in caught.value.record.message and "Expression" in caught.value.record.message


def test_select_missing_expression_key(run, vms):
    with pytest.raises(CmdletError) as caught:
        run("Select-Object", {"Property": [Hashtable([("Name", "X")])]}, vms)
    assert caught.value.record.error_id == "MissingExpressionKey"


def test_select_first_last_skip(run, vms):
    names = lambda out: [o.get("Name") for o in out]  # noqa: E731
    assert names(run("Select-Object", {"First": 2}, vms)) == ["web01", "web02"]
    assert names(run("Select-Object", {"Last": 1}, vms)) == ["sql01"]
    assert names(run("Select-Object", {"Skip": 1}, vms)) == ["web02", "sql01"]
    assert names(run("Select-Object", {"Skip": 1, "First": 1}, vms)) == ["web02"]
    assert names(run("Select-Object", {"Last": 1, "Skip": 1}, vms)) == ["web02"]
    assert names(run("Select-Object", {"First": 1, "Last": 1}, vms)) == ["web01", "sql01"]
    assert names(run("Select-Object", {"Index": [0, 2]}, vms, parameter_set="IndexParameter")) \
        == ["web01", "sql01"]


def test_select_first_stops_reading_its_input(run, vms):
    consumed = []

    def source():
        for obj in vms:
            consumed.append(obj)
            yield obj
    assert len(run("Select-Object", {"First": 1}, source())) == 1
    assert consumed == vms[:1]


def test_select_expand_property_flattens_arrays(run, vms):
    assert run("Select-Object", {"ExpandProperty": "Name"}, vms) == ["web01", "web02", "sql01"]
    nested = PSObject([("Tags", ["a", "b"])])
    assert run("Select-Object", {"ExpandProperty": "Tags"}, [nested, nested]) == \
        ["a", "b", "a", "b"]


def test_select_expand_missing_property_is_an_error(run, ctx, vms):
    assert run("Select-Object", {"ExpandProperty": "Nope"}, vms[:1]) == []
    assert ctx.errors[0].error_id == "ExpandPropertyNotFound"
    assert ctx.errors[0].message == 'Property "Nope" cannot be found.'


def test_select_unique(run):
    assert run("Select-Object", {"Unique": True}, [1, 1, 2, 3, 3]) == [1, 2, 3]
    # case matters for -Unique, as in PowerShell
    assert run("Select-Object", {"Unique": True}, ["a", "A", "a"]) == ["a", "A"]


def test_select_exclude_property_applies_with_property(run, vms):
    out = run("Select-Object", {"Property": ["*"], "ExcludeProperty": ["M*", "CPU"]}, vms[:1])
    assert out[0].names() == ["Name", "State"]
    # Windows PowerShell 5.1 ignores -ExcludeProperty without -Property
    assert run("Select-Object", {"ExcludeProperty": ["Name"]}, vms[:1]) == vms[:1]


def test_select_duplicate_property_is_reported(run, ctx, vms):
    out = run("Select-Object", {"Property": ["Name", "Name"]}, vms[:1])
    assert out[0].names() == ["Name"]
    assert ctx.errors[0].error_id == "AlreadyExistingUserSpecifiedPropertyNoExpand"


# ---- Sort-Object -------------------------------------------------------------

def test_sort_is_case_insensitive_and_stable(run):
    items = [PSObject([("N", n), ("I", i)]) for i, n in enumerate(["b", "A", "a", "B", "c"])]
    out = run("Sort-Object", {"Property": ["N"]}, items)
    assert [(o.get("N"), o.get("I")) for o in out] == \
        [("A", 1), ("a", 2), ("b", 0), ("B", 3), ("c", 4)]


def test_sort_case_sensitive_puts_lower_case_first(run):
    assert run("Sort-Object", {"CaseSensitive": True}, ["B", "a", "A", "b"]) == \
        ["a", "A", "b", "B"]


def test_sort_numbers_and_mixed_values(run):
    assert run("Sort-Object", {}, [10, 9, 100, 2.5]) == [2.5, 9, 10, 100]
    assert run("Sort-Object", {}, [3, 10.5, 2]) == [2, 3, 10.5]
    assert run("Sort-Object", {}, ["9", "10"]) == ["10", "9"]      # text sorts as text
    assert run("Sort-Object", {}, ["b", None, "a"]) == [None, "a", "b"]


def test_sort_descending_and_per_key_order(run, vms):
    out = run("Sort-Object", {"Property": ["Memory"], "Descending": True}, vms)
    assert [o.get("Name") for o in out] == ["sql01", "web01", "web02"]
    key = Hashtable([("Expression", "Name"), ("Descending", True)])
    out = run("Sort-Object", {"Property": ["State", key]}, vms)
    assert [o.get("Name") for o in out] == ["web02", "web01", "sql01"]


def test_sort_calculated_key_and_unique(run, ctx):
    length = ctx.block(lambda s: len(s), " $_.Length ")
    assert run("Sort-Object", {"Property": [length]}, ["ccc", "a", "bb"]) == ["a", "bb", "ccc"]
    assert run("Sort-Object", {"Unique": True}, ["b", "a", "B", "a"]) == ["a", "b"]


class Color(PSEnum):
    Red = 3
    Blue = 1


def test_sort_enums_by_value(run):
    assert run("Sort-Object", {}, [Color.Red, Color.Blue]) == [Color.Blue, Color.Red]


def test_compare_values_rules():
    assert compare_values(None, 1) == -1
    assert compare_values("abc", "ABC") == 0
    assert compare_values(2, "10") == -1          # the string converts to a number
    assert compare_values(2, "x") == -1           # no number: compared as text
    assert compare_values(True, False) == 1


# ---- Group-Object ------------------------------------------------------------

def test_group_by_property_in_first_seen_order(run, vms):
    out = run("Group-Object", {"Property": ["State"]}, vms)
    assert [(g.Name, g.Count) for g in out] == [("Running", 2), ("Off", 1)]
    assert isinstance(out[0], GroupInfo) and out[0].Group == [vms[0], vms[2]]
    assert out[0].Values == ["Running"]


def test_group_ignores_case_and_joins_several_keys(run):
    items = [PSObject([("A", "x"), ("B", 1)]), PSObject([("A", "X"), ("B", 1)]),
             PSObject([("A", "x"), ("B", 2)])]
    out = run("Group-Object", {"Property": ["A", "B"]}, items)
    assert [(g.Name, g.Count) for g in out] == [("x, 1", 2), ("x, 2", 1)]


def test_group_no_element_and_hashtable(run, vms):
    out = run("Group-Object", {"Property": ["State"], "NoElement": True}, vms)
    assert out[0].Group == [] and type_names(out[0])[0].endswith("GroupInfoNoElement")
    table = run("Group-Object", {"Property": ["State"], "AsHashTable": True}, vms)[0]
    assert isinstance(table, Hashtable) and len(table["running"]) == 2
    with pytest.raises(CmdletError):
        run("Group-Object", {"Property": ["State"], "AsString": True}, vms)


def test_group_table_view_matches_powershell(run, vms):
    out = run("Group-Object", {"Property": ["State"]}, vms)
    lines = render(out).split("\n")
    assert lines[1].rstrip() == "Count Name                      Group"
    assert lines[2].rstrip() == "----- ----                      -----"
    assert lines[3].startswith("    2 Running                   {@{Name=web01; State=Running;")


# ---- Measure-Object ----------------------------------------------------------

def test_measure_counts_by_default(run, vms):
    (info,) = run("Measure-Object", {}, vms)
    assert (info.Count, info.Sum, info.Average, info.Property) == (3, None, None, None)


def test_measure_property_statistics(run, vms):
    (info,) = run("Measure-Object", {"Property": ["CPU"], "Sum": True, "Average": True,
                                     "Maximum": True, "Minimum": True}, vms)
    assert (info.Count, info.Sum, info.Average, info.Maximum, info.Minimum, info.Property) == \
        (3, 11.0, 11 / 3, 8.0, 1.0, "CPU")


def test_measure_list_layout(run):
    (info,) = run("Measure-Object", {"Sum": True}, [1, 2, 3])
    assert render([info]) == (
        "\n\nCount    : 3\nAverage  : \nSum      : 6\nMaximum  : \nMinimum  : \n"
        "Property : \n\n\n\n")


def test_measure_missing_property_and_non_numeric(run, ctx, vms):
    run("Measure-Object", {"Property": ["Nope"]}, vms)
    assert ctx.errors[-1].error_id == "GenericMeasurePropertyNotFound"
    (info,) = run("Measure-Object", {"Property": ["Name"], "Sum": True}, vms[:1])
    assert ctx.errors[-1].error_id == "NonNumericInputObject" and info.Count == 0


def test_measure_text(run):
    (info,) = run("Measure-Object", {"Line": True, "Word": True, "Character": True},
                  ["one two\nthree", "four"], parameter_set="TextMeasure")
    assert (info.Lines, info.Words, info.Characters) == (3, 4, 17)


# ---- Get-Member ----------------------------------------------------------------

def test_get_member_of_custom_object(run):
    out = run("Get-Member", {}, [PSObject([("Name", "web01"), ("Size", 4), ("Gone", None)])])
    rows = [(m.Name, m.MemberType, m.Definition) for m in out]
    assert rows == [
        ("Equals", "Method", "bool Equals(System.Object obj)"),
        ("GetHashCode", "Method", "int GetHashCode()"),
        ("GetType", "Method", "type GetType()"),
        ("ToString", "Method", "string ToString()"),
        ("Gone", "NoteProperty", "object Gone=null"),
        ("Name", "NoteProperty", "string Name=web01"),
        ("Size", "NoteProperty", "int Size=4"),
    ]
    assert {m.TypeName for m in out} == {"System.Management.Automation.PSCustomObject"}


def test_get_member_once_per_type_and_filters(run):
    out = run("Get-Member", {"MemberType": ["Property"]}, ["a", "b"])
    assert [(m.Name, m.Definition) for m in out] == [("Length", "int Length {get;}")]
    out = run("Get-Member", {"Name": ["To*"]}, [PSObject([("A", 1)])])
    assert [m.Name for m in out] == ["ToString"]
    out = run("Get-Member", {"MemberType": ["Properties"]}, [PSObject([("A", 1)])])
    assert [m.MemberType for m in out] == ["NoteProperty"]


def test_get_member_of_model_object(run):
    import attrs

    @attrs.define
    class Disk:
        PS_TYPE = "Demo.Disk"
        Path: str
        Size: int

        @property
        def SizeGB(self) -> float:
            return self.Size / 2**30

        def Resize(self, size: int) -> None:
            self.Size = size

    out = run("Get-Member", {}, [Disk("a.vhdx", 5 << 30)])
    rows = {m.Name: (m.MemberType, m.Definition) for m in out}
    assert rows["Path"] == ("Property", "string Path {get;set;}")
    assert rows["Size"] == ("Property", "long Size {get;set;}")
    assert rows["SizeGB"] == ("Property", "double SizeGB {get;}")
    assert rows["Resize"] == ("Method", "void Resize(int size)")


def test_get_member_layout(run):
    out = run("Get-Member", {}, [PSObject([("A", 1)])])
    assert render(out) == (
        "\n\n   TypeName: System.Management.Automation.PSCustomObject\n\n"
        "Name        MemberType   Definition                    \n"
        "----        ----------   ----------                    \n"
        "Equals      Method       bool Equals(System.Object obj)\n"
        "GetHashCode Method       int GetHashCode()             \n"
        "GetType     Method       type GetType()                \n"
        "ToString    Method       string ToString()             \n"
        "A           NoteProperty int A=1                       \n"
        "\n\n")


def test_get_member_without_input(run):
    with pytest.raises(CmdletError) as caught:
        run("Get-Member", {})
    assert caught.value.record.error_id == "NoObjectInGetMember"
