"""Start-up time of `hvshell -c '1'` against the floors measured in the same run:
`python -c pass`, importing what hvshell needs (lark, attrs, cattrs, numpy) and
`import hvshell`.  Goal: hvshell -c '1' within 1.5x of the dependency floor.

    .venv/bin/python scripts/bench/startup.py [--runs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = [
    ("python -c pass", [sys.executable, "-c", "pass"]),
    ("import lark, attrs, cattrs, numpy", [sys.executable, "-c", "import lark, attrs, cattrs, numpy"]),
    ("import hvshell", [sys.executable, "-c", "import hvshell"]),
    ("hvshell -c '1'", [sys.executable, "-m", "hvshell.cli", "-c", "1"]),
    ("hvshell -c 'Get-VM' (demo lab)", [sys.executable, "-m", "hvshell.cli", "-c", "Get-VM"]),
]


# Start-up is measured as users get it: with Python's bytecode cache on.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], runs: int) -> float:
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)   # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    os.chdir(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    results = {name: measure(command, runs) for name, command in CASES}
    floor = results["import lark, attrs, cattrs, numpy"]
    print(f"{'case':40} {'median ms':>10} {'x deps floor':>13}")
    for name, seconds in results.items():
        print(f"{name:40} {seconds * 1000:10.1f} {seconds / floor:13.2f}")
    ratio = results["hvshell -c '1'"] / floor
    print(f"\nhvshell -c '1' is {ratio:.2f}x the dependency import floor (goal <= 1.5x): "
          f"{'PASS' if ratio <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
