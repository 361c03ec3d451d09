"""Views of migrations: the Get-LabMigration and Measure-LabMigration
tables, Compare-VM's report, and the pass charts Show-LabMigration draws
(text for the terminal, SVG for a file).

Get-LabMigration's table has the columns docs/model.md lists.  To fit
a terminal, times show as hh:mm:ss (the properties are full DateTimes),
Duration in seconds with one decimal and Downtime in whole milliseconds.
"""
from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

from hvshell.format.views import Column, ListView, TableView, register_view

MB = 2**20
GB = 2**30


def _clock(name: str) -> Any:
    def value(obj: Any) -> str | None:
        when = getattr(obj, name)
        return None if when is None else when.strftime("%H:%M:%S")
    return value


def _seconds(obj: Any) -> float:
    return round(obj.Duration, 1)


def _milliseconds(obj: Any) -> int:
    return round(obj.Downtime)


register_view("hvshell.Lab.Migration", TableView((
    Column("VMName"),
    Column("Type"),
    Column("Source"),
    Column("Destination"),
    Column("Transport", align="left"),
    Column("State", align="left"),
    Column("QueuedAt", _clock("QueuedAt")),
    Column("StartTime", _clock("StartTime")),
    Column("EndTime", _clock("EndTime")),
    Column("Duration (s)", _seconds),
    Column("Downtime (ms)", _milliseconds),
    Column("Rounds"),
    Column("BytesTransferred"),
    Column("Reason")), autosize=True))

register_view("hvshell.Lab.Migration", ListView((
    Column("Id"), Column("VMName"), Column("Type"), Column("Source"), Column("Destination"),
    Column("PerformanceOption"), Column("Transport"), Column("Route"), Column("Rdma"),
    Column("SourceNics"), Column("DestinationNics"), Column("State"),
    Column("QueuedAt"), Column("StartTime"), Column("EndTime"),
    Column("Duration (s)", "Duration"), Column("Downtime (ms)", "Downtime"), Column("Rounds"),
    Column("Converged"), Column("BytesTransferred"), Column("Reason"))), default=False)

register_view("hvshell.Lab.MigrationForecast", TableView((
    Column("VMName"),
    Column("PerformanceOption"),
    Column("Duration (s)", _seconds),
    Column("Downtime (ms)", _milliseconds),
    Column("Rounds"),
    Column("BytesTransferred"),
    Column("Route")), autosize=True))

register_view("hvshell.Lab.MigrationPass", TableView((
    Column("Pass"),
    Column("Start"),
    Column("Duration"),
    Column("Bytes"),
    Column("WireBytes"),
    Column("BytesPerSecond"),
    Column("Compressed")), autosize=True))

# Compare-VM prints its report as a list (docs/cmdlets.md) and the
# incompatibilities as a table of Message, MessageId, Source.
register_view("Microsoft.HyperV.PowerShell.VMCompatibilityReport", ListView(tuple(
    Column(name) for name in ("VM", "OperationType", "Destination", "Path", "SnapshotPath",
                              "VhdDestinationPath", "VhdSourcePath", "Incompatibilities"))))

register_view("Microsoft.HyperV.PowerShell.VMCompatibilityError", TableView((
    Column("Message"),
    Column("MessageId"),
    Column("Source")), autosize=True))


# ---------------------------------------------------------------------------
# Show-LabMigration: the passes of one migration
# ---------------------------------------------------------------------------

def _size(nbytes: float) -> str:
    if nbytes >= GB:
        return f"{nbytes / GB:.1f} GB"
    return f"{nbytes / MB:.1f} MB"


def _sentence(parts: list[str]) -> str:
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def _summary(record: Any) -> list[str]:
    title = (f"{record.Type} migration of {record.VMName}: {record.Source} -> "
             f"{record.Destination}, {record.State}")
    lines = [title]
    if record.Route:
        lines.append(f"Transport: {record.Route}")
    times = [f"queued {record.QueuedAt:%H:%M:%S}"]
    if record.StartTime is not None:
        times.append(f"started {record.StartTime:%H:%M:%S}")
    if record.EndTime is not None:
        times.append(f"ended {record.EndTime:%H:%M:%S}")
    lines.append(_sentence(times))
    rounds = record.Rounds
    facts = [f"duration {record.Duration:.1f} s", f"downtime {record.Downtime:.1f} ms"]
    if any(p.kind == "Memory" for p in record.Passes):
        text = f"{rounds} dirty pass{'' if rounds == 1 else 'es'}"
        if record.Converged is False:
            text += " (the pass limit ended pre-copy)"
        facts.append(text)
    facts.append(f"{_size(record.BytesTransferred)} sent")
    lines.append(_sentence(facts))
    if record.Reason:
        lines.append(f"Reason: {record.Reason}")
    return lines


def text_chart(record: Any, bar_width: int = 40) -> list[str]:
    """The migration's passes as a table with a bar per pass (its bytes
    on the wire, scaled to the largest pass)."""
    passes = record.Passes
    lines = _summary(record) + [""]
    if not passes:
        lines.append("No transfer has finished yet." if record.State.name in ("Queued", "Running")
                     else "Nothing was transferred.")
        return lines
    header = (f"{'Pass':<10} {'Start (s)':>9} {'Time (s)':>9} {'Sent (MB)':>10} "
              f"{'Rate (MB/s)':>11}  Sent")
    lines += [header, f"{'-' * 10} {'-' * 9} {'-' * 9} {'-' * 10} {'-' * 11}  {'-' * bar_width}"]
    largest = max(p.wire_bytes for p in passes) or 1.0
    for p in passes:
        filled = p.wire_bytes / largest * bar_width
        bar = "#" * round(filled)
        if not bar and p.wire_bytes > 0:
            bar = "."
        label = p.label + ("*" if p.compressed else "")
        lines.append(f"{label:<10} {p.start:9.2f} {p.duration:9.2f} {p.wire_bytes / MB:10.1f} "
                     f"{p.rate / MB:11.1f}  {bar}")
    notes = []
    if any(p.compressed for p in passes):
        notes.append("* compressed: Sent counts the compressed bytes")
    if any(p.kind == "Blackout" for p in passes):
        notes.append("Blackout: the virtual machine is paused while the rest is sent")
    if notes:
        lines += [""] + notes
    return lines


# Colours of the SVG chart per kind of transfer.
_COLOURS = {"Memory": "#4878cf", "Blackout": "#d65f5f", "Storage": "#6acc65",
            "Save": "#ee854a", "Restore": "#ee854a"}
_SVG_WIDTH, _SVG_HEIGHT = 860, 440
# Four summary lines, then the legend in one row, then the plot.
_LEFT, _RIGHT, _TOP, _BOTTOM = 80, 30, 124, 60
_LEGEND_Y = 100


def _ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def _num(value: float) -> str:
    return f"{value:g}"


def svg_chart(record: Any) -> str:
    """A timeline of the migration's passes: each pass is a bar from its
    start to its end, as high as its rate, so its area is the bytes it
    sent; the blackout (downtime) is red."""
    passes = record.Passes
    end = max([p.start + p.duration for p in passes] + [record.Duration, 1e-3])
    top_rate = max([p.rate / MB for p in passes] + [1.0])
    x_ticks, y_ticks = _ticks(end), _ticks(top_rate)
    plot_w = _SVG_WIDTH - _LEFT - _RIGHT
    plot_h = _SVG_HEIGHT - _TOP - _BOTTOM

    def x(seconds: float) -> float:
        return _LEFT + seconds / x_ticks[-1] * plot_w

    def y(rate: float) -> float:
        return _TOP + plot_h - rate / y_ticks[-1] * plot_h

    root = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_SVG_WIDTH}" '
            f'height="{_SVG_HEIGHT}" viewBox="0 0 {_SVG_WIDTH} {_SVG_HEIGHT}" '
            'font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">')
    out = [root,
           f'<rect width="{_SVG_WIDTH}" height="{_SVG_HEIGHT}" fill="white"/>']
    for row, line in enumerate(_summary(record)[:4]):
        size = 16 if row == 0 else 12
        out.append(f'<text x="{_LEFT}" y="{22 + row * 18}" font-size="{size}">'
                   f'{escape(line)}</text>')
    for tick in y_ticks:
        out.append(f'<line x1="{_LEFT}" y1="{y(tick):.1f}" x2="{_SVG_WIDTH - _RIGHT}" '
                   f'y2="{y(tick):.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{_LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
                   f'{_num(tick)}</text>')
    for tick in x_ticks:
        out.append(f'<line x1="{x(tick):.1f}" y1="{_TOP + plot_h}" x2="{x(tick):.1f}" '
                   f'y2="{_TOP + plot_h + 5}" stroke="#333"/>')
        out.append(f'<text x="{x(tick):.1f}" y="{_TOP + plot_h + 20}" text-anchor="middle">'
                   f'{_num(tick)}</text>')
    for p in passes:
        left, width = x(p.start), max(x(p.start + p.duration) - x(p.start), 1.0)
        top = y(p.rate / MB)
        colour = _COLOURS.get(p.kind, "#999999")
        title = (f"{p.label}: {p.wire_bytes / MB:.1f} MB in {p.duration:.3f} s "
                 f"({p.rate / MB:.1f} MB/s){', compressed' if p.compressed else ''}")
        out.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" '
                   f'height="{_TOP + plot_h - top:.1f}" fill="{colour}" stroke="white">'
                   f'<title>{escape(title)}</title></rect>')
        if width >= 36:
            out.append(f'<text x="{left + width / 2:.1f}" y="{top - 4:.1f}" '
                       f'text-anchor="middle" font-size="11">{escape(p.label)}</text>')
    out.append(f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_SVG_WIDTH - _RIGHT}" '
               f'y2="{_TOP + plot_h}" stroke="#333"/>')
    out.append(f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{_TOP + plot_h}" stroke="#333"/>')
    out.append(f'<text x="{_LEFT + plot_w / 2}" y="{_SVG_HEIGHT - 18}" text-anchor="middle">'
               'Time since the migration started (s)</text>')
    out.append(f'<text x="18" y="{_TOP + plot_h / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {_TOP + plot_h / 2})">Rate (MB/s)</text>')
    for k, (kind, colour) in enumerate((("Memory pass", _COLOURS["Memory"]),
                                        ("Blackout (downtime)", _COLOURS["Blackout"]),
                                        ("Storage copy", _COLOURS["Storage"]),
                                        ("Save / restore", _COLOURS["Save"]))):
        lx = _LEFT + k * 165
        out.append(f'<rect x="{lx}" y="{_LEGEND_Y - 10}" width="12" height="12" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{lx + 18}" y="{_LEGEND_Y}">{kind}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
