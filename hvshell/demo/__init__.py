"""The demo lab (SPEC.md 6), defined as a script in hvshell's own language."""
from __future__ import annotations

import io
from importlib import resources
from typing import Any


def demo_script() -> str:
    return resources.files(__package__).joinpath("lab.hvps").read_text(encoding="utf-8")


def build_demo_lab(lab: Any) -> None:
    """Run the demo script against `lab`; any error in it is a defect and
    is raised with the script's own error text."""
    from hvshell.runtime.interpreter import Interpreter, ScriptTerminated
    from hvshell.runtime.session import Session
    out, err = io.StringIO(), io.StringIO()
    session = Session(lab, seed=getattr(lab, "seed", 0))
    interp = Interpreter(session, stdout=out, stderr=err)
    interp.global_scope.set_local("ErrorActionPreference", "Stop")
    try:
        ok = interp.execute(demo_script(), "demo/lab.hvps")
    except ScriptTerminated:
        ok = False
    if not ok or err.getvalue():
        raise RuntimeError("the demo lab script failed:\n" + err.getvalue())
