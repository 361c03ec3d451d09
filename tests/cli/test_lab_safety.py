"""--lab files cannot be lost: foreign files refused and kept, one process
per file (an advisory lock), a refused save is a PowerShell error that
keeps the previous file and the session."""
from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from hvshell import cli
from hvshell.model.kernel import persist
from hvshell.model.lab import Lab
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


def hvshell(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hvshell.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_a_foreign_lab_file_is_refused_and_byte_identical(tmp_path):
    content = json.dumps({"format": "hvshell-lab", "version": 1, "clock": 0, "lab": "mine"})
    (tmp_path / "lab.json").write_text(content, encoding="utf-8")
    done = hvshell("--lab", "lab.json", "-c", "New-LabHost HV09", cwd=tmp_path)
    assert done.returncode == 2 and "is not a lab" in done.stderr
    assert (tmp_path / "lab.json").read_text(encoding="utf-8") == content


def test_a_second_process_on_a_locked_lab_is_refused_and_waits_with_wait(tmp_path):
    first = subprocess.Popen([sys.executable, "-m", "hvshell.cli", "--empty", "--lab", "lab.json"],
                             cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "lab.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        second = hvshell("--lab", "lab.json", "-c", "New-LabHost HV09", cwd=tmp_path)
        assert second.returncode == 2
        assert f"in use by another hvshell (process {first.pid})" in second.stderr
        assert "--wait" in second.stderr
        waiting = subprocess.Popen([sys.executable, "-m", "hvshell.cli", "--lab", "lab.json",
                                    "--wait", "-c", "New-LabHost HV09; (Get-LabHost).Name"],
                                   cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        time.sleep(1)
        assert waiting.poll() is None                   # queued behind the first
        first.communicate("New-LabHost HV01\nexit\n", timeout=60)
        out, err = waiting.communicate(timeout=60)
        assert out == "HV01\nHV09\n" and "waiting for the hvshell using lab.json" in err
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
                process.wait()


def test_a_refused_save_is_a_terminating_error_and_the_session_goes_on(tmp_path, monkeypatch):
    path = str(tmp_path / "lab.json")
    session = Session(Lab(seed=1), seed=1)
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(session, stdout=out, stderr=err)
    interp.after_statement = cli._saver(session, path)
    interp.execute("New-LabHost HV01")
    before = Path(path).read_bytes()
    real_fsync = os.fsync
    failures = [1]

    def full_once(fd):
        if failures:
            failures.pop()
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)
    monkeypatch.setattr(persist.os, "fsync", full_once)
    assert interp.execute("New-LabHost HV02; 'not reached'") is False
    assert "not reached" not in out.getvalue()
    assert "The lab could not be saved" in err.getvalue() and "No space left" in err.getvalue()
    assert interp.errors[0].FullyQualifiedErrorId == "LabSaveFailed"
    assert Path(path).read_bytes() == before                 # the last good save
    assert interp.execute("(Get-LabHost).Name") is True       # the session goes on ...
    assert out.getvalue().endswith("HV01\nHV02\n")
    assert "HV02" in Path(path).read_text(encoding="utf-8")   # ... and the next save has it


def test_a_full_small_filesystem_keeps_the_last_good_lab(tmp_path):
    """A real full disk (a 256 KiB tmpfs, where the machine lets us mount
    one): the save that does not fit fails, the file holds the last save,
    and the shell goes on."""
    small = tmp_path / "small"
    small.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
                                            str(small)], capture_output=True).returncode != 0:
        import pytest
        pytest.skip("no tmpfs can be mounted here")
    try:
        script = "New-LabHost HV01\n" + "".join(
            f"New-VM vm{i:03d} -MemoryStartupBytes 1GB | Out-Null\n" for i in range(400)) + \
            "'still here'\n"
        (tmp_path / "grow.hvps").write_text(script, encoding="utf-8")
        done = hvshell("--empty", "--lab", str(small / "lab.json"), str(tmp_path / "grow.hvps"),
                       cwd=tmp_path)
        assert done.returncode == 1 and "No space left on device" in done.stderr
        assert done.stderr.count("The lab could not be saved") == 1     # the script ends there
        kept = json.loads((small / "lab.json").read_text(encoding="utf-8"))
        assert 0 < len(kept["lab"]["hosts"][0]["vms"]) < 400
        assert not [p for p in small.iterdir() if p.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)
