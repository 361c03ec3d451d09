"""Format records: what Format-Table and Format-List write to the pipeline.

Like PowerShell's formatting protocol, a formatted stream is a sequence
`FormatStart (GroupStart Entry... GroupEnd)... FormatEnd`; only the Out-*
commands know how to print it.  An entry marked `out_of_band` (a string
met inside a table, an object the active view does not cover) prints on
its own without disturbing the table around it.  The records carry text
already formatted, so printing needs no access to the objects.
"""
from __future__ import annotations

import attrs

_NAMESPACE = "Microsoft.PowerShell.Commands.Internal.Format."

TABLE, LIST, CUSTOM = "table", "list", "custom"


@attrs.define(eq=False)
class FormatStart:
    PS_TYPE = _NAMESPACE + "FormatStartData"

    shape: str                                   # TABLE, LIST or CUSTOM
    labels: list[str] = attrs.Factory(list)      # table column labels
    widths: list[int | None] = attrs.Factory(list)
    aligns: list[str] = attrs.Factory(list)
    autosize: bool = False
    hide_header: bool = False
    wrap: bool = False

    @property
    def fits_widths(self) -> bool:
        """Whether columns are sized from the data: with -AutoSize, or when
        the view leaves its first column's width open (PowerShell's rule)."""
        return self.shape == TABLE and bool(self.labels) and (
            self.autosize or self.widths[0] is None)


@attrs.define(eq=False)
class GroupStart:
    PS_TYPE = _NAMESPACE + "GroupStartData"

    label: str | None = None                     # '   Status: Running'


@attrs.define(eq=False)
class FormatEntry:
    PS_TYPE = _NAMESPACE + "FormatEntryData"

    kind: str                                    # TABLE (a row), LIST or CUSTOM (text)
    values: list[str] = attrs.Factory(list)
    labels: list[str] = attrs.Factory(list)      # list entries
    text: str = ""                               # custom entries and ToString output
    out_of_band: bool = False


@attrs.define(eq=False)
class GroupEnd:
    PS_TYPE = _NAMESPACE + "GroupEndData"


@attrs.define(eq=False)
class FormatEnd:
    PS_TYPE = _NAMESPACE + "FormatEndData"


RECORD_TYPES = (FormatStart, GroupStart, FormatEntry, GroupEnd, FormatEnd)


def is_record(obj: object) -> bool:
    return isinstance(obj, RECORD_TYPES)
