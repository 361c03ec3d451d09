"""The lab's timeline: every state change, fault and operation outcome.

Other layers react to events through hooks: `EVENT_HOOKS` functions are
called with (lab, event) after each event is recorded (for example,
cluster failover reacting to a host that went down).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import attrs


@attrs.define(eq=False)
class LabEvent:
    PS_TYPE = "hvshell.Lab.Event"

    time: float            # simulated seconds since the clock's epoch
    kind: str
    source: str
    message: str
    lab: Any = attrs.field(init=False, default=None, repr=False)

    @property
    def Time(self) -> dt.datetime:
        return self.lab.time_at(self.time)

    @property
    def Kind(self) -> str:
        return self.kind

    @property
    def Source(self) -> str:
        return self.source

    @property
    def Message(self) -> str:
        return self.message

    def ToString(self) -> str:
        return self.message


EventHook = Callable[[Any, LabEvent], None]
EVENT_HOOKS: list[EventHook] = []


def add_event_hook(hook: EventHook) -> None:
    if hook not in EVENT_HOOKS:
        EVENT_HOOKS.append(hook)
