"""Builds `hvshell.lang.ast` nodes while the LALR parser reduces.

Each method is named after a rule (or rule alias) of `grammar/powershell.lark`
and receives that rule's children: AST nodes, or `Tok` objects for the
tokens that are not leaves.  Leaf tokens (numbers, strings, variables,
words, types: `LEAVES`) already carry their node, which the parser puts on
its stack in their place.  Extents run from the first child to the last.

A construct that parses but is not valid (an assignment to a constant, a
`try` without `catch`) raises `BuildError`, which the parser reports like
any parse error.
"""
from __future__ import annotations

import attrs

from hvshell.lang import ast
from hvshell.lang.lexer import Tok
from hvshell.lang.restricted import RestrictedError, check_data_section


class BuildError(Exception):
    def __init__(self, message: str, error_id: str, start, end=None):
        super().__init__(message)
        self.message = message
        self.error_id = error_id
        first = _ext(start)
        last = _ext(end if end is not None else start)
        self.extent = ast.Extent(first.start, last.end, first.line, first.column)


def _ext(x) -> ast.Extent | Tok:
    """The extent of a node; a token or an extent is itself (same fields)."""
    return x if isinstance(x, (Tok, ast.Extent)) else x.extent


def _span(first, last) -> ast.Extent:
    a = first.extent if isinstance(first, ast.Node) else first
    b = last.extent if isinstance(last, ast.Node) else last
    return ast.Extent(a.start, b.end, a.line, a.column)


# Binding strength of binary operators (about_Operator_Precedence); the
# comma binds tighter than all of them and is folded first.
_PRECEDENCE = {
    "..": 7, "-f": 6, "*": 5, "/": 5, "%": 5, "+": 4, "-": 4,
    "-band": 2, "-bor": 2, "-bxor": 2, "-and": 1, "-or": 1, "-xor": 1,
}
_COMPARISON = 3

# Tokens whose AST node (built by the lexer) stands for them on the parser's stack.
LEAVES = frozenset({"NUMBER", "STRING", "EXPSTRING", "VARIABLE", "GENERIC", "SPLAT", "TYPE",
                    "HASHKEY"})


def _no_seps(children) -> list:
    return [c for c in children if type(c) is not Tok]


class AstBuilder:
    """The grammar's callbacks; stateless, so one instance serves every parse."""

    # ------------------------------------------------------------ bodies
    def start_script(self, c):
        return c[0]

    def start_block(self, c):
        return c[0]

    def start_using(self, c):
        usings = tuple(ast.UsingStatement(*t.value, extent=_span(t, t))
                       for t in c if type(t) is Tok and t.type == "USING")
        body = c[-1] if isinstance(c[-1], ast.ScriptBody) else \
            ast.ScriptBody(end=ast.StatementBlock((), extent=ast.NO_EXTENT))
        return attrs.evolve(body, usings=usings)

    def body_plain(self, c):
        block = c[0]
        return ast.ScriptBody(end=block, extent=block.extent)

    def body_params(self, c):
        params, block = c[0], c[-1]
        return ast.ScriptBody(parameters=params[1], attributes=params[0], end=block,
                              extent=_span(params[2], block) if block.statements else params[2])

    def body_named(self, c):
        return self._named_body(None, _no_seps(c))

    def body_params_named(self, c):
        c = _no_seps(c)
        return self._named_body(c[0], c[1:])

    def _named_body(self, params, blocks):
        found: dict[str, ast.StatementBlock] = {}
        for name_tok, block in blocks:
            if name_tok.value in found:
                raise BuildError(f"Script command clause '{name_tok.value}' has already been defined.",
                                 "DuplicateScriptCommandClause", name_tok)
            found[name_tok.value] = block
        first = params[2] if params else blocks[0][0]
        extent = _span(first, blocks[-1][1])
        return ast.ScriptBody(parameters=params[1] if params else None,
                              attributes=params[0] if params else (),
                              begin=found.get("begin"), process=found.get("process"),
                              end=found.get("end"), dynamicparam=found.get("dynamicparam"),
                              extent=extent)

    def named_block(self, c):
        return c[0], c[1]

    def param_block(self, c):
        attributes = tuple(c[:-4])
        return attributes, c[-2], _span(c[0], c[-1])

    def param_list(self, c):
        return tuple(x for x in c if type(x) is not Tok)

    def param_decl(self, c):
        default = None
        if len(c) > 2 and type(c[-2]) is Tok:       # `= default`
            default = c[-1]
            c = c[:-2]
        variable = c[-1]
        if not isinstance(variable, ast.Variable) or variable.scope is not None:
            raise BuildError("A parameter name must be a simple variable such as $Name.",
                             "InvalidParameterName", variable)
        type_name = None
        attributes = []
        for a in c[:-1]:
            if isinstance(a, ast.TypeLiteral):
                type_name = a.name
            else:
                attributes.append(a)
        return ast.ParameterDecl(variable.name, type_name, default, tuple(attributes),
                                 extent=_span(c[0], c[-1] if default is None else default))

    def attribute(self, c):
        positional = []
        named = []
        for a in c[1:-2]:
            if type(a) is Tok:
                continue
            if a[0] == "named":
                named.append((a[1], a[2]))
            else:
                positional.append(a[1])
        return ast.Attribute(c[0].value, tuple(positional), tuple(named), extent=_span(c[0], c[-1]))

    def attr_flag(self, c):
        return "named", c[0].value, ast.Constant(True, extent=_span(c[0], c[0]))

    def attr_named(self, c):
        return "named", c[0].value, c[2]

    def attr_positional(self, c):
        return "positional", c[0]

    # -------------------------------------------------------- statements
    def stmt_list(self, c):
        written = [x for x in c if type(x) is not Tok]
        if not written:
            return ast.StatementBlock((), extent=ast.NO_EXTENT)
        traps = tuple(x for x in written if isinstance(x, ast.Trap))
        statements = tuple(x for x in written if not isinstance(x, ast.Trap)) if traps else tuple(written)
        return ast.StatementBlock(statements, traps, extent=_span(written[0], written[-1]))

    def block(self, c):
        return _block_between(c)

    def if_stmt(self, c):
        clauses = [ast.IfClause(c[2], c[4], extent=_span(c[0], c[4]))]
        else_body = None
        for x in c[5:]:
            if isinstance(x, ast.IfClause):
                clauses.append(x)
            else:
                else_body = x
        return ast.If(tuple(clauses), else_body, extent=_span(c[0], c[-1]))

    def elseif_clause(self, c):
        return ast.IfClause(c[2], c[4], extent=_span(c[0], c[4]))

    def else_clause(self, c):
        return c[1]

    def labeled_stmt(self, c):
        return attrs.evolve(c[1], label=c[0].value, extent=_span(c[0], c[1]))

    def while_stmt(self, c):
        return ast.While(c[2], c[4], extent=_span(c[0], c[4]))

    def do_stmt(self, c):
        return ast.DoLoop(c[1], c[4], c[2].type == "UNTIL", extent=_span(c[0], c[5]))

    def for_stmt(self, c):
        parts: list = [None, None, None]
        i = 0
        for x in c[2:-2]:
            if type(x) is Tok:
                i += 1
            elif x is not None:
                parts[i] = x
        return ast.For(parts[0], parts[1], parts[2], c[-1], extent=_span(c[0], c[-1]))

    def foreach_stmt(self, c):
        variable = c[2]
        if not isinstance(variable, ast.Variable):
            raise BuildError("Missing variable name after 'foreach ('.", "MissingVariableNameAfterForeach",
                             variable)
        return ast.Foreach(variable.name, c[4], c[6], extent=_span(c[0], c[6]))

    def switch_stmt(self, c):
        mode = "exact"
        case_sensitive = False
        i = 1
        while c[i].type == "SWITCHOPT":
            if c[i].value == "casesensitive":
                case_sensitive = True
            else:
                mode = c[i].value
            i += 1
        value = c[i + 1]
        clauses = tuple(c[i + 4:-1])
        if sum(1 for x in clauses if x.pattern is None) > 1:
            second = [x for x in clauses if x.pattern is None][1]
            raise BuildError("A switch statement can have only one 'default' clause.",
                             "MultipleSwitchDefault", second)
        return ast.Switch(value, clauses, mode, case_sensitive, extent=_span(c[0], c[-1]))

    def switch_clause(self, c):
        return ast.SwitchClause(c[0], c[1], extent=_span(c[0], c[1]))

    def switch_default(self, c):
        return ast.SwitchClause(None, c[1], extent=_span(c[0], c[1]))

    def try_stmt(self, c):
        catches = tuple(x for x in c[2:] if isinstance(x, ast.CatchClause))
        final = c[-1] if type(c[-1]) is tuple else None
        if not catches and final is None:
            raise BuildError("The Try statement is missing its Catch or Finally block.",
                             "MissingCatchOrFinally", c[1].extent, c[1].extent)
        return ast.Try(c[1], catches, final[1] if final else None,
                       extent=_span(c[0], final[1] if final else catches[-1]))

    def catch_clause(self, c):
        types = tuple(x.name for x in c[1:-1] if isinstance(x, ast.TypeLiteral))
        return ast.CatchClause(types, c[-1], extent=_span(c[0], c[-1]))

    def finally_clause(self, c):
        return "finally", c[1]

    # -------------------------------------------------- type definitions
    def class_def(self, c):
        name = c[1].value
        bases = tuple(t.value for t in c[2:-3] if type(t) is Tok and t.type == "NAME")
        members = c[-2]
        properties = tuple(m for m in members if isinstance(m, ast.ClassProperty))
        methods = []
        seen: set[str] = set()
        for m in members:
            if isinstance(m, ast.ClassProperty):
                if m.name.lower() in seen:
                    raise BuildError(f"The member '{m.name}' is already defined.",
                                     "MemberAlreadyDefined", m)
                seen.add(m.name.lower())
            elif m.name.lower() == name.lower():
                if m.return_type is not None or m.static:
                    raise BuildError("A constructor cannot have a return type or be static.",
                                     "ConstructorCantHaveReturnType", m)
                methods.append(attrs.evolve(m, constructor=True))
            elif m.base_arguments is not None:
                raise BuildError("Only a constructor can call 'base'.", "MissingFunctionBody", m)
            else:
                methods.append(m)
        return ast.ClassDef(name, bases, properties, tuple(methods), extent=_span(c[0], c[-1]))

    def class_members(self, c):
        return tuple(x for x in c if type(x) is not Tok)

    def member_head(self, c):
        attributes = tuple(x for x in c if isinstance(x, ast.Attribute))
        modifiers = {t.value for t in c if type(t) is Tok and t.type == "MODIFIER"}
        type_name = next((x.name for x in c if isinstance(x, ast.TypeLiteral)), None)
        return attributes, modifiers, type_name, c[0] if c else None

    def class_property(self, c):
        attributes, modifiers, type_name, first = c[0]
        variable = c[1]
        if not isinstance(variable, ast.Variable) or variable.scope is not None:   # $true, $env:x
            raise BuildError("A property name must be a simple variable such as $Name.",
                             "InvalidPropertyName", variable)
        default = c[3] if len(c) > 2 else None
        return ast.ClassProperty(variable.name, type_name, default, "static" in modifiers,
                                 "hidden" in modifiers, attributes,
                                 extent=_span(first or variable, default or variable))

    def class_method(self, c):
        attributes, modifiers, type_name, first = c[0]
        name_tok, params, body = c[1], c[3], c[-1]
        base = c[5] if len(c) == 7 else None
        return ast.ClassMethod(name_tok.value, type_name, params, body, "static" in modifiers,
                               "hidden" in modifiers, base_arguments=base,
                               extent=_span(first or name_tok, body))

    def base_call(self, c):
        return c[3]

    def enum_def(self, c):
        members = c[3]
        names: set[str] = set()
        for m in members:
            if m.name.lower() in names:
                raise BuildError(f"The member '{m.name}' is already defined.", "MemberAlreadyDefined", m)
            names.add(m.name.lower())
        return ast.EnumDef(c[1].value, members, extent=_span(c[0], c[-1]))

    def enum_members(self, c):
        return tuple(x for x in c if type(x) is not Tok)

    def enum_member(self, c):
        value = c[2] if len(c) > 1 else None
        return ast.EnumMember(c[0].value, value, extent=_span(c[0], value or c[0]))

    def trap_stmt(self, c):
        types = (c[1].name,) if len(c) == 3 else ()
        return ast.Trap(types, c[-1], extent=_span(c[0], c[-1]))

    def data_stmt(self, c):
        name = next((t.value for t in c[1:-1] if t.type == "NAME"), None)
        commands = next((t.value for t in c[1:-1] if t.type == "DATAOPT"), ())
        body = c[-1]
        try:
            check_data_section(body, commands)
        except RestrictedError as e:
            raise BuildError(e.message, e.error_id, e.node) from None
        return ast.DataSection(name, commands, body, extent=_span(c[0], body))

    def function_def(self, c):
        keyword, name = c[0], c[1]
        body = c[-2]
        if type(c[2]) is Tok and c[2].type == "LPAREN":
            if body.parameters is None:
                body = attrs.evolve(body, parameters=c[3])
            elif c[3]:          # an empty `()` gives way to the param() block
                raise BuildError("A function cannot have both a parameter list after its name and "
                                 "a param() block.", "OnlyOneParameterListAllowed", c[2], c[4])
        if keyword.type == "FILTER" and body.begin is None and body.process is None:
            body = attrs.evolve(body, process=body.end, end=None)
        body = attrs.evolve(body, extent=_span(c[-3], c[-1]))
        return ast.FunctionDef(name.value, body, extent=_span(keyword, c[-1]))

    def break_stmt(self, c):
        return ast.Break(c[1].value if len(c) > 1 else None, extent=_span(c[0], c[-1]))

    def continue_stmt(self, c):
        return ast.Continue(c[1].value if len(c) > 1 else None, extent=_span(c[0], c[-1]))

    def return_stmt(self, c):
        return ast.Return(c[1] if len(c) > 1 else None, extent=_span(c[0], c[-1]))

    def throw_stmt(self, c):
        return ast.Throw(c[1] if len(c) > 1 else None, extent=_span(c[0], c[-1]))

    def exit_stmt(self, c):
        return ast.Exit(c[1] if len(c) > 1 else None, extent=_span(c[0], c[-1]))

    def assignment(self, c):
        target, op, value = c
        target = _assignable(target, op.value)
        return ast.Assignment(target, op.value, value, extent=_span(target, value))

    # --------------------------------------------------------- pipelines
    def pipeline(self, c):
        if len(c) == 1:
            return ast.Pipeline((c[0],), extent=c[0].extent)
        return ast.Pipeline(tuple(c[::2]), extent=_span(c[0], c[-1]))

    def command_expression(self, c):
        if len(c) == 1:
            return ast.CommandExpression(c[0], extent=c[0].extent)
        return ast.CommandExpression(c[0], tuple(c[1:]), extent=_span(c[0], c[-1]))

    def command(self, c):
        name_tok = c[0]
        return self._command(name_tok.value, None, c[1:], name_tok, _span(name_tok, c[-1]))

    def invoke_command(self, c):
        return self._invoked(c, "&")

    def dot_command(self, c):
        return self._invoked(c, ".")

    def _invoked(self, c, invocation: str):
        target = c[1]
        name = target.value if isinstance(target, ast.Constant) and target.bare else target
        return self._command(name, invocation, c[2:], target, _span(c[0], c[-1]))

    @staticmethod
    def _command(name, invocation, elements, name_node, extent):
        redirections = tuple(e for e in elements if isinstance(e, ast.Redirection))
        if redirections:
            elements = [e for e in elements if not isinstance(e, ast.Redirection)]
        return ast.Command(name, tuple(elements), invocation, redirections,
                           _span(name_node, name_node), extent=extent)

    def parameter(self, c):
        return ast.CommandParameter(c[0].value, extent=_span(c[0], c[0]))

    def parameter_colon(self, c):
        return ast.CommandParameter(c[0].value, c[1], extent=_span(c[0], c[1]))

    def argument(self, c):
        return ast.CommandArgument(c[0], extent=c[0].extent)

    def redirection(self, c):
        tok = c[0]
        if tok.type == "REDIRECT_MERGE":
            stream, merge_to = tok.value
            return ast.Redirection(stream, merge_to=merge_to, extent=_span(tok, tok))
        stream, append = tok.value
        return ast.Redirection(stream, append, c[1], extent=_span(tok, c[1]))

    def arg_value(self, c):
        if len(c) == 1:
            return c[0]
        elements = tuple(c[::2])
        return ast.ArrayLiteral(elements, extent=_span(elements[0], elements[-1]))

    # -------------------------------------------------------- expressions
    def expr(self, c):
        if len(c) == 1:
            return c[0]
        # The comma binds tighter than every binary operator: fold it first.
        values: list = [c[0]]
        ops: list[str] = []
        for i in range(1, len(c), 2):
            op, rhs = c[i], c[i + 1]
            if op.type == "COMMA":
                last = values[-1]
                if type(last) is list:
                    last.append(rhs)
                else:
                    values[-1] = [last, rhs]
            else:
                ops.append(op.value)
                values.append(rhs)
        values = [ast.ArrayLiteral(tuple(v), extent=_span(v[0], v[-1])) if type(v) is list else v
                  for v in values]
        if not ops:
            return values[0]
        prec = _PRECEDENCE.get
        out = [values[0]]
        pending: list[str] = []
        for op, value in zip(ops, values[1:], strict=True):
            p = prec(op, _COMPARISON)
            while pending and prec(pending[-1], _COMPARISON) >= p:
                right = out.pop()
                left = out.pop()
                out.append(ast.Binary(pending.pop(), left, right, extent=_span(left, right)))
            pending.append(op)
            out.append(value)
        while pending:
            right = out.pop()
            left = out.pop()
            out.append(ast.Binary(pending.pop(), left, right, extent=_span(left, right)))
        return out[0]

    expr_nc = expr

    def prefix_op(self, c):
        return ast.Unary(c[0].value, c[1], extent=_span(c[0], c[1]))

    def postfix_op(self, c):
        return ast.Unary(c[1].value, c[0], extent=_span(c[0], c[1]))

    def cast(self, c):
        type_lit, operand = c
        if type_lit.name.lower() == "ordered":
            if not isinstance(operand, ast.Hashtable):
                raise BuildError("The ordered attribute can be specified only on a hash literal node.",
                                 "OrderedAttributeOnlyOnHashLiteralNode", type_lit)
            return ast.Hashtable(operand.entries, True, extent=_span(type_lit, operand))
        return ast.Cast(type_lit.name, operand, extent=_span(type_lit, operand))

    def member_access(self, c):
        return ast.MemberAccess(c[0], _member(c[2]), extent=_span(c[0], c[2]))

    def invoke_member(self, c):
        return ast.InvokeMember(c[0], _member(c[2]), c[4], extent=_span(c[0], c[5]))

    def invoke_member_block(self, c):
        block = self.script_block(c[3:])
        return ast.InvokeMember(c[0], _member(c[2]), (block,), extent=_span(c[0], c[5]))

    def static_member(self, c):
        return ast.MemberAccess(c[0], _member(c[2]), True, extent=_span(c[0], c[2]))

    def invoke_static(self, c):
        return ast.InvokeMember(c[0], _member(c[2]), c[4], True, extent=_span(c[0], c[5]))

    def index(self, c):
        return ast.Index(c[0], c[2], extent=_span(c[0], c[3]))

    def call_args(self, c):
        return tuple(c[::2])

    def paren(self, c):
        return ast.Paren(c[1], extent=_span(c[0], c[2]))

    def subexpression(self, c):
        return ast.SubExpression(_block_between(c), extent=_span(c[0], c[2]))

    def array_expression(self, c):
        return ast.ArrayExpression(_block_between(c), extent=_span(c[0], c[2]))

    def hashtable(self, c):
        entries = tuple(x for x in c[1:-1] if type(x) is not Tok)
        return ast.Hashtable(entries, extent=_span(c[0], c[-1]))

    def hash_entry(self, c):
        return ast.HashEntry(c[0], c[2], extent=_span(c[0], c[2]))

    def script_block(self, c):
        body = c[1]
        if body.extent is ast.NO_EXTENT:
            body = attrs.evolve(body, extent=_span(c[0], c[2]))
        return ast.ScriptBlockExpr(body, extent=_span(c[0], c[2]))


def _member(m):
    """A member name: a plain or quoted name is a str, anything else an expression."""
    if type(m) is Tok:
        return m.value
    if isinstance(m, ast.StringLiteral):
        return m.value
    return m


def _block_between(c) -> ast.StatementBlock:
    """The statement list of `$( )` / `@( )`, its extent being the brackets."""
    return ast.StatementBlock(c[1].statements, c[1].traps, extent=_span(c[0], c[2]))


_ASSIGNABLE = (ast.Variable, ast.MemberAccess, ast.Index)
_CONSTANT_NAMES = {None: "null", True: "true", False: "false"}


def _assignable(target, op: str):
    """The target of an assignment, checked; `$null = ...` (the usual way to
    discard output) targets the variable `null`, not the constant."""
    if isinstance(target, _ASSIGNABLE):
        return target
    if isinstance(target, ast.Constant) and not target.bare and (
            target.value is None or target.value is True or target.value is False):
        return ast.Variable(_CONSTANT_NAMES[target.value], extent=target.extent)
    if isinstance(target, ast.Cast):
        operand = _assignable(target.operand, op)
        if isinstance(operand, ast.Variable):
            return ast.Cast(target.type_name, operand, extent=target.extent)
    if isinstance(target, ast.InvokeMember) and not target.static and len(target.arguments) == 1 \
            and isinstance(target.member, str) and target.member.lower() == "item":
        # `$h.Item('k') = v` sets what `$h['k']` would read.
        return ast.Index(target.target, target.arguments[0], extent=target.extent)
    if isinstance(target, ast.Paren) and isinstance(target.pipeline, ast.Pipeline) \
            and len(target.pipeline.elements) == 1 \
            and isinstance(target.pipeline.elements[0], ast.CommandExpression) \
            and not target.pipeline.elements[0].redirections:
        return _assignable(target.pipeline.elements[0].expression, op)      # `($a, $b) = ...`
    if isinstance(target, ast.ArrayLiteral) and op == "=":
        elements = tuple(_assignable(e, op) for e in target.elements)
        return ast.ArrayLiteral(elements, extent=target.extent)
    raise BuildError("The assignment expression is not valid. The input to an assignment operator "
                     "must be an object that is able to accept assignments, such as a variable or "
                     "a property.", "InvalidLeftHandSide", target)
