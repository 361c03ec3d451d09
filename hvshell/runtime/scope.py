"""Variable scopes (about_Scopes): reads search outward, writes stay local
unless a scope modifier (`$script:`, `$global:`) says otherwise."""
from __future__ import annotations

from typing import Any

from hvshell.runtime.psobject import MISSING


class Scope:
    __slots__ = ("vars", "parent", "is_script", "names", "method_result", "functions", "types")

    def __init__(self, parent: "Scope | None" = None, is_script: bool = False):
        self.vars: dict[str, Any] = {}      # lower-case name -> value
        self.names: dict[str, str] = {}     # lower-case name -> name as first written
        self.parent = parent
        self.is_script = is_script
        # The scope of a class method's body: `return` leaves its value here
        # (a method's other output is dropped).
        self.method_result: list[Any] | None = None
        # Functions defined in this scope (a function defined inside a
        # function is its own); the global scope's are the interpreter's table.
        self.functions: dict[str, Any] | None = None
        # Variables declared with a type (`[int]$n = 1`, a typed parameter):
        # lower-case name -> type name; every later assignment here converts.
        self.types: dict[str, str] | None = None

    def constrain(self, name: str, type_name: str) -> None:
        if self.types is None:
            self.types = {}
        self.types[name.lower()] = type_name

    def constraint(self, name: str) -> str | None:
        return self.types.get(name.lower()) if self.types else None

    def find_function(self, key: str) -> Any:
        scope: Scope | None = self
        while scope is not None:
            if scope.functions and key in scope.functions:
                return scope.functions[key]
            scope = scope.parent
        return None

    def lookup(self, name: str) -> Any:
        key = name.lower()
        scope: Scope | None = self
        while scope is not None:
            if key in scope.vars:
                return scope.vars[key]
            scope = scope.parent
        return MISSING

    def set_local(self, name: str, value: Any) -> None:
        key = name.lower()
        self.vars[key] = value
        self.names.setdefault(key, name)

    def remove(self, name: str) -> bool:
        key = name.lower()
        scope: Scope | None = self
        while scope is not None:
            if key in scope.vars:
                del scope.vars[key]
                return True
            scope = scope.parent
        return False

    def global_scope(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    def script_scope(self) -> "Scope":
        scope: Scope | None = self
        while scope is not None:
            if scope.is_script:
                return scope
            scope = scope.parent
        return self.global_scope()

    def visible_names(self) -> list[str]:
        seen: dict[str, str] = {}
        scope: Scope | None = self
        while scope is not None:
            for key in scope.vars:
                seen.setdefault(key, scope.names.get(key, key))
            scope = scope.parent
        return sorted(seen.values(), key=str.lower)
