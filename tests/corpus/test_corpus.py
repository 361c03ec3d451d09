"""The corpus: admin scripts written the way real Hyper-V scripts are
(DSC-style resources, lab builders, maintenance and reporting scripts),
each run on the demo lab.  Each must parse and run without an error of any
kind (an unknown command included); a script checks its own results and
throws when one is wrong."""
from __future__ import annotations

import io
import pathlib

import pytest

from hvshell.demo import demo_lab
from hvshell.runtime.session import Session
from hvshell.runtime.signals import ExitSignal
from hvshell.shell import new_interpreter

SCRIPTS = sorted((pathlib.Path(__file__).parent / "scripts").glob("*.ps1"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_script_runs_clean_on_the_demo_lab(script: pathlib.Path, tmp_path: pathlib.Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    interp = new_interpreter(Session(demo_lab(2012), seed=2012, root=tmp_path),
                             stdout=out, stderr=err)
    interp.script_path = script.name
    try:
        finished = interp.execute(script.read_text(encoding="utf-8-sig"), script.name)
    except ExitSignal as signal:
        finished = signal.code == 0
    assert err.getvalue() == "", err.getvalue()
    assert finished
    assert out.getvalue().strip(), "a corpus script says what it did"


def test_the_corpus_is_large_enough() -> None:
    assert len(SCRIPTS) >= 12
