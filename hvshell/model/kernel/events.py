"""The lab's timeline: every state change, fault and operation outcome.

Domains react to events through the reactions they declare
(`hvshell.model.kernel.domain`); `Lab.record` calls them, in the order of
the composition root (`hvshell.model.domains`), after each event is
recorded (for example, cluster failover reacting to a host that went down).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

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
