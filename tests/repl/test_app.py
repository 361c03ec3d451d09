"""The REPL driven through prompt_toolkit's pipe input: keys in, what the
buffer shows and what was run out."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from hvshell.repl import app as app_module
from hvshell.repl.app import CANCELLED_NOTICE, prompt_text
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch
from tests.repl.conftest import FakeInterp, run_repl_with

TAB, SHIFT_TAB, CTRL_SPACE, CTRL_C, ENTER = "\t", "\x1b[Z", "\x00", "\x03", "\r"
RIGHT, CTRL_R, DOWN, ALT_ENTER = "\x1b[C", "\x12", "\x1b[B", "\x1b\r"


@pytest.fixture(autouse=True)
def decls(test_cmdlets):
    class GetTestVM(Cmdlet):
        name = "Get-TestVM"
        Name = Parameter(str, array=True, position=0, complete="vm")
        ComputerName = Parameter(str, array=True, complete="host")
        Force = Parameter(Switch)


@pytest.fixture(autouse=True)
def braces_continue(monkeypatch):
    """Until the parser says otherwise: an open brace is incomplete."""
    monkeypatch.setattr(app_module, "_is_incomplete", lambda t: t.count("{") > t.count("}"))


def test_prompt_shows_the_session_host(interp):
    assert prompt_text(interp.session) == "PS HV01> "
    interp.session.computer_name = "HV02"
    assert prompt_text(interp.session) == "[HV02]: PS HV02> "
    interp.session.computer_name = "hv01"
    assert prompt_text(interp.session) == "PS hv01> "


def test_enter_runs_the_line(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestVM web01", expect="Get-TestVM web01")
        d.submit(0, interp.ran)
        d.type("   ")
        d.type(ENTER)
        d.type("Get-TestVM", expect="Get-TestVM")
        d.submit(1, interp.ran)

    assert run_repl_with(repl, pipe, script) == 0
    assert interp.ran == ["Get-TestVM web01", "Get-TestVM"]


def test_tab_cycles_in_place(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestV", expect="Get-TestV")
        d.type(TAB, expect="Get-TestVM")                      # one candidate: no menu
        assert d.buffer.complete_state is None
        d.type(" w", expect="Get-TestVM w")
        d.type(TAB, expect="Get-TestVM web01")
        assert d.buffer.complete_state is not None            # the menu shows the others
        d.type(TAB, expect="Get-TestVM web02")
        d.type(TAB, expect="Get-TestVM web01")                # wraps around
        d.type(SHIFT_TAB, expect="Get-TestVM web02")
        d.type(" -F", expect="Get-TestVM web02 -F")
        d.type(TAB, expect="Get-TestVM web02 -Force")
        d.submit(0, interp.ran)

    run_repl_with(repl, pipe, script)
    assert interp.ran == ["Get-TestVM web02 -Force"]


def test_shift_tab_starts_from_the_last(make_repl):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestVM -ComputerName ", expect="Get-TestVM -ComputerName ")
        d.type(SHIFT_TAB, expect="Get-TestVM -ComputerName HV02")

    run_repl_with(repl, pipe, script)


def test_menu_complete_shows_without_choosing(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestVM ", expect="Get-TestVM ")
        d.type(CTRL_SPACE)
        d.wait(lambda: d.buffer.complete_state is not None)
        state = d.buffer.complete_state
        assert [c.text for c in state.completions] == ["dc01", "'sql 01'", "web01", "web02"]
        assert d.buffer.text == "Get-TestVM "
        d.type("w", expect="Get-TestVM w")                    # typing narrows the menu
        d.wait(lambda: d.buffer.complete_state is not None and
               [c.text for c in d.buffer.complete_state.completions] == ["web01", "web02"])
        d.type("\x7f", expect="Get-TestVM ")
        d.wait(lambda: d.buffer.complete_state is not None and
               len(d.buffer.complete_state.completions) == 4)
        d.type(DOWN, expect="Get-TestVM dc01")
        d.type(DOWN, expect="Get-TestVM 'sql 01'")
        d.type(ENTER)                                       # takes the candidate, runs nothing
        d.wait(lambda: d.buffer.complete_state is None)
        assert d.buffer.text == "Get-TestVM 'sql 01'" and interp.ran == []
        d.submit(0, interp.ran)

    run_repl_with(repl, pipe, script)
    assert interp.ran == ["Get-TestVM 'sql 01'"]


def test_ctrl_c_clears_the_line(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestVM web01", expect="Get-TestVM web01")
        d.type(CTRL_C, expect="")
        d.type("Get-TestVM", expect="Get-TestVM")
        d.submit(0, interp.ran)

    run_repl_with(repl, pipe, script)
    assert interp.ran == ["Get-TestVM"]


def test_incomplete_input_continues_on_a_new_line(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("if ($x) {", expect="if ($x) {")
        d.type(ENTER, expect="if ($x) {\n")
        assert interp.ran == []
        d.type("  Get-TestVM }", expect="if ($x) {\n  Get-TestVM }")
        d.submit(0, interp.ran)
        d.type("Get-TestVM", expect="Get-TestVM")
        d.type(ALT_ENTER, expect="Get-TestVM\n")             # a new line on demand
        d.type("1", expect="Get-TestVM\n1")
        d.submit(1, interp.ran)

    run_repl_with(repl, pipe, script)
    assert interp.ran == ["if ($x) {\n  Get-TestVM }", "Get-TestVM\n1"]


def test_history_suggestion_and_search(make_repl, interp):
    repl, pipe = make_repl()

    def script(d):
        d.type("Get-TestVM -ComputerName HV02", expect="Get-TestVM -ComputerName HV02")
        d.submit(0, interp.ran)
        d.type("Get-TestVM -C", expect="Get-TestVM -C")
        d.wait(lambda: d.buffer.suggestion is not None)
        assert d.buffer.suggestion.text == "omputerName HV02"
        d.type(RIGHT, expect="Get-TestVM -ComputerName HV02")
        d.type(CTRL_C, expect="")
        d.type(CTRL_R)
        d.wait(lambda: d.repl.prompt_session.app.current_buffer is not d.buffer)
        d.type("HV0")
        d.wait(lambda: d.repl.prompt_session.app.current_buffer.text == "HV0")
        d.type(ENTER, expect="Get-TestVM -ComputerName HV02")   # leaves the search
        assert len(interp.ran) == 1
        d.submit(1, interp.ran)

    run_repl_with(repl, pipe, script)
    assert interp.ran == ["Get-TestVM -ComputerName HV02"] * 2


def test_an_internal_failure_never_leaves_the_repl(make_repl, lab):
    def execute(interp, text):
        raise RuntimeError("something broke")

    broken = FakeInterp(lab, execute=execute)
    repl, pipe = make_repl(broken)

    def script(d):
        for n in range(2):
            d.type("Get-TestVM", expect="Get-TestVM")
            d.submit(n, broken.ran)

    assert run_repl_with(repl, pipe, script) == 0
    assert repl.error_stream.getvalue().splitlines() == [
        "hvshell: internal error: RuntimeError: something broke"] * 2


def test_exit_leaves_with_its_status(make_repl, real_interp):
    repl, pipe = make_repl(real_interp)

    def script(d):
        d.type("exit 3", expect="exit 3")
        d.type(ENTER)

    assert run_repl_with(repl, pipe, script) == 3


def test_exit_inside_a_remote_session_returns_to_the_local_host(make_repl, real_interp):
    repl, pipe = make_repl(real_interp)
    session = real_interp.session

    def script(d):
        d.type("Enter-PSSession HV02", expect="Enter-PSSession HV02")
        d.type(ENTER)
        d.wait(lambda: prompt_text(session) == "[HV02]: PS HV02> " and not d.buffer.text)
        d.type("exit", expect="exit")
        d.type(ENTER)
        d.wait(lambda: prompt_text(session) == "PS HV01> " and not d.buffer.text)
        d.type("exit", expect="exit")
        d.type(ENTER)

    assert run_repl_with(repl, pipe, script) == 0
    assert not repl.prompt_session.app.is_running


def test_ctrl_c_cancels_the_running_command(make_repl, lab):
    """SIGINT lands in the progress pause; the interpreter cancels and
    re-raises; the REPL says so and goes on."""
    started = threading.Event()
    cancelled = []

    def execute(interp, text):
        if text != "Move-VM":
            return True
        started.set()
        try:
            for percent in range(0, 101):
                interp.session.progress_hook("Move-VM web01", f"Pass {percent // 10}",
                                             percent, 100 - percent, False)
            interp.session.progress_hook("Move-VM web01", "", 100, 0, True)
        except KeyboardInterrupt:
            cancelled.append(text)
            raise
        return True

    running = FakeInterp(lab, execute=execute)
    repl, pipe = make_repl(running)

    def script(d):
        d.type("Move-VM", expect="Move-VM")
        d.type(ENTER)
        assert started.wait(10)
        os.kill(os.getpid(), signal.SIGINT)
        d.wait(lambda: repl.prompt_session.app.is_running)
        d.type("Get-TestVM", expect="Get-TestVM")
        d.submit(1, running.ran)

    assert run_repl_with(repl, pipe, script) == 0
    assert cancelled == ["Move-VM"]
    assert running.ran == ["Move-VM", "Get-TestVM"]
    shown = repl.stream.getvalue()
    assert "Move-VM web01 [" in shown
    assert shown.endswith("\r\x1b[K" + CANCELLED_NOTICE + "\n")
    assert running.session.progress_hook is None          # only while the REPL runs


def test_prompt_survives_a_lab_that_cannot_be_built():
    from hvshell.runtime.session import Session

    def broken():
        raise RuntimeError("no lab")

    assert prompt_text(Session(lab_factory=broken)) == "PS> "
