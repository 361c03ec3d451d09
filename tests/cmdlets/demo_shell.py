"""A shell on the demo lab (README.md, A short tour) for the tests of the
Hyper-V module's cmdlet families: built once per test, deterministic."""
from __future__ import annotations

from hvshell.demo import build_demo_lab
from hvshell.model.lab import Lab
from tests.cmdlets.hyperv_shell import Shell


def demo_shell(script: str = "") -> Shell:
    lab = Lab(seed=2012)
    build_demo_lab(lab)
    shell = Shell(lab)
    if script:
        shell.run(script)
        assert not shell.errors, shell.err.getvalue()
    return shell
