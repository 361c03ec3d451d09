"""Where the REPL keeps its history: $XDG_DATA_HOME/hvshell/history, else
~/.local/share/hvshell/history.  A home that cannot be written leaves the
history in memory for the session instead of failing."""
from __future__ import annotations

import os
import pathlib

from prompt_toolkit.history import FileHistory, History, InMemoryHistory


def history_path() -> pathlib.Path | None:
    base = os.environ.get("XDG_DATA_HOME")
    if not base:
        try:
            base = str(pathlib.Path.home() / ".local" / "share")
        except RuntimeError:          # no home directory at all
            return None
    return pathlib.Path(base) / "hvshell" / "history"


class _TolerantFileHistory(FileHistory):
    """A file history that keeps working when the file stops being
    writable (disk full, permissions changed) during the session."""

    def load_history_strings(self):
        try:
            yield from super().load_history_strings()
        except (OSError, UnicodeDecodeError):
            return

    def store_string(self, string: str) -> None:
        try:
            super().store_string(string)
        except OSError:
            pass


def open_history(path: pathlib.Path | None = None) -> History:
    path = path or history_path()
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "ab"):
            pass
    except OSError:
        return InMemoryHistory()
    return _TolerantFileHistory(str(path))
