import pytest

from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.binder import Arg, Binder, BindingError, CommandSpec
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch


class Option(PSEnum):
    TCPIP = 0
    Compression = 1
    SMB = 2


class FakeVM:
    PS_TYPE = "Test.VirtualMachine"

    def __init__(self, name):
        self.Name = name


class MoveThing(Cmdlet):
    """A test cmdlet shaped like Move-VM."""
    default_set = "Name"
    Name = Parameter(str, sets=(In("Name", position=0, mandatory=True, pipeline=True),),
                     by_property=True, aliases=("VMName",))
    VM = Parameter(FakeVM, array=True, sets=(In("VM", position=0, mandatory=True, pipeline=True),))
    DestinationHost = Parameter(str, position=1, mandatory=True)
    DestinationStoragePath = Parameter(str)
    DestinationServer = Parameter(str)
    Option = Parameter(Option)
    Count = Parameter(int, validate_range=(1, 64))
    Force = Parameter(Switch)


def binder():
    return Binder(CommandSpec("Move-Thing", MoveThing.parameters(), MoveThing.parameter_sets(),
                              MoveThing.default_set, MoveThing.common_parameters()))


def test_named_prefix_and_alias():
    b = binder().bind([Arg("VMName", "web01", True), Arg("DestinationH", "HV02", True)], None)
    assert b.values == {"Name": "web01", "DestinationHost": "HV02"}
    assert b.sets == ["Name"]


def test_ambiguous_prefix_lists_candidates():
    with pytest.raises(BindingError) as info:
        binder().bind([Arg("Destination", "x", True)], None)
    assert info.value.error_id == "AmbiguousParameter"
    assert "-DestinationHost -DestinationStoragePath -DestinationServer" in str(info.value)


def test_unknown_parameter():
    with pytest.raises(BindingError, match="cannot be found that matches parameter name 'Nope'"):
        binder().bind([Arg("Nope", 1, True)], None)


def test_value_pairs_with_next_argument_and_switches_do_not():
    b = binder().bind([Arg("Force"), Arg(None, "web01", True), Arg(None, "HV02", True)], None)
    assert b.values == {"Force": True, "Name": "web01", "DestinationHost": "HV02"}


def test_missing_argument():
    with pytest.raises(BindingError, match="Missing an argument for parameter 'DestinationHost'"):
        binder().bind([Arg("DestinationHost")], None)


def test_positional_picks_set_by_type():
    vm = FakeVM("web01")
    b = binder().bind([Arg(None, vm, True), Arg(None, "HV02", True)], None)
    assert b.sets == ["VM"] and b.values["VM"] == [vm]
    b = binder().bind([Arg(None, "web01", True), Arg(None, "HV02", True)], None)
    assert b.values["Name"] == "web01"


def test_too_many_positionals():
    with pytest.raises(BindingError, match="positional parameter cannot be found that accepts argument 'extra'"):
        binder().bind([Arg(None, "a", True), Arg(None, "b", True), Arg(None, "extra", True)], None)


def test_enum_values_listed_on_error():
    with pytest.raises(BindingError, match="TCPIP, Compression, SMB"):
        binder().bind([Arg("Option", "Fast", True)], None)
    assert binder().bind([Arg("Option", "smb", True)], None).values["Option"] is Option.SMB


def test_validate_range():
    with pytest.raises(BindingError, match="greater than the maximum allowed range of 64"):
        binder().bind([Arg("Count", 65, True)], None)


def test_pipeline_by_value_prefers_exact_type_then_property_name():
    b = binder()
    bound = b.bind([Arg("DestinationHost", "HV02", True)], None)
    set_name, values = b.bind_pipeline(bound, FakeVM("web01"), None)
    assert set_name == "VM" and values["VM"][0].Name == "web01"
    set_name, values = b.bind_pipeline(bound, "sql01", None)
    assert set_name == "Name" and values == {"Name": "sql01"}


def test_mandatory_missing_unless_pipeline_can_supply():
    b = binder()
    bound = b.bind([Arg(None, "web01", True)], None)
    assert b.missing_mandatory(bound, False) == ["DestinationHost"]
    bound = b.bind([Arg("DestinationHost", "HV02", True)], None)
    assert b.missing_mandatory(bound, True) == []


def test_common_parameters():
    b = binder().bind([Arg("ea", "Stop", True), Arg("Verbose")], None)
    assert b.common["ErrorAction"].name == "Stop" and b.common["Verbose"] is True


def test_null_binds_to_a_number_as_zero():
    assert binder().bind([Arg("Count", None, True)], None).values["Count"] == 0
