"""What the hostile-input campaign is made of: fragments of the language,
hostile values, the scripts it mutates and the cmdlets it calls.  The
hypothesis strategies (strategies.py) and the long runs of scripts/fuzz
(generate.py) draw from these same lists."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "golden"
DEMO_SCRIPT = REPO / "hvshell" / "demo" / "lab.hvps"

# Tokens and constructs the lexer, parser and interpreter treat specially.
FRAGMENTS = [
    "$x", "=", "1", "'a'", '"b $x"', "+", "-", "*", "/", "%", "(", ")", "{", "}", "[", "]",
    "@(", "@{", "|", ";", "\n", ",", ".", "::", "-eq", "-like", "-match", "-replace", "-split",
    "-join", "-f", "..", "-shl", "-shr", "-band", "-as", "-is", "[int]", "[char]", "[double]",
    "[datetime]", "[timespan]", "[regex]", "[math]", "[string]", "[long]", "[byte]",
    "Write-Output", "ForEach-Object", "Where-Object", "Select-Object", "-First", "Sort-Object",
    "Measure-Object", "Group-Object", "Format-Table", "Format-List", "Out-String",
    "ConvertTo-Json", "ConvertFrom-Csv", "Get-Date", "Start-Sleep", "Get-VM", "Get-LabHost",
    "$_", "if", "else", "foreach", "switch", "-regex", "function f", "f", "param(", "return",
    "break", "continue", "throw", "try", "catch", "finally", "trap", "$null", "$true", "0x",
    "1GB", "`", "#", "<#", "#>", "@'", "'@", '@"', '"@', "Name", "-Property", "$h.Keys",
    ".Count", "(1..3)", "$a[0]", "&", ". ", "2>&1", "> out.txt", ">> out.txt", "$(", "${",
    "::MaxValue", "::MinValue", "::PositiveInfinity", "::NaN", "::Pow(10, 999)", ".AddYears(",
    "'{0,9999999}'", "'{0:N99}'", "'(a+)+$'", "'x{99999999999}'", "'[[a]'", "9" * 30,
    "1e308", "-1e308", "[char]0xD800", "\0", "\x1b[2J", "\u202e", "\ufeff",
    # Windows PowerShell 5.1 forms: trap, data, using, classes and enums
    "trap", "data", "using namespace X\n", "using module Y\n", "DynamicParam", ".Where{",
    ".ForEach{", "($a, $b) =", ".Item(0) =", "ConvertFrom-StringData", "class C {",
    "[int]$p = 1", "C() {", "[string] M($a) { return $a }", "static [int]$s", "[C]::new()",
    "[C]::s", ".M(2)", "enum E { A; B = 2 }", "[E]::B", "[E]'a'", ": base()",
]

# Values a parameter or an operand should not see: huge, negative, NaN,
# infinite, empty, null, odd unicode, NUL, very long, wrong types.
HOSTILE_VALUES = [
    "$null", "''", "' '", "0", "-1", "-0", "2147483648", "-2147483649", "9223372036854775807",
    "9" * 40, "1e308", "1e309", "-1e309", "[double]::NaN", "[double]::PositiveInfinity",
    "[double]::NegativeInfinity", "[int]::MinValue", "[long]::MinValue", "0x7FFFFFFFFFFFFFFF",
    "1PB", "@()", "@($null)", "(,$null)", "@{}", "@{a=$null}", "{ }", "{ throw 'x' }",
    "(Get-Date)", "[datetime]::MaxValue", "[timespan]::MaxValue", "(New-TimeSpan)",
    "'" + "x" * 300 + "'", "('x' * 100000)", '"a`0b"', '"`e]0;title`a"', "'\u00e9\u4e2d\U0001f600'",
    "'\u202egnp.exe'", "'*'", "'?'", "'[a-'", "'[5-1]'", "'../../etc/passwd'", "'/dev/zero'",
    "'C:\\x.vhdx'", "'\\\\SOFS01\\VMs\\x.vhdx'", "'CON'", "'NUL:'", "'10.1.1.0/99'", "'TCPIP'",
    "'Running'", "HV01", "HV02", "SQL01", "WEB01", "nosuch", "(Get-VM)", "(Get-VM)[0]",
    "(Get-LabHost)", "$true", "$false", "1.5", "'1e999'", "'0x'", "'-'", "--", "-",
]

# Cmdlets that only wait on the clock: random arguments would ask for days.
SLOW = {"Start-Sleep", "Wait-Job", "Wait-VM"}


@lru_cache(maxsize=None)
def samples() -> tuple[str, ...]:
    """The scripts mutated: every golden script and the demo lab's own."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(GOLDEN.glob("*.hvps"))]
    texts.append(DEMO_SCRIPT.read_text(encoding="utf-8"))
    return tuple(texts)


@lru_cache(maxsize=None)
def cmdlets() -> tuple:
    """(name, [(parameter, is_switch, validate_set)]) for every cmdlet."""
    from hvshell.shell import load_cmdlets
    from hvshell.runtime.cmdlet import all_cmdlets
    load_cmdlets()
    found = []
    for cls in all_cmdlets():
        if cls.name in SLOW:
            continue
        params = [(p.name, p.is_switch, tuple(p.validate_set or ()))
                  for p in cls.parameters().values()]
        found.append((cls.name, params))
    return tuple(found)
