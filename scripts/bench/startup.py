"""Start-up time of `hvshell -c '1'` against the floors measured in the same run:
`python -c pass`, importing what hvshell needs (lark, attrs, cattrs, numpy),
importing what a parse needs at most (lark, attrs) and `import hvshell`.
Goals: hvshell -c '1' within 1.5x of the dependency floor, and `hvshell
--empty -c 1` within 1.5x of `import lark, attrs`.  Each case's median wall
time and median CPU time (the child's user + system time, which a busy
shared machine disturbs less).

    .venv/bin/python scripts/bench/startup.py [--runs N]
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

CASES = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("import lark, attrs, cattrs, numpy", [sys.executable, "-c", "import lark, attrs, cattrs, numpy"]),
    ("import lark, attrs", [sys.executable, "-c", "import lark, attrs"]),
    ("import hvshell", [sys.executable, "-c", "import hvshell"]),
    ("hvshell -c '1'", [sys.executable, "-m", "hvshell.cli", "-c", "1"]),
    ("hvshell --empty -c '1'", [sys.executable, "-m", "hvshell.cli", "--empty", "-c", "1"]),
    ("hvshell -c 'Get-VM' (demo lab)", [sys.executable, "-m", "hvshell.cli", "-c", "Get-VM"]),
]


# Start-up is measured as users get it: with Python's bytecode cache on.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of `runs` runs."""
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)   # warm caches
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    os.chdir(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in CASES}
    for _ in range(runs):             # interleaved, so that a busy spell hits every case
        for name, command in CASES:
            results[name].append(measure(command, 1))
    medians = {name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
               for name, got in results.items()}
    floor = medians["import lark, attrs, cattrs, numpy"]
    print(f"{'case':40} {'wall ms':>8} {'cpu ms':>8} {'x deps floor (wall, cpu)':>26}")
    for name, (wall, cpu) in medians.items():
        print(f"{name:40} {wall * 1000:8.1f} {cpu * 1000:8.1f} "
              f"{wall / floor[0]:13.2f} {cpu / floor[1]:12.2f}")
    ok = True
    for case, base in (("hvshell -c '1'", "import lark, attrs, cattrs, numpy"),
                       ("hvshell --empty -c '1'", "import lark, attrs")):
        wall, cpu = medians[case][0] / medians[base][0], medians[case][1] / medians[base][1]
        ok &= cpu <= 1.5
        print(f"{case} is {wall:.2f}x (wall) {cpu:.2f}x (cpu) `{base}` (goal <= 1.5x): "
              f"{'PASS' if cpu <= 1.5 else 'FAIL'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
