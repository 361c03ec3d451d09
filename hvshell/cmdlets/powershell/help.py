"""Discovery cmdlets: Get-Command and Get-Help.

Both read the cmdlet declarations (name, module, docstring, parameters,
parameter sets) and the functions defined in the session; no command's
help is written by hand.
"""
from __future__ import annotations

import textwrap
from typing import Any

import attrs

from hvshell.format.syntax import (command_spec, members_in_order, set_names_of,
                                   syntax_lines, syntax_sets, type_text)
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.binder import CommandSpec
from hvshell.runtime.cmdlet import (ALIASES, COMMON_PARAMETERS, REGISTRY, Cmdlet, Parameter,
                                    Switch, all_cmdlets)
from hvshell.runtime.errors import CmdletError
from hvshell.pstypes.wildcards import has_wildcard, compile_wildcard

CORE = "Microsoft.PowerShell.Core"

# Module versions as Get-Command shows them on Windows Server 2012 R2 with
# Windows Management Framework 5.1 (Get-Module -ListAvailable on that build).
MODULE_VERSIONS = {
    "Hyper-V": "1.1",
    "FailoverClusters": "2.0.0.0",
    "ClusterAwareUpdating": "2.0.0.0",
    "SmbShare": "2.0.0.0",
    "NetLbfo": "2.0.0.0",
    "NetAdapter": "2.0.0.0",
    "Microsoft.PowerShell.Core": "3.0.0.0",
    "Microsoft.PowerShell.Utility": "3.1.0.0",
    "Microsoft.PowerShell.Management": "3.1.0.0",
}


class CommandTypes(PSEnum):
    """System.Management.Automation.CommandTypes (the values Get-Command sorts by)."""
    Alias = 1
    Function = 2
    Filter = 4
    Cmdlet = 8


@attrs.define(eq=False)
class CommandInfo:
    PS_TYPE = "System.Management.Automation.CommandInfo"

    CommandType: CommandTypes
    Name: str
    Version: str
    Source: str
    Definition: str
    Verb: str = ""
    Noun: str = ""
    target: Any = attrs.field(default=None, repr=False)   # the cmdlet class or function

    @property
    def ModuleName(self) -> str:
        return self.Source

    @property
    def DisplayName(self) -> str:
        return self.Name

    def ToString(self) -> str:
        return self.Name


@attrs.define(eq=False)
class CmdletInfo(CommandInfo):
    PS_TYPE = "System.Management.Automation.CmdletInfo"


@attrs.define(eq=False)
class FunctionInfo(CommandInfo):
    PS_TYPE = "System.Management.Automation.FunctionInfo"


@attrs.define(eq=False)
class AliasInfo(CommandInfo):
    PS_TYPE = "System.Management.Automation.AliasInfo"

    @property
    def ResolvedCommandName(self) -> str:
        return self.Definition

    @property
    def DisplayName(self) -> str:
        return f"{self.Name} -> {self.Definition}"


def _verb_noun(name: str) -> tuple[str, str]:
    verb, dash, noun = name.partition("-")
    return (verb, noun) if dash else ("", "")


def _functions(ctx: Any) -> dict[str, Any]:
    interpreter = getattr(ctx, "interpreter", None)
    return dict(getattr(interpreter, "functions", None) or {})


def _function_spec(ctx: Any, function: Any) -> CommandSpec:
    from hvshell.runtime.pipeline import script_spec
    return script_spec(function.name, function.body, ctx.interpreter)[0]


def _function_text(function: Any) -> str:
    body = getattr(function, "body", None)
    source = getattr(function, "source", None)
    extent = getattr(body, "extent", None)
    if source is None or extent is None or extent.end <= extent.start:
        return ""
    return source.text[extent.start:extent.end]


def all_commands(ctx: Any) -> list[CommandInfo]:
    """Every alias, function and cmdlet, as Get-Command lists them."""
    commands: list[CommandInfo] = []
    alias_names: dict[str, str] = {}
    for cls in all_cmdlets():
        verb, noun = _verb_noun(cls.name)
        commands.append(CmdletInfo(CommandTypes.Cmdlet, cls.name,
                                   MODULE_VERSIONS.get(cls.module, ""), cls.module,
                                   "\n".join(syntax_lines(cls)), verb, noun, cls))
        for alias in cls.aliases:
            alias_names[alias.lower()] = alias
    session = getattr(getattr(ctx, "interpreter", None), "aliases", None) or {}
    for key, target in ALIASES.items():
        if key not in session:
            cls = REGISTRY.get(target.lower())
            commands.append(AliasInfo(CommandTypes.Alias, alias_names.get(key, key), "", "",
                                      target, target=cls))
    for name, target, _ in session.values():       # Set-Alias / New-Alias
        commands.append(AliasInfo(CommandTypes.Alias, name, "", "", target,
                                  target=REGISTRY.get(target.lower())))
    for function in _functions(ctx).values():
        verb, noun = _verb_noun(function.name)
        kind = CommandTypes.Filter if getattr(function, "is_filter", False) \
            else CommandTypes.Function
        commands.append(FunctionInfo(kind, function.name, "", "", _function_text(function),
                                     verb, noun, function))
    commands.sort(key=lambda c: (c.CommandType.value, c.Name.lower()))
    return commands


def _matches(patterns: list[str] | None, text: str) -> bool:
    return not patterns or any(compile_wildcard(p).match(text) for p in patterns)


class GetCommand(Cmdlet):
    """Gets all commands: cmdlets, aliases and the functions defined in the
    session.

    -Name, -Verb, -Noun and -Module take wildcards; -Syntax shows each
    command's syntax instead."""

    name = "Get-Command"
    module = CORE
    aliases = ("gcm",)
    default_set = "CmdletSet"

    Name = Parameter(str, array=True, position=0, sets=("AllCommandSet",), pipeline=True,
                     by_property=True)
    Verb = Parameter(str, array=True, sets=("CmdletSet",), by_property=True)
    Noun = Parameter(str, array=True, sets=("CmdletSet",), by_property=True)
    Module = Parameter(str, array=True, by_property=True, aliases=("PSSnapin",))
    CommandType = Parameter(str, array=True, sets=("AllCommandSet",), aliases=("Type",),
                            validate_set=("Alias", "Function", "Filter", "Cmdlet", "All"),
                            by_property=True)
    Syntax = Parameter(Switch)

    def process(self) -> None:
        commands = all_commands(self.ctx)
        if self.parameter_set == "CmdletSet" and (self.Verb or self.Noun):
            commands = [c for c in commands if c.CommandType is not CommandTypes.Alias
                        and _matches(self.Verb, c.Verb) and _matches(self.Noun, c.Noun)]
        if self.Module:
            commands = [c for c in commands if _matches(self.Module, c.Source)]
        if self.CommandType and not any(t.lower() == "all" for t in self.CommandType):
            wanted = {t.lower() for t in self.CommandType}
            commands = [c for c in commands if c.CommandType.name.lower() in wanted]
        found = commands
        if self.Name:
            found = []
            for pattern in self.Name:
                matched = [c for c in commands if compile_wildcard(pattern).match(c.Name)]
                if not matched and not has_wildcard(pattern):
                    self.write_error(
                        f"The term '{pattern}' is not recognized as the name of a cmdlet, "
                        f"function, script file, or operable program. Check the spelling of the "
                        f"name, or if a path was included, verify that the path is correct and "
                        f"try again.", "CommandNotFoundException", "ObjectNotFound", pattern,
                        "System.Management.Automation.CommandNotFoundException")
                found.extend(c for c in matched if not any(c is f for f in found))
        for command in found:
            self.write(self._syntax(command) if self.Syntax else command)

    def _syntax(self, command: CommandInfo) -> str:
        if isinstance(command, AliasInfo):
            return f"{command.Name} (alias) -> {command.Definition}\n"
        return "\n" + "\n\n".join(syntax_lines(self._spec(command))) + "\n"

    def _spec(self, command: CommandInfo) -> CommandSpec:
        if isinstance(command, FunctionInfo):
            return _function_spec(self.ctx, command.target)
        return command_spec(command.target)


# ---------------------------------------------------------------------------
# Get-Help
# ---------------------------------------------------------------------------

@attrs.define(eq=False)
class HelpInfo:
    """A help topic; it prints as its text."""
    PS_TYPE = "MamlCommandHelpInfo"

    Name: str
    Category: str
    Synopsis: str
    ModuleName: str
    text: str = attrs.field(default="", repr=False)

    def ToString(self) -> str:
        return self.Name


@attrs.define(eq=False)
class HelpInfoShort:
    """One line of a help search (`Get-Help *-VM`)."""
    PS_TYPE = "HelpInfoShort"

    Name: str
    Category: str
    Module: str
    Synopsis: str


INDENT = "    "


def _wrap(text: str, indent: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(" ".join(paragraph.split()), max(width, len(indent) + 20),
                                   initial_indent=indent, subsequent_indent=indent,
                                   break_on_hyphens=False) or [indent.rstrip()])
    return lines


def _pipeline_text(spec: CommandSpec, param: Parameter) -> str:
    by_value = by_name = False
    for set_name in spec.sets:
        membership = param.in_set(set_name)
        if membership is not None:
            by_value = by_value or membership.pipeline
            by_name = by_name or membership.by_property
    kinds = [k for k, on in (("ByValue", by_value), ("ByPropertyName", by_name)) if on]
    return f"true ({', '.join(kinds)})" if kinds else "false"


def _per_set(spec: CommandSpec, param: Parameter, fact: Any) -> str:
    """One fact (required, position) of a parameter; when it differs between
    its parameter sets, each set's value is named."""
    values = []
    for set_name in spec.sets:
        membership = param.in_set(set_name)
        if membership is not None:
            values.append((set_name, fact(membership)))
    distinct = {v for _, v in values}
    if len(distinct) <= 1:
        return values[0][1] if values else ""
    return ", ".join(f"{v} ({s})" for s, v in values)


def _parameter_lines(spec: CommandSpec, param: Parameter, width: int, full: bool,
                     indent: str = INDENT) -> list[str]:
    kind = "[<SwitchParameter>]" if param.is_switch else f"<{type_text(param)}>"
    lines = [f"{indent}-{param.name} {kind}"]
    if param.help:
        lines.extend(_wrap(param.help, indent + INDENT, width))
    if not full:
        lines.append("")
        return lines
    facts = [
        ("Required?", _per_set(spec, param, lambda m: "true" if m.mandatory else "false")),
        ("Position?", _per_set(spec, param,
                               lambda m: "named" if m.position is None else str(m.position))),
        ("Accept pipeline input?", _pipeline_text(spec, param)),
        ("Parameter set name", ", ".join(set_names_of(spec, param))),
        ("Aliases", ", ".join(param.aliases) or "None"),
    ]
    if param.default is not None and not isinstance(param.default, (list, tuple)):
        facts.insert(2, ("Default value", str(param.default)))
    lines.append("")
    lines.extend(f"{indent}{INDENT}{label:<29}{text}" for label, text in facts)
    lines.append("")
    return lines


def _common_parameters_lines(width: int) -> list[str]:
    names = [c.name for c in COMMON_PARAMETERS]
    text = (f"This cmdlet supports the common parameters: {', '.join(names[:-1])}, and "
            f"{names[-1]}. For more information, see about_CommonParameters.")
    return [INDENT + "<CommonParameters>"] + _wrap(text, INDENT * 2, min(width, 80)) + [""]


def _section(lines: list[str], title: str, body: list[str]) -> None:
    """Two blank lines, then a section (one blank line after NAME)."""
    while lines and lines[-1] == "":
        lines.pop()
    lines.extend([""] if title == "SYNOPSIS" else ["", ""])
    lines.append(title)
    lines.extend(body)


def command_help(name: str, spec: CommandSpec, synopsis: str, description: str,
                 output_type: str | None, width: int, view: str) -> str:
    """The text of a help topic; `view` is 'default', 'detailed' or 'full'."""
    lines = ["NAME", INDENT + name]
    if synopsis:
        _section(lines, "SYNOPSIS", _wrap(synopsis, INDENT, width))
    syntax: list[str] = []
    for parts in syntax_sets(spec):
        if syntax:
            syntax.append("")
        syntax.extend(_wrap_syntax(parts, width))
    _section(lines, "SYNTAX", syntax)
    _section(lines, "DESCRIPTION", _wrap(description or synopsis or name, INDENT, width))
    if view in ("detailed", "full"):
        body: list[str] = []
        for param, _ in _display_order(spec):
            body.extend(_parameter_lines(spec, param, width, view == "full"))
        if spec.common:
            body.extend(_common_parameters_lines(width))
        _section(lines, "PARAMETERS", body)
        if view == "full" and output_type:
            _section(lines, "OUTPUTS", [INDENT + output_type])
    if view == "full":
        _section(lines, "REMARKS", [f"{INDENT}None"])
    else:
        _section(lines, "REMARKS", [
            f'{INDENT}For more information, type: "get-help {name} -detailed".',
            f'{INDENT}For technical information, type: "get-help {name} -full".'])
    return "\n".join(lines)


def _wrap_syntax(parts: list[str], width: int) -> list[str]:
    """A syntax line broken between parameters, never inside one."""
    lines = [INDENT + parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) > width and lines[-1].strip():
            lines.append(INDENT + INDENT + part)
        else:
            lines[-1] += " " + part
    return lines


def _display_order(spec: CommandSpec) -> list[tuple[Parameter, Any]]:
    """Every parameter once, in the order the syntax lines first show them."""
    seen: dict[str, tuple[Parameter, Any]] = {}
    for set_name in spec.sets:
        for param, membership in members_in_order(spec, set_name):
            seen.setdefault(param.name, (param, membership))
    return list(seen.values())


class GetHelp(Cmdlet):
    """Displays information about commands.

    Shows a command's synopsis, its syntax for every parameter set and its
    description; -Detailed adds the parameters, -Full their attributes,
    -Parameter one parameter's.  A wildcard name lists the matching
    commands."""

    name = "Get-Help"
    module = CORE
    default_set = "AllUsersView"

    Name = Parameter(str, position=0, by_property=True)
    Full = Parameter(Switch, sets=("AllUsersView",))
    Detailed = Parameter(Switch, mandatory=True, sets=("DetailedView",))
    Parameter = Parameter(str, mandatory=True, sets=("Parameters",))

    def process(self) -> None:
        width = getattr(getattr(self.ctx, "interpreter", None), "width", 120) - 1
        if not self.Name:
            self.write(HelpInfo("default", "HelpFile", "Displays help about hvshell cmdlets.", "",
                                _overview(width)))
            return
        command = self._find(self.Name)
        if command is None and has_wildcard(self.Name):
            self._search(width)
            return
        if command is None:
            raise CmdletError(
                f"Get-Help could not find {self.Name}: no cmdlet, function or alias has that "
                f"name. Use Get-Command to list the commands.", "HelpNotFound",
                "ResourceUnavailable", self.Name,
                "System.Management.Automation.HelpNotFoundException")
        self.write(self._topic(command, width))

    def _find(self, name: str) -> CommandInfo | None:
        for command in all_commands(self.ctx):
            if command.Name.lower() == name.lower():
                if isinstance(command, AliasInfo):
                    return self._find(command.Definition)
                return command
        return None

    def _search(self, width: int) -> None:
        pattern = compile_wildcard(self.Name)
        for command in all_commands(self.ctx):
            if isinstance(command, AliasInfo) or not pattern.match(command.Name):
                continue
            synopsis = command.target.synopsis() if isinstance(command, CmdletInfo) else ""
            self.write(HelpInfoShort(command.Name, command.CommandType.name, command.Source,
                                     synopsis))

    def _topic(self, command: CommandInfo, width: int) -> Any:
        if isinstance(command, FunctionInfo):
            spec = _function_spec(self.ctx, command.target)
            synopsis = description = ""
            output_type = None
        else:
            cls: type[Cmdlet] = command.target
            spec = command_spec(cls)
            synopsis, description, output_type = cls.synopsis(), cls.description(), \
                cls.output_type
        category = command.CommandType.name
        if self.Parameter is not None:
            return self._parameter_topic(command, spec, width)
        view = "full" if self.Full else "detailed" if self.Detailed else "default"
        text = command_help(command.Name, spec, synopsis, description, output_type, width, view)
        return HelpInfo(command.Name, category, synopsis, command.Source, text)

    def _parameter_topic(self, command: CommandInfo, spec: CommandSpec, width: int) -> HelpInfo:
        pattern = compile_wildcard(self.Parameter)
        lines: list[str] = []
        for param, _ in _display_order(spec):
            if pattern.match(param.name):
                lines.extend(_parameter_lines(spec, param, width, True, indent=""))
        if not lines:
            raise CmdletError(
                f'No parameter matches "{self.Parameter}" for {command.Name}. Use '
                f'"Get-Help {command.Name} -Full" to see its parameters.', "NoParmsFound",
                "InvalidArgument", self.Parameter,
                "System.ArgumentException")
        return HelpInfo(command.Name, "Parameter", "", command.Source, "\n".join(lines).rstrip())


def _overview(width: int) -> str:
    text = ("Get-Help shows what a cmdlet does and how to call it, from the cmdlet's own "
            "declaration. Type Get-Help followed by a command name (Get-Help Get-VM), add "
            "-Detailed or -Full to see its parameters, or -Parameter Name for one of them. "
            "Get-Help with a wildcard (Get-Help *-VM) lists the matching commands; "
            "Get-Command lists every command.")
    return "\n".join(["TOPIC", INDENT + "hvshell help", "", "SHORT DESCRIPTION"]
                     + _wrap(text, INDENT, width))
