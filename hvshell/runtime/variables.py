"""Variables, preferences and scopes, part of the Interpreter
(hvshell/runtime/interpreter.py).

Automatic variables ($null, $true, $Error, $?, $PSScriptRoot ...) are
answered here, not stored; `$env:` reads the session's environment (the
computer name follows Enter-PSSession); `$global:` and `$script:` pick
their scope.
"""
from __future__ import annotations

import contextlib
import uuid
from typing import Any, Iterator

from hvshell.lang import ast
from hvshell.runtime.conversions import ConversionError, convert, to_string
from hvshell.runtime.preferences import DEFAULT_PREFERENCES, parse_action_preference
from hvshell.runtime.psobject import MISSING, Hashtable
from hvshell.runtime.scope import Scope


class VariableStore:
    """The variable part of the Interpreter."""

    # ==================================================================
    # Variables
    # ==================================================================

    def preference(self, name: str) -> Any:
        value = self.scope.lookup(name)
        if value is MISSING:
            return DEFAULT_PREFERENCES.get(name)
        if name.endswith("Preference") and name not in ("ConfirmPreference", "WhatIfPreference"):
            try:
                return parse_action_preference(value)
            except ValueError:
                return DEFAULT_PREFERENCES.get(name)
        return value

    def get_variable(self, name: str, default: Any = None, scope: str | None = None) -> Any:
        key = name.lower()
        if scope is not None:
            scope_key = scope.lower()
            if scope_key == "env":
                return self._env_get(name)
            if scope_key == "global":
                value = self.global_scope.vars.get(key, MISSING)
                return default if value is MISSING else value
            if scope_key == "script":
                value = self.scope.script_scope().lookup(name)
                return default if value is MISSING else value
        if key == "null":
            return None
        if key == "true":
            return True
        if key == "false":
            return False
        if key == "psitem":
            key = "_"
        if key == "error":
            return self.errors
        if key == "?":
            return self.last_status
        if key == "pscommandpath":
            return self.script_path
        if key == "psscriptroot":
            if not self.script_path:
                return ""
            return self.script_path.replace("/", "\\").rpartition("\\")[0]
        value = self.scope.lookup(key)
        return default if value is MISSING else value

    def _env_get(self, name: str) -> Any:
        key = name.lower()
        if key == "computername":
            return self.session.computer_name
        if key == "userdomain":
            return "LAB"
        for env_name, value in self.env.items():
            if env_name.lower() == key:
                return value
        return None

    def set_variable(self, name: str, value: Any, scope: str | None = None) -> None:
        key = name.lower()
        if key in ("null",):
            return
        if key in ("true", "false", "error", "?"):
            raise self.runtime_error(f"Cannot overwrite variable {name} because it is read-only "
                                     f"or constant.", None, "VariableNotWritable")
        if scope is not None and scope.lower() == "env":
            if value is None:
                self.env.pop(name, None)
            else:
                self.env[name] = to_string(value)
            return
        target = self.scope_named(scope)
        type_name = target.constraint(name)
        if type_name is not None:
            try:
                value = convert(value, type_name)
            except ConversionError as error:
                raise self.runtime_error(
                    str(error), None, "RuntimeException", "MetadataError",
                    "System.Management.Automation.ArgumentTransformationMetadataException") from None
        target.set_local(name, value)

    def scope_named(self, scope: str | None) -> Scope:
        """The scope `$global:x`, `$script:x` or plain `$x` is set in."""
        key = scope.lower() if scope else ""
        if key == "global":
            return self.global_scope
        if key == "script":
            return self.scope.script_scope()
        return self.scope

    def variable_names(self) -> list[str]:
        return self.scope.visible_names() + ["Error", "true", "false", "null"]

    def set_matches(self, matches: Hashtable) -> None:
        self.scope.set_local("Matches", matches)

    def new_guid(self) -> str:
        return str(uuid.UUID(int=self._guid_random.getrandbits(128), version=4))

    @contextlib.contextmanager
    def entered(self, scope: Scope, source: ast.Source) -> Iterator[None]:
        saved_scope, saved_source = self.scope, self.source
        self.scope, self.source = scope, source
        try:
            yield
        finally:
            self.scope, self.source = saved_scope, saved_source
