"""Interpreter semantics that are easy to get subtly wrong."""
import io

import pytest

from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


def run(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1), stdout=out, stderr=err).execute(text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    ("$x = & {}; @($x).Count", "0"),                      # nothing stays nothing
    ("$x = $null; @($x).Count", "1"),                     # but $null is one element
    ("$a = 1,2; $b = $a; $b += 3; $a.Count", "2"),        # += copies the array
    ("function f { $v = 'inner' }; $v = 'outer'; f; $v", "outer"),
    ("$i = 0; 1..3 | ForEach-Object { $i += $_ }; $i", "6"),   # ForEach-Object runs in this scope
    ("$r = foreach ($n in 1..3) { $n * 2 }; $r -join ','", "2,4,6"),
    ("(1,2,3 | Select-Object -First 1).GetType().Name", "Int32"),
    ("'{0}' -f 1 + 2", "12"),
    ("$h = @{}; $h.A = 1; $h['a'] += 1; $h.A", "2"),
    ("switch (3) { 3 { 'three' } 3 { 'again' } }", "three\nagain"),
    ("try { 1/0 } catch [DivideByZeroException] { 'caught' }", "caught"),
    ("$x = 5; $x++; $x", "6"),
])
def test_semantics(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


def test_statement_terminating_error_lets_the_script_go_on():
    out, err = run("Get-NoSuchThing\n'after'")
    assert out == "after\n" and "is not recognized" in err


def test_throw_ends_the_script():
    out, err = run("throw 'stop'\n'after'")
    assert out == "" and err.startswith("stop\n")
