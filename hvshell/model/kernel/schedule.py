"""Timed lab actions kept as data: faults due later (Invoke-LabFault
-After), a host finishing its boot, a VM's delayed automatic start.

Each is a record in `Lab.scheduled` plus a clock timer.  Because the record
is plain data, a saved lab re-arms it when loaded (`rearm`), unlike an
operation's process.  The domains declare the handlers, by action name
(`hvshell.model.kernel.domain`); the lab looks them up in its composition
root (`Lab.domains`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from hvshell.model.lab import Lab


@attrs.define(eq=False)
class ScheduledAction:
    time: float
    action: str
    target: str
    timer: Any = attrs.field(init=False, default=None, repr=False)


def schedule_action(lab: Lab, delay: float, action: str, target: str) -> ScheduledAction:
    if action not in lab.domains.actions:
        raise KeyError(action)
    record = ScheduledAction(lab.clock.now + max(0.0, delay), action, target)
    lab.scheduled.append(record)
    _arm(lab, record)
    return record


def cancel_actions(lab: Lab, action: str, target: str) -> None:
    for record in list(lab.scheduled):
        if record.action == action and record.target.lower() == target.lower():
            if record.timer is not None:
                record.timer.cancel()
            lab.scheduled.remove(record)


def _arm(lab: Lab, record: ScheduledAction) -> None:
    def fire() -> None:
        if record in lab.scheduled:
            lab.scheduled.remove(record)
            lab.domains.actions[record.action](lab, record.target)

    record.timer = lab.clock.schedule(max(0.0, record.time - lab.clock.now), fire)


def rearm(lab: Lab) -> None:
    """After a load: put every saved action back on the clock, in order."""
    for record in sorted(lab.scheduled, key=lambda r: r.time):
        _arm(lab, record)
