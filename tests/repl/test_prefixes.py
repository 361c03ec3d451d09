"""Every prefix of real scripts, at every cursor a user can reach while
typing them, goes through the completer and the highlighter without an
exception, and the highlighter gives back exactly the text it was given."""
from __future__ import annotations

from pathlib import Path

import pytest

from hvshell.repl.completion import CompletionEngine
from hvshell.repl.highlight import ShellLexer

ROOT = Path(__file__).resolve().parents[2]

# Constructs a half-typed line is made of: open quotes, here-strings, block
# comments, splats, scopes, casts, nested blocks, continuations.
TRICKY = """\
$vms = Get-VM -ComputerName HV01,'HV 02' | Where-Object { $_.State -eq 'Running' -and $_.MemoryAssigned -gt 2GB }
foreach ($vm in $vms) { Move-VM -Name $vm.Name -DestinationHost:"HV02" -IncludeStorage `
    -DestinationStoragePath "C:\\VMs\\$($vm.Name)" -WhatIf:$false }
$h = @{ Name = 'web01'; ComputerName = $env:COMPUTERNAME }; Get-VM @h -ea SilentlyContinue
<# block
   comment #> [int]$x = 0x10; $s = @"
here $x ${weird name} `$escaped
"@
try { throw "boom" } catch [System.Exception] { Write-Warning $_.Exception.Message } finally { }
& 'Get-VM' | % { $_ } | ? Name -like 'web*' | Select-Object Name,@{n='MB';e={$_.MemoryAssigned/1MB}}
function Test-It { param([Parameter(Mandatory)][string]$Name, [switch]$Force) "$Name" }
1..3 | ForEach-Object -Process { $PSItem * 2 } 2>&1 > $null; $a[0].b.c = -not !$true
"""


def scripts() -> list[tuple[str, str]]:
    found = [("tricky", TRICKY)]
    for folder in ("scripts/examples", "tests/golden"):
        for path in sorted((ROOT / folder).glob("*.hvps")):
            text = path.read_text(encoding="utf-8")
            if len(text) <= 700:          # each prefix is scanned whole: keep it quadratic-cheap
                found.append((path.name, text))
    return found


@pytest.mark.parametrize("name, text", scripts(), ids=[n for n, _ in scripts()])
def test_every_prefix(name, text, interp):
    engine = CompletionEngine(interp)
    lexer = ShellLexer(engine)
    for end in range(len(text) + 1):
        prefix = text[:end]
        engine.complete(prefix, end)
        # the cursor in the middle of the text typed so far (after moving left)
        engine.complete(prefix, end // 2)
        fragments = lexer.fragments(prefix)
        assert "".join(piece for _, piece in fragments) == prefix
