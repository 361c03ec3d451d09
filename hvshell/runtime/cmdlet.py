"""Cmdlet declarations: one class per cmdlet, its parameters declared once.

    class GetVM(Cmdlet):
        '''Gets the virtual machines from one or more Hyper-V hosts.'''
        name = "Get-VM"
        module = "Hyper-V"
        default_set = "Name"
        output_type = "Microsoft.HyperV.PowerShell.VirtualMachine"

        Name = Parameter(str, array=True, position=0, sets=("Name",),
                         by_property=True, aliases=("VMName",), complete="vm")
        ComputerName = Parameter(str, array=True, complete="host")

        def process(self):
            for vm in ...:
                self.write(vm)

Binding, tab completion, Get-Help, Get-Command and binding errors all read
these declarations (`Cmdlet.parameters()`), so nothing is listed twice.
After binding, each parameter is an attribute of the instance (`self.Name`),
holding its default when unbound; `self.bound` is `$PSBoundParameters`.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, ClassVar, Iterator

import attrs

ALL_SETS = "__AllParameterSets"


class Switch:
    """Marker type for switch parameters (`-Force`, `-Force:$false`)."""


_UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


@attrs.frozen
class In:
    """A parameter's membership of one parameter set, where it differs from
    the parameter's own defaults (position, mandatory, pipeline binding)."""
    set_name: str
    position: Any = _UNSET                   # int, or None for named-only
    mandatory: bool | None = None
    pipeline: bool | None = None
    by_property: bool | None = None



@attrs.frozen
class SetMembership:
    """The resolved facts of a parameter within one set."""
    position: int | None
    mandatory: bool
    pipeline: bool
    by_property: bool


class Parameter:
    """One declared parameter.

    type: str, int, float, bool, Switch, datetime, timedelta, a PSEnum class
          (its names form the validate-set), a model class (instances only),
          `object` (anything) or `ScriptBlock`/`Hashtable` from the runtime.
    array: the parameter takes a list (`[string[]]`); scalars are wrapped.
    sets: set names (str) or `In(...)` entries; empty means every set.
    complete: what lab object names complete its values: 'vm', 'host',
          'switch', 'cluster', 'clusternode', 'clustergroup', 'storage',
          'vhd', 'checkpoint', 'path' (None: no completion beyond the
          validate-set).
    remaining: ValueFromRemainingArguments (Write-Host a b c).
    """

    def __init__(self, type: Any = str, *, array: bool = False, position: int | None = None,
                 mandatory: bool = False, sets: tuple = (), pipeline: bool = False,
                 by_property: bool = False, aliases: tuple[str, ...] = (),
                 validate_set: tuple[str, ...] | None = None,
                 validate_range: tuple[float, float] | None = None,
                 default: Any = None, help: str = "", complete: str | None = None,
                 allow_empty: bool = False, remaining: bool = False,
                 checks: tuple = (), count_check: Any = None):
        self.type = type
        self.array = array
        self.position = position
        self.mandatory = mandatory
        self.pipeline = pipeline
        self.by_property = by_property
        self.aliases = tuple(aliases)
        self.validate_range = validate_range
        self.default = default
        self.help = help
        self.complete = complete
        self.allow_empty = allow_empty
        self.remaining = remaining      # ValueFromRemainingArguments: takes surplus positionals
        # A script parameter's validation attributes (hvshell/runtime/validation.py):
        # functions of a value (of the array) that say what is wrong with it.
        self.checks = tuple(checks)
        self.count_check = count_check
        self._sets = tuple(sets)
        if validate_set is None and isinstance(type, enum.EnumMeta):
            validate_set = tuple(m.name for m in type)
        self.validate_set = tuple(validate_set) if validate_set else None
        self.name = ""   # set by __set_name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def is_switch(self) -> bool:
        """Declared with `Switch`, or `[switch]` in a function's param() block."""
        if self.type is Switch:
            return True
        if isinstance(self.type, str):
            from hvshell.runtime.conversions import canonical_type_name
            return canonical_type_name(self.type).endswith("SwitchParameter")
        return False

    def set_names(self) -> tuple[str, ...]:
        """The sets this parameter belongs to; () means all of them."""
        return tuple(s.set_name if isinstance(s, In) else s for s in self._sets)

    def in_set(self, set_name: str) -> SetMembership | None:
        """This parameter's facts in `set_name`, or None when not a member."""
        if not self._sets:
            return SetMembership(self.position, self.mandatory, self.pipeline, self.by_property)
        for entry in self._sets:
            if isinstance(entry, str):
                if entry == set_name:
                    return SetMembership(self.position, self.mandatory, self.pipeline,
                                         self.by_property)
            elif entry.set_name == set_name:
                position = self.position if entry.position is _UNSET else entry.position
                return SetMembership(
                    position,
                    self.mandatory if entry.mandatory is None else entry.mandatory,
                    self.pipeline if entry.pipeline is None else entry.pipeline,
                    self.by_property if entry.by_property is None else entry.by_property)
        return None

    def type_label(self) -> str:
        """The type as Get-Help prints it: String[], Int64, SwitchParameter ..."""
        from hvshell.runtime.psobject import type_label
        if self.is_switch:
            return "SwitchParameter"
        return type_label(self.type) + ("[]" if self.array else "")

    def __repr__(self) -> str:
        return f"<Parameter {self.name}>"


@attrs.frozen
class CommonParameter:
    name: str
    aliases: tuple[str, ...]
    type: Any

    @property
    def is_switch(self) -> bool:
        return self.type is Switch


COMMON_PARAMETERS = (
    CommonParameter("Verbose", ("vb",), Switch),
    CommonParameter("Debug", ("db",), Switch),
    CommonParameter("ErrorAction", ("ea",), "ActionPreference"),
    CommonParameter("WarningAction", ("wa",), "ActionPreference"),
    CommonParameter("InformationAction", ("infa",), "ActionPreference"),
    CommonParameter("ErrorVariable", ("ev",), str),
    CommonParameter("WarningVariable", ("wv",), str),
    CommonParameter("InformationVariable", ("iv",), str),
    CommonParameter("OutVariable", ("ov",), str),
    CommonParameter("OutBuffer", ("ob",), int),
    CommonParameter("PipelineVariable", ("pv",), str),
)
RISK_PARAMETERS = (
    CommonParameter("WhatIf", ("wi",), Switch),
    CommonParameter("Confirm", ("cf",), Switch),
)

# Fully qualified command type names per module, for FullyQualifiedErrorId.
MODULE_NAMESPACES = {
    "Hyper-V": ("Microsoft.HyperV.PowerShell.Commands", ""),
    "FailoverClusters": ("Microsoft.FailoverClusters.PowerShell", "Command"),
    "ClusterAwareUpdating": ("Microsoft.ClusterAwareUpdating.Commands", "Command"),
    "SmbShare": ("Microsoft.Management.Infrastructure.CimCmdlets", "Command"),
    "NetLbfo": ("Microsoft.Management.Infrastructure.CimCmdlets", "Command"),
    "NetAdapter": ("Microsoft.Management.Infrastructure.CimCmdlets", "Command"),
    "Microsoft.PowerShell.Utility": ("Microsoft.PowerShell.Commands", "Command"),
    "Microsoft.PowerShell.Core": ("Microsoft.PowerShell.Commands", "Command"),
    "Microsoft.PowerShell.Management": ("Microsoft.PowerShell.Commands", "Command"),
    "hvshell.Lab": ("hvshell.Lab.Commands", "Command"),
}

# Filled as cmdlet classes are defined.  The cmdlet modules sit above the
# runtime, which never imports them: the composition root (hvshell/shell.py)
# installs the loader that imports them, run before a name is looked up.
REGISTRY: dict[str, type["Cmdlet"]] = {}      # lower-case name -> class
ALIASES: dict[str, str] = {}                  # lower-case alias -> cmdlet name
_loader: Callable[[], None] | None = None


def set_loader(load: Callable[[], None] | None) -> None:
    """What fills the registry (idempotent and thread-safe: the REPL loads
    the cmdlets in the background while a command may ask for them)."""
    global _loader
    _loader = load


def ensure_loaded() -> None:
    """Every cmdlet registered, when a loader is installed."""
    if _loader is not None:
        _loader()


class Cmdlet:
    """Base class of every cmdlet.  Subclasses declare `name` and their
    `Parameter`s and override `begin`, `process` and `end`."""

    name: ClassVar[str] = ""
    module: ClassVar[str] = "Hyper-V"
    default_set: ClassVar[str | None] = None
    supports_should_process: ClassVar[bool] = False
    confirm_impact: ClassVar[str] = "Medium"
    aliases: ClassVar[tuple[str, ...]] = ()
    output_type: ClassVar[str | None] = None
    # Hyper-V cmdlets word their -WhatIf lines themselves; others use the
    # generic 'Performing the operation "{action}" on target "{target}".'
    _parameters: ClassVar[dict[str, Parameter]]

    # Set by the pipeline before begin():
    ctx: Any            # hvshell.runtime.session.Session
    bound: dict[str, Any]
    parameter_set: str
    invocation_name: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        params: dict[str, Parameter] = {}
        for klass in reversed(cls.__mro__):
            for key, value in vars(klass).items():
                if isinstance(value, Parameter):
                    params[key] = value
        cls._parameters = params
        if cls.name:
            REGISTRY[cls.name.lower()] = cls
            for alias in cls.aliases:
                ALIASES[alias.lower()] = cls.name

    # ---- declarations, read by the binder, help and completion -------------

    @classmethod
    def parameters(cls) -> dict[str, Parameter]:
        """Declared parameters by name, in declaration order."""
        return cls._parameters

    @classmethod
    def parameter_sets(cls) -> list[str]:
        """Named sets in declaration order (default set first); a cmdlet
        without named sets has the one set '__AllParameterSets'."""
        names: list[str] = []
        if cls.default_set:
            names.append(cls.default_set)
        for p in cls._parameters.values():
            for s in p.set_names():
                if s not in names:
                    names.append(s)
        return names or [ALL_SETS]

    @classmethod
    def common_parameters(cls) -> tuple[CommonParameter, ...]:
        return COMMON_PARAMETERS + (RISK_PARAMETERS if cls.supports_should_process else ())

    @classmethod
    def synopsis(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    @classmethod
    def description(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        parts = doc.split("\n\n", 1)
        return " ".join(parts[1].split()) if len(parts) > 1 else ""

    @classmethod
    def command_type(cls) -> str:
        """The .NET type name that ends FullyQualifiedErrorId."""
        namespace, suffix = MODULE_NAMESPACES.get(cls.module, ("hvshell.Commands", "Command"))
        return f"{namespace}.{cls.name.replace('-', '')}{suffix}"

    # ---- the three blocks ------------------------------------------------------

    def begin(self) -> None:
        """Once, before the first pipeline object."""

    def process(self) -> None:
        """Once per pipeline object (pipeline parameters rebound each time),
        or once when the command has no pipeline input."""

    def end(self) -> None:
        """Once, after the last pipeline object."""

    # ---- output and streams (the pipeline provides the implementation) -------

    def write(self, obj: Any, enumerate: bool = False) -> None:
        """Send `obj` down the pipeline; with enumerate=True a list is sent
        one element at a time."""
        self.ctx.emit(self, obj, enumerate)

    def write_error(self, message: str, error_id: str = "InvalidOperation",
                    category: str = "InvalidOperation", target: Any = None,
                    exception_type: str = "System.InvalidOperationException") -> None:
        """A non-terminating error: reported, and the command goes on (or
        stops, under -ErrorAction Stop)."""
        from hvshell.runtime.errors import ErrorRecord
        self.ctx.report_error(self, ErrorRecord(message, error_id, category, target,
                                                exception_type))

    def write_warning(self, text: str) -> None:
        self.ctx.write_stream(self, "warning", text)

    def write_verbose(self, text: str) -> None:
        self.ctx.write_stream(self, "verbose", text)

    def write_debug(self, text: str) -> None:
        self.ctx.write_stream(self, "debug", text)

    def write_host(self, text: str) -> None:
        self.ctx.write_stream(self, "host", text)

    def write_progress(self, activity: str, status: str = "", percent: float = -1,
                       seconds_remaining: float = -1, completed: bool = False) -> None:
        self.ctx.write_progress(self, activity, status, percent, seconds_remaining, completed)

    def should_process(self, target: str, action: str | None = None,
                       whatif_text: str | None = None) -> bool:
        """False under -WhatIf (after printing the 'What if:' line).
        `whatif_text` replaces the generic wording (Hyper-V's own phrasing,
        e.g. 'Stop-VM will shut down the virtual machine "web01".')."""
        return self.ctx.should_process(self, target, action or self.name, whatif_text)


def all_cmdlets() -> Iterator[type[Cmdlet]]:
    """Every registered cmdlet, in name order (loads the cmdlet modules)."""
    ensure_loaded()
    return iter(sorted(REGISTRY.values(), key=lambda c: c.name.lower()))


def module_names() -> list[str]:
    """The modules whose cmdlets the lab has (what `Import-Module` and
    `using module` accept), in name order."""
    return sorted({cls.module for cls in all_cmdlets()}, key=str.lower)


def find_cmdlet(name: str) -> type[Cmdlet] | None:
    """The cmdlet named `name` or by alias, ignoring case."""
    ensure_loaded()
    key = name.lower()
    if key in ALIASES:
        key = ALIASES[key].lower()
    return REGISTRY.get(key)

