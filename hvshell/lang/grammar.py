"""The LALR(1) table compiled by lark from `grammar/powershell.lark`.

lark compiles the grammar; what hvshell keeps of the result is the table
itself, as plain data (`ParseTable`): for every state, the action on every
symbol, and for every rule, how to build its value (which callback of
`hvshell.lang.builder.AstBuilder`, which children to splice or drop, where
`[optional]` items were left out).  `hvshell.lang.parser` runs it.

Compiling takes longer than a short script takes to run, so the table is
cached on disk with `marshal` (plain data only: loading it runs no code),
in a file named after checksums of the grammar, lark's version and Python's
version, in the user's cache directory or else a private directory under
the temp directory.  With a warm cache lark is not even imported.  If
neither directory can be written the table is compiled on each start.
"""
from __future__ import annotations

import importlib.util
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import NamedTuple

from hvshell.cache import cache_dirs

GRAMMAR_FILE = Path(__file__).resolve().parent.parent / "grammar" / "powershell.lark"
START_RULES = ("start_script", "start_block")
# Bump when the layout of ParseTable changes.
TABLE_FORMAT = 1


class ParseTable(NamedTuple):
    """`actions[state][symbol]`: a state number to shift to (or go to, for a
    rule name), or `~rule` (negative) to reduce by `rules[rule]`.
    `rules[i]`: (size, rule name, callback name or None for a rule whose
    children are spliced into its parent, expand1, plan, trailing Nones);
    `plan` is None when the children pass unchanged, else a tuple of
    (index, splice?, Nones to insert before).  Terminal names are upper
    case (`$END` included), rule names lower case."""
    actions: tuple
    rules: tuple
    start_states: dict
    end_states: dict


def _compile(grammar: str) -> ParseTable:
    from lark import Lark
    from lark.lexer import Lexer
    from lark.parsers.lalr_analysis import Shift

    class ExternalLexer(Lexer):
        """Tokens come from hvshell.lang.lexer; lark only builds the table."""

        def __init__(self, lexer_conf) -> None:
            pass

        def lex(self, lexer_state, parser_state):
            raise NotImplementedError

    compiled = Lark(grammar, parser="lalr", lexer=ExternalLexer, start=list(START_RULES),
                    maybe_placeholders=True, strict=True)
    table = compiled.parser.parser.parser.parse_table
    index = {}
    rules = []
    for rule in compiled.rules:
        index[rule] = len(rules)
        rules.append(_rule_info(rule))
    actions = []
    for state in range(len(table.states)):
        row = {}
        for symbol, (action, arg) in table.states[state].items():
            row[str(symbol)] = arg if action is Shift else ~index[arg]
        actions.append(row)
    return ParseTable(tuple(actions), tuple(rules), dict(table.start_states), dict(table.end_states))


def _rule_info(rule) -> tuple:
    """How to build a rule's value, following lark's tree-building rules:
    `_name` rules (lark's helpers for `x*`) splice their children into the
    parent, `?rule` passes a single child through, `[x]` leaves a None."""
    expansion = rule.expansion
    empty = rule.options.empty_indices
    if empty:
        ones = "".join(str(int(b)) for b in empty).split("0")
        nones = [len(run) for run in ones]
    else:
        nones = [0] * (len(expansion) + 1)
    plan = []
    pending = 0
    for i, symbol in enumerate(expansion):
        pending += nones[i]
        if not (symbol.is_term and symbol.filter_out):
            plan.append((i, not symbol.is_term and symbol.name.startswith("_"), pending))
            pending = 0
    trailing = pending + nones[len(expansion)]
    trivial = trailing == 0 and len(plan) == len(expansion) and not any(
        splice or before for _, splice, before in plan)
    origin = str(rule.origin.name)      # lark's names are str subclasses; keep plain data
    callback = None if origin.startswith("_") else str(rule.alias or origin)
    expand1 = bool(rule.options.expand1) and not rule.alias
    return (len(expansion), origin, callback, expand1, None if trivial else tuple(plan), trailing)


def cache_name(grammar: str) -> str:
    """The cache file's name: it changes whenever anything that shapes the
    table changes (the grammar, lark, Python, the table layout)."""
    key = "\0".join([grammar, _lark_release(), "%d.%d" % sys.version_info[:2],
                     str(TABLE_FORMAT)]).encode()
    # Two 32-bit checksums, not a cryptographic hash: importing hashlib
    # (OpenSSL) would cost more at every start than reading the table.
    return f"grammar-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.marshal"


def _lark_release() -> str:
    """lark's `__init__.py` (it holds the version), read without importing
    lark, which would cost more than loading the table."""
    spec = importlib.util.find_spec("lark")
    try:
        return Path(spec.origin).read_text(encoding="utf-8") if spec and spec.origin else ""
    except OSError:
        return ""


def load_table() -> ParseTable:
    """The parse table, from the cache when possible."""
    grammar = GRAMMAR_FILE.read_text(encoding="utf-8")
    name = cache_name(grammar)
    for directory in cache_dirs():
        try:
            with open(directory / name, "rb") as f:
                data = marshal.load(f)
            return ParseTable(*data)
        except (OSError, EOFError, ValueError, TypeError):
            continue                    # missing or damaged: try the next, then compile
    table = _compile(grammar)
    for directory in cache_dirs():
        if _save(table, directory / name):
            break
    return table


def _save(table: ParseTable, path: Path) -> bool:
    """Write atomically: a concurrent reader sees the old file or the new one."""
    import tempfile          # only when compiling: it imports shutil, bz2, lzma (6 ms)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grammar-")
        try:
            with os.fdopen(fd, "wb") as f:
                marshal.dump(tuple(table), f)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return True
    except (OSError, ValueError):
        return False
