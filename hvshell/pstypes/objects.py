"""Conventions that let the shell see model objects as PowerShell objects.

A model class names its .NET type in `PS_TYPE` (used to pick a view and
shown by Get-Member).  Its PowerShell-visible members are its public
attributes whose names start with an upper-case letter (attrs fields or
properties, in definition order): `VM.MemoryAssigned`, `VM.State`.  Python
internals stay snake_case and are never shown.  A property with a setter (or
a mutable field) is settable from the shell.  Enums the user sees derive
from `PSEnum`, which prints as its name and compares to strings ignoring case.
"""
from __future__ import annotations

import enum


class PSEnum(enum.Enum):
    """An enum as PowerShell shows it: by name."""

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parse(cls, text: str) -> "PSEnum":
        """The member named `text` (any case), or by its numeric value;
        raises ValueError listing the allowed names."""
        key = text.strip().lower()
        for member in cls:
            if member.name.lower() == key:
                return member
        try:
            return cls(int(key))
        except (ValueError, TypeError):
            pass
        raise ValueError(
            f'Unable to match the identifier name {text} to a valid enumerator name. '
            f'Specify one of the following enumerator names and try again: '
            f'{", ".join(m.name for m in cls)}')


def _is_public(name: str) -> bool:
    return name[:1].isupper() and not name.startswith("PS_")


def ps_property_names(cls: type) -> tuple[str, ...]:
    """The PowerShell-visible property names of a model class: its upper-case
    attrs fields in declaration order, then its upper-case properties."""
    cached = cls.__dict__.get("_ps_property_names")
    if cached is not None:
        return cached
    names = [f.name for f in getattr(cls, "__attrs_attrs__", ()) if _is_public(f.name)]
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, property) and _is_public(name) and name not in names:
                names.append(name)
    result = tuple(names)
    type.__setattr__(cls, "_ps_property_names", result)
    return result


def ps_method_names(cls: type) -> tuple[str, ...]:
    """The PowerShell-visible methods of a model class (upper-case callables)."""
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if _is_public(name) and callable(value) and not isinstance(value, type) \
                    and name not in names:
                names.append(name)
    return tuple(names)
