"""Running the Windows PowerShell 5.1 constructs real scripts are written
with: trap, data sections, using, DynamicParam, brace method calls,
list assignment in parentheses, `.Item()` and indexer assignment, and a
script's own param() block."""
import io

import pytest

from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


def run(text: str, args: list | None = None, path: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(None, seed=1), stdout=out, stderr=err)
    if args is None:
        interp.execute(text)
    else:
        script = interp.parse(text, path)
        try:
            interp.run_script(script, args)
        except Exception as error:           # ScriptTerminated: the error is on stderr
            assert type(error).__name__ == "ScriptTerminated"
        interp.end_output()
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    # continue: resume after the failing statement, the error not shown
    ("trap { \"trapped $_\"; continue }\nthrow 'x'\n'after'", "trapped x\nafter"),
    ("trap { continue }\n1/0\n'after'", "after"),
    # a trap covers its whole block, wherever it is written
    ("'before'\n1/0\n'after'\ntrap { 'caught'; continue }", "before\ncaught\nafter"),
    # the first matching type wins; break passes the error to the caller's trap
    ("function f { trap [System.DivideByZeroException] { 'div'; break }\n 'in'; $z = 0; 1/$z; 'no' }\n"
     "trap { 'outer'; continue }\nf\n'after'", "in\ndiv\nouter\nafter"),
    # an error in a called function comes back to the caller's trap
    ("function g { Get-NoSuchThing; 'rest of g' }\ntrap { 'trapped'; continue }\ng\n'after'",
     "trapped\nafter"),
    # a trap that matches not lets the error go on
    ("trap [System.IO.IOException] { 'io' }\ntry { throw 'x' } catch { 'catch' }", "catch"),
    ("$t = data { 'a'; 'b' }\n$t -join ','", "a,b"),
    ("data M { ConvertFrom-StringData \"x = 1`ny = two\" }\n$M.y", "two"),
    ("data { if ($PSUICulture -eq 'xx') { 'no' } else { 'yes' } }", "yes"),
    ("using namespace System.Text\nusing module Hyper-V\n'ok'", "ok"),
    ("function f { [CmdletBinding()] param($a) DynamicParam { } process { \"p$a\" } }\nf 1", "p1"),
    ("(1..5).Where{ $_ -gt 3 } -join ','", "4,5"),
    ("(1..3).ForEach{ $_ * 2 } -join ','", "2,4,6"),
    ("($a, $b) = 'x', 'y', 'z'\n$a\n$b -join ','", "x\ny,z"),
    ("$h = @{}\n$h.Item('k') = 5\n$h.k", "5"),
    ("$a = 1, 2, 3\n$a[1] = 9\n$a.Item(2) = 8\n$a -join ','", "1,9,8"),
    ("$h = @{ a = @{} }\n$h['a']['b'] = 1\n$h.a.b", "1"),
    ("function f() { param($x = 'd') \"x=$x\" }\nf\nf 3", "x=d\nx=3"),
    ("function f { param([String []]$Names) $Names.Count }\nf a, b", "2"),
    ("$s = 'abc'\n$s.`\n  ToUpper()", "ABC"),
    ("Write-Output a `   \n  b", "a\nb"),
])
def test_constructs_run(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


def test_a_trap_without_continue_or_break_shows_the_error_and_goes_on():
    out, err = run("trap { 'trapped' }\nthrow 'oops'\n'after'")
    assert out == "trapped\nafter\n"
    assert err.startswith("oops\n")


def test_a_trap_with_break_ends_the_script():
    out, err = run("trap { 'trapped'; break }\nthrow 'oops'\n'after'")
    assert out == "trapped\n" and err.startswith("oops\n")


def test_trapped_errors_are_in_error():
    out, _ = run("trap { continue }\nthrow 'first'\n$Error[0].Exception.Message")
    assert out == "first\n"


def test_using_a_module_the_lab_lacks_stops_before_anything_runs():
    out, err = run("using module PSWindowsUpdate\n'ran'")
    assert out == ""
    assert "Could not find the module 'PSWindowsUpdate'" in err and "Hyper-V" in err


def test_a_dynamicparam_block_that_defines_parameters_is_refused():
    _, err = run("function f { [CmdletBinding()] param() DynamicParam { 'p' } end { 1 } }\nf")
    assert "DynamicParametersNotSupported" in err


SCRIPT = """[CmdletBinding()]
param
(
    [Parameter(Mandatory)]
    [string]$Name,
    [int]$Count = 2,
    [switch]$Force
)
"$Name $Count $Force $($args.Count)"
"""


@pytest.mark.parametrize("args, expected", [
    (["-Name", "web01", "-Count:5", "-Force"], "web01 5 True 0"),
    (["web01"], "web01 2 False 0"),
    (["-Na", "x", "-Count", "7"], "x 7 False 0"),
])
def test_a_script_binds_its_own_parameters(args, expected):
    out, err = run(SCRIPT, args, "build.ps1")
    assert err == "" and out == expected + "\n"


def test_a_script_missing_a_mandatory_parameter_does_not_run():
    out, err = run(SCRIPT, [], "build.ps1")
    assert out == "" and "missing mandatory parameters: Name" in err


def test_a_simple_script_puts_its_arguments_in_args():
    out, err = run("param($First)\n\"$First|$($args -join ',')\"", ["a", "b", "c"], "s.ps1")
    assert err == "" and out == "a|b,c\n"
