"""Golden tests: each tests/golden/NAME.hvps runs through the real CLI and its
output (stdout and stderr, interleaved) must equal NAME.out byte for byte.

A script's first lines may hold directives:
    # lab: demo        run on the demo lab (default: --empty)
    # exit: 1          the expected exit status (default 0)
    # args: a b        arguments passed to the script

Re-bless after an intended change with `scripts/test tests/golden --bless`
(or HVSHELL_BLESS=1), then review the diff of the .out files.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).parent
SCRIPTS = sorted(HERE.glob("*.hvps"))


def _directives(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if not line.startswith("# ") or ":" not in line:
            break
        key, _, value = line[2:].partition(":")
        found[key.strip().lower()] = value.strip()
    return found


def run_script(script: pathlib.Path, workdir: pathlib.Path) -> tuple[int, str]:
    text = script.read_text(encoding="utf-8")
    directives = _directives(text)
    shutil.copy(script, workdir / script.name)
    command = [sys.executable, "-m", "hvshell.cli"]
    if directives.get("lab", "empty") != "demo":
        command.append("--empty")
    command.append(script.name)
    command.extend(directives.get("args", "").split())
    env = dict(os.environ, PYTHONHASHSEED="0", COLUMNS="120")
    done = subprocess.run(command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, env=env, timeout=120)
    return done.returncode, done.stdout.decode("utf-8")


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_golden(script: pathlib.Path, tmp_path: pathlib.Path, request: pytest.FixtureRequest) -> None:
    code, output = run_script(script, tmp_path)
    expected_code = int(_directives(script.read_text(encoding="utf-8")).get("exit", "0"))
    expected_file = script.with_suffix(".out")
    assert "Traceback (most recent call last)" not in output
    if request.config.getoption("--bless") or os.environ.get("HVSHELL_BLESS"):
        expected_file.write_text(output, encoding="utf-8")
    assert expected_file.exists(), f"no expected output: run with --bless to create {expected_file.name}"
    assert output == expected_file.read_text(encoding="utf-8")
    assert code == expected_code, f"exit status {code}, expected {expected_code}"
