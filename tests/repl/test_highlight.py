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
    return {piece: style for style, piece in lexer.fragments(text) if piece.strip()}


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
