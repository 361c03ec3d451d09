"""Error display in Windows PowerShell's NormalView (the layout 2012 R2
admins know):

    Get-VM : Hyper-V was unable to find a virtual machine with name "x".
    At line:1 char:1
    + Get-VM x
    + ~~~~~~~~
        + CategoryInfo          : InvalidArgument: (x:String) [Get-VM], VirtualizationException
        + FullyQualifiedErrorId : InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM
"""
from __future__ import annotations

from hvshell.runtime.errors import ErrorRecord
from hvshell.runtime.psobject import printable


def position_lines(record: ErrorRecord) -> list[str]:
    """`At line:L char:C`, the source line and the `~` underline."""
    extent, source = record.extent, record.source
    if extent is None or source is None:
        return []
    where = f"{source.path}:{extent.line}" if source.path else f"line:{extent.line}"
    line_text = source.line_text(extent.line)
    start = extent.column - 1
    first_line_end = source.text.find("\n", extent.start)
    end = extent.end if first_line_end == -1 or extent.end <= first_line_end else first_line_end
    length = max(1, min(end - extent.start, len(line_text) - start))
    return [f"At {where} char:{extent.column}", f"+ {line_text}", "+ " + " " * start + "~" * length]


def render_error(record: ErrorRecord, width: int = 120) -> str:
    lines: list[str] = []
    if record.is_parse_error:
        lines.extend(position_lines(record))
        lines.append(record.message)
        lines.append("    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException")
        lines.append(f"    + FullyQualifiedErrorId : {record.error_id}")
    else:
        if record.is_throw or not record.command:
            lines.append(record.message)
        else:
            lines.append(f"{record.command} : {record.message}")
        lines.extend(position_lines(record))
        lines.append(f"    + CategoryInfo          : {record.category_info()}")
        lines.append(f"    + FullyQualifiedErrorId : {record.FullyQualifiedErrorId}")
    return printable("\n".join(lines)) + "\n \n"
