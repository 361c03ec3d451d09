"""`class` and `enum` definitions (about_Classes, about_Enum): members,
modifiers, constructors with `: base()`, and what is not a valid member."""
import pytest
from lang_support import first_error, tree


@pytest.mark.parametrize("text, expected", [
    ("class A { }", "(class A)"),
    ("class A {\n  [string]$Name\n  $Any = 1\n}", "(class A (prop [string] $Name) (prop $Any = 1))"),
    ("class A { static [int]$Count = 0; hidden [string]$Secret }",
     "(class A (prop static [int] $Count = 0) (prop hidden [string] $Secret))"),
    ("class A {\n  [ValidateNotNullOrEmpty()]\n  [string]\n  $Name\n}",
     "(class A (prop [ValidateNotNullOrEmpty()] [string] $Name))"),
    ("class A { [string] Hello([int]$n, $m) { return 'x' } }",
     "(class A (method [string] Hello (([int] $n) ($m)) {(return 'x')}))"),
    ("class A {\n  A() { }\n  A([string]$n) : base() { $this.N = $n }\n}",
     "(class A (ctor A () {}) (ctor A (([string] $n)) (base) {(= (. $this N) $n)}))"),
    ("class B : A {\n  B($x) : base($x, 2) { }\n  static [B] Make() { return [B]::new(1) }\n}",
     "(class B :A (ctor B (($x)) (base $x 2) {}) "
     "(method static [B] Make () {(return (scall [B] new 1))}))"),
    ("class A { [void] Run() {\n  foreach ($i in 1..2) { $i }\n}\n[int]$After }",
     "(class A (prop [int] $After) (method [void] Run () {(foreach $i (.. 1 2) {$i})}))"),
    ("class A : System.Object, IDisposable { }", "(class A :System.Object :IDisposable)"),
    ("enum Color { Red; Green = 5\n  Blue\n}", "(enum Color Red (Green 5) Blue)"),
    ("enum E {\n}", "(enum E)"),
    ("class A { }\n[A]::new()", "(class A); (scall [A] new)"),
])
def test_definitions(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, error_id", [
    ("class A { [string] A() { } }", "ConstructorCantHaveReturnType"),
    ("class A { $x; $X }", "MemberAlreadyDefined"),
    ("enum E { A; a }", "MemberAlreadyDefined"),
    ("class A { Get-Thing }", "UnexpectedToken"),
    ("class A { [int]$x", "MissingEndCurlyBrace"),
    ("enum E { 1 }", "BadNumericConstant"),
    ("class A { static }", "UnexpectedToken"),
])
def test_definition_errors(text, error_id):
    assert first_error(text)[0] == error_id
