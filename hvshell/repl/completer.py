"""The completion engine as prompt_toolkit sees it."""
from __future__ import annotations

from typing import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from hvshell.repl.completion import CompletionEngine


class ShellCompleter(Completer):
    def __init__(self, engine: CompletionEngine):
        self.engine = engine

    def completions(self, document: Document) -> list[Completion]:
        """The candidates at the cursor; an internal failure offers nothing
        rather than disturbing the line being typed."""
        try:
            result = self.engine.complete(document.text, document.cursor_position)
        except Exception:
            return []
        offset = result.start - document.cursor_position
        return [Completion(c.text, offset, display=c.display, display_meta=c.meta)
                for c in result.candidates]

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        return self.completions(document)
