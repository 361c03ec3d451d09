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
