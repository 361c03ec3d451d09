"""Completion as a pure function of (text, cursor) and the shell's state."""
from __future__ import annotations

import pytest

from hvshell.pstypes.objects import PSEnum
from hvshell.repl.completion import CompletionEngine, quote_value
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch
from tests.repl.conftest import FakeFunction, FakeInterp
from tests.repl.labs import make_lab


class Performance(PSEnum):
    TCPIP = 0
    Compression = 1
    SMB = 2


@pytest.fixture
def decls(test_cmdlets):
    """Declarations shaped like Move-VM and Set-VMHost, under test names."""
    single, multiple = "NameSingleDestination", "NameMultipleDestinations"
    vm_single, vm_multiple = "VMSingleDestination", "VMMultipleDestinations"

    class MoveTestVM(Cmdlet):
        name = "Move-TestVM"
        default_set = single
        supports_should_process = True
        Name = Parameter(str, position=0, mandatory=True, sets=(single, multiple), complete="vm")
        VM = Parameter(object, position=0, sets=(vm_single, vm_multiple), pipeline=True)
        DestinationHost = Parameter(str, position=1, complete="host")
        DestinationStoragePath = Parameter(str, sets=(single, vm_single))
        VirtualMachinePath = Parameter(str, sets=(multiple, vm_multiple))
        ComputerName = Parameter(str, array=True, complete="host")
        AsJob = Parameter(Switch)

    class SetTestHost(Cmdlet):
        name = "Set-TestHost"
        aliases = ("sth",)
        ComputerName = Parameter(str, array=True, position=0, complete="host")
        VirtualMachineMigrationPerformanceOption = Parameter(Performance)
        MaximumVirtualMachineMigrations = Parameter(int)
        UseAnyNetworkForMigration = Parameter(bool)

    class GetTestVM(Cmdlet):
        name = "Get-TestVM"
        default_set = "Name"
        Name = Parameter(str, array=True, position=0, sets=("Name",), complete="vm",
                         aliases=("VMName",))
        Id = Parameter(str, position=0, sets=(In("Id", position=0),))
        ComputerName = Parameter(str, array=True, complete="host")

    class StopTestVM(Cmdlet):
        name = "Stop-TestVM"
        Name = Parameter(str, array=True, position=0, complete="vm")
        Force = Parameter(Switch)
        Shape = Parameter(str, validate_set=("Round", "Square"))

    return {"move": MoveTestVM, "set": SetTestHost, "get": GetTestVM}


@pytest.fixture
def engine(interp, decls):
    return CompletionEngine(interp)


def texts(engine, text, cursor=None):
    return [c.text for c in engine.complete(text, cursor).candidates]


def test_command_names_from_the_registry(engine):
    assert texts(engine, "Move-Test") == ["Move-TestVM"]
    assert texts(engine, "set-testh") == ["Set-TestHost"]          # case normalised
    assert texts(engine, "*-Test*VM") == ["Get-TestVM", "Move-TestVM", "Stop-TestVM"]
    result = engine.complete("$x = Get-Test")
    assert result.start == 5


def test_aliases_and_functions_are_commands(engine, interp):
    interp.functions["get-testreport"] = FakeFunction("Get-TestReport")
    assert texts(engine, "Get-Test") == ["Get-TestReport", "Get-TestVM"]
    assert texts(engine, "sth") == ["sth"]
    assert engine.knows_command("STH") and engine.knows_command("get-testreport")
    assert not engine.knows_command("Get-Nothing")


def test_parameter_names_follow_the_declaration(engine):
    assert texts(engine, "Move-TestVM -Dest") == ["-DestinationHost", "-DestinationStoragePath"]
    names = texts(engine, "Move-TestVM -")
    assert names[:7] == ["-Name", "-VM", "-DestinationHost", "-DestinationStoragePath",
                         "-VirtualMachinePath", "-ComputerName", "-AsJob"]
    # common parameters come after, with -WhatIf/-Confirm only for ShouldProcess cmdlets
    assert "-ErrorAction" in names and "-WhatIf" in names
    assert "-WhatIf" not in texts(engine, "Set-TestHost -")


def test_parameter_names_respect_the_possible_sets(engine):
    # -VirtualMachinePath excludes -DestinationStoragePath (and vice versa)
    assert texts(engine, "Move-TestVM -VirtualMachinePath D:\\VMs -Dest") == ["-DestinationHost"]
    after_storage = texts(engine, "Move-TestVM -DestinationStoragePath D:\\x -")
    assert "-VirtualMachinePath" not in after_storage
    assert "-DestinationStoragePath" not in after_storage          # already given
    # a prefix binds too: -VM alone rules out the Name sets
    assert "-Name" not in texts(engine, "Move-TestVM -VM $v -")
    # -ea is ErrorAction: not offered again
    assert "-ErrorAction" not in texts(engine, "Move-TestVM -ea Stop -")


def test_positional_value_binds_and_narrows(engine):
    # `web01` took -Name (position 0): the next positional is -DestinationHost
    assert texts(engine, "Move-TestVM web01 ") == ["HV01", "HV02"]
    assert "-Name" not in texts(engine, "Move-TestVM web01 -")


def test_parameter_alias_offered_when_no_name_matches(engine):
    assert texts(engine, "Get-TestVM -VMN") == ["-VMName"]


def test_enum_values_in_declaration_order(engine):
    text = "Set-TestHost -VirtualMachineMigrationPerformanceOption "
    assert texts(engine, text) == ["TCPIP", "Compression", "SMB"]
    assert texts(engine, text + "c") == ["Compression"]
    assert texts(engine, "Set-TestHost -VirtualMachineMigrationPerformanceOption:s") == ["SMB"]
    assert texts(engine, "Stop-TestVM -Shape ") == ["Round", "Square"]


def test_common_parameter_values(engine):
    assert texts(engine, "Get-TestVM -ErrorAction ") == [
        "SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend"]
    assert texts(engine, "Get-TestVM -ea si") == ["SilentlyContinue"]


def test_switch_and_bool_values(engine):
    assert texts(engine, "Move-TestVM -AsJob:") == ["$true", "$false"]
    assert texts(engine, "Set-TestHost -UseAnyNetworkForMigration ") == ["$true", "$false"]
    # a switch without a colon takes no value: the word is positional
    assert texts(engine, "Stop-TestVM -Force w") == ["web01", "web02"]


def test_vm_names_on_the_session_host(engine):
    assert texts(engine, "Get-TestVM ") == ["dc01", "'sql 01'", "web01", "web02"]
    assert texts(engine, "Get-TestVM -Name W") == ["web01", "web02"]
    assert texts(engine, "Get-TestVM -VMName d") == ["dc01"]


def test_vm_names_scoped_by_typed_computer_name(engine):
    assert texts(engine, "Get-TestVM -ComputerName HV02 ") == ["file01", "web03"]
    assert texts(engine, "Get-TestVM -ComputerName HV02 -Name w") == ["web03"]
    assert texts(engine, "Get-TestVM -ComputerName nowhere ") == []


def test_vm_names_follow_the_session_host(engine, interp):
    interp.session.computer_name = "HV02"
    assert texts(engine, "Get-TestVM w") == ["web03"]


def test_host_names(engine):
    assert texts(engine, "Move-TestVM web01 -DestinationHost ") == ["HV01", "HV02"]
    assert texts(engine, "Set-TestHost hv0") == ["HV01", "HV02"]


def test_names_with_spaces_are_quoted(engine):
    assert texts(engine, "Get-TestVM s") == ["'sql 01'"]
    assert texts(engine, "Get-TestVM 's") == ["'sql 01'"]
    assert texts(engine, 'Get-TestVM "s') == ['"sql 01"']
    assert engine.complete("Get-TestVM 's").start == len("Get-TestVM ")


def test_list_values(engine):
    assert texts(engine, "Get-TestVM -Name web01,we") == ["web01", "web02"]
    assert engine.complete("Get-TestVM -Name web01,we").start == len("Get-TestVM -Name web01,")


def test_no_values_for_plain_parameters(engine):
    assert texts(engine, "Set-TestHost -MaximumVirtualMachineMigrations ") == []
    assert texts(engine, "Get-TestVM -Nonsense ") == []
    assert texts(engine, "Get-Nothing -") == []
    assert texts(engine, "Get-Nothing ") == []


def test_variables(engine, interp):
    interp.variables["my var"] = 1
    assert texts(engine, "$Err") == ["$ErrorActionPreference"]
    assert texts(engine, "Get-TestVM -Name $v") == ["$vm"]
    assert texts(engine, "$my") == ["${my var}"]
    assert texts(engine, "Get-TestVM @v") == ["@vm"]


def test_members_of_a_variable(engine, interp):
    from hvshell.runtime.psobject import property_names
    vm = interp.get_variable("vm")
    every = property_names(vm)
    assert texts(engine, "$vm.")[:len(every)] == every
    assert texts(engine, "$vm.stat") == ["State", "Status"]
    assert engine.complete("$vm.stat").start == 4
    assert texts(engine, "$vm.Name.") == ["Length"]
    assert texts(engine, "$vm.Memory") == [p for p in every if p.startswith("Memory")]
    interp.variables["vms"] = list(interp.session.lab.hosts[0].vms)
    assert texts(engine, "$vms.")[:3] == ["Count", "Length", "Name"]
    assert texts(engine, "$nothing.") == []


def test_candidate_count_is_capped(test_cmdlets):
    from hvshell.repl.completion import MAX_CANDIDATES

    class GetBigVM(Cmdlet):
        name = "Get-BigVM"
        Name = Parameter(str, position=0, complete="vm")

    big = FakeInterp(make_lab({"HV01": [f"vm{i:05d}" for i in range(MAX_CANDIDATES * 3)]}))
    found = CompletionEngine(big).complete("Get-BigVM ").candidates
    assert len(found) == MAX_CANDIDATES and found[0].text == "vm00000"


@pytest.mark.parametrize("value, quote, expected", [
    ("web01", "", "web01"),
    ("sql 01", "", "'sql 01'"),
    ("it's", "", "'it''s'"),
    ("a$b", '"', '"a`$b"'),
    ("web01", "'", "'web01'"),
])
def test_quote_value(value, quote, expected):
    assert quote_value(value, quote) == expected
