"""The interactive shell: prompt, completion, colouring, history, progress.

    run_repl(interp) -> exit status

`interp` is an `hvshell.runtime.interpreter.Interpreter`; the REPL reads
its session (prompt, lab, progress hook), functions and variables, and hands
each input to `interp.execute`.  Nothing typed can end the REPL by accident:
Ctrl+C clears the line or cancels the running command, and an internal
failure is reported on one line.  `exit` and Ctrl+D leave.
"""
from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.filters import Condition
from prompt_toolkit.history import History
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.shortcuts import CompleteStyle

from hvshell.repl.completer import ShellCompleter
from hvshell.repl.completion import CompletionEngine
from hvshell.repl.highlight import STYLE, ShellLexer
from hvshell.repl.history import open_history
from hvshell.repl.keys import MenuState, repl_key_bindings
from hvshell.repl.progress import ClearsProgress, ProgressDisplay
from hvshell.runtime.psobject import printable
from hvshell.runtime.signals import ExitSignal

CONTINUATION_PROMPT = ">> "
CANCELLED_NOTICE = "^C Operation cancelled."


def in_remote_session(session: Any) -> bool:
    """Inside Enter-PSSession: the session host is not the lab's local host.
    (A lab still loading behind the first prompt cannot have been entered.)"""
    if not session.lab_ready():
        return False
    local = getattr(session.lab, "local_host_name", None) if session.lab is not None else None
    return bool(local) and session.computer_name.lower() != local.lower()


def prompt_text(session: Any) -> str:
    """`PS HV01> `, or `[HV02]: PS HV02> ` inside Enter-PSSession."""
    try:
        name = session.computer_name
        remote = in_remote_session(session)
    except Exception:      # a lab that failed to build: its error shows on the first command
        return "PS> "
    name = printable(name)
    return f"[{name}]: PS {name}> " if remote else f"PS {name}> "


def _is_incomplete(text: str) -> bool:
    """The parser's verdict; on any failure the input is run (and the
    parser reports what is wrong with it)."""
    try:
        from hvshell.lang.parser import is_incomplete
        return is_incomplete(text)
    except Exception:
        return False


class Repl:
    def __init__(self, interp: Any, *, input: Input | None = None, output: Output | None = None,
                 stream: TextIO | None = None, error_stream: TextIO | None = None,
                 history: History | None = None):
        self.interp = interp
        self.session = interp.session
        self.stream = stream or sys.stdout
        self.error_stream = error_stream or sys.stderr
        self.engine = CompletionEngine(interp)
        self.completer = ShellCompleter(self.engine)
        self.menu = MenuState()
        self.progress = ProgressDisplay(interp, self.stream)
        self.prompt_session: PromptSession[str] = PromptSession(
            message=lambda: prompt_text(self.session),
            prompt_continuation=lambda width, line, wrapped: "" if wrapped else CONTINUATION_PROMPT,
            multiline=True,
            key_bindings=repl_key_bindings(self.completer, _is_incomplete, self.menu),
            completer=self.completer,
            complete_while_typing=Condition(lambda: self.menu.open),
            complete_style=CompleteStyle.COLUMN,
            lexer=ShellLexer(self.engine),
            style=STYLE,
            include_default_pygments_style=False,
            auto_suggest=AutoSuggestFromHistory(),
            history=history if history is not None else open_history(),
            search_ignore_case=True,
            input=input,
            output=output,
        )

    def run(self) -> int:
        """Read and run inputs until `exit` or Ctrl+D; the exit status."""
        saved = (self.session.progress_hook, self.interp.stdout, self.interp.stderr)
        self.session.progress_hook = self.progress
        self.interp.stdout = ClearsProgress(self.interp.stdout, self.progress)
        self.interp.stderr = ClearsProgress(self.interp.stderr, self.progress)
        self.session.interactive = True
        self._start_prewarm_after_first_render()
        try:
            while True:
                self.menu.open = False
                try:
                    text = self.prompt_session.prompt()
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    return 0
                if not text.strip():
                    continue
                status = self.execute(text)
                if status is not None:
                    return status
        finally:
            self.session.progress_hook, self.interp.stdout, self.interp.stderr = saved

    def _start_prewarm_after_first_render(self) -> None:
        """Loading in the background competes with drawing for the
        interpreter lock: start it once the first prompt is on the screen."""
        app = self.prompt_session.app

        def start(_: Any) -> None:
            app.after_render -= start
            threading.Thread(target=self._prewarm, daemon=True).start()
        app.after_render += start

    def _prewarm(self) -> None:
        """Load the lab, the parser and every cmdlet module while the user
        reads the prompt, so the first keystroke and Tab do not pay for them."""
        try:
            self.session.lab
            from hvshell.lang.tokens import tokenize
            tokenize("Get-VM -Name x")
            self.engine.complete("Get-")
        except Exception:
            pass          # the same loading happens again, and reports, on first use
        self.prompt_session.app.invalidate()    # commands typed meanwhile are judged now

    def execute(self, text: str) -> int | None:
        """Run one input; None to go on, or the status `exit` asked for."""
        self.progress.begin_command()
        try:
            try:
                self.interp.execute(text)
            finally:
                self.progress.clear()
        except KeyboardInterrupt:
            self.stream.write(CANCELLED_NOTICE + "\n")
            self.stream.flush()
        except ExitSignal as signal:
            if not in_remote_session(self.session):
                return signal.code
            # `exit` inside Enter-PSSession ends that session, as in PowerShell
            self.interp.execute("Exit-PSSession")
        except Exception as error:
            self.error_stream.write(f"hvshell: internal error: {type(error).__name__}: {error}\n")
            self.error_stream.flush()
        return None


def run_repl(interp: Any, **options: Any) -> int:
    """Start the REPL on `interp`; returns the exit status for the process."""
    return Repl(interp, **options).run()
