"""The lab file on disk, outside its content: a cheap look into it, the
lock that keeps two processes from saving over each other, and the
temporary files a killed save leaves behind.

`--lab FILE` holds an advisory lock (fcntl.flock) on `.FILE.lock` beside
the file for as long as the process runs: the lab file itself is replaced
by every save, so a lock on it would not outlive the first one.  A second
process on the same file is refused (LabInUseError), or with `--wait`
queues until the first ends.  Whoever holds the lock owns the file's
temporary files, so any left (`.FILE.xxxxxxxx.tmp`, from a save that was
killed before its rename) are removed when the lock is taken.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
from pathlib import Path
from typing import Any, Callable


def temp_prefix(target: Path) -> str:
    """How the temporary files of saves to `target` begin (`.lab.json.`)."""
    return f".{target.name}."


def peek_local_host(path: str | os.PathLike) -> str | None:
    """The name of the host the shell stands on in the saved lab at `path`
    (its first host), or None when the file cannot tell."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            hosts = json.load(handle)["lab"]["hosts"]
        return str(hosts[0]["name"]) if hosts else None
    except (OSError, ValueError, KeyError, IndexError, TypeError, RecursionError):
        return None


class LabInUseError(Exception):
    """Another process holds the lab file's lock."""

    def __init__(self, path: str | os.PathLike, holder: int | None):
        who = f"another hvshell (process {holder})" if holder else "another hvshell"
        super().__init__(f"--lab {path}: the lab is in use by {who}. Wait for it to end, or "
                         f"start with --wait to run when it has.")
        self.holder = holder


class LabLock:
    """The lock on one lab file, held until `release()` or the process ends."""

    def __init__(self, fd: int | None):
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)          # closing the descriptor drops the flock
            self.fd = None


def _lock_target(path: str | os.PathLike) -> Path:
    return Path(os.path.realpath(path))


def _open_lock_file(target: Path) -> int | None:
    """The descriptor to lock: `.NAME.lock` beside the file, or the file
    itself where the folder cannot hold a new file (then no save can
    succeed either, and the lock only keeps readers honest)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(target.parent / f".{target.name}.lock", flags, 0o644)
    except OSError:
        try:
            return os.open(target, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def lock_lab_file(path: str | os.PathLike, wait: bool = False,
                  on_wait: Callable[[int | None], Any] | None = None) -> LabLock:
    """Take the lab file's lock: LabInUseError when another process has it
    (unless `wait`, which blocks until it is free, calling `on_wait` first)."""
    target = _lock_target(path)
    fd = _open_lock_file(target)
    if fd is None:
        return LabLock(None)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        if not wait:
            os.close(fd)
            raise LabInUseError(path, holder) from None
        if on_wait is not None:
            on_wait(holder)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError:
        pass                           # the lab file itself (read-only): no pid to leave
    remove_stale_temp_files(target)
    return LabLock(fd)


def remove_stale_temp_files(target: Path) -> list[str]:
    """Delete the temporary files of saves to `target` that never finished;
    only the lock holder may call this.  Returns their names."""
    pattern = re.compile(re.escape(temp_prefix(target)) + r"[A-Za-z0-9_]{1,16}\.tmp")
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed.append(entry.name)
            except OSError:
                pass
    return removed
