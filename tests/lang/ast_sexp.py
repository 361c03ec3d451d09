"""A compact S-expression rendering of the AST, so tests state tree shapes
in one line: `sexp(parse("1 + 2 * 3"))` is `(+ 1 (* 2 3))`.

Leaves: numbers as themselves, `'text'` for strings, `w:text` for
argument-mode bare words, `$name` / `$scope:name` for variables, `@name` for
splats, `[type]` for type literals, `$true $false $null` for those
constants.  A one-element pipeline shows as its element, a statement block
as `{s1; s2}`, a script as its statements joined by `; `.
"""
from __future__ import annotations

from hvshell.lang import ast


def sexp(node) -> str:
    return _S[type(node)](node)


def _all(nodes) -> str:
    return " ".join(sexp(n) for n in nodes)


def _constant(n: ast.Constant) -> str:
    if n.bare:
        return f"w:{n.value}"
    if n.value is None:
        return "$null"
    if n.value is True:
        return "$true"
    if n.value is False:
        return "$false"
    return repr(n.value)


def _variable(n: ast.Variable) -> str:
    return f"${n.scope}:{n.name}" if n.scope else f"${n.name}"


def _expandable(n: ast.ExpandableString) -> str:
    parts = [repr(p) if isinstance(p, str) else sexp(p) for p in n.parts]
    return f"(str {' '.join(parts)})"


def _member(m) -> str:
    return m if isinstance(m, str) else sexp(m)


def _block(n: ast.StatementBlock) -> str:
    return "{" + "; ".join(sexp(s) for s in n.traps + n.statements) + "}"


def _body(n: ast.ScriptBody) -> str:
    parts = [f"(using {u.kind} {u.name})" for u in n.usings]
    if n.attributes:
        parts.append(_all(n.attributes))
    if n.parameters is not None:
        parts.append("(param " + _all(n.parameters) + ")" if n.parameters else "(param)")
    for name in ("dynamicparam", "begin", "process"):
        block = getattr(n, name)
        if block is not None:
            parts.append(f"{name} {_block(block)}")
    if n.end is not None:
        if n.begin is None and n.process is None and n.dynamicparam is None:
            parts.append(_block(n.end)[1:-1])
        else:
            parts.append(f"end {_block(n.end)}")
    return " ".join(p for p in parts if p)


def _command(n: ast.Command) -> str:
    name = n.name if isinstance(n.name, str) else sexp(n.name)
    head = f"({n.invocation} {name}" if n.invocation else f"(cmd {name}"
    items = [head] + [sexp(e) for e in n.elements] + [sexp(r) for r in n.redirections]
    return " ".join(items) + ")"


def _parameter(n: ast.CommandParameter) -> str:
    return f"-{n.name}" if n.argument is None else f"-{n.name}:{sexp(n.argument)}"


def _redirection(n: ast.Redirection) -> str:
    if n.merge_to is not None:
        return f"{n.stream}>&{n.merge_to}"
    return f"({n.stream}{'>>' if n.append else '>'} {sexp(n.target)})"


def _command_expression(n: ast.CommandExpression) -> str:
    if n.redirections:
        return f"(redirect {sexp(n.expression)} {_all(n.redirections)})"
    return sexp(n.expression)


def _pipeline(n: ast.Pipeline) -> str:
    if len(n.elements) == 1:
        return sexp(n.elements[0])
    return f"(| {_all(n.elements)})"


def _labelled(word: str, n, rest: str) -> str:
    return f"({word}{' :' + n.label if n.label else ''} {rest})"


def _if(n: ast.If) -> str:
    clauses = " ".join(f"({sexp(c.condition)} {_block(c.body)})" for c in n.clauses)
    tail = f" else {_block(n.else_body)}" if n.else_body is not None else ""
    return f"(if {clauses}{tail})"


def _opt(x) -> str:
    return "_" if x is None else sexp(x)


def _switch(n: ast.Switch) -> str:
    flags = n.mode + (" casesensitive" if n.case_sensitive else "")
    clauses = " ".join(f"({'default' if c.pattern is None else sexp(c.pattern)} {_block(c.body)})"
                       for c in n.clauses)
    return _labelled("switch", n, f"{flags} {sexp(n.value)} {clauses}".rstrip())


def _try(n: ast.Try) -> str:
    parts = [f"(try {_block(n.body)}"]
    for c in n.catches:
        types = "".join(f"[{t}]" for t in c.types)
        parts.append(f"(catch{' ' + types if types else ''} {_block(c.body)})")
    if n.finally_body is not None:
        parts.append(f"(finally {_block(n.finally_body)})")
    return " ".join(parts) + ")"


def _attribute(n: ast.Attribute) -> str:
    args = [sexp(a) for a in n.positional] + [f"{k}={sexp(v)}" for k, v in n.named]
    return f"[{n.name}({', '.join(args)})]"


def _parameter_decl(n: ast.ParameterDecl) -> str:
    parts = [_all(n.attributes)] if n.attributes else []
    if n.type_name:
        parts.append(f"[{n.type_name}]")
    parts.append(f"${n.name}")
    if n.default is not None:
        parts.append(f"= {sexp(n.default)}")
    return "(" + " ".join(parts) + ")"


def _flow(word: str):
    def render(n) -> str:
        value = getattr(n, "value", None)
        label = getattr(n, "label", None)
        arg = sexp(value) if value is not None else label
        return f"({word} {arg})" if arg is not None else f"({word})"
    return render


def _class_property(n: ast.ClassProperty) -> str:
    parts = [_all(n.attributes)] if n.attributes else []
    parts += [m for m, on in (("static", n.static), ("hidden", n.hidden)) if on]
    if n.type_name:
        parts.append(f"[{n.type_name}]")
    parts.append(f"${n.name}")
    if n.default is not None:
        parts.append(f"= {sexp(n.default)}")
    return "(prop " + " ".join(parts) + ")"


def _class_method(n: ast.ClassMethod) -> str:
    parts = ["ctor" if n.constructor else "method"]
    parts += [m for m, on in (("static", n.static), ("hidden", n.hidden)) if on]
    if n.return_type:
        parts.append(f"[{n.return_type}]")
    parts.append(n.name)
    parts.append("(" + _all(n.parameters) + ")")
    if n.base_arguments is not None:
        parts.append("(base " + _all(n.base_arguments) + ")".replace(" )", ")"))
    parts.append(_block(n.body))
    return "(" + " ".join(parts) + ")"


def _class(n: ast.ClassDef) -> str:
    bases = "".join(f" :{b}" for b in n.bases)
    members = " ".join([_class_property(p) for p in n.properties] + [_class_method(m) for m in n.methods])
    return f"(class {n.name}{bases} {members})".replace(" )", ")")


def _enum(n: ast.EnumDef) -> str:
    members = " ".join(m.name if m.value is None else f"({m.name} {sexp(m.value)})" for m in n.members)
    return f"(enum {n.name} {members})".replace(" )", ")")


_S = {
    ast.Constant: _constant,
    ast.StringLiteral: lambda n: repr(n.value),
    ast.ExpandableString: _expandable,
    ast.Variable: _variable,
    ast.SplatVariable: lambda n: f"@{n.name}",
    ast.TypeLiteral: lambda n: f"[{n.name}]",
    ast.Cast: lambda n: f"(cast {n.type_name} {sexp(n.operand)})",
    ast.MemberAccess: lambda n: f"({'::' if n.static else '.'} {sexp(n.target)} {_member(n.member)})",
    ast.InvokeMember: lambda n: "({} {} {}{})".format(
        "scall" if n.static else "call", sexp(n.target), _member(n.member),
        "".join(" " + sexp(a) for a in n.arguments)),
    ast.Index: lambda n: f"(idx {sexp(n.target)} {sexp(n.index)})",
    ast.Unary: lambda n: f"({n.op} {sexp(n.operand)})",
    ast.Binary: lambda n: f"({n.op} {sexp(n.left)} {sexp(n.right)})",
    ast.ArrayLiteral: lambda n: f"(, {_all(n.elements)})",
    ast.ArrayExpression: lambda n: f"(@ {_block(n.body)})",
    ast.SubExpression: lambda n: f"($ {_block(n.body)})",
    ast.Paren: lambda n: f"(paren {sexp(n.pipeline)})",
    ast.HashEntry: lambda n: f"({sexp(n.key)} {sexp(n.value)})",
    ast.Hashtable: lambda n: f"({'ordered' if n.ordered else '@{'} {_all(n.entries)})".replace(" )", ")"),
    ast.ScriptBlockExpr: lambda n: "{" + _body(n.body) + "}",
    ast.CommandParameter: _parameter,
    ast.CommandArgument: lambda n: sexp(n.value),
    ast.Redirection: _redirection,
    ast.Command: _command,
    ast.CommandExpression: _command_expression,
    ast.Pipeline: _pipeline,
    ast.Assignment: lambda n: f"({n.op} {sexp(n.target)} {sexp(n.value)})",
    ast.StatementBlock: _block,
    ast.If: _if,
    ast.While: lambda n: _labelled("while", n, f"{sexp(n.condition)} {_block(n.body)}"),
    ast.DoLoop: lambda n: _labelled("do-until" if n.until else "do-while", n,
                                    f"{_block(n.body)} {sexp(n.condition)}"),
    ast.For: lambda n: _labelled("for", n, f"{_opt(n.init)} {_opt(n.condition)} {_opt(n.iterator)} "
                                           f"{_block(n.body)}"),
    ast.Foreach: lambda n: _labelled("foreach", n, f"${n.variable} {sexp(n.iterable)} {_block(n.body)}"),
    ast.Switch: _switch,
    ast.Break: _flow("break"),
    ast.Continue: _flow("continue"),
    ast.Return: _flow("return"),
    ast.Throw: _flow("throw"),
    ast.Exit: _flow("exit"),
    ast.Try: _try,
    ast.Trap: lambda n: "(trap {}{})".format("".join(f"[{t}] " for t in n.types), _block(n.body)),
    ast.DataSection: lambda n: "(data{}{} {})".format(
        f" {n.variable}" if n.variable else "", "".join(f" -{c}" for c in n.commands),
        _block(n.body)),
    ast.ClassDef: _class,
    ast.EnumDef: _enum,
    ast.Attribute: _attribute,
    ast.ParameterDecl: _parameter_decl,
    ast.ScriptBody: _body,
    ast.FunctionDef: lambda n: f"(function {n.name} {{{_body(n.body)}}})",
    ast.Script: lambda n: _body(n.body),
}
