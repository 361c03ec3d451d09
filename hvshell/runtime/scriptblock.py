"""Script blocks as values: `{ ... }` in a script."""
from __future__ import annotations

from typing import Any

from hvshell.lang.ast import ScriptBody, Source


class ScriptBlock:
    """A piece of code that can run later.  `body` is its parsed body;
    `source` is where it was written (for error positions).  Run it with
    `session.invoke_scriptblock(block, input=..., args=...)`."""

    PS_TYPE = "System.Management.Automation.ScriptBlock"

    __slots__ = ("body", "source", "text", "start", "end")

    def __init__(self, body: ScriptBody, source: Source, start: int, end: int):
        self.body = body
        self.source = source
        self.start = start          # offsets of the text between the braces
        self.end = end
        self.text = source.text[start:end]

    def ToString(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"ScriptBlock({{{self.text}}})"

    def __eq__(self, other: Any) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)
