"""The abstract syntax tree of hvshell's PowerShell subset.

The parser (`hvshell.lang.parser`) turns source text into these nodes; the
interpreter (`hvshell.runtime.interpreter`) walks them.  Every node keeps its
`extent` so that errors can name the line and column and underline the text.
Nodes are frozen: a parsed script can be cached and shared.
"""
from __future__ import annotations

import functools
from typing import Any

import attrs


@attrs.frozen(slots=True)
class Extent:
    """Where a node sits in its source: offsets into `Source.text` and the
    1-based line and column of its start."""
    start: int
    end: int
    line: int
    column: int


@attrs.frozen(slots=True)
class Source:
    """A unit of parsed text: a script file, a command line or REPL input."""
    text: str
    path: str | None = None     # None for interactive or -c input

    def line_text(self, line: int) -> str:
        lines = self.text.split("\n")
        return lines[line - 1].rstrip("\r") if 0 < line <= len(lines) else ""


NO_EXTENT = Extent(0, 0, 1, 1)

# Nodes are built by the dozen when hvshell starts, and attrs' generated
# __repr__ is a third of what each costs there: they share one instead.
node = functools.partial(attrs.frozen, slots=True, repr=False)


@node
class Node:
    extent: Extent = attrs.field(kw_only=True, default=NO_EXTENT, eq=False)

    def __repr__(self) -> str:
        fields = ", ".join(f"{a.name}={getattr(self, a.name)!r}"
                           for a in attrs.fields(type(self)) if a.repr)
        return f"{type(self).__qualname__}({fields})"


# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------

@node
class Constant(Node):
    """A number, `$true`/`$false`/`$null`, or a bare word in argument mode
    (`bare=True`: it is a string, and a command argument may be a path)."""
    value: Any
    bare: bool = False


@node
class StringLiteral(Node):
    """A single-quoted string or `@' '@` here-string: no expansion."""
    value: str


@node
class ExpandableString(Node):
    """A double-quoted string, `@" "@` here-string, or an argument-mode word
    with variables in it.  Parts are literal text (escapes already applied)
    or expressions (`Variable` for `$x`/`${x}`, `SubExpression` for `$(...)`)
    whose values are converted to text and joined."""
    parts: tuple[str | "Expr", ...]


@node
class Variable(Node):
    """`$name`, `${name}`, `$scope:name` (`env:`, `global:`, `script:`,
    `local:`, `private:`); `name` excludes the scope."""
    name: str
    scope: str | None = None


@node
class SplatVariable(Node):
    """`@name` as a command argument."""
    name: str


@node
class TypeLiteral(Node):
    """`[int]`, `[string[]]`, `[System.Math]` as a value."""
    name: str


@node
class Cast(Node):
    """`[type] operand`."""
    type_name: str
    operand: "Expr"


@node
class MemberAccess(Node):
    """`obj.Name`, `obj.$name`, `obj.'quoted'`, `[type]::Name` (static)."""
    target: "Expr"
    member: "str | Expr"
    static: bool = False


@node
class InvokeMember(Node):
    """`obj.Method(args)`, `[type]::Method(args)`."""
    target: "Expr"
    member: "str | Expr"
    arguments: tuple["Expr", ...]
    static: bool = False


@node
class Index(Node):
    """`obj[index]`; the index may be an array or a range."""
    target: "Expr"
    index: "Expr"


@node
class Unary(Node):
    """Prefix operators: `-not`, `!`, `-`, `+`, `-bnot`, `,` (one-element
    array), `++`, `--`, unary `-split` and `-join`; and postfix `++`/`--`
    as ops `'post++'`/`'post--'`.  Operator names are lower case."""
    op: str
    operand: "Expr"


@node
class Binary(Node):
    """Binary operators, op in lower case: `+ - * / %`, `..`, `-f`, every
    comparison (`-eq`, `-ceq`, `-ieq`, `-like`, `-match`, `-contains`, `-in`,
    `-replace`, `-split`, `-join`, `-is`, `-isnot`, `-as` and their c/i
    forms), `-and -or -xor`, `-band -bor -bxor -shl -shr`."""
    op: str
    left: "Expr"
    right: "Expr"


@node
class ArrayLiteral(Node):
    """`a, b, c` (the comma operator)."""
    elements: tuple["Expr", ...]


@node
class ArrayExpression(Node):
    """`@( statements )`: always an array."""
    body: "StatementBlock"


@node
class SubExpression(Node):
    """`$( statements )`."""
    body: "StatementBlock"


@node
class Paren(Node):
    """`( pipeline )`: one pipeline or assignment; its value is the
    pipeline's output (a scalar when exactly one object)."""
    pipeline: "Statement"


@node
class HashEntry(Node):
    key: "Expr"          # bare-word keys arrive as StringLiteral
    value: "Statement"


@node
class Hashtable(Node):
    """`@{ k = v; ... }`; `ordered` when written `[ordered]@{}`."""
    entries: tuple[HashEntry, ...]
    ordered: bool = False


@node
class ScriptBlockExpr(Node):
    """`{ ... }` as a value; also the body of functions and scripts."""
    body: "ScriptBody"


Expr = Any  # any node above; kept loose so that forward references stay simple


# --------------------------------------------------------------------------
# Commands and pipelines
# --------------------------------------------------------------------------

@node
class CommandParameter(Node):
    """`-Name`, `-Name:value` (colon form binds `argument`), or `-Name value`
    (the value arrives as the next `CommandArgument`; the binder pairs them)."""
    name: str
    argument: Expr | None = None


@node
class CommandArgument(Node):
    value: Expr


@node
class Redirection(Node):
    """`2>&1`, `> file`, `>> file`, `2>$null`, `*>&1`.  `stream` is '1', '2',
    ... or '*'; `target` is a file-name expression or None for merging
    into `merge_to`."""
    stream: str
    append: bool = False
    target: Expr | None = None
    merge_to: str | None = None


@node
class Command(Node):
    """A command invocation.  `name` is a str for a plain command word, or an
    expression after `&` / `.` (`invocation` is '&' or '.')."""
    name: "str | Expr"
    elements: tuple[CommandParameter | CommandArgument | SplatVariable, ...]
    invocation: str | None = None
    redirections: tuple[Redirection, ...] = ()
    name_extent: Extent = attrs.field(default=NO_EXTENT, eq=False)


@node
class CommandExpression(Node):
    """An expression standing as a pipeline element (only the first one)."""
    expression: Expr
    redirections: tuple[Redirection, ...] = ()


@node
class Pipeline(Node):
    elements: tuple[Command | CommandExpression, ...]


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------

@node
class Assignment(Node):
    """`target op value`, op one of `= += -= *= /= %=`.  Target is a
    Variable, MemberAccess, Index, or a Cast around a Variable
    (`[int]$x = ...`) or an ArrayLiteral of variables (`$a, $b = ...`)."""
    target: Expr
    op: str
    value: "Statement"


@node
class StatementBlock(Node):
    """Statements in order; the block's `trap` statements are kept apart
    (a trap covers its whole block, wherever it is written)."""
    statements: tuple["Statement", ...]
    traps: tuple["Trap", ...] = ()


@node
class IfClause(Node):
    condition: "Statement"
    body: StatementBlock


@node
class If(Node):
    clauses: tuple[IfClause, ...]        # if, then each elseif
    else_body: StatementBlock | None = None


@node
class While(Node):
    condition: "Statement"
    body: StatementBlock
    label: str | None = None


@node
class DoLoop(Node):
    """`do {} while (c)` (until=False) or `do {} until (c)` (until=True)."""
    body: StatementBlock
    condition: "Statement"
    until: bool
    label: str | None = None


@node
class For(Node):
    init: "Statement | None"
    condition: "Statement | None"
    iterator: "Statement | None"
    body: StatementBlock
    label: str | None = None


@node
class Foreach(Node):
    variable: str
    iterable: "Statement"
    body: StatementBlock
    label: str | None = None


@node
class SwitchClause(Node):
    """`pattern { body }`; pattern is an expression, a ScriptBlockExpr
    (a condition), or None for `default`."""
    pattern: Expr | None
    body: StatementBlock


@node
class Switch(Node):
    value: "Statement"
    clauses: tuple[SwitchClause, ...]
    mode: str = "exact"                  # exact | wildcard | regex
    case_sensitive: bool = False
    label: str | None = None


@node
class Break(Node):
    label: str | None = None


@node
class Continue(Node):
    label: str | None = None


@node
class Return(Node):
    value: "Statement | None" = None


@node
class Throw(Node):
    value: "Statement | None" = None


@node
class Exit(Node):
    value: "Statement | None" = None


@node
class CatchClause(Node):
    types: tuple[str, ...]               # empty: catches everything
    body: StatementBlock


@node
class Try(Node):
    body: StatementBlock
    catches: tuple[CatchClause, ...]
    finally_body: StatementBlock | None = None


@node
class Trap(Node):
    """`trap [Type] { body }`: runs when a terminating error of that type
    (any, without one) reaches its block; `continue` in the body resumes
    after the failing statement, `break` passes the error on."""
    types: tuple[str, ...]
    body: StatementBlock


@node
class DataSection(Node):
    """`data [Name] [-SupportedCommand ...] { body }`: a block of the
    restricted language (checked by the parser) whose output is the
    statement's value, or is stored in `$Name`."""
    variable: str | None
    commands: tuple[str, ...]
    body: StatementBlock


@node
class UsingStatement(Node):
    """`using namespace|module|assembly Name` at the top of a script."""
    kind: str
    name: str


@node
class Attribute(Node):
    """`[Parameter(Mandatory, Position=0)]`, `[ValidateSet('a','b')]`,
    `[Alias('x')]`, `[CmdletBinding(SupportsShouldProcess)]`.  Positional
    arguments are expressions; named arguments map a name to an expression
    (a bare `Mandatory` maps to Constant(True))."""
    name: str
    positional: tuple[Expr, ...] = ()
    named: tuple[tuple[str, Expr], ...] = ()


@node
class ParameterDecl(Node):
    """One parameter of a `param()` block or `function f($a, $b)`."""
    name: str
    type_name: str | None = None         # from `[int]$x`; None = untyped
    default: Expr | None = None
    attributes: tuple[Attribute, ...] = ()


@node
class ScriptBody(Node):
    """A script, function or script block body.  A body without named
    blocks puts its statements in `end`."""
    parameters: tuple[ParameterDecl, ...] | None = None   # None: no param()
    attributes: tuple[Attribute, ...] = ()                # on param(): [CmdletBinding()]
    begin: StatementBlock | None = None
    process: StatementBlock | None = None
    end: StatementBlock | None = None
    dynamicparam: StatementBlock | None = None
    usings: tuple[UsingStatement, ...] = ()               # a script's own


@node
class FunctionDef(Node):
    """`function name(params) { body }` or `filter name { body }` (a filter's
    body is its process block)."""
    name: str
    body: ScriptBody


@node
class ClassProperty(Node):
    """`[hidden] [static] [Type] $Name [= value]` in a class."""
    name: str
    type_name: str | None = None
    default: Expr | None = None
    static: bool = False
    hidden: bool = False
    attributes: tuple[Attribute, ...] = ()


@node
class ClassMethod(Node):
    """A method (`[static] [Type] Name(params) { }`) or a constructor
    (`Name(params) [: base(args)] { }`, named after its class); its body's
    output is dropped, `return` gives its value."""
    name: str
    return_type: str | None
    parameters: tuple[ParameterDecl, ...]
    body: StatementBlock
    static: bool = False
    hidden: bool = False
    constructor: bool = False
    base_arguments: tuple[Expr, ...] | None = None       # `: base(args)`


@node
class ClassDef(Node):
    """`class Name [: Base] { members }`."""
    name: str
    bases: tuple[str, ...]
    properties: tuple[ClassProperty, ...]
    methods: tuple[ClassMethod, ...]


@node
class EnumMember(Node):
    name: str
    value: Expr | None = None


@node
class EnumDef(Node):
    """`enum Name { Label [= value] ... }`."""
    name: str
    members: tuple[EnumMember, ...]


Statement = Any  # Pipeline, Assignment, If, ... FunctionDef, ClassDef


@node
class Script(Node):
    """A parsed unit: the top-level body and its source."""
    body: ScriptBody
    source: Source
