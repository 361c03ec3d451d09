"""Whatever the input, the parser raises nothing but ParseError and the
tokenizer and `is_incomplete` raise nothing at all."""
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvshell.lang.parser import is_incomplete, parse
from hvshell.lang.tokens import tokenize
from hvshell.lang.errors import ParseError

_GOLDEN = Path(__file__).resolve().parent.parent / "golden"

SAMPLES = [
    "Get-VM -Name web* | Where-Object { $_.State -eq 'Running' } | Stop-VM -Force:$false 2>&1",
    "function Get-X {\n  [CmdletBinding()]\n  param([Parameter(Mandatory)][string[]]$Name = @('a'), [switch]$F)\n"
    "  begin { $n = 0 }\n  process { foreach ($x in $Name) { $n += $x.Length } }\n  end { $n }\n}",
    "$h = [ordered]@{\n  Name = \"vm $($i + 1)\"\n  'Mem GB' = 4GB / 1GB; 3 = 0x1F\n}\n$h.Name.ToUpper()",
    "switch -Regex ($x) { '^a' { 1; break } { $_ -gt 2 } { 2 } default { 3 } }",
    ":outer for ($i = 0; $i -lt 10; $i++) { while ($true) { break outer } }\ndo { $i-- } until ($i -le 0)",
    "try { throw 'x' } catch [System.Exception], [Foo] { $_.Exception.Message } finally { exit 1 }",
    "$s = @\"\nline $a `t $($b[0..2] -join ',')\n\"@\n$t = @'\nverbatim $x\n'@",
    "[math]::Round((Get-VM).MemoryAssigned / 1GB, 1) -f 'x' -replace 'a','b' -split ','",
    "& $sb 1 2; . .\\lib.ps1; Write-Output a$b 'c'd \"$e.f\" -- -g 10.0.0.0/24 C:\\VMs\\x \\\\s\\y",
    "Get-VM `\n  -Name x |\n  Select-Object Name, @{ n = 'M'; e = { $_.M / 1MB } } > out.txt",
    "using namespace System.Text\n<# .SYNOPSIS #>\n[CmdletBinding()]\nparam\n(\n  [String []]$N,\n)\n"
    "trap [Exception] { continue }\ndata D -SupportedCommand X { ConvertFrom-StringData 'a=1' }\n"
    "function f() { param($x) DynamicParam { } process { (1..3).Where{ $_ }.`\nCount } }\n"
    "($a, $b) = 1, 2; $h.Item('k') = 3",
    "enum E { A; B = 5 }\nclass C : B {\n  [ValidateNotNull()][string]$N = 'x'\n  hidden static [int]$S\n"
    "  C([int]$a) : base($a, 'b') { $this.N = $a }\n  [E] Get([string]$k) { return [E]::A }\n}\n[C]::new(1).Get('k')",
]
SAMPLES += [p.read_text(encoding="utf-8") for p in sorted(_GOLDEN.glob("*.hvps"))[:20]]

# Characters that matter to the lexer, plus some ordinary ones.
ALPHABET = list("$@#`'\"{}()[]<>|&;,.:=+-*/%!?\\~ \t\n\r") + list("aZ09_ xyGB") + [
    "\u2013", "\u201c", "\u2018", "\ufeff", "\u00a0"]
FRAGMENTS = ["if", "else", "foreach", "in", "function", "param", "switch", "default", "try", "catch",
             "-eq", "-Name", "-not", "@{", "@(", "$(", "${", "@\"\n", "\n\"@", "'@", "<#", "#>",
             "[int]", "[Parameter(", "::", "..", "2>&1", "1GB", "0x", "`\n", "$_", "$env:x", "--",
             "begin", "process", "end", "do", "while", "until", ":lbl", "break", "return", "filter",
             "trap", "data", "using namespace ", "using module ", "DynamicParam", ".Where{", "`  \n",
             "Configuration", "[String []]", "param\n(", ".Item(", "-SupportedCommand",
             "class C", "enum E", ": base(", "static", "hidden", "[void] M()", "::new("]

text_strategy = st.lists(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(FRAGMENTS)),
                         max_size=60).map("".join)
fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(text: str) -> None:
    try:
        parse(text)
    except ParseError as e:
        for record in e.records:
            assert 0 <= record.extent.start <= record.extent.end <= len(text)
            assert record.extent.line >= 1 and record.extent.column >= 1
    tokens = tokenize(text)
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
    assert isinstance(is_incomplete(text), bool)


@fuzz
@given(text_strategy)
def test_random_text(text):
    check(text)


@fuzz
@given(st.text(max_size=80))
def test_random_unicode(text):
    check(text)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            piece = draw(st.one_of(st.sampled_from(ALPHABET), st.sampled_from(FRAGMENTS)))
            text = text[:i] + piece + (text[i:] if action == "insert" else text[j:])
    return text


@fuzz
@given(mutated())
def test_mutated_scripts(text):
    check(text)


def test_every_prefix_of_the_samples():
    for sample in SAMPLES[:10]:
        for end in range(len(sample) + 1):
            check(sample[:end])
