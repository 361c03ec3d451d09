"""Default views of the .NET types the shell itself produces (after
Windows PowerShell 5.1's DotNetTypes.format.ps1xml): a DateTime prints in
the long form, a TimeSpan as a list of its parts, a hashtable entry as a
Name/Value row, an error record in the error layout (`$Error[0]`, `2>&1`)."""
from __future__ import annotations

from hvshell.format.views import Column, CustomView, ListView, TableView, register_view
from hvshell.runtime.errorview import render_error
from hvshell.runtime.psobject import format_datetime

register_view("System.DateTime", CustomView(lambda value: format_datetime(value, long=True)))

register_view("System.TimeSpan", ListView(tuple(Column(name) for name in (
    "Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays", "TotalHours",
    "TotalMinutes", "TotalSeconds", "TotalMilliseconds"))))

register_view("System.Collections.DictionaryEntry", TableView((
    Column("Name", width=30, align="left"),
    Column("Value", align="left"),
)))

register_view("System.Management.Automation.ErrorRecord",
              CustomView(lambda record: render_error(record).rstrip("\n"), out_of_band=True))
