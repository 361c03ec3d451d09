"""The session: what a running cmdlet reaches through `self.ctx`.

    ctx.lab             the lab (hvshell.model.lab.Lab): hosts, VMs, clock, jobs ...
    ctx.clock           shortcut for ctx.lab.clock
    ctx.computer_name   the host the shell stands on ($env:COMPUTERNAME)
    ctx.seed            the simulation's random seed
    ctx.root            the directory real files must stay below
    ctx.files           the real files below root (hvshell/runtime/realfiles.py)
    ctx.interactive     True in the REPL (progress bars, prompts)
    ctx.invoke_scriptblock(sb, input=..., args=...) -> list of outputs
    ctx.get_variable(name) / ctx.set_variable(name, value)

The interpreter (`hvshell.runtime.interpreter`) builds the session and
implements the stream methods that `Cmdlet.write*` call.
"""
from __future__ import annotations

import os
import pathlib
import threading
from typing import Any, Callable

from hvshell.runtime.realfiles import RealFiles


class Session:
    def __init__(self, lab: Any = None, seed: int = 0, root: str | os.PathLike | None = None,
                 interactive: bool = False, lab_factory: Callable[[], Any] | None = None):
        # The lab may be built on first use (`lab_factory`): a command that never
        # touches it (`hvshell -c 1`) does not pay for building the demo lab.
        self._lab = lab
        self._lab_factory = lab_factory
        self._lab_lock = threading.Lock()
        # The local host's name when known without building the lab (from a
        # saved lab file): the REPL shows its prompt while the lab loads.
        self.host_hint: str | None = None
        self.seed = seed
        self.root = pathlib.Path(root or os.getcwd()).resolve()
        self.files = RealFiles(self.root)
        self.interactive = interactive
        self._computer_name: str | None = None
        # Hooks the REPL sets: progress display and cancellation check.
        self.progress_hook: Callable[..., None] | None = None
        self.interpreter: Any = None   # set by the Interpreter that owns the session
        # Called with each lab the session takes on (built on first use, or
        # put in its place by Import-Lab): the CLI bounds its clock with it.
        self.on_lab: Callable[[Any], None] | None = None

    @property
    def lab(self) -> Any:
        if self._lab is None and self._lab_factory is not None:
            with self._lab_lock:          # the REPL may load it in the background
                if self._lab is None and self._lab_factory is not None:
                    lab = self._lab_factory()
                    if self.on_lab is not None:
                        self.on_lab(lab)
                    self._lab = lab
                    self._lab_factory = None
        return self._lab

    def lab_ready(self) -> bool:
        return self._lab is not None or self._lab_factory is None

    @lab.setter
    def lab(self, value: Any) -> None:
        if value is not None and self.on_lab is not None:
            self.on_lab(value)
        self._lab = value
        self._lab_factory = None

    # ---- the host the shell stands on -------------------------------------

    @property
    def computer_name(self) -> str:
        """$env:COMPUTERNAME: the session host if one was entered, else the
        lab's first host, else 'localhost'."""
        if self._computer_name:
            return self._computer_name
        if self.host_hint and not self.lab_ready():
            return self.host_hint
        first = getattr(self.lab, "local_host_name", None) if self.lab is not None else None
        return first or "localhost"

    @computer_name.setter
    def computer_name(self, value: str | None) -> None:
        self._computer_name = value

    @property
    def clock(self) -> Any:
        return self.lab.clock

    # ---- services the interpreter provides --------------------------------

    def invoke_scriptblock(self, block: Any, input: Any = None, args: tuple = (),
                           use_input: bool = True) -> list[Any]:
        """Run a script block with `$_` set to `input` (when use_input) and
        `$args`; return everything it output."""
        return self.interpreter.invoke_scriptblock(block, input, args, use_input)

    def get_variable(self, name: str, default: Any = None) -> Any:
        return self.interpreter.get_variable(name, default)

    def set_variable(self, name: str, value: Any) -> None:
        self.interpreter.set_variable(name, value)

    # Called by Cmdlet.write*, implemented by the pipeline runner:
    def emit(self, cmdlet: Any, obj: Any, enumerate: bool) -> None:
        self.interpreter.emit(cmdlet, obj, enumerate)

    def report_error(self, cmdlet: Any, record: Any) -> None:
        self.interpreter.report_error(cmdlet, record)

    def write_stream(self, cmdlet: Any, stream: str, text: str) -> None:
        self.interpreter.write_stream(cmdlet, stream, text)

    def write_progress(self, cmdlet: Any, activity: str, status: str, percent: float,
                       seconds_remaining: float, completed: bool) -> None:
        if self.progress_hook is not None:
            self.progress_hook(activity, status, percent, seconds_remaining, completed)

    def should_process(self, cmdlet: Any, target: str, action: str,
                       whatif_text: str | None) -> bool:
        return self.interpreter.should_process(cmdlet, target, action, whatif_text)
