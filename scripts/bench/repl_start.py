#!/usr/bin/env python3
"""REPL start-up: from starting `hvshell` to its first prompt on a terminal.

Runs the installed `hvshell` under a pseudo-terminal and times until
`PS ...> ` appears (answering the terminal's cursor-position query as a real
terminal would), then types a key and times until it is echoed: the lab,
parser and cmdlets load behind the first prompt, and typing must not wait
for them (goal: within 100 ms).  Baseline in the same run: `python -c 'import
prompt_toolkit, hvshell'`, the least any prompt_toolkit shell can cost.
Goal: within 1.5x of the baseline.  Medians over several runs.

    .venv/bin/python scripts/bench/repl_start.py [--runs 7] [--empty]
"""
from __future__ import annotations

import argparse
import os
import pty
import re
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOAL_RATIO = 1.5
PROMPT = re.compile(rb"PS [^\r\n>]+>")
CURSOR_QUERY = b"\x1b[6n"
KEY = b"Q"                 # a key typed at the first prompt (no command starts with it)
ECHO_GOAL = 0.100


def hvshell_command() -> list[str]:
    installed = Path(sys.executable).with_name("hvshell")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "hvshell.cli"]


def time_to_prompt(command: list[str], timeout: float = 60.0) -> float:
    """Seconds from fork to the first prompt on the pseudo-terminal."""
    return _session(command, timeout)[0]


def _session(command: list[str], timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from fork to the first prompt, and from then until a key
    typed at it is echoed (while the shell loads behind the prompt)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)   # measured as users get it
        os.environ["XDG_DATA_HOME"] = "/tmp/hvshell-bench-data"
        os.execv(command[0], command)
    seen = b""
    prompted: float | None = None
    mark = 0
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if CURSOR_QUERY in chunk:
                os.write(fd, b"\x1b[1;1R")
            if prompted is None and PROMPT.search(seen):
                prompted = time.perf_counter()
                mark = len(seen)
                os.write(fd, KEY)
            elif prompted is not None and KEY in seen[mark:]:
                return prompted - start, time.perf_counter() - prompted
        raise RuntimeError(f"no prompt or echo within {timeout} s; saw {seen[-300:]!r}")
    finally:
        try:
            os.write(fd, b"\x04")
        except OSError:
            pass
        _reap(pid)
        os.close(fd)


def _reap(pid: int) -> None:
    deadline = time.time() + 5
    while time.time() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)


def time_baseline() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import prompt_toolkit, hvshell"], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    return time.perf_counter() - start


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--runs", type=int, default=7)
    options.add_argument("--empty", action="store_true", help="start on an empty lab")
    args = options.parse_args()

    command = hvshell_command() + (["--empty"] if args.empty else [])
    time_to_prompt(command)                      # warm the file cache and .pyc files
    time_baseline()
    sessions = [_session(command) for _ in range(args.runs)]
    repl = [prompt for prompt, _ in sessions]
    echo = statistics.median(echoed for _, echoed in sessions)
    base = [time_baseline() for _ in range(args.runs)]
    repl_median, base_median = statistics.median(repl), statistics.median(base)
    ratio = repl_median / base_median
    print(f"REPL start to first prompt ({' '.join(command[-2:])}), median of {args.runs}: "
          f"{repl_median * 1000:.0f} ms")
    print(f"baseline python -c 'import prompt_toolkit, hvshell': {base_median * 1000:.0f} ms")
    print(f"ratio {ratio:.2f}x (goal within {GOAL_RATIO}x): {'ok' if ratio <= GOAL_RATIO else 'SLOW'}")
    print(f"a key typed at the first prompt echoes after {echo * 1000:.0f} ms (median; goal "
          f"<= {ECHO_GOAL * 1000:.0f} ms): {'ok' if echo <= ECHO_GOAL else 'SLOW'}")
    return 0 if ratio <= GOAL_RATIO and echo <= ECHO_GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
