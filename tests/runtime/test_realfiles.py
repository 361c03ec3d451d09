"""Real files never hang or escape (hvshell/runtime/realfiles.py): FIFOs and
devices are refused at once, symlinks are followed only inside the root, a
file swapped for a symlink mid-open cannot redirect a write, and bad paths
are PowerShell errors."""
from __future__ import annotations

import io
import os
import threading

import pytest

from hvshell.model.lab import Lab
from hvshell.runtime import realfiles
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.realfiles import RealFiles
from hvshell.runtime.session import Session
from hvshell.shell import new_interpreter


@pytest.fixture
def root(tmp_path):
    inside = tmp_path / "root"
    inside.mkdir()
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    return inside


def run(root, text: str):
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(Lab(seed=1), seed=1, root=root), stdout=out, stderr=err)
    interp.execute(text)
    assert "failed unexpectedly" not in err.getvalue()
    return out.getvalue(), err.getvalue(), interp.errors


@pytest.mark.parametrize("command", [
    "Get-Content fifo", "Set-Content fifo x", "Add-Content fifo x", "1 | Out-File fifo",
    "1 > fifo", "1 >> fifo", "Import-Lab fifo", "Export-Lab fifo", "Import-Csv fifo",
    "1 | Export-Csv fifo", ". ./fifo.ps1",
])
def test_a_fifo_is_refused_at_once(root, command):
    os.mkfifo(root / "fifo")
    os.mkfifo(root / "fifo.ps1")
    out, err, errors = run(root, command)     # a blocking open would hang here
    assert "not a file" in err and "FIFO" in err or "is a directory" in err
    assert errors[0].exception_type in ("System.NotSupportedException",
                                        "System.UnauthorizedAccessException")


def test_a_device_is_refused(root):
    (root / "null").symlink_to("/dev/null")
    out, err, _ = run(root, "Get-Content null")
    assert "is denied" in err                          # outside the root, and no file


@pytest.mark.parametrize("command, words", [
    ('Get-Content "a`0b"', "Illegal characters in path."),
    ('Set-Content "a`0b" x', "Illegal characters in path."),
    ("Get-Content " + "x" * 300, "is too long"),
    ("Set-Content " + "/".join(["d"] * 3000) + " x", "is too long"),
    ("Set-Content " + "y" * 256 + " x", "is too long"),
    ("Get-Content loop", "go round in a loop"),
    ("Get-Content link-out", "is denied"),
    ("Get-Content ../secret.txt", "is denied"),
    ("1 > link-out", "is denied"),
    ("Get-Content missing/x.txt", "Cannot find path"),
    ("Set-Content missing/x.txt 1", "Could not find a part of the path"),
])
def test_bad_paths_are_powershell_errors(root, tmp_path, command, words):
    (root / "loop").symlink_to("loop2")
    (root / "loop2").symlink_to("loop")
    (root / "link-out").symlink_to(tmp_path / "secret.txt")
    out, err, errors = run(root, command)
    assert words in err
    assert (tmp_path / "secret.txt").read_text(encoding="utf-8") == "outside\n"


def test_links_inside_the_root_are_followed(root):
    (root / "sub").mkdir()
    (root / "here").symlink_to("sub/data.txt")
    (root / "abs").symlink_to(root / "sub")
    out, err, _ = run(root, "Set-Content here hello; Get-Content abs/data.txt; "
                            "Get-Content sub/../here")
    assert (out, err) == ("hello\nhello\n", "")
    assert (root / "sub" / "data.txt").read_text(encoding="utf-8") == "hello\n"


def test_a_file_swapped_for_a_symlink_between_check_and_open_is_not_followed(root, tmp_path,
                                                                            monkeypatch):
    """The race: the path is checked (a regular file below the root), then,
    before it is opened, replaced by a symlink to a file outside."""
    victim = root / "victim.txt"
    victim.write_text("mine\n", encoding="utf-8")
    real_lstat = os.lstat
    swapped = []

    def lstat_then_swap(name, *args, **kwargs):
        info = real_lstat(name, *args, **kwargs)
        if name == "victim.txt" and not swapped:
            swapped.append(True)
            victim.unlink()
            victim.symlink_to(tmp_path / "secret.txt")
        return info
    monkeypatch.setattr(realfiles.os, "lstat", lstat_then_swap)
    with pytest.raises(CmdletError, match="is denied"):
        RealFiles(root).write("victim.txt", b"evil\n")
    assert swapped and (tmp_path / "secret.txt").read_text(encoding="utf-8") == "outside\n"


def test_a_swapping_process_never_gets_a_write_outside(root, tmp_path):
    files = RealFiles(root)
    stop = threading.Event()

    def swap():
        while not stop.is_set():
            for make in (lambda p: p.write_text("x", encoding="utf-8"),
                         lambda p: p.symlink_to(tmp_path / "secret.txt")):
                try:
                    (root / "v").unlink()
                except FileNotFoundError:
                    pass
                try:
                    make(root / "v")
                except FileExistsError:
                    pass
    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        for _ in range(300):
            try:
                files.write("v", b"evil\n")
            except CmdletError:
                pass
    finally:
        stop.set()
        swapper.join()
    assert (tmp_path / "secret.txt").read_text(encoding="utf-8") == "outside\n"
