"""Where history lives, and a home that cannot be written."""
from __future__ import annotations

import os

import pytest
from prompt_toolkit.history import FileHistory, InMemoryHistory

from hvshell.repl.history import history_path, open_history


def test_xdg_data_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert history_path() == tmp_path / "hvshell" / "history"
    history = open_history()
    assert isinstance(history, FileHistory)
    history.store_string("Get-VM")
    assert "Get-VM" in (tmp_path / "hvshell" / "history").read_text()
    assert list(open_history().load_history_strings()) == ["Get-VM"]


def test_default_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_path() == tmp_path / ".local" / "share" / "hvshell" / "history"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_home_keeps_history_in_memory(monkeypatch, tmp_path):
    tmp_path.chmod(0o500)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert isinstance(open_history(), InMemoryHistory)


def test_unusable_path_keeps_history_in_memory(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))       # a file where a folder must be
    assert isinstance(open_history(), InMemoryHistory)


def test_history_file_that_becomes_unwritable(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    history = open_history()
    path = tmp_path / "hvshell" / "history"
    path.unlink()
    path.mkdir()                                             # writes now fail
    history.store_string("Get-VM")                           # and are ignored
    assert list(history.load_history_strings()) == []
