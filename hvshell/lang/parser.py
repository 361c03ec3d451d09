"""Parse PowerShell-subset text into `hvshell.lang.ast`.

    parse(text, path=None) -> ast.Script        raises ParseError

`hvshell.lang.lexer.Lexer` classifies the tokens; the LALR parser compiled
from `grammar/powershell.lark` (see `hvshell.lang.grammar`) consumes them and
builds the tree through `hvshell.lang.builder.AstBuilder` as it reduces.

Like PowerShell, the parser reports every error it can find, not just the
first: after an error it resumes at the next top-level statement.
"""
from __future__ import annotations

from lark.exceptions import UnexpectedToken

from hvshell.lang import ast
from hvshell.lang.builder import BuildError
from hvshell.lang.errors import SyntaxFailure, describe
from hvshell.lang.lexer import Lexer, Tok, line_starts
from hvshell.runtime.errors import ParseError, parse_error

# Errors reported for one text at most; beyond that they are mostly echoes.
MAX_ERRORS = 10

_parser = None


def _lark():
    global _parser
    if _parser is None:
        from hvshell.lang.grammar import load_parser
        _parser = load_parser()
    return _parser


class _Failed(Exception):
    def __init__(self, failure: SyntaxFailure):
        super().__init__(failure.message)
        self.failure = failure


def _run(text: str, lines: list[int], pos: int, start: str, root: str):
    """Parse from `pos`; returns (node, lexer) or raises _Failed."""
    state = _lark().parse_interactive(start=start).parser_state
    feed = state.feed_token

    def subparse(at: int):
        node, sub = _run(text, lines, at, "start_block", "strsub")
        return node, sub.end

    lexer = Lexer(text, pos, root, lines, subparse)
    prev = None
    tok = None
    try:
        for tok in lexer:
            feed(tok)
            prev = tok
        n = len(text)
        tok = Tok("$END", "", n, n, len(lines), n - lines[-1] + 1)
        return feed(tok, True), lexer
    except UnexpectedToken as e:
        raise _Failed(describe(e.token, e.expected, prev, lexer.frames, text)) from None
    except BuildError as e:
        x = e.extent
        incomplete = not text[x.end:].strip() and e.error_id == "MissingCatchOrFinally"
        raise _Failed(SyntaxFailure(e.message, e.error_id, x.start, x.end, incomplete)) from None


def _resume_point(text: str, lines: list[int], pos: int, failure: SyntaxFailure) -> int | None:
    """Where the top-level statement after the failed one starts."""
    for tok in Lexer(text, pos, "script", lines):
        if tok.type == "SEP" and tok.start >= failure.start and tok.value == 1:
            return tok.end
    return None


def _failures(text: str, lines: list[int], first: SyntaxFailure) -> list[SyntaxFailure]:
    failures = [first]
    pos = 0
    while len(failures) < MAX_ERRORS and not failures[-1].incomplete:
        pos = _resume_point(text, lines, pos, failures[-1])
        if pos is None:
            break
        try:
            _run(text, lines, pos, "start_script", "script")
            break
        except _Failed as e:
            failures.append(e.failure)
    return failures


def parse(text: str, path: str | None = None) -> ast.Script:
    """Parse a script, a command line or REPL input."""
    source = ast.Source(text, path)
    lines = line_starts(text)
    try:
        body, _ = _run(text, lines, 0, "start_script", "script")
    except _Failed as e:
        records = [parse_error(f.message, f.error_id, source, _extent(lines, f.start, f.end))
                   for f in _failures(text, lines, e.failure)]
        raise ParseError(records) from None
    except RecursionError:
        raise ParseError([parse_error("The script is nested too deeply to be parsed.",
                                      "ScriptTooComplex", source, _extent(lines, 0, 0))]) from None
    return ast.Script(body, source, extent=ast.Extent(0, len(text), 1, 1))


def first_failure(text: str) -> SyntaxFailure | None:
    """The first parse error of `text`, or None if it parses."""
    try:
        _run(text, line_starts(text), 0, "start_script", "script")
    except _Failed as e:
        return e.failure
    except RecursionError:
        return SyntaxFailure("The script is nested too deeply to be parsed.", "ScriptTooComplex", 0, 0)
    return None


def _extent(lines: list[int], start: int, end: int) -> ast.Extent:
    from bisect import bisect_right
    line = bisect_right(lines, start)
    return ast.Extent(start, end, line, start - lines[line - 1] + 1)
