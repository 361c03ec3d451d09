"""Parser throughput on a 10,000-line administration script.

Prints lines per second for: hvshell's full parse (lexer + LALR parser +
AST), its lexer alone, and, as a baseline from the same run on the same
machine, CPython's own `compile()` of a Python file of the same number of
lines.  Also prints how long loading the compiled grammar takes from the
on-disk cache (warm) and when compiling it (cold), each in a fresh process.

    .venv/bin/python scripts/bench/parse.py [--lines N] [--repeat R]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

# One block of a typical Hyper-V maintenance script; `{n}` makes every
# copy distinct (names, numbers), as in a real long script.
_PS_BLOCK = '''\
# --- host group {n} ---
function Invoke-Drain{n} {{
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateSet('HV{n:02}', 'HV{m:02}')]
        [string]$ComputerName,
        [int]$MaxParallel = {k},
        [switch]$Force
    )
    begin {{ $moved = 0 }}
    process {{
        $vms = @(Get-VM -ComputerName $ComputerName | Where-Object {{ $_.State -eq 'Running' }} |
            Sort-Object -Property MemoryAssigned -Descending)
        foreach ($vm in $vms) {{
            $need = $vm.MemoryAssigned + {k}GB
            if ($need -gt 64GB -and -not $Force) {{
                Write-Warning "Skipping $($vm.Name): needs $([math]::Round($need / 1GB, 1)) GB"
                continue
            }}
            try {{
                Move-VM -Name $vm.Name -DestinationHost 'HV{m:02}' -ErrorAction Stop
                $moved++
            }} catch {{
                Write-Error -Message ('Move failed for {{0}}: {{1}}' -f $vm.Name, $_.Exception.Message)
            }}
        }}
    }}
    end {{ [pscustomobject]@{{ Host = $ComputerName; Moved = $moved; When = Get-Date }} }}
}}
$report{n} = @{{
    Name   = 'group{n}'
    Limit  = {k}0MB
    Hosts  = 'HV{n:02}', 'HV{m:02}'
}}
for ($i = 0; $i -lt {k}; $i++) {{ $report{n}.Limit += $i * 2 }}
switch -Wildcard ($report{n}.Name) {{
    'group1*' {{ $tier = 'gold' }}
    default  {{ $tier = 'bronze' }}
}}
Get-VM -Name "web{n}*" | Select-Object Name, State, @{{ n = 'MemGB'; e = {{ $_.MemoryAssigned / 1GB }} }} |
    Format-Table -AutoSize
Set-VMHost -ComputerName HV{n:02} -VirtualMachineMigrationPerformanceOption SMB -MaximumVirtualMachineMigrations {k}
'''

_PY_BLOCK = '''\
# --- host group {n} ---
def invoke_drain{n}(computer_name, max_parallel={k}, force=False):
    """Drain one host."""
    moved = 0
    vms = sorted((vm for vm in get_vm(computer_name) if vm.state == 'Running'),
                 key=lambda vm: vm.memory_assigned, reverse=True)
    for vm in vms:
        need = vm.memory_assigned + {k} * 2**30
        if need > 64 * 2**30 and not force:
            print(f"Skipping {{vm.name}}: needs {{round(need / 2**30, 1)}} GB")
            continue
        try:
            move_vm(vm.name, 'HV{m:02}')
            moved += 1
        except Exception as error:
            print('Move failed for {{0}}: {{1}}'.format(vm.name, error))
    return {{'host': computer_name, 'moved': moved}}


report{n} = {{
    'name': 'group{n}',
    'limit': {k}0 * 2**20,
    'hosts': ['HV{n:02}', 'HV{m:02}'],
}}
for i in range({k}):
    report{n}['limit'] += i * 2
if report{n}['name'].startswith('group1'):
    tier = 'gold'
else:
    tier = 'bronze'
rows = [(vm.name, vm.state, vm.memory_assigned / 2**30) for vm in get_vm('web{n}')]
print(rows)
set_vmhost('HV{n:02}', performance_option='SMB', maximum_migrations={k})
'''


def make_script(block: str, lines: int) -> str:
    rng = random.Random(42)
    parts = []
    count = 0
    n = 0
    while count < lines:
        n += 1
        text = block.format(n=n, m=rng.randint(1, 99), k=rng.randint(1, 8))
        parts.append(text)
        count += text.count("\n")
    return "".join(parts)


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def load_time(cold: bool) -> float:
    """Seconds to import the parser and parse `1` in a fresh interpreter."""
    env = dict(os.environ)
    # Byte-code caching on, as in normal use (kept out of the source tree).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE
    code = ("import time; t = time.perf_counter(); from hvshell.lang.parser import parse; "
            "parse('1'); print(time.perf_counter() - t)")

    def run() -> float:
        if cold:        # an empty cache directory each time: the grammar is compiled
            env["XDG_CACHE_HOME"] = env["TMPDIR"] = tempfile.mkdtemp(prefix="hvshell-bench-")
        try:
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                 text=True, check=True).stdout
        finally:
            if cold:
                shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
        return float(out)

    run()                                   # write byte code and the warm cache first
    return min(run() for _ in range(3))


_PYCACHE = tempfile.mkdtemp(prefix="hvshell-bench-pycache-")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from hvshell.lang.lexer import Lexer
    from hvshell.lang.parser import parse

    ps = make_script(_PS_BLOCK, args.lines)
    py = make_script(_PY_BLOCK, args.lines)
    ps_lines = ps.count("\n")
    py_lines = py.count("\n")
    parse("1")                                  # load the grammar outside the timing

    t_parse = best_time(lambda: parse(ps, "bench.hvps"), args.repeat)
    t_lex = best_time(lambda: sum(1 for _ in Lexer(ps)), args.repeat)
    t_py = best_time(lambda: compile(py, "bench.py", "exec"), args.repeat)

    print(f"script: {ps_lines} lines, {len(ps)} chars (Python baseline: {py_lines} lines)")
    print(f"hvshell parse      {ps_lines / t_parse:>10,.0f} lines/s  ({t_parse * 1000:.0f} ms)")
    print(f"hvshell lexer only {ps_lines / t_lex:>10,.0f} lines/s  ({t_lex * 1000:.0f} ms)")
    print(f"Python compile()   {py_lines / t_py:>10,.0f} lines/s  ({t_py * 1000:.0f} ms)")
    print(f"parse / compile() speed ratio: {(ps_lines / t_parse) / (py_lines / t_py):.2f}")
    try:
        print(f"parser load + parse('1'): warm cache {load_time(False) * 1000:.0f} ms, "
              f"cold (no cache) {load_time(True) * 1000:.0f} ms")
    finally:
        shutil.rmtree(_PYCACHE, ignore_errors=True)


if __name__ == "__main__":
    main()
