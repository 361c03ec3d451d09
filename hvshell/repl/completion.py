"""Tab completion: candidates for the word at the cursor.

Everything offered comes from the cmdlet declarations (`Cmdlet.parameters()`,
parameter sets, validate-sets, `Parameter.complete`), the interpreter's
functions and variables, and the live lab (`hvshell.repl.names`), so nothing
is listed twice.  What the words typed so far bind to (parameters given,
sets still possible, what the next value binds to) is the binder's answer
(`Binder.prospect`), not worked out again here.  Pure of prompt_toolkit:
`complete(text, cursor)` is a function of the text and the shell's state.

    engine = CompletionEngine(interp)
    result = engine.complete("Get-VM -Comp", 12)
    result.start, [c.text for c in result.candidates]   # 7, ['-ComputerName']
"""
from __future__ import annotations

import enum
import re
from typing import Any, Callable

import attrs

from hvshell.repl import names
from hvshell.repl.context import Arg, Context, completion_context
from hvshell.runtime import binder
from hvshell.runtime.binder import Binder, BindingError, CommandSpec, Prospect
from hvshell.runtime.cmdlet import ALIASES, CommonParameter, Parameter, Switch, all_cmdlets, \
    find_cmdlet
from hvshell.runtime.conversions import canonical_type_name

# The most candidates ever returned; a menu of thousands helps nobody and
# costs time on every keystroke.
MAX_CANDIDATES = 500


@attrs.frozen
class Candidate:
    text: str            # replaces the word
    display: str         # shown in the menu
    meta: str = ""       # shown beside it: kind of command, parameter type ...


@attrs.frozen
class Completions:
    start: int                           # the replaced text is text[start:cursor]
    candidates: tuple[Candidate, ...]


_BOOLEANS = ["true", "false"]
_NEEDS_QUOTES = re.compile(r"[\s'\"`$;,(){}|&#@<>]")


def quote_value(value: str, quote: str = "") -> str:
    """`value` as a command argument: quoted when it must be (spaces,
    special characters) or when the user opened a quote."""
    if not quote and value and not _NEEDS_QUOTES.search(value):
        return value
    if quote == '"':
        escaped = re.sub(r'([`"$])', r"`\1", value)
        return f'"{escaped}"'
    return "'" + value.replace("'", "''") + "'"


def _matcher(word: str):
    """A case-insensitive test: prefix match, or a wildcard pattern when the
    word has `*` or `?` (with an implied trailing `*`, as PowerShell does)."""
    low = word.lower()
    if "*" in word or "?" in word:
        pattern = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                                     for c in low) + ".*", re.S)
        return lambda name: pattern.fullmatch(name.lower()) is not None
    return lambda name: name.lower().startswith(low)


class CompletionEngine:
    """Completion over a running interpreter (duck-typed: `session`,
    `functions`, `variable_names()`, `get_variable(name)`)."""

    def __init__(self, interp: Any):
        self.interp = interp
        self._command_table: list[tuple[str, str]] | None = None

    # ---- entry point ---------------------------------------------------------

    def complete(self, text: str, cursor: int | None = None) -> Completions:
        ctx = completion_context(text, cursor)
        handler = getattr(self, "_complete_" + ctx.kind, None)
        found = handler(ctx) if handler is not None else []
        return Completions(ctx.start, tuple(found[:MAX_CANDIDATES]))

    # ---- commands ----------------------------------------------------------

    def _commands(self) -> list[tuple[str, str]]:
        """(name, kind) of every cmdlet and alias, sorted; functions are
        added per call since they change."""
        if self._command_table is None:
            table = []
            for cls in all_cmdlets():
                table.append((cls.name, "Cmdlet"))
                for alias in cls.aliases:
                    table.append((alias, f"Alias of {cls.name}"))
            spelled = {name.lower() for name, _ in table}
            for alias, target in ALIASES.items():
                if alias not in spelled:
                    table.append((alias, f"Alias of {target}"))
            self._command_table = table
        return self._command_table

    def _functions(self) -> dict[str, Any]:
        return getattr(self.interp, "functions", None) or {}

    def knows_command(self, name: str) -> bool:
        """A cmdlet, alias or function of that name exists."""
        return find_cmdlet(name) is not None or name.lower() in self._functions()

    def _complete_command(self, ctx: Context) -> list[Candidate]:
        match = _matcher(ctx.word)
        found: dict[str, Candidate] = {}
        for fn in self._functions().values():
            name = getattr(fn, "name", None)
            if name and match(name):
                found.setdefault(name.lower(), Candidate(quote_value(name, ctx.quote), name,
                                                         "Function"))
        for name, kind in self._commands():
            if match(name):
                found.setdefault(name.lower(), Candidate(quote_value(name, ctx.quote), name, kind))
        return sorted(found.values(), key=lambda c: c.display.lower())

    # ---- parameters ----------------------------------------------------------

    def _spec(self, name: str) -> CommandSpec | None:
        """The binder's view of the command `name`: a function (which
        shadows a cmdlet, as in PowerShell), else a cmdlet or alias."""
        from hvshell.runtime.pipeline import cmdlet_spec, script_spec

        function = self._functions().get(name.lower())
        if function is not None:
            try:
                return script_spec(function.name, function.body, self.interp)[0]
            except Exception:       # a param() block that does not evaluate offers nothing
                return None
        cls = find_cmdlet(name)
        return cmdlet_spec(cls) if cls is not None else None

    def _complete_parameter(self, ctx: Context) -> list[Candidate]:
        spec = self._spec(ctx.command or "")
        if spec is None:
            return []
        bound = _prospect(Binder(spec), ctx.args)
        # Named parameters that rule each other out leave no set: offer from all.
        sets = bound.sets or spec.sets
        match = _matcher(ctx.word)
        found: list[Candidate] = []
        aliases: list[Candidate] = []
        for p in spec.parameters.values():
            if p.name in bound.values or not any(p.in_set(s) is not None for s in sets):
                continue
            meta = "[" + p.type_label() + "]"
            if match(p.name):
                found.append(Candidate("-" + p.name, "-" + p.name, meta))
            else:
                aliases.extend(Candidate("-" + a, "-" + a, f"Alias of -{p.name}")
                               for a in p.aliases if match(a))
        for c in spec.common:
            if c.name not in bound.common and match(c.name):
                found.append(Candidate("-" + c.name, "-" + c.name, "Common parameter"))
        return found or aliases

    # ---- parameter values ----------------------------------------------------

    def _complete_value(self, ctx: Context) -> list[Candidate]:
        spec = self._spec(ctx.command or "")
        if spec is None:
            return []
        bound = _prospect(Binder(spec), ctx.args)
        if bound.awaiting_unknown:
            return []
        target = bound.awaiting
        if target is None and bound.following:
            # Where the value may bind to several parameters (Get-VM's -Name
            # or -Id), offer the values of one that has names to offer.
            target = next((p for p in bound.following if p.validate_set or p.complete),
                          bound.following[0])
        if target is None:
            return []
        match = _matcher(ctx.word)
        values, meta = self._values_for(target, _scope(bound), match, ctx)
        if values is _BOOLEANS:
            # expressions, not names: never quoted
            return [Candidate("$" + v, "$" + v, meta) for v in values if match(v)]
        return [Candidate(quote_value(v, ctx.quote), v, meta)
                for v in values[:MAX_CANDIDATES] if match(v)]

    def _values_for(self, target: Parameter | CommonParameter, typed_scope: dict[str, str],
                    match: Callable[[str], bool], ctx: Context) -> tuple[list[str], str]:
        if isinstance(target, CommonParameter):
            values = enum_names(target.type)
            if values:
                return values, target.type if isinstance(target.type, str) else ""
            return (_BOOLEANS, "Boolean") if target.type is Switch else ([], "")
        if target.validate_set:
            return list(target.validate_set), target.type_label()
        if target.is_switch or _is_bool(target):
            return _BOOLEANS, "Boolean"
        if target.complete:
            session = getattr(self.interp, "session", None)
            kind = target.complete
            cls = find_cmdlet(ctx.command or "")
            if kind == "path" and cls is not None and cls.module.startswith("Microsoft.PowerShell"):
                # the file cmdlets' -Path names a real file, not lab storage
                kind = "file"
            lab = getattr(session, "lab", None) if kind != "file" else None
            scope = dict(typed_scope)
            scope.setdefault("computer_name", getattr(session, "computer_name", "") or "")
            scope.update(root=str(getattr(session, "root", "") or ""), word=ctx.word)
            return names.names_for(kind, lab, scope, match), names.LABELS.get(kind, "")
        return [], ""

    # ---- variables and members -----------------------------------------------

    def _complete_variable(self, ctx: Context) -> list[Candidate]:
        match = _matcher(ctx.word)
        try:
            known = list(self.interp.variable_names())
        except Exception:
            known = []
        out = []
        for name in sorted(set(known), key=str.lower):
            if match(name):
                spelled = name if re.fullmatch(r"[\w:?]+", name) else "{" + name + "}"
                out.append(Candidate(ctx.sigil + spelled, ctx.sigil + name, "Variable"))
        return out

    def _complete_member(self, ctx: Context) -> list[Candidate]:
        from hvshell.runtime.psobject import get_property, method_names, property_names

        scope, _, name = (ctx.variable or "").rpartition(":")
        try:
            value = (self.interp.get_variable(name, scope=scope) if scope
                     else self.interp.get_variable(name))
        except Exception:
            return []
        for member in ctx.members:
            value = _member_value(value, member, get_property)
            if value is None:
                return []
        if value is None:
            return []
        if isinstance(value, (list, tuple)):
            props = ["Count", "Length"]
            if value:
                props += [p for p in property_names(value[0]) if p not in props]
            methods = method_names(value[0]) if value else []
        else:
            props = property_names(value)
            methods = method_names(value)
        match = _matcher(ctx.word)
        out = [Candidate(p, p, "Property") for p in props if match(p)]
        out += [Candidate(m + "(", m + "()", "Method") for m in methods if match(m)]
        return out


def _member_value(value: Any, member: str, get_property) -> Any:
    """`value.member`, with member enumeration over a list."""
    from hvshell.runtime.psobject import MISSING

    if isinstance(value, (list, tuple)):
        if member.lower() in ("count", "length"):
            return len(value)
        found = [get_property(v, member, MISSING) for v in value]
        found = [v for v in found if v is not MISSING]
        return found or None
    result = get_property(value, member, MISSING)
    return None if result is MISSING else result


def enum_names(type_: Any) -> list[str]:
    """The member names of an enum type: a Python enum class, or a .NET enum
    type name the runtime knows (e.g. 'ActionPreference' of -ErrorAction)."""
    if isinstance(type_, enum.EnumMeta):
        return [m.name for m in type_]
    if type_ == "ActionPreference":
        from hvshell.runtime.preferences import ActionPreference
        return enum_names(ActionPreference)
    return []


# ---------------------------------------------------------------------------
# What the typed elements bind to: the binder's answer
# ---------------------------------------------------------------------------

def _prospect(command: Binder, args: tuple[Arg, ...]) -> Prospect:
    """The binder's prospect of the elements typed so far.  A `-Name:`
    takes the value after it; the last one, with none yet, awaits it
    (even a switch: `-Force:$false`)."""
    typed: list[binder.Arg] = []
    colon_pending: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        name = arg.text or ""
        if arg.kind == "value":
            typed.append(binder.Arg(None, arg.text))
        elif not arg.colon:
            typed.append(binder.Arg(name))
        elif i < len(args) and args[i].kind == "value":
            typed.append(binder.Arg(name, args[i].text, has_value=True))
            i += 1
        else:
            typed.append(binder.Arg(name, None, has_value=True))
            colon_pending = name if i == len(args) else None
    bound = command.prospect(typed)
    if colon_pending is not None:
        try:
            bound.awaiting = command.resolve_name(colon_pending, None)
            bound.awaiting_unknown = False
        except BindingError:
            bound.awaiting, bound.awaiting_unknown = None, True
    return bound


# Parameters whose typed value narrows what other parameters complete.
_SCOPE_PARAMETERS = {"computername": "computer_name", "cluster": "cluster",
                     "vmname": "vm_name"}


def _scope(bound: Prospect) -> dict[str, str]:
    """The typed values that narrow name completion (a -ComputerName names
    the host whose VMs complete)."""
    scope: dict[str, str] = {}
    for name, value in bound.values.items():
        key = _SCOPE_PARAMETERS.get(name.lower())
        if key and isinstance(value, str) and value:
            scope[key] = value
    return scope


def _is_bool(p: Parameter) -> bool:
    return p.type is bool or (isinstance(p.type, str)
                              and canonical_type_name(p.type) == "System.Boolean")
