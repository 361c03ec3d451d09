"""Advanced functions as Windows PowerShell 5.1 runs them: $PSCmdlet,
$MyInvocation, the validation attributes, ValueFromRemainingArguments,
leftover arguments of simple functions, and nested functions."""
import io

import pytest

from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter

REMOVE = """
function Remove-Thing {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ByName')]
    param(
        [Parameter(ParameterSetName = 'ByName', Position = 0)][string]$Name,
        [Parameter(ParameterSetName = 'ById')][int]$Id
    )
    if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { "removed $Name ($($PSCmdlet.ParameterSetName))" }
}
"""


def run(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1), stdout=out, stderr=err).execute(text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    (REMOVE + "Remove-Thing web", "removed web (ByName)"),
    (REMOVE + "Remove-Thing -Id 4", "removed  (ById)"),
    (REMOVE + "Remove-Thing web -WhatIf", 'What if: Performing the operation "Remove" on target "web".'),
    (REMOVE + "$WhatIfPreference = $true; Remove-Thing web",
     'What if: Performing the operation "Remove" on target "web".'),
    (REMOVE + "Remove-Thing web -Verbose",
     'VERBOSE: Performing the operation "Remove" on target "web".\nremoved web (ByName)'),
    ("function f { [CmdletBinding()] param() $PSCmdlet.ShouldProcess('x') }; f", "True"),
    ("function f { [CmdletBinding()] param() $PSCmdlet.WriteObject((1, 2), $true) }; (f).Count", "2"),
    ("function f { $MyInvocation.MyCommand.Name; $MyInvocation.InvocationName }\nSet-Alias g f; g",
     "f\ng"),
    ("function f { $MyInvocation.MyCommand.CommandType; $MyInvocation.ScriptLineNumber }\n\nf",
     "Function\n3"),
    ("function f($a) { $MyInvocation.BoundParameters['a'] }; f 7", "7"),
    ("& { $MyInvocation.MyCommand.CommandType }", "Script"),
    ("function f { $null -eq $PSCmdlet }; f", "True"),        # only advanced functions have it
    ("function f { 'a'; $args -join '|' }; f -x 1 -y:2", "a\n-x|1|-y:|2"),
    ("function f { param([Parameter(ValueFromRemainingArguments)]$Rest) $Rest -join '+' }; f 1 2 3",
     "1+2+3"),
    ("function outer { function inner { 'inner' }; inner }; outer", "inner"),
    ("function f { param([Parameter(Mandatory)][AllowEmptyString()][string]$S) \"[$S]\" }; f ''", "[]"),
])
def test_advanced_functions(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


def test_throw_terminating_error_ends_the_function_and_is_its_callers_error():
    out, err = run("function Fail-Hard { [CmdletBinding()] param()\n"
                   "  try { 1/0 } catch { $PSCmdlet.ThrowTerminatingError($_) }\n  'not reached' }\n"
                   "Fail-Hard\n'after'")
    assert out == "after\n"
    assert err.startswith("Fail-Hard : Attempted to divide by zero.\nAt line:4 char:1\n")


def test_write_error_is_non_terminating():
    out, err = run("function f { [CmdletBinding()] param() $PSCmdlet.WriteError('soft'); 'goes on' }; f")
    assert out == "goes on\n" and "soft" in err


def test_a_nested_function_ends_with_its_parent():
    _, err = run("function outer { function inner { } }; outer; inner")
    assert "The term 'inner' is not recognized" in err


VALIDATED = """function T {
    param(
        [ValidateNotNullOrEmpty()][string]$Name,
        [ValidateScript({ $_ -gt 5 })][int]$Big,
        [ValidatePattern('^HV\\d+$')][string]$HostName,
        [ValidateLength(2, 4)][string]$Short,
        [ValidateCount(1, 2)][string[]]$Few,
        [ValidateNotNull()]$Thing
    )
    'ok'
}
"""


@pytest.mark.parametrize("call, problem", [
    ("T -Name ''", "The argument is null or empty."),
    ("T -Big 3", 'The "$_ -gt 5" validation script for the argument with value "3" did not return '
                 'a result of True.'),
    ("T -HostName web", 'The argument "web" does not match the "^HV\\d+$" pattern.'),
    ("T -Short a", "The character length (1) of the argument is too short."),
    ("T -Short abcde", "The character length of the 5 argument is too long."),
    ("T -Few a, b, c", "The number of provided arguments (3) exceeds the maximum number of allowed "
                       "arguments (2)."),
    ("T -Thing $null", "The argument is null."),
])
def test_validation_attributes(call, problem):
    out, err = run(VALIDATED + call)
    assert out == ""
    assert err.startswith("T : Cannot validate argument on parameter ")
    assert problem in err and "ParameterArgumentValidationError,T" in err


def test_valid_arguments_pass_every_check():
    out, err = run(VALIDATED + "T -Name a -Big 6 -HostName HV01 -Short abc -Few x, y -Thing 1")
    assert err == "" and out == "ok\n"


def test_a_mandatory_string_refuses_an_empty_string():
    _, err = run("function f { param([Parameter(Mandatory)][string]$S) }; f ''")
    assert "Cannot bind argument to parameter 'S' because it is an empty string." in err
