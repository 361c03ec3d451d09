"""No input, however malformed, may reach a Python traceback: the
interpreter reports parse and runtime errors as PowerShell errors."""
import io
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session
from hvshell.runtime.signals import ExitSignal

FRAGMENTS = [
    "$x", "= ", "1", "'a'", '"b $x"', "+", "-", "*", "/", "%", "(", ")", "{", "}", "[", "]",
    "@(", "@{", "|", ";", "\n", ",", ".", "::", "-eq", "-like", "-f", "..", "[int]",
    "Write-Output", "ForEach-Object", "Where-Object", "Select-Object", "-First", "Sort-Object",
    "$_", "if", "else", "foreach", "switch", "function f", "param(", "return", "break",
    "throw", "try", "catch", "finally", "$null", "$true", "0x", "1GB", "`", "#", "<#", "#>", "f",
    "@'", "'@", "Name", "-Property", "$h.Keys", ".Count", "(1..3)", "$a[0]", "&", "2>&1",
    "trap", "continue", "data", "using namespace X\n", "using module Y\n", "DynamicParam",
    ".Where{", ".ForEach{", "($a, $b) =", ".Item(0) =", "ConvertFrom-StringData",
    "class C {", "[int]$p = 1", "C() {", "[string] M($a) { return $a }", "static [int]$s",
    "}", "[C]::new()", "[C]::s", ".M(2)", "enum E { A; B = 2 }", "[E]::B", "[E]'a'", ": base()",
]


# Random text can redirect to a file (`x > y`): keep such files out of the tree.
SCRATCH = tempfile.mkdtemp(prefix="hvshell-fuzz-")


def run(text: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(None, seed=1, root=SCRATCH), stdout=out, stderr=err)
    try:
        interp.execute(text)
    except ExitSignal:
        pass
    assert "Traceback" not in out.getvalue() + err.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=12).map(" ".join))
def test_fragment_soup_never_escapes(text):
    run(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_random_text_never_escapes(text):
    run(text)
