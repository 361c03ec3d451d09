"""Values at .NET's edges: each input fails (or succeeds) as PowerShell's
would, with the exception .NET throws, never with a Python failure or an
internal error (hvshell/runtime/dotnet_limits.py)."""
import io
import time

import pytest

from hvshell.model.lab import Lab
from hvshell.runtime import dotnet_regex
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


def run(text: str):
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(Lab(seed=1), seed=1), stdout=out, stderr=err)
    interp.execute(text)
    assert "failed unexpectedly" not in err.getvalue(), err.getvalue()
    return out.getvalue(), err.getvalue(), interp.errors


@pytest.mark.parametrize("text, expected", [
    ("[math]::Pow(10, 1000)", "Infinity"),              # .NET's Pow overflows to Infinity
    ("[math]::Pow(-10, 1001)", "-Infinity"),
    ("[math]::Pow(0, -1)", "Infinity"),
    ("[math]::Sqrt(-1)", "NaN"),
    ("[math]::Log(0)", "-Infinity"),
    ("[math]::Exp(1000)", "Infinity"),
    ("[math]::Floor([double]::NegativeInfinity)", "-Infinity"),
    ("[double]::PositiveInfinity % 2", "NaN"),
    ("[long]::MaxValue + 1", "9.22337203685478E+18"),   # widened to a double, not overflowed
    ("[long]::MinValue / -1", "9.22337203685478E+18"),
    ("1" + "0" * 5000, "Infinity"),                      # a literal past a double's range
    ("0 + ('1' + '0' * 5000)", "Infinity"),              # and a string read as a number
    ("1 -shl 33", "2"),                                  # the count masked to 5 bits
    ("1 -shl -1", "-2147483648"),
    ("-8 -shr 1", "-4"),
    ("'{0:N2}|{0:E3}|{0:0.0}|{0}' -f [double]::PositiveInfinity", "Infinity|Infinity|Infinity|Infinity"),
    ("'{0:N2}' -f [double]::NaN", "NaN"),
    ("'{0:N999}' -f 1", "N999"),             # three digits: a custom pattern without placeholders
    ("('{0:F99}' -f 1.5).Length", "101"),
    ("('{0,1000000}' -f 1).Length", "1000000"),
    ("[datetime]::MaxValue.Year", "9999"),
    ("'x' -match '[[a]'", "False"),                      # and no FutureWarning on the terminal
])
def test_values_at_the_edges(text, expected, capfd):
    out, err, _ = run(text)
    assert err == ""
    assert out.strip("\n") == expected
    assert "Warning" not in capfd.readouterr().err


def test_percent_of_the_largest_double_does_not_overflow():
    out, err, _ = run("'{0:P0}' -f 1e308")
    assert err == "" and out.strip().endswith("00 %") and len(out.strip()) > 400


@pytest.mark.parametrize("text, error_id, message, inner", [
    ("[int][double]::PositiveInfinity", "InvalidCastIConvertible",
     'Cannot convert value "Infinity" to type "System.Int32". Error: "Value was either too '
     'large or too small for an Int32."', None),
    ("[char]-1", "InvalidCastIConvertible", "too large or too small for a character", None),
    ("[char]999999999", "InvalidCastIConvertible", "too large or too small for a character", None),
    ("[byte]300", "InvalidCastIConvertible", "too small for an unsigned byte", None),
    ("[timespan]::MaxValue + [timespan]::MaxValue", "RuntimeException",
     "TimeSpan overflowed because the duration is too long.", "System.OverflowException"),
    ("[timespan]::FromDays(1) * 1e300", "RuntimeException",
     "TimeSpan overflowed because the duration is too long.", "System.OverflowException"),
    ("[datetime]::MaxValue + [timespan]::FromDays(1)", "RuntimeException",
     "un-representable DateTime", "System.ArgumentOutOfRangeException"),
    ("'x' * 1e9", "RuntimeException", "System.OutOfMemoryException", "System.OutOfMemoryException"),
    ("'{0,999999999}' -f 1", "FormatError", "Input string was not in a correct format", None),
    ("'{12345678}' -f 1", "FormatError", "Input string was not in a correct format", None),
    ("'x' -match 'x{99999999999}'", "InvalidRegularExpression",
     "The regular expression pattern x{99999999999} is not valid", None),
    ("'x' -match '('", "InvalidRegularExpression", "is not valid", None),
    ("[pscustomobject]@{ $undefined = 1 }", "InvalidNullKey",
     "A null key is not allowed in a hash literal.", None),
])
def test_operators_and_casts_raise_dotnet_exceptions(text, error_id, message, inner):
    out, err, errors = run(text)
    assert out == ""
    record = errors[0]
    assert record.FullyQualifiedErrorId == error_id
    assert message in record.message
    assert record.inner_exception_type == inner


@pytest.mark.parametrize("text, error_id, message", [
    ("(Get-Date).AddYears(9000)", "ArgumentOutOfRangeException",
     '"The added or subtracted value results in an un-representable DateTime."'),
    ("[datetime]::MaxValue.AddDays(1)", "ArgumentOutOfRangeException", "un-representable DateTime"),
    ("[timespan]::FromDays(1e12)", "OverflowException", "TimeSpan overflowed"),
    ("[math]::Abs([long]::MinValue)", "OverflowException", "twos complement"),
    ("[math]::Round(1.5, 99)", "ArgumentOutOfRangeException", "between 0 and 15"),
    ("(1).ToString('Q')", "FormatException", "Format specifier was invalid."),
    ("(1.5).ToString('D')", "FormatException", "Format specifier was invalid."),
    ("[regex]::IsMatch('a', '(')", "ArgumentException", 'parsing "("'),
    ("[regex]::Replace('a', '(', 'b')", "ArgumentException", 'parsing "("'),
])
def test_methods_wrap_the_exception_they_throw(text, error_id, message):
    out, err, errors = run(text)
    record = errors[0]
    assert record.FullyQualifiedErrorId == error_id
    assert record.message.startswith("Exception calling ")
    assert message in record.message
    assert "NotSpecified: (:) [], MethodInvocationException" in err


def test_catastrophic_backtracking_times_out(monkeypatch):
    monkeypatch.setattr(dotnet_regex, "MATCH_TIMEOUT", 0.2)
    started = time.monotonic()
    out, err, errors = run("('a' * 40 + 'b') -match '(a+)+$'\n"
                           "switch -Regex ('a' * 40 + 'b') { '(a+)+$' { 'hit' } }\n'after'")
    assert time.monotonic() - started < 5
    assert out == "after\n"
    assert [e.inner_exception_type for e in errors] == \
        ["System.Text.RegularExpressions.RegexMatchTimeoutException"] * 2
    assert "The RegEx engine has timed out" in err


def test_wildcards_do_not_backtrack():
    started = time.monotonic()
    out, err, _ = run("('a' * 3000) -like ('*a' * 10 + '*b'); ('a' * 3000 + 'b') -like ('*a' * 10 + '*b')")
    assert time.monotonic() - started < 2
    assert out == "False\nTrue\n"


@pytest.mark.parametrize("text", [
    'function f { "$(f)" }; f; "after"',                 # recursion through a subexpression
    "function g { [string](g) }; g",                     # through a cast
    "function h { Write-Output (h) }; h",                # through a cmdlet argument
    "function k { k }; k",
])
def test_recursion_is_call_depth_overflow(text):
    out, err, errors = run(text)
    assert "after" not in out                            # the script ends, as in PowerShell
    assert errors[0].FullyQualifiedErrorId == "CallDepthOverflow"
    assert errors[0].message == "The script failed due to call depth overflow."
    assert err.count("call depth overflow") == 1


def test_call_depth_overflow_can_be_caught():
    out, err, _ = run('try { function f { "$(f)" }; f } catch { "caught $($_.FullyQualifiedErrorId)" }')
    assert out == "caught CallDepthOverflow\n" and err == ""


def test_a_lone_surrogate_reaches_the_terminal_as_a_question_mark(tmp_path):
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "hvshell.cli", "--empty", "-c", "[char]0xD800"],
                          capture_output=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == b"?\n" and done.stderr == b""


def test_start_sleep_takes_windows_powershells_range():
    out, err, errors = run("Start-Sleep -Seconds 1e12; (Get-Date).Year")
    assert out == "2014\n"
    assert errors[0].FullyQualifiedErrorId.startswith("ParameterArgumentValidationError,")


def test_the_clock_refuses_to_pass_datetime_maxvalue():
    from hvshell.sim.clock import LAST_SECOND
    lab = Lab(seed=1)
    lab.clock.now = LAST_SECOND - 10
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(lab, seed=1), stdout=out, stderr=err)
    interp.execute("Start-Sleep 60; (Get-Date).ToString('yyyy-MM-dd HH:mm:ss')")
    assert out.getvalue() == "9999-12-31 23:59:50\n"           # the clock did not move
    assert interp.errors[0].FullyQualifiedErrorId.startswith("ArgumentOutOfRangeException,")
    assert "un-representable DateTime" in err.getvalue()


def test_a_custom_object_from_numeric_keys_names_its_properties_by_their_text():
    out, err, _ = run("([pscustomobject]@{ 12 = 'a'; 1.5 = 'b' }).'1.5'")
    assert (out, err) == ("b\n", "")


def test_measure_object_does_not_count_null():
    out, err, _ = run("($null | Measure-Object).Count; (@($null, 1, $null) | Measure-Object -Sum).Sum")
    assert (out, err) == ("0\n1\n", "")


@pytest.mark.parametrize("text, error_id", [
    ("Get-Job -Name (,$null)", "ParameterArgumentValidationError"),          # a null name in a list
    ("Get-LabHost -Name @('HV01', $null)", "ParameterArgumentValidationError"),
    ("Resume-ClusterNode -Name HV01 -Failback $null", "CannotConvertArgumentNoMessage"),  # an enum
    ("Get-Date -Date $null", "CannotConvertArgumentNoMessage"),               # a DateTime
    ("New-Object -TypeName (,$null)", "ParameterArgumentValidationErrorNullNotAllowed"),
])
def test_null_where_a_name_or_a_value_type_is_expected_is_a_binding_error(text, error_id):
    out, err, errors = run(text)
    assert errors[0].FullyQualifiedErrorId.split(",")[0] == error_id
