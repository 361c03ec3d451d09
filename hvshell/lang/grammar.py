"""Loading the LALR parser compiled from `grammar/powershell.lark`.

Compiling the grammar takes far longer than a small script takes to run, so
the compiled parser is cached on disk, in a file named after a hash of the
grammar, lark's version and Python's version: a changed grammar never loads
a stale table.  The cache lives in the user's cache directory, or failing
that in a private directory under the system temp directory; when neither
can be written the parser is simply compiled on every start.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import lark
from lark import Lark
from lark.lexer import Lexer as _LarkLexer

from hvshell.lang.builder import AstBuilder, leaf_callbacks

GRAMMAR_FILE = Path(__file__).resolve().parent.parent / "grammar" / "powershell.lark"
START_RULES = ["start_script", "start_block"]


class ExternalLexer(_LarkLexer):
    """Stands in for lark's lexer: `hvshell.lang.lexer.Lexer` produces the
    tokens and `hvshell.lang.parser` feeds them to the parser."""

    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, lexer_state, parser_state):
        raise NotImplementedError("tokens are fed by hvshell.lang.parser")


def _compile(grammar: str) -> Lark:
    return Lark(grammar, parser="lalr", lexer=ExternalLexer, start=START_RULES,
                transformer=AstBuilder(), maybe_placeholders=True, strict=True)


def _cache_dirs() -> list[Path]:
    dirs = []
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(base):
        dirs.append(Path(base) / "hvshell")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    dirs.append(Path(tempfile.gettempdir()) / f"hvshell-cache-{uid}")
    return dirs


def _private_dir(path: Path) -> bool:
    """Create `path` if needed; True if only this user can write to it (a
    pickle from a directory others can write to must never be loaded)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError:
        return False
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return False
    return True


def cache_key(grammar: str) -> str:
    text = "\0".join([grammar, lark.__version__, "%d.%d" % sys.version_info[:2]])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def load_parser() -> Lark:
    """The compiled parser, from the cache when possible."""
    grammar = GRAMMAR_FILE.read_text(encoding="utf-8")
    name = f"grammar-{cache_key(grammar)}.lark.pickle"
    usable = [d for d in _cache_dirs() if _private_dir(d)]
    for directory in usable:
        try:
            with open(directory / name, "rb") as f:
                parser = Lark.load(f)
            break
        except Exception:           # missing, unreadable or stale cache: compile instead
            continue
    else:
        parser = _compile(grammar)
        for directory in usable:
            if _save(parser, directory / name):
                break
    # Leaf tokens carry their AST node; put the node, not the token, on the stack.
    parser._callbacks.update(leaf_callbacks())
    return parser


def _save(parser: Lark, path: Path) -> bool:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grammar-")
        try:
            with os.fdopen(fd, "wb") as f:
                parser.save(f)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return True
    except (OSError, pickle.PicklingError):
        return False
