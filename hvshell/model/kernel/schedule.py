"""Timed lab actions kept as data: faults due later (Invoke-LabFault
-After), a host finishing its boot, a VM's delayed automatic start.

Each is a record in `Lab.scheduled` plus a clock timer.  Because the record
is plain data, a saved lab re-arms it when loaded (`rearm`), unlike an
operation's process.  Handlers register by action name (`ACTIONS`).
"""
from __future__ import annotations

from typing import Any, Callable

import attrs


@attrs.define(eq=False)
class ScheduledAction:
    time: float
    action: str
    target: str
    timer: Any = attrs.field(init=False, default=None, repr=False)


ActionHandler = Callable[[Any, str], None]
ACTIONS: dict[str, ActionHandler] = {}


def register_action(name: str, handler: ActionHandler) -> None:
    ACTIONS[name] = handler


def schedule_action(lab: Any, delay: float, action: str, target: str) -> ScheduledAction:
    if action not in ACTIONS:
        raise KeyError(action)
    record = ScheduledAction(lab.clock.now + max(0.0, delay), action, target)
    lab.scheduled.append(record)
    _arm(lab, record)
    return record


def cancel_actions(lab: Any, action: str, target: str) -> None:
    for record in list(lab.scheduled):
        if record.action == action and record.target.lower() == target.lower():
            if record.timer is not None:
                record.timer.cancel()
            lab.scheduled.remove(record)


def _arm(lab: Any, record: ScheduledAction) -> None:
    def fire() -> None:
        if record in lab.scheduled:
            lab.scheduled.remove(record)
            ACTIONS[record.action](lab, record.target)

    record.timer = lab.clock.schedule(max(0.0, record.time - lab.clock.now), fire)


def rearm(lab: Any) -> None:
    """After a load: put every saved action back on the clock, in order."""
    for record in sorted(lab.scheduled, key=lambda r: r.time):
        _arm(lab, record)
