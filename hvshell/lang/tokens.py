"""Tokens for the REPL: highlighting, completion context, continuation lines.

    tokenize(text) -> list[Token]     never raises, whatever the text
    is_incomplete(text) -> bool       should the REPL ask for another line?

`tokenize` runs the parser's own lexer, so the REPL colours text exactly as
the parser reads it (`-Name` after a command is a parameter, `-eq` after a
value an operator), including text that does not parse.
"""
from __future__ import annotations

import attrs

from hvshell.lang.lexer import Lexer, Tok
from hvshell.lang.parser import is_incomplete

__all__ = ["Token", "tokenize", "is_incomplete"]

_KINDS = {
    "COMMAND": "command", "FUNCNAME": "command",
    "PARAM": "parameter", "PARAM_COLON": "parameter", "SWITCHOPT": "parameter",
    "GENERIC": "argument",
    "STRING": "string", "EXPSTRING": "string",
    "VARIABLE": "variable", "SPLAT": "variable",
    "NUMBER": "number",
    "TYPE": "type", "ATTR": "type",
    "MEMBER": "member", "NAME": "member", "HASHKEY": "member",
    "COMMENT": "comment",
    "ERROR": "error",
}
for _t in ("BINOP", "UNARY", "POSTFIX", "ASSIGN", "PIPE", "REDIRECT", "REDIRECT_MERGE", "AMP",
           "DOTSOURCE", "COMMA", "DOT", "STATIC"):
    _KINDS[_t] = "operator"
for _t in ("IF", "ELSEIF", "ELSE", "FOREACH", "IN", "FOR", "WHILE", "DO", "UNTIL", "SWITCH",
           "DEFAULT", "BREAK", "CONTINUE", "RETURN", "THROW", "EXIT", "TRY", "CATCH", "FINALLY",
           "FUNCTION", "FILTER", "PARAMKW", "NAMED", "LABEL", "LABELNAME"):
    _KINDS[_t] = "keyword"


@attrs.frozen(slots=True)
class Token:
    """A classified piece of the input: `kind` is one of command, parameter,
    argument, string, variable, number, operator, keyword, comment, type,
    member, punctuation, error; `start`/`end` are offsets into the text."""
    kind: str
    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    """Every token of `text` in order, comments included; text the lexer
    cannot read comes back as `error` tokens."""
    comments: list[Tok] = []
    tokens = [t for t in Lexer(text, comments=comments)
              if not (t.type == "SEP" and text[t.start:t.start + 1] != ";") and t.end > t.start]
    if comments:
        tokens = sorted(tokens + comments, key=lambda t: t.start)
    return [Token(_KINDS.get(t.type, "punctuation"), t.start, t.end, text[t.start:t.end])
            for t in tokens]
