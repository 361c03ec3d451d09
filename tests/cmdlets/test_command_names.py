"""Command names: what an alias, a function and a module-qualified name
resolve to, the session's aliases, and modules."""
import io

import pytest

from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter


def run(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1), stdout=out, stderr=err).execute(text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    ("'a', 'b' | % ToUpper", "A\nB"),                           # an alias first on the line
    ("1..4 | ? { $_ -gt 2 }", "3\n4"),
    ("function Get-Thing { 'function' }; Set-Alias gt Get-Thing; gt", "function"),
    # an alias comes before a function of the same name
    ("function sort { 'function' }; 3, 1 | sort", "1\n3"),
    ("Set-Alias one two; Set-Alias two Write-Output; one 'chained'", "chained"),
    ("Set-Alias echo Get-Date; (Get-Alias echo).Definition", "Get-Date"),
    ("New-Alias w Write-Output; (Get-Command w).CommandType", "Alias"),
    ("Microsoft.PowerShell.Utility\\Write-Output 'qualified'", "qualified"),
    ("(Get-Alias -Definition Write-Output).Name -join ','", "echo,write"),
    ("@(Get-Module).Name -contains 'Hyper-V'; Import-Module Hyper-V; @(Get-Module).Name -contains 'Hyper-V'",
     "False\nTrue"),
    ("(Get-Module -ListAvailable FailoverClusters).Version.ToString()", "2.0.0.0"),
    ("(Get-Module -ListAvailable Hyper-V).ExportedCommands.ContainsKey('Get-VM')", "True"),
    ("$PSVersionTable.PSVersion.ToString(); $PSVersionTable.PSVersion -ge [version]'5.1'",
     "5.1.14409.1005\nTrue"),
])
def test_names(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


@pytest.mark.parametrize("text, message", [
    ("Hyper-V\\Write-Output x", "The term 'Hyper-V\\Write-Output' is not recognized"),
    ("New-Alias gm Get-Date", "an alias with the name 'gm' already exists"),
    ("Set-Alias c Get-Date -Option Constant; Set-Alias c Get-VM -Force", "is read-only or constant"),
    ("Import-Module .\\Helpers.psm1", "The specified module '.\\Helpers.psm1' was not loaded"),
    ("Remove-Module NoSuch", "No modules were removed"),
])
def test_name_errors(text, message):
    _, err = run(text)
    assert message in err


def test_set_alias_whatif_changes_nothing():
    out, err = run("Set-Alias x Get-Date -WhatIf; Get-Alias x")
    assert 'What if: Performing the operation "New Alias" on target "Name: x Value: Get-Date".' in out
    assert "Cannot find alias because alias 'x' does not exist." in err
