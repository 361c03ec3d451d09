"""A command's syntax lines, built from its parameter declarations, as
Get-Help and Get-Command -Syntax show them:

    Get-VM [[-Name] <String[]>] [-ComputerName <String[]>] [<CommonParameters>]

One line per parameter set.  In each: the positional parameters by
position, then the named mandatory ones, then the other named ones (in
declaration order), then `[-WhatIf] [-Confirm]` and `[<CommonParameters>]`
when the command has them.  A positional parameter's name is bracketed
(`[-Name] <String[]>`); an optional parameter is bracketed as a whole;
a switch shows no type; a validate-set shows its values `{TCPIP | SMB}`.

Works for cmdlet classes and for the `CommandSpec` of a script function,
so the binder's messages and the REPL can reuse it.
"""
from __future__ import annotations

from hvshell.runtime.binder import CommandSpec
from hvshell.runtime.cmdlet import ALL_SETS, Cmdlet, Parameter, SetMembership
from hvshell.runtime.conversions import canonical_type_name

COMMON_PLACEHOLDER = "[<CommonParameters>]"
RISK_NAMES = ("WhatIf", "Confirm")


def command_spec(command: type[Cmdlet] | CommandSpec) -> CommandSpec:
    if isinstance(command, CommandSpec):
        return command
    from hvshell.runtime.pipeline import cmdlet_spec
    return cmdlet_spec(command)


def type_text(param: Parameter) -> str:
    """The type as help shows it: String[], Int64, Object, SwitchParameter."""
    if param.is_switch:
        return "SwitchParameter"
    if isinstance(param.type, str):
        canonical = canonical_type_name(param.type)
        suffix = "[]" if param.array and not canonical.endswith("[]") else ""
        return canonical.rsplit(".", 1)[-1] + suffix
    return param.type_label()


def value_text(param: Parameter) -> str:
    """What follows the parameter name: `<Type>`, `{A | B}`, or nothing."""
    if param.is_switch:
        return ""
    if param.validate_set:
        return "{" + " | ".join(param.validate_set) + "}"
    return f"<{type_text(param)}>"


def parameter_text(param: Parameter, membership: SetMembership) -> str:
    value = value_text(param)
    name = f"-{param.name}"
    if membership.position is not None and value:
        text = f"[{name}] {value}"
    else:
        text = f"{name} {value}" if value else name
    return text if membership.mandatory else f"[{text}]"


def members_in_order(spec: CommandSpec, set_name: str) -> list[tuple[Parameter, SetMembership]]:
    """The parameters of one set in display order."""
    members = [(p, m) for p in spec.parameters.values() if (m := p.in_set(set_name)) is not None]
    positional = sorted((pm for pm in members if pm[1].position is not None),
                        key=lambda pm: pm[1].position)
    named = [pm for pm in members if pm[1].position is None]
    return positional + [pm for pm in named if pm[1].mandatory] + \
        [pm for pm in named if not pm[1].mandatory]


def syntax_parts(spec: CommandSpec, set_name: str) -> list[str]:
    """The command name and each parameter's text, for one parameter set."""
    parts = [spec.name]
    parts.extend(parameter_text(p, m) for p, m in members_in_order(spec, set_name))
    common = {c.name for c in spec.common}
    parts.extend(f"[-{name}]" for name in RISK_NAMES if name in common)
    if common - set(RISK_NAMES):
        parts.append(COMMON_PLACEHOLDER)
    return parts


def syntax_sets(command: type[Cmdlet] | CommandSpec) -> list[list[str]]:
    """`syntax_parts` of every parameter set, the default set first."""
    spec = command_spec(command)
    return [syntax_parts(spec, set_name) for set_name in spec.sets or [ALL_SETS]]


def syntax_lines(command: type[Cmdlet] | CommandSpec) -> list[str]:
    return [" ".join(parts) for parts in syntax_sets(command)]


def set_names_of(spec: CommandSpec, param: Parameter) -> list[str]:
    """The sets a parameter belongs to, `(All)` when it is in every one."""
    names = [s for s in spec.sets if param.in_set(s) is not None]
    if not param.set_names() or len(names) == len(spec.sets) and len(names) > 1:
        return ["(All)"]
    return names
