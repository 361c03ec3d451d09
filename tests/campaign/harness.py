"""Running one hostile input and judging it.

An input passes when everything it did ended in output or PowerShell error
records.  It fails (and gets a crash signature) when an exception left the
interpreter (what the CLI's last-chance handler, 'hvshell: internal
error', would have caught), when a defect was reported as an InternalError
record ('The command failed unexpectedly'), when a Python traceback or
the last-chance text reached the output, or when the lab it left does not
load back from its saved form.  HVSHELL_DEBUG is set, so a
defect raises where it happened and its signature names that place.
"""
from __future__ import annotations

import io
import os
import re
import signal
import traceback
from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.campaign.generate import Input

os.environ["HVSHELL_DEBUG"] = "1"

# A loaded lab file must also survive being used: every view, an hour of
# simulated time, a save and a reload.
LAB_PROBE = """
Get-VM | Format-List * | Out-Null
Get-VMHost | Format-List * | Out-Null
Get-LabHost | Format-Table | Out-Null
Get-VMHardDiskDrive -VMName * | Out-Null
Get-VMNetworkAdapter -VMName * | Out-Null
Get-Cluster | Get-ClusterNode | Out-Null
Get-ClusterGroup -Cluster (Get-Cluster) | Out-Null
Get-LabMigration | Format-List * | Out-Null
Get-Job | Out-Null
Get-VMReplication | Out-Null
Measure-VM -VMName * | Out-Null
Start-Sleep 3600
Export-Lab probe.json
Import-Lab probe.json
Get-LabEvent | Select-Object -Last 3 | Out-Null
"""

_BAD_OUTPUT = ("Traceback (most recent call last)", "failed unexpectedly", "hvshell: internal error")
_REPO = str(Path(__file__).resolve().parents[2])


@lru_cache(maxsize=1)
def _demo_bytes() -> bytes:
    from hvshell.demo import demo_lab
    from hvshell.model.kernel.persist import lab_to_text
    return lab_to_text(demo_lab(2012)).encode("utf-8")


def fresh_lab(demo: bool) -> Any:
    from hvshell.model.kernel.persist import lab_from_bytes
    from hvshell.model.lab import Lab
    return lab_from_bytes(_demo_bytes(), "the demo lab") if demo else Lab(seed=2012)


def signature(error: BaseException) -> str:
    """Where a defect happened: its type and the innermost hvshell frame."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/hvshell/" in f.filename] or frames
    where = ours[-1] if ours else None
    if where is None:
        return type(error).__name__
    path = os.path.relpath(where.filename, _REPO)
    return f"{type(error).__name__} at {path}:{where.lineno} ({where.name})"


class _Capped(io.StringIO):
    """Output kept up to a few megabytes: a script looping on output must
    not fill the fuzzer's memory."""

    CAP = 4 << 20

    def write(self, text: str) -> int:
        if self.tell() < self.CAP:
            super().write(text)
        return len(text)


class _OutOfTime(KeyboardInterrupt):
    """The CPU budget ran out: the input is stopped as Ctrl+C would stop it."""


def _out_of_time(signum: int, frame: Any) -> None:
    raise _OutOfTime()


def run(item: Input, root: str | os.PathLike, budget: float | None = None) -> tuple[str | None, str]:
    """(crash signature or None, what it printed or raised).  With a CPU
    `budget`, a script still running when it runs out is stopped as Ctrl+C
    would stop it (an endless loop of the script's own is no defect):
    'runaway' when hvshell stopped it cleanly."""
    if budget is None:
        return _run(item, root)
    # A CPU-time timer: the regex match timeout has the wall-clock one.
    previous = signal.signal(signal.SIGVTALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_VIRTUAL, budget)
    try:
        return _run(item, root)
    except _OutOfTime:
        return "runaway", "stopped (as by Ctrl+C) when its CPU budget ran out"
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _run(item: Input, root: str | os.PathLike) -> tuple[str | None, str]:
    from hvshell.model.kernel.errors import LabFileError
    from hvshell.model.kernel.persist import lab_from_bytes
    from hvshell.runtime.session import Session
    from hvshell.runtime.signals import ExitSignal
    from hvshell.shell import new_interpreter

    text = item.text
    try:
        if item.kind == "lab":
            try:
                lab = lab_from_bytes(text.encode("utf-8", "surrogatepass"), "'fuzz.json'")
            except LabFileError:
                return None, "refused"
            text = LAB_PROBE
        else:
            lab = fresh_lab(item.demo)
        out, err = _Capped(), _Capped()
        session = Session(lab, seed=2012, root=root)
        interp = new_interpreter(session, stdout=out, stderr=err)
        try:
            interp.execute(text)
        except ExitSignal:
            pass
        # Whatever the input did to the lab, the lab saves and loads back.
        from hvshell.model.kernel.persist import lab_to_text
        try:
            lab_from_bytes(lab_to_text(session.lab).encode("utf-8"), "the saved lab")
        except LabFileError as error:
            return "reload: " + re.sub(r"'[^']*'|\d+", "_", str(error))[:160], str(error)
    except (KeyboardInterrupt, SystemExit):      # and _OutOfTime
        raise
    except BaseException as error:      # what the last-chance handler would have caught
        return signature(error), "".join(traceback.format_exception(error))[-3000:]
    printed = out.getvalue() + err.getvalue()
    for bad in _BAD_OUTPUT:
        if bad in printed:
            line = next(line for line in printed.splitlines() if bad in line)
            return "output: " + re.sub(r"'[^']*'|\d+", "_", line)[:160], printed[-3000:]
    return None, ""
