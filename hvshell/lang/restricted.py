"""The restricted language of `data { }` sections (about_Data_Sections).

A data section holds text and the little logic that picks it: literals,
operators, `if`/`elseif`/`else`, pipelines of `ConvertFrom-StringData` and
the commands its `-SupportedCommand` names, and only the variables
`$PSCulture`, `$PSUICulture`, `$true`, `$false` and `$null`.  PowerShell
rejects anything else when it parses the script; so does hvshell, with
the same wording.
"""
from __future__ import annotations

import attrs

from hvshell.lang import ast

_VARIABLES = frozenset({"psculture", "psuiculture", "true", "false", "null"})
_COMMANDS = frozenset({"convertfrom-stringdata"})
_SUFFIX = "not allowed in restricted language mode or a Data section."

# Node kinds that are never allowed, and how PowerShell names them.
_FORBIDDEN = {
    ast.Assignment: "Assignment statements are",
    ast.FunctionDef: "Function declarations are",
    ast.While: "'while' statements are",
    ast.DoLoop: "'do' statements are",
    ast.For: "'for' statements are",
    ast.Foreach: "'foreach' statements are",
    ast.Switch: "'switch' statements are",
    ast.Try: "'try' statements are",
    ast.Trap: "'trap' statements are",
    ast.DataSection: "Data sections are",
    ast.ScriptBlockExpr: "Script block literals are",
    ast.InvokeMember: "Method calls are",
    ast.MemberAccess: "Property references are",
    ast.Index: "Array references are",
    ast.TypeLiteral: "Type references are",
    ast.Cast: "Type conversions are",
    ast.SplatVariable: "Splatted variables are",
}


class RestrictedError(Exception):
    def __init__(self, message: str, error_id: str, node: ast.Node):
        super().__init__(message)
        self.message = message
        self.error_id = error_id
        self.node = node


def check_data_section(body: ast.StatementBlock, commands: tuple[str, ...]) -> None:
    """Raise RestrictedError at the first construct the section may not hold."""
    allowed = _COMMANDS | {c.lower() for c in commands}
    _check(body, allowed)


def _check(node, allowed: frozenset[str]) -> None:
    kind = type(node)
    if kind in _FORBIDDEN:
        raise RestrictedError(f"{_FORBIDDEN[kind]} {_SUFFIX}", "NotAllowedInRestrictedLanguage", node)
    if kind is ast.Variable and (node.scope is not None or node.name.lower() not in _VARIABLES):
        raise RestrictedError(
            "A variable that cannot be referenced in restricted language mode or a Data section "
            "is being referenced. Variables that can be referenced include the following: "
            "$PSCulture, $PSUICulture, $true, $false, and $null.", "VariableReferenceNotSupportedInDataSection",
            node)
    if kind is ast.Command:
        name = node.name if isinstance(node.name, str) else None
        if node.invocation is not None or name is None or name.lower() not in allowed:
            written = name if name is not None else "&"
            raise RestrictedError(f"The command '{written}' is {_SUFFIX}",
                                  "CmdletNotInAllowedListForDataSection", node)
    if kind is ast.Binary and node.op.lstrip("-").lstrip("ic") in ("match", "notmatch"):
        raise RestrictedError(f"The '{node.op}' operator is {_SUFFIX}", "OperatorNotSupported", node)
    if isinstance(node, ast.Node):
        for field in attrs.fields(kind):
            if field.name != "extent":
                _check(getattr(node, field.name), allowed)
    elif isinstance(node, tuple):
        for item in node:
            _check(item, allowed)
