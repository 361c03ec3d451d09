"""The lexer on text cut at a cursor (`lex_partial`, for tab completion)."""
from __future__ import annotations

import pytest

from hvshell.lang.lexer import Lexer, lex_partial


def kinds(text):
    lexed = lex_partial(text)
    return [(t.type, text[t.start:t.end], d) for t, d in zip(lexed.tokens, lexed.depths)]


def test_an_open_string_holds_what_was_typed():
    lexed = lex_partial("Get-VM 'it''s")
    tok = lexed.tokens[-1]
    assert (tok.type, tok.value, tok.node.value) == ("OPEN_STRING", "'", "it's")
    tok = lex_partial('Get-VM "a`"b').tokens[-1]
    assert (tok.type, tok.value, tok.node.value) == ("OPEN_STRING", '"', 'a"b')
    # the parser's lexer still reports the missing terminator
    assert [t.type for t in Lexer("Get-VM 'it''s")][-1] == "ERROR"


@pytest.mark.parametrize("text", ["$vm.", "Get-VM $vm.", "Write-Output $vm.Name."])
def test_a_trailing_dot_is_a_member_being_typed(text):
    assert [k for k, _, _ in kinds(text)][-1] == "DOT"


def test_depths_and_what_comes_next():
    assert kinds("Get-VM (Get-VM a; b) ") == [
        ("COMMAND", "Get-VM", 1), ("LPAREN", "(", 1), ("COMMAND", "Get-VM", 2),
        ("GENERIC", "a", 2), ("SEP", ";", 2), ("COMMAND", "b", 2), ("RPAREN", ")", 1)]
    assert lex_partial("Get-VM (Get-VM a; b) ").next == "argument"
    assert lex_partial("Get-VM | ").next == "command"
    lexed = lex_partial("if ($x) { $y = ")
    assert (lexed.depth, lexed.next) == (2, "command")
    assert lex_partial("$x -eq ").next is None


def test_names_being_typed_at_a_statement_start():
    assert kinds("*-Test*") == [("COMMAND", "*-Test*", 1)]
    assert kinds("in") == [("COMMAND", "in", 1)]
    assert [t.type for t in Lexer("in")] == ["ERROR"]
