"""Helpers for the language tests: parse text, show the tree compactly, list errors."""
from __future__ import annotations

import pytest
from ast_sexp import sexp

from hvshell.lang.parser import parse
from hvshell.lang.errors import ParseError


def tree(text: str) -> str:
    """The S-expression of a whole parsed text (see ast_sexp)."""
    return sexp(parse(text))


def errors(text: str) -> list[tuple[str, str, int, int]]:
    """(error id, message, line, column) of every parse error of `text`."""
    with pytest.raises(ParseError) as info:
        parse(text)
    return [(r.error_id, r.message, r.extent.line, r.extent.column) for r in info.value.records]


def first_error(text: str) -> tuple[str, str, int, int]:
    return errors(text)[0]
