"""The output streams besides success and error (about_Redirection):
warning (3), verbose (4), debug (5) and information (6, where Write-Host
writes in 5.1).  They are shown on the console as they come; redirected
(`3>&1`, `*>&1`, `4>$null`, `*> file`) their messages become records
that go where the redirection says, and print as the console would have
shown them (hvshell/format/powershell_views.py).
"""
from __future__ import annotations

from typing import Any

# Redirection stream numbers, and the stream each names.
STREAMS = {"2": "error", "3": "warning", "4": "verbose", "5": "debug", "6": "information"}
NUMBERS = {name: number for number, name in STREAMS.items()}
NUMBERS["host"] = NUMBERS["information"]


class InformationalRecord:
    """A warning, verbose or debug message as an object."""

    PS_TYPE = "System.Management.Automation.InformationalRecord"

    def __init__(self, message: str):
        self._message = message

    @property
    def Message(self) -> str:
        return self._message

    @property
    def InvocationInfo(self) -> Any:
        return None

    def ToString(self) -> str:
        return self._message


class WarningRecord(InformationalRecord):
    PS_TYPE = "System.Management.Automation.WarningRecord"


class VerboseRecord(InformationalRecord):
    PS_TYPE = "System.Management.Automation.VerboseRecord"


class DebugRecord(InformationalRecord):
    PS_TYPE = "System.Management.Automation.DebugRecord"


class InformationRecord:
    """What Write-Host writes, redirected (`6>&1`)."""

    PS_TYPE = "System.Management.Automation.InformationRecord"

    def __init__(self, message: str):
        self._message = message

    @property
    def MessageData(self) -> str:
        return self._message

    @property
    def Tags(self) -> list[str]:
        return ["PSHOST"]

    @property
    def Source(self) -> str:
        return "Write-Host"

    def ToString(self) -> str:
        return self._message


RECORDS = {"warning": WarningRecord, "verbose": VerboseRecord, "debug": DebugRecord,
           "host": InformationRecord}
