"""Random calls of every cmdlet with plausible and implausible arguments on
the demo lab: each must end in output or a PowerShell error, never in a
defect ("The command failed unexpectedly") or a Python traceback."""
import io
import random

import pytest

from hvshell.demo import demo_lab
from hvshell.runtime.cmdlet import all_cmdlets
from hvshell.shell import new_interpreter
from hvshell.runtime.session import Session
from hvshell.runtime.signals import ExitSignal

VALUES = ["HV01", "HV02", "HV03", "HV04", "SQL01", "WEB01", "DC01", "LNX01", "nosuch", "1", "0",
          "-1", "1GB", "$true", "$false", "$null", "'*'", "''", "C:\\x.vhdx",
          "\\\\SOFS01\\VMs\\x.vhdx", "@{}", "(Get-VM)", "10.1.1.0/24", "TCPIP", "SMB", "Running",
          "Quick", "9999999999999", "'a b'", "'a[5-1]'"]
PIPES = ["Get-VM", "Get-VM -ComputerName HV02", "Get-LabHost", "Get-VMHardDiskDrive SQL01"]
# Both only wait on the clock; random arguments could ask them to wait for days.
SLOW = {"Start-Sleep", "Wait-Job"}


def random_script(rng: random.Random, cmdlets: list) -> str:
    lines = []
    for _ in range(3):
        cls = rng.choice(cmdlets)
        params = list(cls.parameters().values())
        parts = [cls.name]
        for param in rng.sample(params, min(len(params), rng.randint(0, 3))):
            if param.is_switch:
                parts.append(f"-{param.name}")
            elif param.validate_set and rng.random() < 0.7:
                parts.append(f"-{param.name} {rng.choice(param.validate_set)}")
            else:
                parts.append(f"-{param.name} {rng.choice(VALUES)}")
        if rng.random() < 0.3:
            parts = [rng.choice(PIPES), "|"] + parts
        lines.append(" ".join(parts))
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(4))
def test_random_cmdlet_calls_never_fail_unexpectedly(seed, tmp_path):
    rng = random.Random(seed)
    cmdlets = [c for c in all_cmdlets() if c.name not in SLOW]
    for _ in range(50):
        script = random_script(rng, cmdlets)
        err = io.StringIO()
        # file cmdlets write what they are given: keep it in a scratch root
        session = Session(demo_lab(2012), seed=2012, root=tmp_path)
        interp = new_interpreter(session, stdout=io.StringIO(), stderr=err)
        try:
            interp.execute(script)
        except ExitSignal:
            pass
        assert "failed unexpectedly" not in err.getvalue(), script + "\n" + err.getvalue()
        assert "Traceback" not in err.getvalue(), script
