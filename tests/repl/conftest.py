"""Fixtures for the REPL tests: a small real lab, an interpreter stand-in that
records what it runs, a registry of test-only cmdlets (removed after each
test), and a driver that types into a running REPL through a pipe."""
from __future__ import annotations

import io
import threading
import time
from typing import Any, Callable

import pytest

from hvshell.runtime import cmdlet as cmdlet_module
from hvshell.runtime.session import Session
from tests.repl.labs import make_lab


class FakeFunction:
    def __init__(self, name: str):
        self.name = name


class FakeInterp:
    """What the REPL and completion read from an Interpreter."""

    def __init__(self, lab: Any, variables: dict[str, Any] | None = None,
                 execute: Callable[["FakeInterp", str], bool] | None = None):
        self.session = Session(lab=lab)
        self.session.interpreter = self
        self.variables = dict(variables or {})
        self.functions: dict[str, FakeFunction] = {}
        self.ran: list[str] = []
        self.stdout, self.stderr = io.StringIO(), io.StringIO()
        self._execute = execute

    def variable_names(self) -> list[str]:
        return list(self.variables)

    def get_variable(self, name: str, default: Any = None) -> Any:
        for key, value in self.variables.items():
            if key.lower() == name.lower():
                return value
        return default

    def execute(self, text: str, path: str | None = None) -> bool:
        self.ran.append(text)
        return self._execute(self, text) if self._execute else True


@pytest.fixture
def lab():
    return make_lab({"HV01": ["web01", "web02", "sql 01", "dc01"],
                     "HV02": ["file01", "web03"]})


@pytest.fixture
def interp(lab) -> FakeInterp:
    return FakeInterp(lab, {"vm": lab.hosts[0].vms[0], "ErrorActionPreference": "Continue",
                            "ProgressPreference": "Continue"})


@pytest.fixture
def real_interp(lab):
    """The real interpreter on the small lab, output kept in memory."""
    from hvshell.shell import new_interpreter
    return new_interpreter(Session(lab), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def test_cmdlets(monkeypatch):
    """Cmdlets declared only for a test: a private copy of the registry, so
    they never leak into other tests."""
    from hvshell.cmdlets import load_all
    load_all()
    monkeypatch.setattr(cmdlet_module, "REGISTRY", dict(cmdlet_module.REGISTRY))
    monkeypatch.setattr(cmdlet_module, "ALIASES", dict(cmdlet_module.ALIASES))
    import hvshell.repl.completion as completion
    monkeypatch.setattr(completion, "ALIASES", cmdlet_module.ALIASES)
    return cmdlet_module


class Driver:
    """Types into a REPL running in the main thread and waits for the
    screen state to follow (the buffer, or what was run)."""

    def __init__(self, repl: Any, pipe: Any):
        self.repl = repl
        self.pipe = pipe

    @property
    def buffer(self):
        return self.repl.prompt_session.default_buffer

    def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; buffer is {self.buffer.text!r}")
            time.sleep(0.01)

    def ready(self) -> None:
        self.wait(lambda: self.repl.prompt_session.app.is_running)

    def type(self, keys: str, expect: str | None = None) -> None:
        """Send keys; with `expect`, wait until the buffer reads so."""
        self.pipe.send_text(keys)
        if expect is not None:
            self.wait(lambda: self.buffer.text == expect)

    def submit(self, count_before: int, ran: list[str]) -> None:
        self.pipe.send_text("\r")
        self.wait(lambda: len(ran) > count_before)


def run_repl_with(repl: Any, pipe: Any, script: Callable[[Driver], None]) -> int:
    """Run `repl` with `script` typing into it from another thread; then
    Ctrl+C and Ctrl+D end the session (unless the script already did)."""
    driver = Driver(repl, pipe)
    failures: list[BaseException] = []
    finished = threading.Event()

    def target() -> None:
        try:
            driver.ready()
            script(driver)
        except BaseException as error:      # reported in the main thread
            failures.append(error)
        finally:
            while not finished.wait(0.1):
                if repl.prompt_session.app.is_running:
                    pipe.send_text("\x03")
                    time.sleep(0.05)
                    pipe.send_text("\x04")

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    try:
        status = repl.run()
    finally:
        finished.set()
    thread.join(5)
    if failures:
        raise failures[0]
    return status


@pytest.fixture
def make_repl(interp):
    """A REPL on `interp` with pipe input, no terminal, in-memory history."""
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from hvshell.repl.app import Repl

    contexts = []

    def make(target: Any = None, **options: Any):
        context = create_pipe_input()
        contexts.append(context)
        pipe = context.__enter__()
        options.setdefault("history", InMemoryHistory())
        options.setdefault("stream", io.StringIO())
        options.setdefault("error_stream", io.StringIO())
        repl = Repl(target or interp, input=pipe, output=DummyOutput(), **options)
        return repl, pipe

    yield make
    for context in contexts:
        context.__exit__(None, None, None)
