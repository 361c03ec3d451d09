"""The model's objects as plain data and back (cattrs): what a saved lab
holds, and how a model object is copied with nothing shared.

GUIDs are strings; enums are saved by name (readable, and stable if values
are ever renumbered).  Back references (a VM's `lab`, a drive's `vm`) are
not attrs fields that get saved, so a copy has none: relink it where it
goes.
"""
from __future__ import annotations

import enum
from typing import Any

import cattrs
from cattrs.preconf.json import make_converter

from hvshell.model.kernel.ids import Guid


def _make_converter() -> cattrs.Converter:
    converter = make_converter()
    converter.register_unstructure_hook(Guid, str)
    converter.register_structure_hook(Guid, lambda value, _: Guid(value))

    def is_enum(kind: Any) -> bool:
        return isinstance(kind, type) and issubclass(kind, enum.Enum)

    converter.register_unstructure_hook_func(is_enum, lambda member: member.name)

    def structure_enum(value: Any, kind: type[enum.Enum]) -> enum.Enum:
        try:
            return kind[value]
        except KeyError:
            raise ValueError(f"'{value}' is not a {kind.__name__}") from None

    converter.register_structure_hook_func(is_enum, structure_enum)
    return converter


CONVERTER = _make_converter()


def detached_copy(obj: Any) -> Any:
    """A copy of a model object with nothing shared, made as saving and
    loading it would (no back references: relink it where it goes)."""
    return CONVERTER.structure(CONVERTER.unstructure(obj), type(obj))
