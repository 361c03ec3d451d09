"""Syntax lines built from parameter declarations."""
from __future__ import annotations

from hvshell.format.syntax import syntax_lines
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.binder import CommandSpec
from hvshell.runtime.cmdlet import REGISTRY, Cmdlet, In, Parameter, Switch


class Performance(PSEnum):
    TCPIP = 0
    Compression = 1
    SMB = 2


class GetThing(Cmdlet):
    """Gets things."""
    name = "Get-Thing"
    module = "Test"
    default_set = "Name"

    Name = Parameter(str, array=True, position=0, sets=("Name",))
    Id = Parameter(str, position=0, mandatory=True, sets=("Id",))
    ComputerName = Parameter(str, array=True)
    Force = Parameter(Switch)
    Mode = Parameter(Performance)


class SetThing(Cmdlet):
    name = "Set-Thing"
    module = "Test"
    supports_should_process = True

    Path = Parameter(str, mandatory=True)
    Value = Parameter(object, sets=(In("A", position=1, mandatory=True), "B"))


# Declared for these tests only: not commands of the shell.
for _name in ("get-thing", "set-thing"):
    REGISTRY.pop(_name)


def test_one_line_per_parameter_set_in_powershell_order():
    assert syntax_lines(GetThing) == [
        "Get-Thing [[-Name] <String[]>] [-ComputerName <String[]>] [-Force] "
        "[-Mode {TCPIP | Compression | SMB}] [<CommonParameters>]",
        "Get-Thing [-Id] <String> [-ComputerName <String[]>] [-Force] "
        "[-Mode {TCPIP | Compression | SMB}] [<CommonParameters>]",
    ]


def test_mandatory_named_first_and_risk_parameters():
    assert syntax_lines(SetThing) == [
        "Set-Thing [-Value] <Object> -Path <String> [-WhatIf] [-Confirm] [<CommonParameters>]",
        "Set-Thing -Path <String> [-Value <Object>] [-WhatIf] [-Confirm] [<CommonParameters>]",
    ]


def test_simple_function_has_no_common_parameters():
    param = Parameter("object", position=0)
    param.name = "Name"
    spec = CommandSpec("Get-Custom", {"Name": param}, ["__AllParameterSets"], None, ())
    assert syntax_lines(spec) == ["Get-Custom [[-Name] <Object>]"]
