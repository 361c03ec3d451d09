"""Identifiers: GUIDs (deterministic from the lab's seed) and MAC addresses."""
from __future__ import annotations

import hashlib
import uuid
from typing import Any

from hvshell.pstypes.registry import ps_type


@ps_type
class Guid:
    """A System.Guid: prints in the 8-4-4-4-12 form and equals its text in
    any case, so `Get-VM | ? Id -eq '...'` works."""

    PS_TYPE = "System.Guid"
    __slots__ = ("_text",)

    def __init__(self, text: str):
        self._text = str(uuid.UUID(str(text)))

    def ToString(self) -> str:
        return self._text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Guid('{self._text}')"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Guid):
            return other._text == self._text
        if isinstance(other, str):
            return other.strip().strip("{}").lower() == self._text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    @classmethod
    def parse(cls, text: Any) -> "Guid | None":
        """The Guid in `text`, or None when it is not one."""
        if isinstance(text, Guid):
            return text
        try:
            return cls(str(text).strip().strip("{}"))
        except ValueError:
            return None


def derive_guid(seed: int, counter: int) -> Guid:
    """The counter-th GUID of a lab with this seed: a hash, so that GUIDs do
    not consume the lab's random stream (a new VM must not change what a
    later migration draws)."""
    digest = hashlib.sha256(f"hvshell-guid:{seed}:{counter}".encode()).digest()
    return Guid(str(uuid.UUID(bytes=digest[:16], version=4)))


# Hyper-V's dynamic MAC addresses use Microsoft's OUI 00-15-5D; each host
# owns a 256-address range (Get-VMHost MacAddressMinimum/Maximum).
HYPERV_OUI = "00155D"


def mac_range(host_index: int) -> tuple[str, str]:
    """The dynamic MAC range of the host created host_index-th (0-based)."""
    high, low = divmod(host_index + 1, 256)
    prefix = f"{HYPERV_OUI}{high:02X}{low:02X}"
    return prefix + "00", prefix + "FF"
