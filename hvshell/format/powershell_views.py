"""Default views of the types PowerShell itself produces: the .NET types
(after Windows PowerShell 5.1's DotNetTypes.format.ps1xml) and the objects
of the engine and utility cmdlets (after PowerShellCore.format.ps1xml).

A DateTime prints in the long form, a TimeSpan as a list of its parts, a
hashtable entry as a Name/Value row, an error record in the error layout
(`$Error[0]`, `2>&1`).  The cmdlets' objects are defined beside their
cmdlets (hvshell/cmdlets/powershell/); their views are named here by type.
"""
from __future__ import annotations

from hvshell.format.views import Column, CustomView, ListView, TableView, register_view
from hvshell.runtime.errorview import render_error
from hvshell.runtime.psobject import format_datetime

COMMANDS = "Microsoft.PowerShell.Commands."
AUTOMATION = "System.Management.Automation."

# ---- .NET types ------------------------------------------------------------

register_view("System.DateTime", CustomView(lambda value: format_datetime(value, long=True)))

register_view("System.TimeSpan", ListView(tuple(Column(name) for name in (
    "Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays", "TotalHours",
    "TotalMinutes", "TotalSeconds", "TotalMilliseconds"))))

register_view("System.Collections.DictionaryEntry", TableView((
    Column("Name", width=30, align="left"),
    Column("Value", align="left"),
)))

register_view(AUTOMATION + "ErrorRecord",
              CustomView(lambda record: render_error(record).rstrip("\n"), out_of_band=True))

# Warnings, verbose and debug messages redirected to the output (3>&1 ...)
# print as the console shows them, each on its own; Write-Host's records as
# their text.
for _kind, _label in (("WarningRecord", "WARNING: "), ("VerboseRecord", "VERBOSE: "),
                      ("DebugRecord", "DEBUG: ")):
    register_view(AUTOMATION + _kind, CustomView(
        lambda record, label=_label: label + record.Message, out_of_band=True))
register_view(AUTOMATION + "InformationRecord",
              CustomView(lambda record: record.MessageData, out_of_band=True))

# ---- Group-Object, Measure-Object, Get-Member ------------------------------

register_view(COMMANDS + "GroupInfo", TableView((
    Column("Count", width=5, align="right"), Column("Name", width=25, align="left"),
    Column("Group", align="left"))))
register_view(COMMANDS + "GroupInfoNoElement", TableView((
    Column("Count", width=5, align="right"), Column("Name", width=25, align="left"))))

register_view(COMMANDS + "GenericMeasureInfo", ListView(tuple(Column(n) for n in (
    "Count", "Average", "Sum", "Maximum", "Minimum", "Property"))))
register_view(COMMANDS + "TextMeasureInfo", TableView(tuple(Column(n, align=a) for n, a in (
    ("Lines", "right"), ("Words", "right"), ("Characters", "right"), ("Property", "left")))))

# Fitted to the data, one table per type under a `TypeName:` header.
register_view(COMMANDS + "MemberDefinition", TableView(
    (Column("Name", align="left"), Column("MemberType", align="left"),
     Column("Definition", align="left")),
    autosize=True, group_by="TypeName", group_label="TypeName"))

# ---- Get-Command, Get-Help -------------------------------------------------

# The command table: an alias shows as `name -> target`.
_COMMAND_VIEW = TableView((
    Column("CommandType", width=15, align="left"),
    Column("Name", lambda c: c.DisplayName, width=50, align="left"),
    Column("Version", width=10, align="left"),
    Column("Source", align="left"),
))
for _kind in ("CmdletInfo", "FunctionInfo", "AliasInfo"):
    register_view(AUTOMATION + _kind, _COMMAND_VIEW)

# Get-Module: the exported commands as the names (PowerShellCore.format.ps1xml).
register_view(AUTOMATION + "PSModuleInfo", TableView((
    Column("ModuleType", width=10, align="left"),
    Column("Version", width=10, align="left"),
    Column("Name", width=35, align="left"),
    Column("ExportedCommands", lambda m: m.ExportedCommands.keys(), align="left"),
)))

register_view("MamlCommandHelpInfo", CustomView(lambda topic: topic.text))
register_view("HelpInfoShort", TableView((
    Column("Name", width=33, align="left"), Column("Category", width=9, align="left"),
    Column("Module", width=25, align="left"), Column("Synopsis", align="left"))))
