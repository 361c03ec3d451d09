"""A shell on a lab for the Hyper-V and lab cmdlet tests: runs hvshell text
through the real interpreter and keeps what it printed and the errors."""
from __future__ import annotations

import io
from typing import Any

from hvshell.model.lab import Lab
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


class Shell:
    def __init__(self, lab: Lab | None = None, seed: int = 7, root: Any = None):
        self.lab = lab if lab is not None else Lab(seed=seed)
        self.session = Session(self.lab, seed=seed, root=root)
        self.out = io.StringIO()
        self.err = io.StringIO()
        self.interp = new_interpreter(self.session, stdout=self.out, stderr=self.err, width=160)

    def run(self, text: str) -> str:
        """Run `text`; return what it printed to stdout (errors go to
        self.err and self.errors)."""
        start = self.out.tell()
        self.interp.execute(text)
        return self.out.getvalue()[start:]

    def values(self, text: str) -> list[Any]:
        """The objects `text` outputs."""
        self.interp.execute(f"$__values = @({text})")
        return list(self.interp.get_variable("__values"))

    def value(self, text: str) -> Any:
        found = self.values(text)
        assert len(found) == 1, found
        return found[0]

    @property
    def errors(self) -> list[Any]:
        """The error records so far, oldest first ($Error is newest first)."""
        return list(reversed(self.interp.errors))

    def error_ids(self) -> list[str]:
        return [e.FullyQualifiedErrorId for e in self.errors]

    def clear_errors(self) -> None:
        self.interp.errors.clear()
        self.err.seek(0)
        self.err.truncate()


def lab_shell(script: str = "", seed: int = 7, root: Any = None) -> Shell:
    shell = Shell(seed=seed, root=root)
    if script:
        shell.run(script)
        assert not shell.errors, shell.err.getvalue()
    return shell
