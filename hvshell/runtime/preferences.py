"""Preference variables and the ActionPreference enum (about_Preference_Variables)."""
from __future__ import annotations

from typing import Any

from hvshell.pstypes.objects import PSEnum


class ActionPreference(PSEnum):
    SilentlyContinue = 0
    Stop = 1
    Continue = 2
    Inquire = 3
    Ignore = 4
    Suspend = 5


# Set after the class body: inside it, the name would become an enum member.
ActionPreference.PS_TYPE = "System.Management.Automation.ActionPreference"


def parse_action_preference(value: Any) -> ActionPreference:
    """A preference from a name or number; ValueError lists the names."""
    if isinstance(value, ActionPreference):
        return value
    if isinstance(value, bool):
        raise ValueError(f'Cannot convert value "{value}" to type '
                         f'"System.Management.Automation.ActionPreference".')
    try:
        return ActionPreference.parse(str(value))
    except ValueError as error:
        raise ValueError(
            f'Cannot convert value "{value}" to type '
            f'"System.Management.Automation.ActionPreference". Error: "{error}"') from None


# Defaults of Windows PowerShell 5.1 (about_Preference_Variables).
DEFAULT_PREFERENCES = {
    "ErrorActionPreference": ActionPreference.Continue,
    "WarningPreference": ActionPreference.Continue,
    "VerbosePreference": ActionPreference.SilentlyContinue,
    "DebugPreference": ActionPreference.SilentlyContinue,
    "InformationPreference": ActionPreference.SilentlyContinue,
    "ProgressPreference": ActionPreference.Continue,
    "ConfirmPreference": "High",
    "WhatIfPreference": False,
    "FormatEnumerationLimit": 4,
    "OFS": " ",
}
