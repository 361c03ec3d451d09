"""The compiled parse table is cached on disk and never makes start-up fail."""
import os
import tempfile

import pytest

from hvshell.lang import grammar


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return home


def _no_compiling(monkeypatch):
    def fail(text):
        raise AssertionError("the table should have come from the cache")
    monkeypatch.setattr(grammar, "_compile", fail)


def test_table_is_cached_and_reused(cache_home, monkeypatch):
    first = grammar.load_table()
    files = list((cache_home / "hvshell").iterdir())
    assert len(files) == 1 and files[0].name.endswith(".marshal")
    assert oct(os.stat(cache_home / "hvshell").st_mode & 0o777) == "0o700"
    _no_compiling(monkeypatch)
    assert grammar.load_table() == first


def test_damaged_cache_is_rebuilt(cache_home):
    grammar.load_table()
    [path] = (cache_home / "hvshell").iterdir()
    path.write_bytes(b"\x00garbage")
    table = grammar.load_table()
    assert table.actions and path.read_bytes() != b"\x00garbage"


def test_unwritable_cache_directories_still_parse(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(blocker))
    table = grammar.load_table()
    assert table.actions and table.start_states


def test_directory_others_can_write_is_not_trusted(cache_home, monkeypatch):
    (cache_home / "hvshell").mkdir(parents=True)
    os.chmod(cache_home / "hvshell", 0o777)
    grammar.load_table()
    assert not list((cache_home / "hvshell").iterdir())       # went to the private temp dir
    assert len(list((cache_home.parent / "tmp").glob("hvshell-cache-*/*.marshal"))) == 1


def test_cache_name_follows_the_grammar():
    assert grammar.cache_name("a: B") != grammar.cache_name("a: C")
    assert grammar.cache_name("a: B") == grammar.cache_name("a: B")
