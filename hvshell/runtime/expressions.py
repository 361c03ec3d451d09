"""Evaluating expressions and assignments, part of the Interpreter
(hvshell/runtime/interpreter.py).

Each expression kind has one handler (`_expression_handlers`, by AST
class); operators come from hvshell/runtime/operators.py, conversions from
hvshell/runtime/conversions.py, members from hvshell/runtime/members.py.
Failures become PowerShell runtime errors at the expression's extent.
"""
from __future__ import annotations

import decimal
from typing import Any, Callable

from hvshell.lang import ast
from hvshell.runtime import operators as ops
from hvshell.runtime.classes import ClassError, script_class
from hvshell.runtime.conversions import (AutomationNullType, ConversionError, TypeNotFoundError,
                                         convert, canonical_type_name, is_known_type, to_bool,
                                         to_number, to_string)
from hvshell.runtime.dotnet_limits import DotNetError
from hvshell.runtime.errors import CmdletError, PSError
from hvshell.runtime.members import (MemberError, TypeInfo, get_member, invoke_method,
                                     invoke_static, static_member)
from hvshell.runtime.pipeline import denull, unwrap
from hvshell.runtime.psobject import (MISSING, Hashtable, PSObject, set_property,
                                      to_display_string, type_name)
from hvshell.runtime.scriptblock import ScriptBlock


class ExpressionEvaluator:
    """The expression part of the Interpreter."""

    # ==================================================================
    # Assignment
    # ==================================================================

    def assign(self, stmt: ast.Assignment) -> Any:
        # A pipeline that output nothing stays "nothing" in its variable:
        # `$x = Get-VM nothing; @($x).Count` is 0, as in PowerShell.
        value = self.statement_value(stmt.value)
        target = stmt.target
        if stmt.op != "=":
            current = self.evaluate(target)
            value = self._compound(stmt.op, current, value, stmt)
        self.store(target, value, stmt)
        return value

    def _compound(self, op: str, current: Any, value: Any, stmt: ast.Assignment) -> Any:
        functions = {"+=": ops.add, "-=": ops.subtract, "*=": ops.multiply, "/=": ops.divide,
                     "%=": ops.modulo}
        try:
            return functions[op](current, value)
        except ops.OperatorError as error:
            raise self.operator_error(error, stmt.extent) from None
        except DotNetError as error:
            raise self.operator_error(ops.OperatorError.wrapping(error), stmt.extent) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), stmt.extent, "InvalidCastFromStringToInteger") from None

    def store(self, target: Any, value: Any, stmt: Any) -> None:
        if isinstance(target, ast.Variable):
            try:
                self.set_variable(target.name, value, target.scope)
            except PSError as error:
                if error.record.extent is None:
                    error.record.extent, error.record.source = stmt.extent, self.source
                raise
        elif isinstance(target, ast.Cast):
            try:
                converted = convert(value, self.type_in_scope(target.type_name))
            except ConversionError as error:
                raise self.runtime_error(str(error), stmt.extent, "InvalidCastFromStringToInteger") from None
            if isinstance(target.operand, ast.Variable) and (target.operand.scope or "").lower() != "env":
                # `[int]$n = ...` types the variable: later assignments convert too.
                self.scope_named(target.operand.scope).constrain(
                    target.operand.name, self.type_in_scope(target.type_name))
            self.store(target.operand, converted, stmt)
        elif isinstance(target, ast.MemberAccess) and target.static:
            self._store_static(target, value)
        elif isinstance(target, ast.MemberAccess):
            obj = denull(self.evaluate(target.target))
            name = target.member if isinstance(target.member, str) else to_string(self.evaluate(target.member))
            if obj is None:
                raise self.runtime_error(f"The property '{name}' cannot be found on this object. "
                                         f"Verify that the property exists and can be set.",
                                         target.extent, "PropertyNotFound")
            try:
                set_property(obj, name, value)
            except AttributeError:
                raise self.runtime_error(f"The property '{name}' cannot be found on this object. "
                                         f"Verify that the property exists and can be set.",
                                         target.extent, "PropertyNotFound") from None
            except (ValueError, TypeError) as error:
                raise self.runtime_error(f"Exception setting \"{name}\": \"{error}\"",
                                         target.extent, "ExceptionWhenSetting") from None
        elif isinstance(target, ast.Index):
            obj = denull(self.evaluate(target.target))
            index = denull(self.evaluate(target.index))
            if isinstance(obj, Hashtable):
                obj[index] = value
            elif isinstance(obj, list):
                try:
                    obj[int(convert(index, "int"))] = value
                except IndexError:
                    raise self.runtime_error("Index was outside the bounds of the array.",
                                             target.extent, "IndexOutOfRange") from None
            elif isinstance(obj, PSObject):
                obj.add(to_string(index), value)
            else:
                raise self.runtime_error("Cannot index into a null array." if obj is None else
                                         f"Unable to index into an object of type {type_name(obj)}.",
                                         target.extent, "NullArray" if obj is None else "CannotIndex")
        elif isinstance(target, ast.ArrayLiteral):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            variables = target.elements
            for position, element in enumerate(variables):
                if position == len(variables) - 1:
                    rest = items[position:]
                    self.store(element, rest[0] if len(rest) == 1 else (rest or None), stmt)
                else:
                    self.store(element, items[position] if position < len(items) else None, stmt)
        else:
            raise self.runtime_error("The assignment expression is not valid. The input to an "
                                     "assignment operator must be an object that is able to accept "
                                     "assignments, such as a variable or a property.",
                                     stmt.extent, "InvalidLeftHandSide")

    def _store_static(self, target: ast.MemberAccess, value: Any) -> None:
        """`[Class]::Property = value`: only a script class's static properties can be set."""
        name = self._member_name(target.member)
        info = script_class(self._static_target(target.target))
        if info is None:
            raise self.runtime_error(f"'{name}' is a ReadOnly property.", target.extent,
                                     "PropertyAssignmentException")
        try:
            info.static_set(name, value)
        except ClassError as error:
            raise self.runtime_error(str(error), target.extent, error.error_id) from None

    # ==================================================================
    # Expressions
    # ==================================================================

    def evaluate(self, node: Any) -> Any:
        handler = self._expression_handlers.get(type(node))
        if handler is None:
            if type(node) in self._statement_handlers:
                return self.statement_value(node)
            raise self.runtime_error(f"Unsupported expression {type(node).__name__}.",
                                     getattr(node, "extent", None))
        return handler(self, node)

    def _eval_constant(self, node: ast.Constant) -> Any:
        # A `1.5d` literal is a .NET decimal; hvshell computes it as a double.
        return float(node.value) if isinstance(node.value, decimal.Decimal) else node.value

    def _eval_string(self, node: ast.StringLiteral) -> Any:
        return node.value

    def _eval_expandable(self, node: ast.ExpandableString) -> str:
        parts = []
        for part in node.parts:
            if isinstance(part, str):
                parts.append(part)
            else:
                value = denull(self.evaluate(part))
                if isinstance(value, (list, tuple)):
                    parts.append(self.join_with_ofs(value))
                else:
                    parts.append(to_display_string(value, invariant=True))
        return "".join(parts)

    def join_with_ofs(self, items: Any) -> str:
        """An array as a string: its elements joined by $OFS (a space by default)."""
        separator = self.get_variable("OFS", None)
        separator = " " if separator is None else to_string(separator)
        return separator.join(to_display_string(v, invariant=True) for v in items)

    def _eval_variable(self, node: ast.Variable) -> Any:
        return self.get_variable(node.name, None, node.scope)

    def _eval_splat(self, node: ast.SplatVariable) -> Any:
        return self.get_variable(node.name)

    def type_in_scope(self, name: str) -> str:
        """A type name as written, or completed by a `using namespace` of the
        script when only that names a known type (`[StringBuilder]`)."""
        if is_known_type(name):
            return name
        for namespace in self.namespaces:
            if is_known_type(f"{namespace}.{name}"):
                return f"{namespace}.{name}"
        return name

    def _static_target(self, target: Any) -> str:
        """The type of `[type]::Member` (or of `$t::Member`)."""
        if isinstance(target, ast.TypeLiteral):
            return self._eval_type(target).FullName
        return to_string(self.evaluate(target))

    def _eval_type(self, node: ast.TypeLiteral) -> TypeInfo:
        name = self.type_in_scope(node.name)
        if not is_known_type(name):
            raise self.runtime_error(f"Unable to find type [{node.name}].", node.extent,
                                     "TypeNotFound")
        return TypeInfo(canonical_type_name(name))

    def _eval_cast(self, node: ast.Cast) -> Any:
        if node.type_name.lower() == "ordered" and isinstance(node.operand, ast.Hashtable):
            table = self.evaluate(node.operand)
            table.ordered = True
            return table
        value = denull(self.evaluate(node.operand))
        type_name = self.type_in_scope(node.type_name)
        if isinstance(value, (list, tuple)) and canonical_type_name(type_name) == "System.String":
            return self.join_with_ofs(value)            # `[string]$array` joins with $OFS
        try:
            return convert(value, type_name)
        except TypeNotFoundError as error:
            raise self.runtime_error(str(error), node.extent, "TypeNotFound") from None
        except ConversionError as error:
            error_id = error.error_id or ("InvalidCastFromStringToInteger" if isinstance(value, str)
                                          else "ConvertToFinalInvalidCastException")
            raise self.runtime_error(str(error), node.extent, error_id, "InvalidArgument") from None

    def _member_name(self, member: Any) -> str:
        return member if isinstance(member, str) else to_string(self.evaluate(member))

    def _eval_member(self, node: ast.MemberAccess) -> Any:
        name = self._member_name(node.member)
        if node.static:
            type_text = self._static_target(node.target)
            try:
                return static_member(type_text, name, self)
            except MemberError as error:
                raise self.member_error(error, node.extent) from None
        target = denull(self.evaluate(node.target))
        if target is None:
            # $null.Count is 0 since PowerShell 3.0; other members are $null.
            return 0 if name.lower() in ("count", "length") else None
        value = get_member(target, name)
        return None if value is MISSING else value

    def _eval_invoke(self, node: ast.InvokeMember) -> Any:
        name = self._member_name(node.member)
        args = [denull(self.evaluate(a)) for a in node.arguments]
        try:
            if node.static:
                return invoke_static(self._static_target(node.target), name, args, self)
            target = self.evaluate(node.target)
            if isinstance(target, AutomationNullType):
                target = None
            return invoke_method(target, name, args, self)
        except MemberError as error:
            raise self.member_error(error, node.extent) from None
        except CmdletError as error:
            error.record.extent = error.record.extent or node.extent
            error.record.source = error.record.source or self.source
            raise

    def _eval_index(self, node: ast.Index) -> Any:
        target = denull(self.evaluate(node.target))
        index = denull(self.evaluate(node.index))
        if target is None:
            raise self.runtime_error("Cannot index into a null array.", node.extent, "NullArray")
        if isinstance(target, Hashtable):
            if isinstance(index, (list, tuple)):
                return [target[k] for k in index]
            return target[index]
        if isinstance(target, PSObject):
            value = target.get(to_string(index))
            return None if value is MISSING else value
        sequence = target if isinstance(target, (list, tuple, str)) else [target]
        try:
            if isinstance(index, (list, tuple)):
                result = []
                for i in index:
                    position = int(convert(i, "int"))
                    if -len(sequence) <= position < len(sequence):
                        result.append(sequence[position])
                return result
            position = int(convert(index, "int"))
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent, "InvalidCast") from None
        if -len(sequence) <= position < len(sequence):
            return sequence[position]
        return None

    _BINARY = {
        "+": ops.add, "-": ops.subtract, "*": ops.multiply, "/": ops.divide, "%": ops.modulo,
        "..": ops.make_range, "-f": ops.format_operator, "-join": ops.join,
    }

    def _eval_binary(self, node: ast.Binary) -> Any:
        op = node.op
        if op in ("-and", "-or"):
            left = to_bool(self.evaluate(node.left))
            if op == "-and" and not left:
                return False
            if op == "-or" and left:
                return True
            return to_bool(self.evaluate(node.right))
        left = denull(self.evaluate(node.left))
        right = denull(self.evaluate(node.right))
        try:
            if op in self._BINARY:
                return self._BINARY[op](left, right)
            if op == "-xor":
                return to_bool(left) != to_bool(right)
            if op in ("-band", "-bor", "-bxor", "-shl", "-shr"):
                return ops.bitwise(op, left, right)
            if op in ("-is", "-isnot"):
                result = ops.is_type(left, right)
                return result if op == "-is" else not result
            if op == "-as":
                return ops.as_type(left, right)
            return ops.compare(op[1:], left, right, self)
        except ops.OperatorError as error:
            raise self.operator_error(error, node.extent,
                                      left if op == "-f" else None) from None
        except DotNetError as error:
            raise self.operator_error(ops.OperatorError.wrapping(error), node.extent) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent, "InvalidCastFromStringToInteger") from None

    def _eval_unary(self, node: ast.Unary) -> Any:
        op = node.op
        if op in ("++", "--", "post++", "post--"):
            current = denull(self.evaluate(node.operand))
            step = 1 if "++" in op else -1
            try:
                updated = ops.add(to_number(current), step)
            except ConversionError as error:
                raise self.runtime_error(str(error), node.extent) from None
            self.store(node.operand, updated, node)
            return updated if not op.startswith("post") else current
        value = denull(self.evaluate(node.operand))
        try:
            if op in ("-not", "!"):
                return not to_bool(value)
            if op == "-":
                return ops.negate(value)
            if op == "+":
                return to_number(value)
            if op == ",":
                return [value]
            if op == "-bnot":
                return ~int(convert(value, "long"))
            if op == "-split":
                return ops.unary_split(value)
            if op == "-join":
                return ops.join(value, "")
        except ops.OperatorError as error:
            raise self.operator_error(error, node.extent) from None
        except DotNetError as error:
            raise self.operator_error(ops.OperatorError.wrapping(error), node.extent) from None
        except ConversionError as error:
            raise self.runtime_error(str(error), node.extent) from None
        raise self.runtime_error(f"Unsupported operator {op}.", node.extent)

    def _eval_array_literal(self, node: ast.ArrayLiteral) -> list[Any]:
        return [denull(self.evaluate(e)) for e in node.elements]

    def _eval_array_expression(self, node: ast.ArrayExpression) -> list[Any]:
        statements = node.body.statements
        if len(statements) == 1 and isinstance(statements[0], ast.Pipeline) and \
                len(statements[0].elements) == 1 and \
                isinstance(statements[0].elements[0], ast.CommandExpression):
            value = self.evaluate(statements[0].elements[0].expression)
            if isinstance(value, AutomationNullType):
                return []
            return list(value) if isinstance(value, (list, tuple)) else [value]
        return self.collect_block(node.body)

    def _eval_subexpression(self, node: ast.SubExpression) -> Any:
        return unwrap(self.collect_block(node.body))

    def _eval_paren(self, node: ast.Paren) -> Any:
        return self.statement_value(node.pipeline)

    def _eval_hashtable(self, node: ast.Hashtable) -> Hashtable:
        table = Hashtable(ordered=node.ordered)
        for entry in node.entries:
            key = denull(self.evaluate(entry.key))
            if key is None:
                raise self.runtime_error("A null key is not allowed in a hash literal.",
                                         entry.extent, "InvalidNullKey", target=table)
            if key in table:
                raise self.runtime_error(
                    f"Duplicate keys '{to_display_string(key)}' are not allowed in hash literals.",
                    entry.extent, "DuplicateKeyInHashLiteral")
            table[key] = denull(self.statement_value(entry.value))
        return table

    def _eval_scriptblock(self, node: ast.ScriptBlockExpr) -> ScriptBlock:
        start = node.extent.start + 1
        end = max(start, node.extent.end - 1)
        return ScriptBlock(node.body, self.source, start, end)

    def intrinsic_where(self, items: list[Any], args: list[Any]) -> list[Any]:
        if not args or not isinstance(args[0], ScriptBlock):
            raise MemberError('Cannot find an overload for "Where" and the argument count: '
                              f'"{len(args)}".', "MethodCountCouldNotFindBest")
        mode = to_string(args[1]).lower() if len(args) > 1 else "default"
        limit = int(convert(args[2], "int")) if len(args) > 2 else 0
        hits = [to_bool(unwrap(self.invoke_scriptblock(args[0], item))) for item in items]
        if mode == "first":
            chosen = [i for i, h in zip(items, hits) if h][:limit or 1]
        elif mode == "last":
            chosen = [i for i, h in zip(items, hits) if h][-(limit or 1):]
        elif mode == "skipuntil":
            start = next((n for n, h in enumerate(hits) if h), len(items))
            chosen = items[start:]
        elif mode == "until":
            stop = next((n for n, h in enumerate(hits) if h), len(items))
            chosen = items[:stop]
        elif mode == "split":
            return [[i for i, h in zip(items, hits) if h], [i for i, h in zip(items, hits) if not h]]
        else:
            chosen = [i for i, h in zip(items, hits) if h]
            if limit:
                chosen = chosen[:limit]
        return chosen

    def intrinsic_foreach(self, items: list[Any], args: list[Any]) -> list[Any]:
        if not args:
            raise MemberError('Cannot find an overload for "ForEach" and the argument count: "0".',
                              "MethodCountCouldNotFindBest")
        out: list[Any] = []
        action = args[0]
        for item in items:
            if isinstance(action, ScriptBlock):
                out.extend(self.invoke_scriptblock(action, item, tuple(args[1:])))
            elif isinstance(action, TypeInfo):
                out.append(convert(item, action.FullName))
            else:
                name = to_string(action)
                if len(args) > 1:
                    out.append(invoke_method(item, name, list(args[1:]), self))
                else:
                    value = get_member(item, name)
                    out.append(None if value is MISSING else value)
        return out

    _expression_handlers: dict[type, Callable[..., Any]] = {}


ExpressionEvaluator._expression_handlers = {
    ast.Constant: ExpressionEvaluator._eval_constant,
    ast.StringLiteral: ExpressionEvaluator._eval_string,
    ast.ExpandableString: ExpressionEvaluator._eval_expandable,
    ast.Variable: ExpressionEvaluator._eval_variable,
    ast.SplatVariable: ExpressionEvaluator._eval_splat,
    ast.TypeLiteral: ExpressionEvaluator._eval_type,
    ast.Cast: ExpressionEvaluator._eval_cast,
    ast.MemberAccess: ExpressionEvaluator._eval_member,
    ast.InvokeMember: ExpressionEvaluator._eval_invoke,
    ast.Index: ExpressionEvaluator._eval_index,
    ast.Binary: ExpressionEvaluator._eval_binary,
    ast.Unary: ExpressionEvaluator._eval_unary,
    ast.ArrayLiteral: ExpressionEvaluator._eval_array_literal,
    ast.ArrayExpression: ExpressionEvaluator._eval_array_expression,
    ast.SubExpression: ExpressionEvaluator._eval_subexpression,
    ast.Paren: ExpressionEvaluator._eval_paren,
    ast.Hashtable: ExpressionEvaluator._eval_hashtable,
    ast.ScriptBlockExpr: ExpressionEvaluator._eval_scriptblock,
}
