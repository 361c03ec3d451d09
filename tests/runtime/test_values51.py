"""Values as Windows PowerShell 5.1 holds them: a typed variable keeps its
type, Int32 arithmetic past Int32 gives a Double while Int64 stays Int64
(`10l`, `[long]`), and `[string]` of an array joins with $OFS."""
import io

import pytest

from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter


def run(text: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    new_interpreter(Session(None, seed=1), stdout=out, stderr=err).execute(text)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text, expected", [
    ("[int]$x = 5; $x = '7'; $x.GetType().Name; $x + 1", "Int32\n8"),
    ("[int]$x = 5; $x += '3'; $x", "8"),
    ("[string]$s = 5; $s = 6; $s.GetType().Name", "String"),
    ("[int]$y = 1; [string]$y = 5; $y.GetType().Name", "String"),        # re-typed
    ("[int]$n = 1; foreach ($n in '2', '3') { $n.GetType().Name }", "Int32\nInt32"),
    ("function f([int]$n) { $n = '12'; $n.GetType().Name }; f 1", "Int32"),
    ("[int]$x = 1; & { $x = 'child'; $x }", "child"),                    # a child scope's own $x
    ("([int]::MaxValue + 1).GetType().Name; [int]::MaxValue + 1", "Double\n2147483648"),
    ("(2147483647 * 2).GetType().Name", "Double"),
    ("(1GB + 1GB).GetType().Name", "Double"),
    ("(5 + 1).GetType().Name; (4GB - 3GB).GetType().Name", "Int32\nInt64"),
    ("(10l).GetType().Name; ([long]5).GetType().Name; ([long]5 + 1).GetType().Name",
     "Int64\nInt64\nInt64"),
    ("([long]::MaxValue + 1).GetType().Name", "Double"),
    ("$i = [int]::MaxValue; $i++; $i.GetType().Name", "Double"),
    ("(-[int]::MinValue).GetType().Name", "Double"),
    ("$OFS = ','; [string](1, 2); \"$(1, 2, 3)\"", "1,2\n1,2,3"),
    ("[string](1, 2)", "1 2"),
])
def test_values(text, expected):
    out, err = run(text)
    assert err == ""
    assert out.strip("\n") == expected


def test_a_typed_variable_refuses_what_does_not_convert():
    out, err = run("[int]$x = 5\n$x = 'abc'\n\"still $x\"")
    assert out == "still 5\n"
    assert err.startswith('Cannot convert value "abc" to type "System.Int32". Error: "Input string '
                          'was not in a correct format."\nAt line:2 char:1\n')
    assert "MetadataError: (:) [], ArgumentTransformationMetadataException" in err
