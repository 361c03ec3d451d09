"""Typed catch clauses match an exception by its class and its bases (and a
method's inner exception); the warning, verbose, debug and information
streams redirect like the error stream (3>&1, *>&1, 4>$null, *> file)."""
import io

import pytest

from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter


def run(text: str, root=None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1, root=root), stdout=out, stderr=err).execute(text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("body, clause", [
    ("1/0", "System.DivideByZeroException"),
    ("1/0", "ArithmeticException"),                          # a base class, System implied
    ("1/0", "System.SystemException"),
    ("throw 'x'", "System.Management.Automation.RuntimeException"),
    ("Get-NoSuchThing", "System.Management.Automation.CommandNotFoundException"),
    ("Get-NoSuchThing", "System.Management.Automation.RuntimeException"),
    ("[int]::Parse('abc')", "System.FormatException"),       # a method's inner exception
    ("[int]::Parse('abc')", "System.Management.Automation.MethodInvocationException"),
    ("'abc'.Substring(5)", "ArgumentException"),             # ArgumentOutOfRange's base
    ("Get-Content nope.txt -ErrorAction Stop", "System.Management.Automation.ItemNotFoundException"),
    ("Write-Error 'x' -ErrorAction Stop", "Microsoft.PowerShell.Commands.WriteErrorException"),
    ("[int]'abc'", "System.Management.Automation.RuntimeException"),
])
def test_typed_catch(body, clause, tmp_path):
    out, err = run(f"try {{ {body} }} catch [System.IO.IOException] {{ 'io' }} "
                   f"catch [{clause}] {{ 'caught' }} catch {{ 'untyped' }}", tmp_path)
    assert err == "" and out == "caught\n"


def test_the_exception_knows_its_type_and_inner_exception():
    out, _ = run("try { 'abc'.Substring(5) } catch { $e = $_.Exception\n"
                 "$e.GetType().Name; $e.InnerException.GetType().Name; $e -is [System.SystemException] }")
    assert out == "MethodInvocationException\nArgumentOutOfRangeException\nTrue\n"


F = ("function f { Write-Warning 'w'; Write-Verbose 'v' -Verbose; Write-Debug 'd' -Debug;\n"
     "  Write-Host 'h'; Write-Error 'e'; 'out' }\n")


@pytest.mark.parametrize("call, out", [
    ("$r = f 3>&1 2>$null 4>$null 5>$null 6>$null; $r | % { $_.GetType().Name }",
     "WarningRecord\nString"),
    ("(f *>&1 | % { $_.GetType().Name }) -join ','",
     "WarningRecord,VerboseRecord,DebugRecord,InformationRecord,ErrorRecord,String"),
    ("f *>$null; 'nothing at all'", "nothing at all"),
    ("f 3>$null 4>$null 5>$null 6>$null 2>$null", "out"),
    ("f 4>&1 3>$null 5>$null 6>$null 2>$null", "VERBOSE: v\nout"),
    ("$h = Write-Host 'captured' 6>&1; \"[$h]\"", "[captured]"),
])
def test_stream_redirection(call, out):
    got, err = run(F + call)
    assert err == "" and got.strip("\n") == out


def test_a_stream_redirected_to_a_file_prints_there_as_on_the_console(tmp_path):
    out, err = run(F + "f *> all.txt; Get-Content all.txt", tmp_path)
    assert err == ""
    assert out.startswith("WARNING: w\nVERBOSE: v\nDEBUG: d\nh\nWrite-Error : e\n")
    assert out.endswith("out\n")


def test_a_silenced_warning_is_not_merged():
    out, _ = run(F + "$WarningPreference = 'SilentlyContinue'; (f 3>&1 2>$null 4>$null 5>$null 6>$null).Count")
    assert out == "1\n"


def test_an_error_record_has_its_category_and_invocation_parts():
    out, _ = run("try { Get-NoSuchThing } catch { $c = $_.CategoryInfo\n"
                 "$c.Category; $c.Reason; $c.TargetName; $_.InvocationInfo.ScriptLineNumber; \"$c\" }")
    assert out == ("ObjectNotFound\nCommandNotFoundException\nGet-NoSuchThing\n1\n"
                   "ObjectNotFound: (Get-NoSuchThing:String) [], CommandNotFoundException\n")
