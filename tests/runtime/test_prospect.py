"""Binder.prospect: what a half-typed command line can still bind to
(tab completion asks it; nothing is converted or refused)."""
from __future__ import annotations

from hvshell.runtime.binder import Arg, Binder, CommandSpec
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch


class GetThing(Cmdlet):
    """Shaped like Get-VM: -Name or -Id at position 0, -Name the default."""
    name = "Get-Thing"
    default_set = "Name"
    Id = Parameter(str, sets=(In("Id", position=0),))
    Name = Parameter(str, array=True, position=0, sets=("Name",))
    ComputerName = Parameter(str, array=True)
    Force = Parameter(Switch)


class MoveThing(Cmdlet):
    name = "Move-Thing"
    Name = Parameter(str, position=0)
    DestinationHost = Parameter(str, position=1)


def binder(cls):
    return Binder(CommandSpec(cls.name, cls.parameters(), cls.parameter_sets(), cls.default_set,
                              cls.common_parameters()))


def test_positional_values_bind_as_the_default_set_would():
    p = binder(GetThing).prospect([Arg(None, "web01")])
    assert p.values == {"Name": "web01"} and p.sets == ["Name"]
    assert p.following == []                 # -Name was the only positional of its set
    p = binder(MoveThing).prospect([Arg(None, "web01")])
    assert [f.name for f in p.following] == ["DestinationHost"]


def test_the_next_positional_value_may_go_to_either_set():
    p = binder(GetThing).prospect([])
    assert [f.name for f in p.following] == ["Name", "Id"]      # the default set first


def test_a_named_parameter_awaits_its_value_and_switches_take_none():
    p = binder(GetThing).prospect([Arg("Comp")])
    assert p.awaiting.name == "ComputerName" and not p.awaiting_unknown
    p = binder(GetThing).prospect([Arg("Force")])
    assert p.awaiting is None and p.values == {"Force": True}
    p = binder(GetThing).prospect([Arg("ea")])
    assert p.awaiting.name == "ErrorAction" and p.common == {"ErrorAction"}


def test_unknown_names_and_surplus_values_are_not_refused():
    p = binder(GetThing).prospect([Arg("Nope")])
    assert p.awaiting is None and p.awaiting_unknown
    p = binder(MoveThing).prospect([Arg(None, "a"), Arg(None, "b"), Arg(None, "c")])
    assert p.values == {} and p.following == []


def test_named_parameters_narrow_the_sets():
    p = binder(GetThing).prospect([Arg("Id", "7", has_value=True)])
    assert p.sets == ["Id"] and p.values == {"Id": "7"}
