"""Colouring of the input line, from the parser's own tokenizer
(`hvshell.lang.tokens`), so text is coloured as the parser reads it.

Token kinds map to style classes; a command name no cmdlet, alias or
function answers to is red, as PSReadLine marks what would fail (once the
cmdlets have loaded: the line is coloured again then).
"""
from __future__ import annotations

from typing import Any, Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from hvshell import cmdlets
from hvshell.repl.completion import CompletionEngine

STYLE = Style.from_dict({
    "hv.command": "#f0e68c",            # PSReadLine's yellow commands
    "hv.command.unknown": "#ff5555 bold",
    "hv.parameter": "#a0a0a0",
    "hv.string": "#40c0c0",
    "hv.variable": "#50d050",
    "hv.number": "#ffffff bold",
    "hv.operator": "#a0a0a0",
    "hv.keyword": "#80a0ff",
    "hv.type": "#a0a0a0",
    "hv.comment": "#508050",
    "hv.error": "#ff5555 underline",
    "auto-suggestion": "#707070",
    "completion-menu.completion.current": "bg:#0060a0 #ffffff",
})

# Token kind (as hvshell.lang.tokens names it) -> style class; arguments,
# members and punctuation keep the default colour.
TOKEN_STYLES = {
    "parameter": "class:hv.parameter",
    "string": "class:hv.string",
    "variable": "class:hv.variable",
    "number": "class:hv.number",
    "operator": "class:hv.operator",
    "keyword": "class:hv.keyword",
    "type": "class:hv.type",
    "comment": "class:hv.comment",
    "error": "class:hv.error",
}


class ShellLexer(Lexer):
    def __init__(self, engine: CompletionEngine):
        self.engine = engine

    def fragments(self, text: str) -> StyleAndTextTuples:
        """(style, text) pieces covering `text`; never raises."""
        if not text:
            return []     # the first prompt draws before the parser is loaded
        styles = [""] * len(text)
        try:
            from hvshell.lang.tokens import tokenize
            for token in tokenize(text):
                styles[token.start:token.end] = [self._style(token)] * (token.end - token.start)
        except Exception:
            pass          # uncoloured text is better than a broken prompt
        out: StyleAndTextTuples = []
        run_start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or styles[i] != styles[run_start]:
                out.append((styles[run_start], text[run_start:i]))
                run_start = i
        return out

    def _style(self, token: Any) -> str:
        """The style class of a `hvshell.lang.tokens.Token`."""
        if token.kind == "command":
            # A path (`.\setup.hvps`) is a script file, not judged here; nor
            # is any command while the cmdlets load behind the first prompt
            # (asking would wait for them, and keys would not echo meanwhile).
            path = "\\" in token.text or "/" in token.text
            known = path or not cmdlets.loaded() or self.engine.knows_command(token.text)
            return "class:hv.command" if known else "class:hv.command.unknown"
        if token.kind == "error" and token.text[:1] in ("'", '"', "@"):
            return "class:hv.string"      # a string still being typed
        return TOKEN_STYLES.get(token.kind, "")

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        lines: list[StyleAndTextTuples] = [[]]
        for style, text in self.fragments(document.text):
            parts = text.split("\n")
            for index, part in enumerate(parts):
                if index:
                    lines.append([])
                if part:
                    lines[-1].append((style, part))
        return lambda number: lines[number] if number < len(lines) else []
