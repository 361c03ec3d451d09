"""Colouring of the input line, from the project's own tokenizer.

Token kinds map to style classes; words in command position (found by the
completion scanner, which knows statement starts) are coloured as commands,
or red when no cmdlet, alias or function has that name, as PSReadLine marks
what would fail.
"""
from __future__ import annotations

from typing import Callable

from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.lexers import Lexer
from prompt_toolkit.styles import Style

from hvshell.repl.completion import CompletionEngine
from hvshell.repl.context import command_spans

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
    "auto-suggestion": "#707070",
    "completion-menu.completion.current": "bg:#0060a0 #ffffff",
})

# Token kind (as the tokenizer names it) -> style class.
TOKEN_STYLES = {
}


def _token_style(kind: str) -> str:
    return TOKEN_STYLES.get(kind, "")


class ShellLexer(Lexer):
    def __init__(self, engine: CompletionEngine):
        self.engine = engine

    def fragments(self, text: str) -> StyleAndTextTuples:
        """(style, text) pieces covering `text`; never raises."""
        styles = [""] * len(text)
        try:
            from hvshell.lang.tokens import tokenize
            for token in tokenize(text):
                style = _token_style(token.kind)
                if style:
                    styles[token.start:token.end] = [style] * (token.end - token.start)
        except Exception:
            pass
        try:
            spans = command_spans(text)
        except Exception:
            spans = []
        for start, end in spans:
            name = text[start:end]
            style = "class:hv.command" if self._known(name) else "class:hv.command.unknown"
            styles[start:end] = [style] * (end - start)
        out: StyleAndTextTuples = []
        run_start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or styles[i] != styles[run_start]:
                out.append((styles[run_start], text[run_start:i]))
                run_start = i
        return out

    def _known(self, name: str) -> bool:
        bare = name.strip("'\"")
        # a path (`.\setup.hvps`) is not judged: files are not commands here
        return "\\" in bare or "/" in bare or self.engine.knows_command(bare)

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
