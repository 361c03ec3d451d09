"""The names commands go by: aliases (Get-, Set-, New-Alias) and modules
(Get-, Import-, Remove-Module).

An alias made with Set-Alias or New-Alias lives in the session
(`interpreter.aliases`) beside the aliases the cmdlets declare; both resolve
wherever a command name does (hvshell/runtime/commands.py).  The modules are
the ones whose cmdlets the lab has; one is "imported" once Import-Module
named it or one of its cmdlets ran (PowerShell's auto-loading), which is
what Get-Module lists.  A module the lab does not have fails as a missing
module does on Windows.
"""
from __future__ import annotations

from typing import Any

import attrs

from hvshell.cmdlets.powershell.help import MODULE_VERSIONS, AliasInfo, CommandTypes, CmdletInfo
from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.wildcards import has_wildcard, compile_wildcard
from hvshell.runtime.cmdlet import ALIASES, REGISTRY, Cmdlet, Parameter, Switch, all_cmdlets, \
    module_names
from hvshell.runtime.conversions import Version
from hvshell.runtime.errors import CmdletError
from hvshell.runtime.psobject import Hashtable

UTILITY = "Microsoft.PowerShell.Utility"
CORE = "Microsoft.PowerShell.Core"
MODULE_ROOT = "C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\Modules"


class ModuleType(PSEnum):
    """System.Management.Automation.ModuleType."""
    Script = 0
    Binary = 1
    Manifest = 2


# How Get-Module shows each module on Windows Server 2012 R2 with WMF 5.1;
# hvshell.Lab is hvshell's own (the lab cmdlets).
_MODULE_TYPES = {"Hyper-V": ModuleType.Binary}
_MODULE_BASES = {"hvshell.Lab": "C:\\Program Files\\hvshell\\Modules\\hvshell.Lab"}
_OPTIONS = ("None", "ReadOnly", "Constant", "Private", "AllScope")


@attrs.define(eq=False)
class PSModuleInfo:
    PS_TYPE = "System.Management.Automation.PSModuleInfo"

    Name: str
    ModuleType: ModuleType
    Version: Version
    ModuleBase: str

    @property
    def Path(self) -> str:
        return f"{self.ModuleBase}\\{self.Name}.psd1"

    @property
    def ExportedCommands(self) -> Hashtable:
        return Hashtable((cls.name, CmdletInfo(CommandTypes.Cmdlet, cls.name,
                                               MODULE_VERSIONS.get(cls.module, ""), cls.module,
                                               "", target=cls))
                         for cls in all_cmdlets() if cls.module == self.Name)

    def ToString(self) -> str:
        return self.Name


def module_info(name: str) -> PSModuleInfo:
    return PSModuleInfo(name, _MODULE_TYPES.get(name, ModuleType.Manifest),
                        Version(MODULE_VERSIONS.get(name, "1.0")),
                        _MODULE_BASES.get(name, f"{MODULE_ROOT}\\{name}"))


def _listed_modules() -> list[str]:
    """The modules Get-Module knows (Microsoft.PowerShell.Core is a snap-in, not a module)."""
    return [m for m in module_names() if m != CORE]


def _known_module(name: str) -> str | None:
    return next((m for m in _listed_modules() if m.lower() == name.lower()), None)


def _interpreter(cmdlet: Cmdlet) -> Any:
    return cmdlet.ctx.interpreter


# ---------------------------------------------------------------------------
# Aliases
# ---------------------------------------------------------------------------

def session_aliases(cmdlet: Cmdlet) -> list[AliasInfo]:
    """Every alias of the session, in name order: the declared ones and those made here."""
    made = _interpreter(cmdlet).aliases
    declared = {a.lower(): a for cls in all_cmdlets() for a in cls.aliases}
    found = [AliasInfo(CommandTypes.Alias, declared.get(key, key), "", "", target,
                       target=REGISTRY.get(target.lower()))
             for key, target in ALIASES.items() if key not in made]
    found += [AliasInfo(CommandTypes.Alias, name, "", "", target, target=REGISTRY.get(target.lower()))
              for name, target, _ in made.values()]
    return sorted(found, key=lambda a: a.Name.lower())


class GetAlias(Cmdlet):
    """Gets the aliases of the session: the ones every PowerShell session has
    for the cmdlets hvshell has, and the ones Set-Alias and New-Alias made.

    -Name and -Exclude take wildcards; -Definition finds the aliases of a
    command."""

    name = "Get-Alias"
    module = UTILITY
    aliases = ("gal",)
    default_set = "Default"

    Name = Parameter(str, array=True, position=0, sets=("Default",), pipeline=True,
                     by_property=True)
    Exclude = Parameter(str, array=True)
    Definition = Parameter(str, array=True, sets=("Definition",))
    Scope = Parameter(str)

    def process(self) -> None:
        every = session_aliases(self)
        if self.Exclude:
            every = [a for a in every if not any(compile_wildcard(p).match(a.Name) for p in self.Exclude)]
        if self.parameter_set == "Definition":
            for pattern in self.Definition:
                matched = [a for a in every if compile_wildcard(pattern).match(a.Definition)]
                if not matched and not has_wildcard(pattern):
                    self._not_found(f"definition '{pattern}'", pattern)
                self.write(matched, enumerate=True)
            return
        for pattern in self.Name or ["*"]:
            matched = [a for a in every if compile_wildcard(pattern).match(a.Name)]
            if not matched and not has_wildcard(pattern):
                self._not_found(f"'{pattern}'", pattern)
            self.write(matched, enumerate=True)

    def _not_found(self, what: str, target: str) -> None:
        self.write_error(f"Cannot find alias because alias {what} does not exist.",
                         "ItemNotFoundException", "ObjectNotFound", target,
                         "System.Management.Automation.ItemNotFoundException")


class SetAlias(Cmdlet):
    """Creates or changes an alias for the session: `Set-Alias list Get-VM`.

    The value may name a cmdlet, a function, a script file or another
    alias; an alias made -Option ReadOnly changes only with -Force, one
    made Constant never."""

    name = "Set-Alias"
    module = UTILITY
    aliases = ("sal",)
    supports_should_process = True
    confirm_impact = "Low"

    Name = Parameter(str, position=0, mandatory=True, by_property=True)
    Value = Parameter(str, position=1, mandatory=True, by_property=True)
    Description = Parameter(str, by_property=True)
    Option = Parameter(str, validate_set=_OPTIONS, by_property=True)
    PassThru = Parameter(Switch)
    Scope = Parameter(str, by_property=True)
    Force = Parameter(Switch)

    def process(self) -> None:
        made = _interpreter(self).aliases
        key = self.Name.lower()
        existing = made.get(key)
        if existing is not None:
            self._check_writable(existing)
        self._check_new(key, existing)
        if not self.should_process(f"Name: {self.Name} Value: {self.Value}",
                                   "Set Alias" if existing or key in ALIASES else "New Alias"):
            return
        made[key] = (self.Name, self.Value, self.Option or "None")
        if self.PassThru:
            self.write(AliasInfo(CommandTypes.Alias, self.Name, "", "", self.Value,
                                 target=REGISTRY.get(self.Value.lower())))

    def _check_new(self, key: str, existing: tuple | None) -> None:
        """Set-Alias overwrites an alias; New-Alias refuses to (below)."""

    def _check_writable(self, existing: tuple) -> None:
        option = existing[2]
        if option == "Constant" or (option == "ReadOnly" and not self.Force):
            raise CmdletError(
                f"Alias was not written because alias {existing[0]} is read-only or constant and "
                f"cannot be written to.", "AliasNotWritable", "WriteError", existing[0],
                "System.Management.Automation.SessionStateUnauthorizedAccessException")


class NewAlias(SetAlias):
    """Creates an alias for the session: `New-Alias list Get-VM`.

    An alias that exists already is an error (Set-Alias changes one; -Force
    makes New-Alias replace it)."""

    name = "New-Alias"
    aliases = ("nal",)

    def _check_new(self, key: str, existing: tuple | None) -> None:
        if (existing is not None or key in ALIASES) and not self.Force:
            raise CmdletError(
                f"The alias is not allowed, because an alias with the name '{self.Name}' already "
                f"exists.", "AliasAlreadyExists", "ResourceExists", self.Name,
                "System.Management.Automation.SessionStateException")


# ---------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------

def _module_not_found(name: str) -> CmdletError:
    return CmdletError(
        f"The specified module '{name}' was not loaded because no valid module file was found in "
        f"any module directory. The lab has the modules {', '.join(_listed_modules())}.",
        "Modules_ModuleNotFound", "ResourceUnavailable", name, "System.IO.FileNotFoundException")


class ImportModule(Cmdlet):
    """Imports a module the lab has: Hyper-V, FailoverClusters, NetAdapter,
    NetLbfo, SmbShare, the PowerShell modules, hvshell.Lab.

    Their cmdlets are there without it (PowerShell loads a module on first
    use); importing makes Get-Module list it.  A module the lab does not
    have, or a module file, fails as a missing module does."""

    name = "Import-Module"
    module = CORE
    aliases = ("ipmo",)

    Name = Parameter(str, array=True, position=0, mandatory=True, pipeline=True, by_property=True)
    Force = Parameter(Switch)
    PassThru = Parameter(Switch)
    Global = Parameter(Switch)
    Prefix = Parameter(str)
    MinimumVersion = Parameter(str, aliases=("Version",))
    RequiredVersion = Parameter(str)
    DisableNameChecking = Parameter(Switch)

    def process(self) -> None:
        if self.Prefix:
            raise CmdletError("Import-Module -Prefix is not supported: the lab's cmdlets keep their "
                              "names.", "PrefixNotSupported", "NotImplemented", self.Prefix,
                              "System.NotSupportedException")
        for name in self.Name:
            known = _known_module(name)
            if known is None:
                self.write_error(**_error_args(_module_not_found(name)))
                continue
            info = module_info(known)
            for wanted, exact in ((self.MinimumVersion, False), (self.RequiredVersion, True)):
                if wanted and not self._version_ok(info, wanted, exact):
                    self.write_error(
                        f"The specified module '{name}' with version '{wanted}' was not loaded "
                        f"because no valid module file was found in any module directory.",
                        "Modules_ModuleWithVersionNotFound", "ResourceUnavailable", name,
                        "System.IO.FileNotFoundException")
                    break
            else:
                _interpreter(self).imported_modules.add(known)
                if self.PassThru:
                    self.write(info)

    @staticmethod
    def _version_ok(info: PSModuleInfo, wanted: str, exact: bool) -> bool:
        try:
            target = Version(wanted)
        except ValueError:
            return False
        return info.Version == target if exact else not info.Version < target


class GetModule(Cmdlet):
    """Gets the modules imported in the session (explicitly, or loaded by
    running one of their cmdlets); -ListAvailable gets every module the lab
    has.  -Name takes wildcards."""

    name = "Get-Module"
    module = CORE
    aliases = ("gmo",)

    Name = Parameter(str, array=True, position=0, pipeline=True)
    ListAvailable = Parameter(Switch)
    All = Parameter(Switch)

    def process(self) -> None:
        imported = _interpreter(self).imported_modules
        names = [m for m in _listed_modules() if self.ListAvailable or m in imported]
        for pattern in self.Name or ["*"]:
            matched = [m for m in names if compile_wildcard(pattern).match(m)]
            for name in matched:
                self.write(module_info(name))
            if not matched and not has_wildcard(pattern) and self.ListAvailable:
                self.write_error(**_error_args(_module_not_found(pattern)))


class RemoveModule(Cmdlet):
    """Removes a module from the session's list of imported modules (its
    cmdlets stay usable: running one loads it again, as on Windows)."""

    name = "Remove-Module"
    module = CORE
    aliases = ("rmo",)
    supports_should_process = True

    Name = Parameter(str, array=True, position=0, mandatory=True, pipeline=True)
    Force = Parameter(Switch)

    def process(self) -> None:
        imported = _interpreter(self).imported_modules
        removed = False
        for pattern in self.Name:
            for name in sorted(m for m in imported if compile_wildcard(pattern).match(m)):
                if self.should_process(name, "Remove-Module"):
                    imported.discard(name)
                removed = True
        if not removed:
            self.write_error("No modules were removed. Verify that the specification of modules to "
                             "remove is correct and those modules exist in the runspace.",
                             "Modules_NoModulesRemoved", "ResourceUnavailable", None,
                             "System.InvalidOperationException")


def _error_args(error: CmdletError) -> dict[str, Any]:
    record = error.record
    return dict(message=record.message, error_id=record.error_id, category=record.category,
                target=record.target, exception_type=record.exception_type)
