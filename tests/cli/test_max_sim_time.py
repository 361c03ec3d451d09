"""--max-sim-time: a script that would run the lab's clock past the bound
is stopped with a terminating error (docs: README.md, Command line)."""
from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import hvshell

RUNAWAY = """New-LabHost HV01 | Out-Null
$n = 0
try { while ((Get-VM -ComputerName HV01).Count -lt 1) { Start-Sleep 5; $n++ } } catch { 'caught' }
'after the loop'
"""


def test_a_loop_waiting_on_the_clock_is_stopped_at_the_bound(tmp_path):
    (tmp_path / "wait.hvps").write_text(RUNAWAY, encoding="utf-8")
    done = hvshell("--empty", "--max-sim-time", "1h", "--lab", "lab.json", "wait.hvps",
                   cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""                  # no catch, no statement after it
    assert done.stderr.startswith("The script was stopped: it would run the lab's clock past "
                                  "3/25/2014 10:00:00 AM, 1h of simulated time after it started "
                                  "(--max-sim-time 1h).")
    assert "FullyQualifiedErrorId : SimulatedTimeLimitReached" in done.stderr
    saved = json.loads((tmp_path / "lab.json").read_text(encoding="utf-8"))
    assert [h["name"] for h in saved["lab"]["hosts"]] == ["HV01"]
    assert 3600 - 5 <= saved["clock"] <= 3600        # what was due until then happened


def test_a_script_within_the_bound_runs_as_without_it(tmp_path):
    script = "Start-Sleep 3600; (Get-Date).ToString()"
    bounded = hvshell("--empty", "--max-sim-time", "90m", "-c", script, cwd=tmp_path)
    free = hvshell("--empty", "-c", script, cwd=tmp_path)
    assert (bounded.returncode, bounded.stdout, bounded.stderr) == (0, free.stdout, "")


def test_the_bound_counts_from_where_a_saved_lab_stands(tmp_path):
    hvshell("--empty", "--lab", "lab.json", "-c", "Start-Sleep 7200", cwd=tmp_path)
    done = hvshell("--lab", "lab.json", "--max-sim-time", "30m", "-c", "Start-Sleep 1200; 'ok'",
                   cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "ok\n")


@pytest.mark.parametrize("value", ["3x", "0", "-5m", "d", "inf"])
def test_a_bound_that_is_not_a_duration_is_refused(tmp_path, value):
    done = hvshell("--empty", f"--max-sim-time={value}", "-c", "1", cwd=tmp_path)
    assert done.returncode == 2
    assert f"'{value}' is not a duration" in done.stderr
