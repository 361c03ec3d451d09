"""The hvshell command as a user runs it (README.md, Command line)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def hvshell(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run([sys.executable, "-m", "hvshell.cli", *args], cwd=cwd, env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_command_line(tmp_path):
    done = hvshell("--empty", "-c",
                   "1..5 | Where-Object { $_ % 2 } | Measure-Object -Sum | "
                   "Select-Object -ExpandProperty Sum", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "9\n", "")


@pytest.mark.parametrize("text, status", [
    ("'fine'", 0),
    ("Write-Error 'not terminating'", 0),
    ("Get-NoSuchCommand; 'goes on'", 0),
    ("throw 'stop here'", 1),
    ("if (", 1),                       # a parse error
    ("exit 7", 7),
])
def test_exit_status(tmp_path, text, status):
    (tmp_path / "s.hvps").write_text(text + "\n", encoding="utf-8")
    done = hvshell("--empty", "s.hvps", cwd=tmp_path)
    assert done.returncode == status
    assert "Traceback" not in done.stdout + done.stderr


def test_script_arguments(tmp_path):
    (tmp_path / "a.hvps").write_text('"$($args.Count): $($args -join \'+\')"\n', encoding="utf-8")
    assert hvshell("--empty", "a.hvps", "x", "y", cwd=tmp_path).stdout == "2: x+y\n"


def test_same_script_same_bytes_and_the_seed_matters(tmp_path):
    script = "Measure-LabMigration SQL01 HV02 -PerformanceOption TCPIP | Format-List *\n"
    (tmp_path / "m.hvps").write_text(script, encoding="utf-8")
    first = hvshell("m.hvps", cwd=tmp_path).stdout
    assert first and first == hvshell("m.hvps", cwd=tmp_path).stdout
    assert hvshell("--seed", "99", "m.hvps", cwd=tmp_path).stdout != first


def test_lab_file_is_created_saved_after_each_statement_and_reloaded(tmp_path):
    done = hvshell("--empty", "--lab", "lab.json", "-c",
                   "New-LabHost HV01; New-VM web01 -MemoryStartupBytes 1GB | Out-Null; throw 'x'",
                   cwd=tmp_path)
    assert done.returncode == 1
    saved = json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))
    assert "web01" in json.dumps(saved)      # saved before the failing statement ran
    again = hvshell("--lab", "lab.json", "-c", "(Get-VM).Name", cwd=tmp_path)
    assert again.stdout == "web01\n"


def test_a_corrupt_lab_file_is_refused_and_left_alone(tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    done = hvshell("--lab", "bad.json", "-c", "1", cwd=tmp_path)
    assert done.returncode != 0 and "bad.json" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "bad.json").read_text(encoding="utf-8") == "{not json"


@pytest.mark.parametrize("path", ["../outside.csv", "/tmp/hvshell-outside.csv", "link/x.csv"])
def test_files_stay_below_the_root(tmp_path, path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    done = hvshell("--empty", "-c", f"1 | Export-Csv -Path {path}", cwd=root)
    assert "Access to the path" in done.stderr and "is denied" in done.stderr
    assert not (tmp_path / "outside.csv").exists() and not (tmp_path / "x.csv").exists()


def test_root_option_sets_where_files_go(tmp_path):
    work, data = tmp_path / "work", tmp_path / "data"
    work.mkdir()
    data.mkdir()
    done = hvshell("--empty", "--root", str(data), "-c",
                   "'kept' | Set-Content -Path kept.txt; Get-Content kept.txt; "
                   "Get-Content ../work/x.txt", cwd=work)
    assert done.stdout == "kept\n" and (data / "kept.txt").exists()
    assert "is denied" in done.stderr


def test_the_prompt_host_comes_from_a_saved_lab_without_loading_it(tmp_path):
    from hvshell.model.kernel.labfile import peek_local_host
    hvshell("--empty", "--lab", "lab.json", "-c", "New-LabHost HVX; New-LabHost HVY", cwd=tmp_path)
    assert peek_local_host(tmp_path / "lab.json") == "HVX"
    (tmp_path / "junk.json").write_text("[]", encoding="utf-8")
    assert peek_local_host(tmp_path / "junk.json") is None
    assert peek_local_host(tmp_path / "missing.json") is None
