"""The progress bar: what it draws, how long it pauses, when it is silent."""
from __future__ import annotations

import io

from hvshell.repl.progress import BUDGET_SECONDS, MAX_PAUSE_SECONDS, ProgressDisplay, \
    format_remaining, render_line
from tests.repl.conftest import FakeInterp


def display(interp, width=100):
    pauses = []
    shown = io.StringIO()
    bar = ProgressDisplay(interp, shown, sleep=pauses.append, width=lambda: width)
    return bar, shown, pauses


def test_render_line():
    line = render_line("Move-VM web01", "Pass 3, 1.1 GB/s", 42.5, 83, 100)
    assert line.startswith("Move-VM web01 [")
    assert "]  42%  Pass 3, 1.1 GB/s  00:01:23 left" in line
    assert render_line("Drain", "", -1, -1, 80) == "Drain [..........]"
    assert len(render_line("x" * 200, "status", 50, 10, 60)) == 59
    assert format_remaining(3725.4) == "01:02:05"


def test_pauses_follow_progress_within_the_budget(interp):
    bar, shown, pauses = display(interp)
    bar.begin_command()
    for percent in range(0, 101, 10):
        bar("Move-VM web01", "Pass 1", percent, 100 - percent)
    bar("Move-VM web01", "", 100, 0, completed=True)
    assert all(0 <= p <= MAX_PAUSE_SECONDS for p in pauses)
    assert abs(sum(pauses) - BUDGET_SECONDS) < 1e-9
    assert shown.getvalue().endswith("\r\x1b[K")
    assert shown.getvalue().count("Move-VM web01 [") == 11


def test_budget_is_per_command(interp):
    bar, shown, pauses = display(interp)
    for _ in range(3):
        bar.begin_command()
        bar("Export-VM", "", 0, -1)
        for percent in range(1, 101):
            bar("Export-VM", "", percent, -1)
    assert abs(sum(pauses) - 3 * BUDGET_SECONDS) < 1e-9


def test_silent_under_progress_preference(interp):
    interp.variables["ProgressPreference"] = "SilentlyContinue"
    bar, shown, pauses = display(interp)
    bar("Move-VM web01", "Pass 1", 50, 10)
    bar("Move-VM web01", "", 100, 0, completed=True)
    assert shown.getvalue() == "" and pauses == []


def test_unknown_percent_still_paces(lab):
    bar, shown, pauses = display(FakeInterp(lab))
    bar("Suspend-ClusterNode", "Draining", -1, -1)
    assert pauses and pauses[0] > 0


def test_output_erases_the_bar_first(interp):
    from hvshell.repl.progress import ClearsProgress

    shared = io.StringIO()            # the terminal: bar and output on one stream
    bar = ProgressDisplay(interp, shared, sleep=lambda s: None, width=lambda: 80)
    out = ClearsProgress(shared, bar)
    bar("Export-VM", "", 50, 3)
    out.write("done\n")
    out.write("next\n")
    lines = shared.getvalue().split("\r")
    assert lines[-1] == "\x1b[Kdone\nnext\n"          # erased once, before the first output
    assert out.getvalue() == shared.getvalue()          # everything else passes through
