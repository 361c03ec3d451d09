"""Statements: assignment, if, loops, switch, flow control, try/catch,
functions and param blocks, separators, continuation, comments."""
import pytest
from lang_support import tree

from hvshell.lang import ast
from hvshell.lang.parser import parse


def body(text: str) -> ast.ScriptBody:
    return parse(text).body


@pytest.mark.parametrize("text, expected", [
    ("$x = 1", "(= $x 1)"),
    ("$x += 1", "(+= $x 1)"),
    ("$x -= 1; $x *= 2; $x /= 3; $x %= 4", "(-= $x 1); (*= $x 2); (/= $x 3); (%= $x 4)"),
    ("$a.b.c = 5", "(= (. (. $a b) c) 5)"),
    ("$h['k'] += 1", "(+= (idx $h 'k') 1)"),
    ("[int]$n = '42'", "(= (cast int $n) '42')"),
    ("$a, $b = 1, 2", "(= (, $a $b) (, 1 2))"),
    ("$null = Get-VM", "(= $null (cmd Get-VM))"),
    ("$x = $y = 3", "(= $x (= $y 3))"),
    ("$x =\n  5", "(= $x 5)"),
    ("$x = if ($a) { 1 } else { 2 }", "(= $x (if ($a {1}) else {2}))"),
    ("$x = foreach ($i in 1,2) { $i }", "(= $x (foreach $i (, 1 2) {$i}))"),
    ("$x = Get-VM | Where Name -like 'w*'", "(= $x (| (cmd Get-VM) (cmd Where w:Name -like 'w*')))"),
    ("$env:Path = 'x'", "(= $env:Path 'x')"),
])
def test_assignment(text, expected):
    assert tree(text) == expected


def test_assignment_to_null_discards_through_the_variable():
    [statement] = body("$null = 1").end.statements
    assert statement.target == ast.Variable("null")


@pytest.mark.parametrize("text, expected", [
    ("if ($a) { 1 }", "(if ($a {1}))"),
    ("if ($a) { 1 } elseif ($b) { 2 } elseif ($c) { 3 } else { 4 }",
     "(if ($a {1}) ($b {2}) ($c {3}) else {4})"),
    ("if ($a)\n{\n  1\n}\nelseif ($b)\n{\n  2\n}\nelse\n{\n  3\n}", "(if ($a {1}) ($b {2}) else {3})"),
    ("if ($a) {\n} else {\n}", "(if ($a {}) else {})"),
    ("if ($x = Get-VM) { $x }", "(if ((= $x (cmd Get-VM)) {$x}))"),
    ("if (Test-Path x) { 1 }", "(if ((cmd Test-Path w:x) {1}))"),
    ("if ($a -and\n    $b) { 1 }", "(if ((-and $a $b) {1}))"),
])
def test_if(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("foreach ($vm in $vms) { $vm }", "(foreach $vm $vms {$vm})"),
    ("foreach ($vm in Get-VM) { }", "(foreach $vm (cmd Get-VM) {})"),
    ("foreach ($i in 1..3)\n{\n  $i\n}", "(foreach $i (.. 1 3) {$i})"),
    ("for ($i = 0; $i -lt 10; $i++) { $i }", "(for (= $i 0) (-lt $i 10) (post++ $i) {$i})"),
    ("for (;;) { break }", "(for _ _ _ {(break)})"),
    ("for ($i = 0; $i -lt 3) { }", "(for (= $i 0) (-lt $i 3) _ {})"),
    ("for ($i = 0;\n     $i -lt 3;\n     $i++) { }", "(for (= $i 0) (-lt $i 3) (post++ $i) {})"),
    ("while ($true) { break }", "(while $true {(break)})"),
    ("do { $i++ } while ($i -lt 3)", "(do-while {(post++ $i)} (-lt $i 3))"),
    ("do { $i-- } until ($i -le 0)", "(do-until {(post-- $i)} (-le $i 0))"),
    ("do {\n  $i++\n}\nwhile ($i -lt 3)", "(do-while {(post++ $i)} (-lt $i 3))"),
    (":outer foreach ($a in 1,2) { :inner while (1) { break outer; continue inner } }",
     "(foreach :outer $a (, 1 2) {(while :inner 1 {(break outer); (continue inner)})})"),
    (":l\nfor (;;) { continue :l }", "(for :l _ _ _ {(continue l)})"),
])
def test_loops(text, expected):
    assert tree(text) == expected


def test_label_is_kept_on_the_loop():
    [loop] = body(":outer foreach ($x in $y) { }").end.statements
    assert isinstance(loop, ast.Foreach) and loop.label == "outer" and loop.variable == "x"


@pytest.mark.parametrize("text, expected", [
    ("switch ($x) { 1 { 'one' } 2 { 'two' } default { 'other' } }",
     "(switch exact $x (1 {'one'}) (2 {'two'}) (default {'other'}))"),
    ("switch -Regex ($n) {\n  '^web' { 'web'; break }\n  { $_ -like 'db*' } { 'db' }\n}",
     "(switch regex $n ('^web' {'web'; (break)}) ({(-like $_ 'db*')} {'db'}))"),
    ("switch -wildcard -casesensitive ($x) { 'a*' { 1 } }",
     "(switch wildcard casesensitive $x ('a*' {1}))"),
    ("switch -exact ($x) { web01 { 1 }; $y { 2 }\n (1 + 1) { 3 } }",
     "(switch exact $x (w:web01 {1}) ($y {2}) ((paren (+ 1 1)) {3}))"),
    ("switch ($x)\n{\n  'a'\n  {\n    1\n  }\n  Default { 2 }\n}", "(switch exact $x ('a' {1}) (default {2}))"),
    ("switch ($vm.State) { Running { 1 } }", "(switch exact (. $vm State) (w:Running {1}))"),
    ("switch ($x) { $y.Name { 1 } }", "(switch exact $x ((. $y Name) {1}))"),
    (":s switch (1) { 1 { break s } }", "(switch :s exact 1 (1 {(break s)}))"),
    ("switch ($x) { }", "(switch exact $x)"),
])
def test_switch(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("try { 1 } catch { 2 }", "(try {1} (catch {2}))"),
    ("try { 1 } finally { 3 }", "(try {1} (finally {3}))"),
    ("try { 1 }\ncatch [System.IO.IOException], [System.Exception] { 2 }\ncatch { 3 }\nfinally { 4 }",
     "(try {1} (catch [System.IO.IOException][System.Exception] {2}) (catch {3}) (finally {4}))"),
    ("try\n{\n  1\n}\ncatch\n{\n  $_.Exception.Message\n}",
     "(try {1} (catch {(. (. $_ Exception) Message)}))"),
    ("throw", "(throw)"),
    ("throw 'bad'", "(throw 'bad')"),
    ("throw \"bad $x\"", "(throw (str 'bad ' $x))"),
    ("return", "(return)"),
    ("return $x + 1", "(return (+ $x 1))"),
    ("return Get-VM", "(return (cmd Get-VM))"),
    ("exit", "(exit)"),
    ("exit 1", "(exit 1)"),
    ("break", "(break)"),
    ("continue", "(continue)"),
    ("if ($a) { return }\n1", "(if ($a {(return)})); 1"),
])
def test_try_and_flow(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("function f { 1 }", "(function f {1})"),
    ("function Get-Thing($a, [int]$b = 5) { $a + $b }",
     "(function Get-Thing {(param ($a) ([int] $b = 5)) (+ $a $b)})"),
    ("function f() { }", "(function f {(param)})"),
    ("function global:Get-X { }", "(function global:Get-X {})"),
    ("function f\n{\n  param($x)\n  $x\n}", "(function f {(param ($x)) $x})"),
    ("function f { param($x) begin { 0 } process { $_ } end { 1 } }",
     "(function f {(param ($x)) begin {0} process {$_} end {1}})"),
    ("filter Double { $_ * 2 }", "(function Double {process {(* $_ 2)}})"),
    ("function f { } function g { }", "(function f {}); (function g {})"),
])
def test_functions(text, expected):
    assert tree(text) == expected


def test_advanced_function_parameters():
    text = """function Move-Things {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact='High')]
    param(
        [Parameter(Mandatory, Position=0, ValueFromPipeline=$true)]
        [ValidateSet('HV01', 'HV02')]
        [Alias('CN')]
        [string[]]$ComputerName,

        [ValidateRange(1, 64)]
        [int]
        $Count = 2,
        [ValidateScript({ $_ -gt 0 })] $Other,
        [switch]$Force
    )
    process { $ComputerName }
}"""
    [function] = body(text).end.statements
    assert isinstance(function, ast.FunctionDef) and function.name == "Move-Things"
    b = function.body
    assert b.attributes == (ast.Attribute("CmdletBinding", (), (
        ("SupportsShouldProcess", ast.Constant(True)), ("ConfirmImpact", ast.StringLiteral("High")))),)
    names = [p.name for p in b.parameters]
    assert names == ["ComputerName", "Count", "Other", "Force"]
    computer, count, other, force = b.parameters
    assert computer.type_name == "string[]"
    assert [a.name for a in computer.attributes] == ["Parameter", "ValidateSet", "Alias"]
    assert computer.attributes[0].named == (
        ("Mandatory", ast.Constant(True)), ("Position", ast.Constant(0)),
        ("ValueFromPipeline", ast.Constant(True)))
    assert computer.attributes[1].positional == (ast.StringLiteral("HV01"), ast.StringLiteral("HV02"))
    assert count.type_name == "int" and count.default == ast.Constant(2)
    assert count.attributes[0].positional == (ast.Constant(1), ast.Constant(64))
    assert isinstance(other.attributes[0].positional[0], ast.ScriptBlockExpr) and other.type_name is None
    assert force.type_name == "switch" and force.default is None
    assert b.process is not None and b.end is None


def test_script_param_block():
    text = "# header\n\n[CmdletBinding()]\nparam([string]$Name = 'x')\n\nWrite-Output $Name\n"
    b = body(text)
    assert [a.name for a in b.attributes] == ["CmdletBinding"]
    assert b.parameters == (ast.ParameterDecl("Name", "string", ast.StringLiteral("x")),)
    assert len(b.end.statements) == 1


def test_script_without_param_has_none():
    assert body("1").parameters is None
    assert body("param()").parameters == ()


@pytest.mark.parametrize("text, expected", [
    ("1; 2", "1; 2"),
    ("1\n2", "1; 2"),
    ("1;;\n\n;2;", "1; 2"),
    ("\n\n1\n\n", "1"),
    ("if (1) { } 2", "(if (1 {})); 2"),
    ("Get-VM # comment\n1", "(cmd Get-VM); 1"),
    ("<# block\n comment #> 1", "1"),
    ("Get-VM <# inline #> -Name x", "(cmd Get-VM -Name w:x)"),
    ("1 +\n  2", "(+ 1 2)"),
    ("1 `\n + 2", "(+ 1 2)"),
    ("$a = 1,\n 2", "(= $a (, 1 2))"),
    ("$o.M(1,\n 2)", "(call $o M 1 2)"),
    ("(\n  1 + 2\n)", "(paren (+ 1 2))"),
    ("\ufeff1", "1"),
    ("1\r\n2\r\n", "1; 2"),
    ("", ""),
    ("   \n\t# only a comment\n", ""),
])
def test_separators_comments_and_continuation(text, expected):
    assert tree(text) == expected


def test_statement_extents_and_lines():
    statements = body("Get-VM\n\n  $x = 1 +\n    2\nStop-VM").end.statements
    assert [(s.extent.line, s.extent.column) for s in statements] == [(1, 1), (3, 3), (5, 1)]
    assert statements[1].extent.end == len("Get-VM\n\n  $x = 1 +\n    2")


def test_script_keeps_its_source():
    script = parse("1", "a.hvps")
    assert script.source == ast.Source("1", "a.hvps")
def test_assignment_to_a_member_of_a_parenthesised_command():
    from hvshell.lang import ast
    from hvshell.lang.parser import parse
    statement = parse("(Get-ClusterGroup WEB01).AntiAffinityClassNames = 'SQL'").body.end.statements[0]
    assert isinstance(statement, ast.Assignment)
    assert isinstance(statement.target, ast.MemberAccess)
    assert statement.target.member == "AntiAffinityClassNames"
