"""Parse PowerShell-subset text into `hvshell.lang.ast`.

    parse(text, path=None) -> ast.Script        raises ParseError
    is_incomplete(text) -> bool                 for the REPL's `>> ` prompt

`hvshell.lang.lexer.Lexer` classifies the tokens; the LALR(1) table that
lark compiled from `grammar/powershell.lark` (`hvshell.lang.grammar`)
consumes them, and `hvshell.lang.builder.AstBuilder` builds the tree as
rules are reduced.

Like PowerShell, the parser reports every error it can find, not just the
first: after an error it resumes at the next top-level statement.
"""
from __future__ import annotations

import contextlib
import gc
from bisect import bisect_right
from collections.abc import Iterator

from hvshell.lang import ast
from hvshell.lang.builder import LEAVES, AstBuilder, BuildError
from hvshell.lang.errors import ParseError, ParseProblem, SyntaxFailure, describe
from hvshell.lang.lexer import Lexer, Tok, line_starts

# Errors reported for one text at most; beyond that they are mostly echoes.
MAX_ERRORS = 10


class _Machine:
    """The parse table with a ready reducer for every rule."""

    def __init__(self) -> None:
        from hvshell.lang.grammar import load_table
        table = load_table()
        builder = AstBuilder()
        self.actions = table.actions
        self.start_states = table.start_states
        self.end_states = table.end_states
        self.reducers = tuple((info[0], info[1], _reducer(builder, *info)) for info in table.rules)


def _reducer(builder: AstBuilder, size: int, origin: str, callback: str | None, expand1: bool,
             plan: tuple | None, trailing: int):
    """The function that turns a rule's children into its value; None for a
    rule that passes its only child through unchanged."""
    if callback is None:                    # lark's `x*` helper: a list for the parent to splice
        return list if plan is None else (lambda c: _filter(c, plan, trailing))
    if expand1 and size == 1 and plan is None:
        return None
    method = getattr(builder, callback)
    if plan is None:
        if expand1:
            return lambda c: c[0] if len(c) == 1 else method(c)
        return method
    if expand1:
        def build(c):
            f = _filter(c, plan, trailing)
            return f[0] if len(f) == 1 else method(f)
        return build
    return lambda c: method(_filter(c, plan, trailing))


def _filter(children: list, plan: tuple, trailing: int) -> list:
    out: list = []
    for i, splice, nones in plan:
        if nones:
            out += [None] * nones
        if splice:
            if out:
                out += children[i]
            else:                           # left recursion: extend the list in place
                out = children[i]
        else:
            out.append(children[i])
    if trailing:
        out += [None] * trailing
    return out


_machine: _Machine | None = None


class _Failed(Exception):
    def __init__(self, failure: SyntaxFailure):
        super().__init__(failure.message)
        self.failure = failure


def _run(text: str, lines: list[int], pos: int, start: str, root: str, depth: int = 0):
    """Parse from `pos` with the start rule `start`; returns (node, lexer)
    or raises _Failed.  `depth` counts the strings this text is inside."""
    global _machine
    if _machine is None:
        _machine = _Machine()
    actions = _machine.actions
    reducers = _machine.reducers
    end_state = _machine.end_states[start]
    states = [_machine.start_states[start]]
    values: list = []

    def subparse(at: int, inner: int):
        node, sub = _run(text, lines, at, "start_block", "strsub", inner)
        return node, sub.end

    lexer = Lexer(text, pos, root, lines, subparse, depth=depth)
    n = len(text)
    end = Tok("$END", "", n, n, len(lines), n - lines[-1] + 1)
    prev = None
    try:
        for tok in _with_end(lexer, end):
            kind = tok.type
            while True:
                action = actions[states[-1]].get(kind)
                if action is None:
                    expected = {s for s in actions[states[-1]] if s.isupper()}
                    raise _Failed(describe(tok, expected, prev, lexer.frames, text))
                if action >= 0:             # shift
                    states.append(action)
                    values.append(tok.node if kind in LEAVES else tok)
                    break
                size, origin, build = reducers[~action]
                if build is None:
                    value = values.pop()
                    del states[-1]
                elif size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                    value = build(children)
                else:
                    value = build([])
                goto = actions[states[-1]][origin]
                if goto == end_state and kind == "$END":
                    return value, lexer
                states.append(goto)
                values.append(value)
            prev = tok
    except BuildError as e:
        x = e.extent
        incomplete = e.error_id == "MissingCatchOrFinally" and not text[x.end:].strip()
        raise _Failed(SyntaxFailure(e.message, e.error_id, x.start, x.end, incomplete)) from None
    raise AssertionError("the parse table accepts only at $END")


def _with_end(lexer: Lexer, end: Tok) -> Iterator[Tok]:
    yield from lexer
    yield end


_LINE_LOCAL = frozenset({"paren", "subexpr", "array", "call", "index", "cond"})


def _resume_point(text: str, lines: list[int], pos: int, failure: SyntaxFailure) -> int | None:
    """Where parsing resumes after `failure`: after the next top-level
    separator; or, when the error left a bracket open that was opened on its
    own line (`$y = (2`), at the next line, as if the line had closed it."""
    lexer = Lexer(text, pos, "script", lines)
    checked = False
    for tok in lexer:
        if tok.start < failure.start:
            continue
        if tok.type == "SEP" and tok.value == 1:
            return tok.end
        if not checked:
            checked = True
            line = bisect_right(lines, failure.start)
            inner = lexer.frames[1:]
            if inner and all(f.kind in _LINE_LOCAL and f.opener.line == line for f in inner) \
                    and line < len(lines):
                return lines[line]
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


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Parsing allocates many small objects and no reference cycles; the
    cycle collector would only add pauses (about a fifth of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(text: str, path: str | None = None) -> ast.Script:
    """Parse a script, a command line or REPL input."""
    source = ast.Source(text, path)
    lines = line_starts(text)
    try:
        with _no_gc():
            body, _ = _run(text, lines, 0, "start_script", "script")
    except _Failed as e:
        records = [ParseProblem(f.message, f.error_id, _extent(lines, f.start, f.end), source)
                   for f in _failures(text, lines, e.failure)]
        raise ParseError(records) from None
    except RecursionError:
        raise ParseError([ParseProblem("The script is nested too deeply to be parsed.",
                                       "ScriptTooComplex", _extent(lines, 0, 0), source)]) from None
    return ast.Script(body, source, extent=ast.Extent(0, len(text), 1, 1))


def first_failure(text: str) -> SyntaxFailure | None:
    """The first parse error of `text`, or None if it parses."""
    try:
        with _no_gc():
            _run(text, line_starts(text), 0, "start_script", "script")
    except _Failed as e:
        return e.failure
    except RecursionError:
        return SyntaxFailure("The script is nested too deeply to be parsed.", "ScriptTooComplex", 0, 0)
    return None


def _extent(lines: list[int], start: int, end: int) -> ast.Extent:
    line = bisect_right(lines, start)
    return ast.Extent(start, end, line, start - lines[line - 1] + 1)


def is_incomplete(text: str) -> bool:
    """True when `text` stops in the middle of a statement (an open bracket
    or string, a trailing `|`, operator or backtick): more lines could
    complete it, so the REPL shows a `>> ` continuation prompt."""
    failure = first_failure(text)
    return failure is not None and failure.incomplete
