"""Start-Sleep and Get-Date: they wait on and read the lab's simulated
clock, never the real one."""
from __future__ import annotations

import datetime as dt

from hvshell.runtime.cmdlet import Cmdlet, Parameter
from hvshell.runtime.dotnet_format import FormatError, format_datetime_spec
from hvshell.runtime.errors import CmdletError

# Get-Date -UFormat specifiers (Unix date(1) style) this shell supports.
_UFORMAT = {
    "Y": "%Y", "y": "%y", "m": "%m", "d": "%d", "e": None, "H": "%H", "I": "%I", "M": "%M",
    "S": "%S", "p": "%p", "A": "%A", "a": "%a", "B": "%B", "b": "%b", "h": "%b", "j": "%j",
    "D": "%m/%d/%y", "F": "%Y-%m-%d", "T": "%H:%M:%S", "R": "%H:%M", "n": "\n", "t": "\t",
    "%": "%", "s": None, "u": None, "w": None, "Z": None, "k": None, "l": None,
}


def uformat(value: dt.datetime, spec: str) -> str:
    out = []
    i = 0
    while i < len(spec):
        ch = spec[i]
        if ch != "%" or i + 1 >= len(spec):
            out.append(ch)
            i += 1
            continue
        key = spec[i + 1]
        i += 2
        if key not in _UFORMAT:
            out.append("%" + key)
        elif key == "e":
            out.append(f"{value.day:2d}")
        elif key == "s":
            out.append(str(int((value - dt.datetime(1970, 1, 1)).total_seconds())))
        elif key == "u":
            out.append(str(value.isoweekday()))
        elif key == "w":
            out.append(str(value.isoweekday() % 7))
        elif key == "Z":
            out.append("+00")
        elif key == "k":
            out.append(f"{value.hour:2d}")
        elif key == "l":
            out.append(f"{value.hour % 12 or 12:2d}")
        else:
            out.append(value.strftime(_UFORMAT[key]))
    return "".join(out)


class GetDate(Cmdlet):
    """Gets the current date and time: the lab's simulated time."""
    name = "Get-Date"
    module = "Microsoft.PowerShell.Utility"
    default_set = "net"
    output_type = "System.DateTime"

    Date = Parameter(dt.datetime, position=0, pipeline=True, by_property=True,
                     aliases=("LastWriteTime",))
    Format = Parameter(str, sets=("net",))
    UFormat = Parameter(str, sets=("UFormat",))

    def process(self) -> None:
        value = self.Date if self.Date is not None else self.ctx.lab.clock.datetime
        if self.UFormat is not None:
            self.write(uformat(value, self.UFormat))
        elif self.Format is not None:
            try:
                self.write(format_datetime_spec(value, self.Format))
            except FormatError as error:
                raise CmdletError(f"Input string was not in a correct format: {error}",
                                  "FormatException", "InvalidArgument", self.Format,
                                  "System.FormatException") from None
        else:
            self.write(value)


class StartSleep(Cmdlet):
    """Waits: the lab's clock advances by the time given, and everything
    scheduled meanwhile (jobs, migrations, faults) happens."""
    name = "Start-Sleep"
    module = "Microsoft.PowerShell.Utility"
    default_set = "Seconds"
    aliases = ("sleep",)

    # Int32 in Windows PowerShell, the seconds limited so that they fit in milliseconds.
    Seconds = Parameter(int, position=0, mandatory=True, sets=("Seconds",), pipeline=True,
                        by_property=True, validate_range=(0, (2**31 - 1) // 1000))
    Milliseconds = Parameter(int, mandatory=True, sets=("Milliseconds",), pipeline=True,
                             by_property=True, validate_range=(0, 2**31 - 1))

    def process(self) -> None:
        seconds = self.Milliseconds / 1000 if self.parameter_set == "Milliseconds" else self.Seconds
        self.ctx.lab.clock.advance(seconds)
