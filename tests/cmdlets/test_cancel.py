"""Ctrl-C during a timed operation cancels it the way Hyper-V does."""
import io

import pytest

from hvshell.model.lab import Lab
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session


def test_interrupt_during_a_start_puts_the_vm_back():
    session = Session(Lab(seed=1), seed=1)
    interp = new_interpreter(session, stdout=io.StringIO(), stderr=io.StringIO())
    interp.execute("New-LabHost HV01; New-VM web01 -MemoryStartupBytes 1GB | Out-Null")

    def press_ctrl_c(*args):
        raise KeyboardInterrupt

    session.lab.clock.schedule(0.5, press_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        interp.execute("Start-VM web01")
    vm = next(session.lab.all_vms())
    assert vm.State.name == "Off"
    interp.execute("Start-VM web01")                 # and it can be started again
    assert vm.State.name == "Running"


def _demo_shell():
    from hvshell.demo import demo_lab
    session = Session(demo_lab(2012), seed=2012)
    out, err = io.StringIO(), io.StringIO()
    return session, new_interpreter(session, stdout=out, stderr=err), out, err


@pytest.mark.parametrize("after, state, host", [
    (4000, "Stopped", "HV01"),        # mid-copy: stopped, the VM stays on its source
    (4960, "Completed", "HV02"),      # in the switch-over: too late, it completes
])
def test_stop_job_past_the_point_of_no_return_reports_completed(after, state, host):
    session, interp, out, err = _demo_shell()
    interp.execute(f"$j = Move-VM SQL01 HV02 -AsJob; Start-Sleep -Milliseconds {after}; "
                   "Stop-Job $j; Start-Sleep 10; $j.State; (Get-VM SQL01 -ComputerName HV01, "
                   "HV02).ComputerName")
    assert out.getvalue().splitlines()[-2:] == [state, host]
    late = "could not be stopped: it has passed the point of no return"
    assert (late in out.getvalue()) == (state == "Completed")
    assert [e.kind for e in session.lab.events if e.source == "SQL01"][-1] == \
        ("MigrationCompleted" if state == "Completed" else "MigrationCancelled")


def test_ctrl_c_past_the_point_of_no_return_lets_the_move_complete():
    session, interp, out, err = _demo_shell()

    def press_ctrl_c(*args):
        raise KeyboardInterrupt
    session.lab.clock.schedule(4.96, press_ctrl_c)
    assert interp.execute("Move-VM SQL01 HV02; (Get-VM SQL01 -ComputerName HV01, HV02).ComputerName")
    assert "could not be cancelled" in out.getvalue() and out.getvalue().endswith("HV02\n")
