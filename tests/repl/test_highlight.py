"""Colouring of the input: commands known or not, and the token classes."""
from __future__ import annotations

import pytest
from prompt_toolkit.document import Document

from hvshell.repl.completion import CompletionEngine
from hvshell.repl.highlight import ShellLexer
from hvshell.runtime.cmdlet import Cmdlet, Parameter


@pytest.fixture
def lexer(interp, test_cmdlets):
    class GetTestVM(Cmdlet):
        name = "Get-TestVM"
        aliases = ("gtv",)
        Name = Parameter(str, position=0)

    return ShellLexer(CompletionEngine(interp))


def styles_of(lexer, text):
    """style of each word-like run, by its text"""
    return {piece.strip(): style for style, piece in lexer.fragments(text) if piece.strip()}


def test_known_and_unknown_commands(lexer, interp):
    text = "Get-TestVM web01 | Get-Nothing; gtv"
    spans = styles_of(lexer, text)
    assert spans["Get-TestVM"] == "class:hv.command"
    assert spans["Get-Nothing"] == "class:hv.command.unknown"
    assert spans["gtv"] == "class:hv.command"
    interp.functions["get-nothing"] = type("F", (), {"name": "Get-Nothing"})()
    assert styles_of(lexer, text)["Get-Nothing"] == "class:hv.command"


def test_paths_as_commands_are_not_marked(lexer):
    assert styles_of(lexer, ".\\setup.hvps")[".\\setup.hvps"] != "class:hv.command.unknown"


def test_lines_split_for_the_document(lexer):
    text = "Get-TestVM `\n  -Name web01\nGet-Nothing"
    get_line = lexer.lex_document(Document(text))
    lines = text.split("\n")
    for number, line in enumerate(lines):
        assert "".join(piece for _, piece in get_line(number)) == line
    assert get_line(2) == [("class:hv.command.unknown", "Get-Nothing")]
    assert get_line(7) == []


def test_token_classes(lexer):
    text = "$vms = Get-TestVM -Name 'web01',\"db $x\" 2GB -ErrorAction Stop # note"
    spans = styles_of(lexer, text)
    assert spans["$vms"] == "class:hv.variable"
    assert spans["Get-TestVM"] == "class:hv.command"
    assert spans["-Name"] == spans["-ErrorAction"] == "class:hv.parameter"
    assert spans["'web01'"] == spans['"db $x"'] == "class:hv.string"
    assert spans["2GB"] == "class:hv.number"
    assert spans["# note"] == "class:hv.comment"
    assert "Stop" in spans and spans["Stop"] == ""                  # a plain argument
    spans = styles_of(lexer, "if ($a -eq 1) { [int]$b }")
    assert spans["if"] == "class:hv.keyword"
    assert spans["-eq"] == "class:hv.operator"
    assert spans["[int]"] == "class:hv.type"


def test_a_string_being_typed_stays_a_string(lexer):
    assert styles_of(lexer, "Get-TestVM 'web")["'web"] == "class:hv.string"


def test_commands_are_not_judged_while_the_cmdlets_load(lexer, monkeypatch):
    # Judging would wait for the background load, and the key typed would
    # not echo until it ends; the line is coloured again once it has.
    import hvshell.cmdlets as cmdlets
    monkeypatch.setattr(cmdlets, "_done", False)
    monkeypatch.setattr(lexer.engine, "knows_command",
                        lambda name: pytest.fail("asked while the cmdlets load"))
    assert styles_of(lexer, "Get-Nothing")["Get-Nothing"] == "class:hv.command"
    monkeypatch.undo()          # loaded
    assert styles_of(lexer, "Get-Nothing")["Get-Nothing"] == "class:hv.command.unknown"
