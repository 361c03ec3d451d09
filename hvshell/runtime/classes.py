"""Classes and enums that scripts define (about_Classes, about_Enum).

A `class` becomes a Python subclass of `ScriptObject` (a PSObject whose
properties keep their declared types), so `-is`, casts, parameter types and
inheritance follow from Python's own; its members are read from the AST
(`ClassInfo`).  An `enum` becomes a PSEnum subclass, which the conversions
and comparisons already treat as any other enum.  Both go into the
interpreter's own type table (hvshell/pstypes/registry.py `use_script_types`),
under their name in any case, as PowerShell resolves type names.

What PowerShell 5.1 does and hvshell follows:
- a method's output is dropped: only `return` gives its value, converted to
  the declared return type (`[void]` gives nothing); a terminating error in
  a method ends it (as an exception would), whatever the statement;
- a constructor runs its base class's constructor first (`: base(args)`,
  else the base's parameterless one);
- methods and constructors are chosen by the number of arguments; a derived
  class's method overrides its base's (calls are virtual);
- instance properties start as their default value or their type's default
  (0, $false, $null ...); static ones are set once, when the class is defined;
- `hidden` members work but are left out of the object's display;
- a conversion to the class takes an instance, a hashtable of property
  values (parameterless constructor, then each property), or a value for a
  one-argument constructor.
A base that is not a script class (a .NET type, an interface) is refused.
"""
from __future__ import annotations

from typing import Any, ClassVar

from hvshell.lang import ast
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, canonical_type_name,
                                         convert, to_string)
from hvshell.runtime.errors import ErrorRecord, PSError
from hvshell.runtime.psobject import Hashtable, PSObject
from hvshell.runtime.scope import Scope
from hvshell.runtime.signals import ReturnSignal

_VALUE_DEFAULTS = {"int": 0, "int32": 0, "long": 0, "int64": 0, "byte": 0, "int16": 0,
                   "uint32": 0, "uint64": 0, "double": 0.0, "single": 0.0, "float": 0.0,
                   "decimal": 0.0, "bool": False, "boolean": False, "switch": False}


class ClassError(Exception):
    """A member that cannot be found or called; the caller words the error."""

    def __init__(self, message: str, error_id: str):
        super().__init__(message)
        self.error_id = error_id


class ScriptObject(PSObject):
    """An instance of a script class.  Assigning a property converts the
    value to its declared type; hidden properties are not listed."""

    __slots__ = ()
    ps_class: ClassVar["ClassInfo"]

    def add(self, name: str, value: Any) -> None:
        declared = self.ps_class.property(name)
        if declared is not None and declared.type_name:
            try:
                value = convert(value, declared.type_name)
            except ConversionError as error:
                raise ValueError(str(error)) from None
        super().add(name, value)

    def names(self) -> list[str]:
        return [name for name, _ in self.items()]

    def items(self):
        info = self.ps_class
        for name, value in super().items():
            declared = info.property(name)
            if declared is None or not declared.hidden:
                yield name, value

    @classmethod
    def ps_convert(cls, value: Any) -> "ScriptObject":
        """`[Class]$value` (hvshell/runtime/conversions.py asks registered types)."""
        try:
            return cls.ps_class.convert_to(value)
        except ClassError as error:
            raise ConversionError(str(error)) from None

    def ps_to_string(self) -> str:
        """`ToString()`: the class's own if it has one, else its name."""
        info = self.ps_class
        if info.find_method("tostring", 0, static=False) is not None:
            return to_string(info.invoke(self, "ToString", []))
        return info.name


class ClassInfo:
    """What a class declares, read from its definition."""

    def __init__(self, node: ast.ClassDef, base: "ClassInfo | None", source: ast.Source,
                 interp: Any):
        self.name = node.name
        self.node = node
        self.base = base
        self.source = source
        self.interp = interp
        self.own_properties = {p.name.lower(): p for p in node.properties if not p.static}
        self.static_properties = {p.name.lower(): p for p in node.properties if p.static}
        self.static_values: dict[str, Any] = {}
        self.constructors = [m for m in node.methods if m.constructor]
        self.methods: dict[str, list[ast.ClassMethod]] = {}
        for method in node.methods:
            if not method.constructor:
                self.methods.setdefault(method.name.lower(), []).append(method)
        self.py_class: type[ScriptObject] = ScriptObject

    # ---- members --------------------------------------------------------
    def lineage(self) -> list["ClassInfo"]:
        """This class and its bases, the most derived first."""
        chain: list[ClassInfo] = []
        info: ClassInfo | None = self
        while info is not None:
            chain.append(info)
            info = info.base
        return chain

    def property(self, name: str) -> ast.ClassProperty | None:
        key = name.lower()
        for info in self.lineage():
            if key in info.own_properties:
                return info.own_properties[key]
        return None

    def find_method(self, key: str, count: int, static: bool) -> tuple["ClassInfo", ast.ClassMethod] | None:
        for info in self.lineage():
            for method in info.methods.get(key, ()):
                if method.static == static and len(method.parameters) == count:
                    return info, method
        return None

    def member_definitions(self) -> list[tuple[str, str, str]]:
        """(Name, MemberType, Definition) of the visible instance members, as
        Get-Member shows them; a method's overloads share one definition."""
        members: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for info in self.lineage():
            for key, prop in info.own_properties.items():
                if key not in seen and not prop.hidden:
                    seen.add(key)
                    members.append((prop.name, "Property",
                                    f"{prop.type_name or 'System.Object'} {prop.name} {{get;set;}}"))
        methods: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for info in self.lineage():
            for key, overloads in info.methods.items():
                for m in overloads:
                    if m.static or m.hidden:
                        continue
                    params = ", ".join(f"{p.type_name or 'System.Object'} {p.name}" for p in m.parameters)
                    text = f"{m.return_type or 'System.Object'} {m.name}({params})"
                    shown = methods.setdefault(key, [])
                    if all(not t.endswith(f" {m.name}({params})") for t in shown):
                        shown.append(text)
                    names.setdefault(key, m.name)
        members += [(names[k], "Method", ", ".join(v)) for k, v in methods.items()]
        return members

    def _static_owner(self, name: str) -> "ClassInfo | None":
        key = name.lower()
        return next((i for i in self.lineage() if key in i.static_properties), None)

    # ---- static members ---------------------------------------------------
    def static_get(self, name: str) -> Any:
        owner = self._static_owner(name)
        if owner is None:
            raise ClassError(f"The property '{name}' cannot be found on type [{self.name}].",
                             "PropertyNotFound")
        return owner.static_values.get(name.lower())

    def static_set(self, name: str, value: Any) -> None:
        owner = self._static_owner(name)
        if owner is None:
            raise ClassError(f"The property '{name}' cannot be found on type [{self.name}].",
                             "PropertyNotFound")
        declared = owner.static_properties[name.lower()]
        owner.static_values[name.lower()] = self._typed(declared.type_name, value, name)

    def invoke_static(self, name: str, args: list) -> Any:
        if name.lower() == "new":
            return self.new(args)
        found = self.find_method(name.lower(), len(args), static=True)
        if found is None:
            raise self._no_overload(name, args, static=True)
        owner, method = found
        return owner.run(method, None, args)

    # ---- instances --------------------------------------------------------
    def invoke(self, obj: ScriptObject, name: str, args: list) -> Any:
        found = self.find_method(name.lower(), len(args), static=False)
        if found is None:
            raise self._no_overload(name, args, static=False)
        owner, method = found
        return owner.run(method, obj, args)

    def new(self, args: list) -> ScriptObject:
        obj = self.py_class(type_names=[i.name for i in self.lineage()])
        for info in self.lineage():             # .NET lists a derived class's properties first
            for prop in info.own_properties.values():
                if prop.default is not None:
                    value = self._evaluate_in_class(prop.default)
                else:
                    value = _VALUE_DEFAULTS.get((prop.type_name or "").lower())
                PSObject.add(obj, prop.name, self._typed(prop.type_name, value, prop.name))
        self.construct(obj, args)
        return obj

    def construct(self, obj: ScriptObject, args: list) -> None:
        """Run the constructor for `args`, after its base's."""
        if not self.constructors:
            if args:
                raise self._no_overload("new", args, static=True)
            if self.base is not None:
                self.base.construct(obj, [])
            return
        chosen = [c for c in self.constructors if len(c.parameters) == len(args)]
        if not chosen:
            raise self._no_overload("new", args, static=True)
        self.run(chosen[0], obj, args)

    def convert_to(self, value: Any) -> ScriptObject:
        """`[Class]$value`."""
        if isinstance(value, self.py_class):
            return value
        if isinstance(value, Hashtable):
            if self.constructors and not any(not c.parameters for c in self.constructors):
                raise ConversionError(
                    f'Cannot convert the "System.Collections.Hashtable" value of type '
                    f'"System.Collections.Hashtable" to type "{self.name}": the class has no '
                    f'constructor without parameters.')
            obj = self.new([])
            for key, item in value.items():
                if self.property(str(key)) is None:
                    raise ConversionError(
                        f'Cannot create object of type "{self.name}". The {key} property was '
                        f'not found for the {self.name} object.')
                try:
                    obj.add(str(key), item)
                except ValueError as error:
                    raise ConversionError(str(error)) from None
            return obj
        if any(len(c.parameters) == 1 for c in self.constructors):
            return self.new([value])
        raise ConversionError(f'Cannot convert value "{to_string(value)}" to type "{self.name}".')

    # ---- running code -----------------------------------------------------
    def run(self, method: ast.ClassMethod, obj: ScriptObject | None, args: list) -> Any:
        """Run a method or constructor of this class on `obj` (None: static)."""
        interp = self.interp
        from hvshell.runtime.pipeline import MAX_CALL_DEPTH
        if interp.call_depth >= MAX_CALL_DEPTH:
            raise interp.runtime_error("The script failed due to call depth overflow.",
                                       method.extent, "CallDepthOverflow")
        scope = Scope(interp.global_scope)
        if obj is not None:
            scope.set_local("this", obj)
        for decl, value in zip(method.parameters, args):
            scope.set_local(decl.name, self._typed(decl.type_name, value, decl.name))
        scope.method_result = []
        interp.call_depth += 1
        interp.try_depth += 1           # an error in a method ends it, as an exception does
        try:
            with interp.entered(scope, self.source):
                if method.constructor and self.base is not None:
                    base_args = [interp.evaluate(a) for a in method.base_arguments or ()]
                    self.base.construct(obj, base_args)
                try:
                    interp.run_block(method.body, _drop)
                except ReturnSignal:
                    pass
        except PSError as error:
            # Out of the method it is the calling statement's error, which
            # ends that statement (or more, as that statement's context says).
            error.script_terminating = False
            raise
        finally:
            interp.try_depth -= 1
            interp.call_depth -= 1
        if method.constructor:
            return None
        if (method.return_type or "").lower() == "void":
            return AutomationNullType()         # a [void] method's call outputs nothing
        result = scope.method_result[0] if scope.method_result else None
        return self._typed(method.return_type, result, method.name)

    def _evaluate_in_class(self, expr: Any) -> Any:
        interp = self.interp
        with interp.entered(Scope(interp.global_scope), self.source):
            return interp.evaluate(expr)

    def _typed(self, type_name: str | None, value: Any, what: str) -> Any:
        if not type_name:
            return value
        try:
            return convert(value, type_name)
        except ConversionError as error:
            raise ClassError(f'Cannot convert the value for "{what}": {error}',
                             "PSInvalidCastException") from None

    def _no_overload(self, name: str, args: list, static: bool) -> ClassError:
        known = [m.name for i in self.lineage() for ms in i.methods.values() for m in ms
                 if m.name.lower() == name.lower()]
        if name.lower() == "new" or known:
            return ClassError(f'Cannot find an overload for "{name}" and the argument count: '
                              f'"{len(args)}".', "MethodCountCouldNotFindBest")
        kind = "static method" if static else "method"
        return ClassError(f"Method invocation failed because [{self.name}] does not contain a "
                          f"{kind} named '{name}'.", "MethodNotFound")


def _drop(obj: Any) -> None:
    """Where a method's output goes."""


def define_class(interp: Any, node: ast.ClassDef) -> type[ScriptObject]:
    """Make the class of `node` and put it in the interpreter's type table."""
    from hvshell.pstypes.registry import find_type
    base: ClassInfo | None = None
    for position, name in enumerate(node.bases):
        found = find_type(name)
        info = getattr(found, "ps_class", None) if isinstance(found, type) and \
            issubclass(found, ScriptObject) else None
        if position == 0 and info is not None:
            base = info
            continue
        raise _definition_error(interp, node, f"The class '{node.name}' cannot derive from [{name}]: "
                                f"a class in hvshell derives only from a class its script defines.")
    info = ClassInfo(node, base, interp.source, interp)
    parent = base.py_class if base is not None else ScriptObject
    py_class = type(node.name, (parent,), {"__slots__": (), "PS_TYPE": node.name, "ps_class": info})
    info.py_class = py_class
    interp.script_types[node.name.lower()] = py_class
    for key, prop in info.static_properties.items():
        value = info._evaluate_in_class(prop.default) if prop.default is not None else \
            _VALUE_DEFAULTS.get((prop.type_name or "").lower())
        info.static_values[key] = info._typed(prop.type_name, value, prop.name)
    return py_class


def define_enum(interp: Any, node: ast.EnumDef) -> type[PSEnum]:
    """Make the enum of `node` (labels numbered on from the last value)."""
    members: list[tuple[str, int]] = []
    following = 0
    for member in node.members:
        value = following
        if member.value is not None:
            with interp.entered(Scope(interp.global_scope), interp.source):
                raw = interp.evaluate(member.value)
            try:
                value = int(convert(raw, "int"))
            except ConversionError:
                raise _definition_error(interp, member, f"The value of '{member.name}' in enum "
                                        f"'{node.name}' is not an integer.") from None
        members.append((member.name, value))
        following = value + 1
    enum_class = PSEnum(node.name, members)
    enum_class.PS_TYPE = node.name
    interp.script_types[node.name.lower()] = enum_class
    return enum_class


def _definition_error(interp: Any, node: ast.Node, message: str) -> PSError:
    return PSError(ErrorRecord(message, "TypeDefinitionNotSupported", "InvalidOperation", None,
                               "System.Management.Automation.RuntimeException",
                               extent=node.extent, source=interp.source))


def script_class(type_text: str) -> ClassInfo | None:
    """The script class named `type_text`, or None."""
    from hvshell.pstypes.registry import find_type
    return class_of(find_type(canonical_type_name(type_text)))


def class_of(value: Any) -> ClassInfo | None:
    """The ClassInfo of a script class given as its Python class."""
    return getattr(value, "ps_class", None) if isinstance(value, type) and \
        issubclass(value, ScriptObject) else None

