"""Expressions: literals, variables, operators and their precedence, arrays,
hashtables, casts, members, indexing, script blocks."""
from decimal import Decimal

import pytest
from lang_support import tree

from hvshell.lang import ast
from hvshell.pstypes.numbers import Long
from hvshell.lang.parser import parse


def value(text: str):
    """The expression of a one-expression script."""
    [statement] = parse(text).body.end.statements
    [element] = statement.elements
    return element.expression


@pytest.mark.parametrize("text, expected", [
    ("42", 42), ("0x1F", 31), ("0XFF", 255), ("1l", Long(1)), ("1.5", 1.5), (".5", 0.5), ("1e3", 1000.0),
    ("1kb", 1024), ("1KB", 1024), ("1Mb", 1 << 20), ("10GB", 10 << 30), ("2tb", 2 << 40),
    ("1pb", 1 << 50), ("1.5GB", 1.5 * (1 << 30)), ("-5", -5), ("-0x10", -16),
    ("0xFFFFFFFF", -1), ("3000000000", 3000000000), ("482gb", 482 << 30), ("100lgb", 100 << 30),
])
def test_numbers(text, expected):
    node = value(text)
    assert isinstance(node, ast.Constant) and not node.bare
    assert node.value == expected and type(node.value) is type(expected)


def test_decimal_suffix_and_large_int_to_double():
    assert value("1.25d").value == Decimal("1.25")
    assert value("99999999999999999999").value == 1e20


def test_number_with_multiplier_is_double_when_real():
    assert isinstance(value("1.5GB").value, float)
    assert isinstance(value("1gb").value, int)


@pytest.mark.parametrize("text, expected", [
    ("'it''s'", "\"it's\""),
    ("'no $expansion `n'", "'no $expansion `n'"),
    ('"a""b"', "'a\"b'"),
    ('"tab`there `$x `""', "'tab\\there $x \"'"),
    ('"`0`a`b`e`f`n`r`t`v"', repr("\0\a\b\x1b\f\n\r\t\v")),
    ('"`u{263A}"', repr("\u263a")),
    ("\u2018smart\u2019", "'smart'"),
    ('"plain"', "'plain'"),
])
def test_string_literals(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ('"a $b c"', "(str 'a ' $b ' c')"),
    ('"$vm.Name"', "(str $vm '.Name')"),                 # only `$vm` expands
    ('"$a[0]"', "(str $a '[0]')"),
    ('"${a b}!"', "(str $a b '!')"),
    ('"$env:COMPUTERNAME"', "(str $env:COMPUTERNAME)"),
    ('"$($vm.Name) x"', "(str ($ {(. $vm Name)}) ' x')"),
    ('"$(Get-Date; 1)"', "(str ($ {(cmd Get-Date); 1}))"),
    ('"$("inner $x")"', "(str ($ {(str 'inner ' $x)}))"),
    ('"cost: $ 5"', "'cost: $ 5'"),
    ('"$true"', "(str $true)"),
    ("\u201cdq $x\u201d", "(str 'dq ' $x)"),
])
def test_expandable_strings(text, expected):
    assert tree(text) == expected


def test_expansion_extents_point_into_the_string():
    node = value('"ab $x"')
    variable = node.parts[1]
    assert (variable.extent.start, variable.extent.end, variable.extent.column) == (4, 6, 5)


def test_here_strings():
    assert tree('@"\nLine $a\n  "quoted" $($b + 1)\n"@') == \
        "(str 'Line ' $a '\\n  \"quoted\" ' ($ {(+ $b 1)}))"
    assert tree("@'\nno $x\n'@") == "'no $x'"
    assert tree('@"\n"@') == "''"
    assert tree("@'\r\nwindows\r\n'@") == "'windows'"


@pytest.mark.parametrize("text, expected", [
    ("$x", "$x"), ("$_", "$_"), ("$PSItem", "$PSItem"), ("$args", "$args"), ("$?", "$?"),
    ("$env:COMPUTERNAME", "$env:COMPUTERNAME"), ("$Script:x", "$script:x"), ("${env:Path}", "$env:Path"),
    ("$true", "$true"), ("$FALSE", "$false"), ("$null", "$null"),
])
def test_variables(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"),
    ("10 - 4 - 3", "(- (- 10 4) 3)"),
    ("8 / 4 % 3", "(% (/ 8 4) 3)"),
    ("1,2 + 3", "(+ (, 1 2) 3)"),                           # the comma binds tighter
    ("'{0}' -f 1 + 2", "(+ (-f '{0}' 1) 2)"),
    ("'{0}{1}' -f 1, 2", "(-f '{0}{1}' (, 1 2))"),
    ("1..3 + 4", "(+ (.. 1 3) 4)"),
    ("-2..2", "(.. -2 2)"),
    ("$a -1", "(- $a 1)"),
    ("$a - -1", "(- $a -1)"),
    ("- $a", "(- $a)"),
    ("$a -eq 1 -or $b -and $c", "(-and (-or (-eq $a 1) $b) $c)"),  # -and/-or: equal, left to right
    ("$a -and $b -or $c", "(-or (-and $a $b) $c)"),
    ("1 -bor 2 -eq 2", "(-bor 1 (-eq 2 2))"),
    ("-not $a -eq $b", "(-eq (-not $a) $b)"),
    ("!$a", "(! $a)"),
    ("-not -not $a", "(-not (-not $a))"),
    ("$a -EQ $b", "(-eq $a $b)"),                            # operators are lower-cased
    ("$a -CEQ $b -ilike 'x'", "(-ilike (-ceq $a $b) 'x')"),
    ("$a -notmatch 'x' -xor $b", "(-xor (-notmatch $a 'x') $b)"),
    ("'a,b' -split ',' -join ';'", "(-join (-split 'a,b' ',') ';')"),
    ("-split 'a b'", "(-split 'a b')"),
    ("-join ('a','b')", "(-join (paren (, 'a' 'b')))"),
    ("$x -replace 'a','b'", "(-replace $x (, 'a' 'b'))"),
    ("$x -in 1,2,3", "(-in $x (, 1 2 3))"),
    ("$x -is [int] -and $x -isnot [string]", "(-and (-is $x [int]) (-isnot $x [string]))"),
    ("$x -as [double]", "(-as $x [double])"),
    ("1 -shl 2", "(-shl 1 2)"),
    ("-bnot 5", "(-bnot 5)"),
    ("$x++ + ++$y", "(+ (post++ $x) (++ $y))"),
    ("$x--", "(post-- $x)"),
    ("--$x", "(-- $x)"),
])
def test_operators_and_precedence(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1,2,3", "(, 1 2 3)"),
    (",1", "(, 1)"),
    (",(1,2)", "(, (paren (, 1 2)))"),
    ("(1,2),3", "(, (paren (, 1 2)) 3)"),
    ("@()", "(@ {})"),
    ("@(1)", "(@ {1})"),
    ("@(Get-VM; 2)", "(@ {(cmd Get-VM); 2})"),
    ("@(\n  1\n  2\n)", "(@ {1; 2})"),
    ("$(1; 2)", "($ {1; 2})"),
    ("1..10", "(.. 1 10)"),
])
def test_arrays(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("@{}", "(@{)"),
    ("@{ a = 1; b = 'x' }", "(@{ ('a' 1) ('b' 'x'))"),
    ("@{\n  a = 1\n\n  'b c' = 2\n  3 = 'three'\n}", "(@{ ('a' 1) ('b c' 2) (3 'three'))"),
    ("@{ Content-Type = 'json' }", "(@{ ('Content-Type' 'json'))"),
    ("@{ ($k) = Get-VM }", "(@{ ((paren $k) (cmd Get-VM)))"),
    ("@{ a = @{ b = 1 } }", "(@{ ('a' (@{ ('b' 1))))"),
    ("@{ a = 1 +\n 2 }", "(@{ ('a' (+ 1 2)))"),
    ("[ordered]@{ z = 1; a = 2 }", "(ordered ('z' 1) ('a' 2))"),
    ("[pscustomobject]@{ Name = 'x' }", "(cast pscustomobject (@{ ('Name' 'x')))"),
    ("@{ n = 'MemGB'; e = { $_.MemoryAssigned / 1GB } }",
     "(@{ ('n' 'MemGB') ('e' {(/ (. $_ MemoryAssigned) 1073741824)}))"),
])
def test_hashtables(text, expected):
    assert tree(text) == expected


def test_ordered_hashtable_node():
    node = value("[ordered]@{ a = 1 }")
    assert isinstance(node, ast.Hashtable) and node.ordered
    key = node.entries[0].key
    assert key == ast.StringLiteral("a")


@pytest.mark.parametrize("text, expected", [
    ("[int]'42'", "(cast int '42')"),
    ("[int]-1", "(cast int -1)"),
    ("[string[]]$a", "(cast string[] $a)"),
    ("[int][string]$a", "(cast int (cast string $a))"),
    ("[datetime]'2024-01-01'", "(cast datetime '2024-01-01')"),
    ("[void](Get-VM)", "(cast void (paren (cmd Get-VM)))"),
    ("[int]$a + 1", "(+ (cast int $a) 1)"),
    ("[int]", "[int]"),
    ("[System.Collections.Generic.List[string]]", "[System.Collections.Generic.List[string]]"),
    ("[ int ]", "[int]"),
])
def test_casts_and_type_literals(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("$vm.Name", "(. $vm Name)"),
    ("$vm.Name.Length", "(. (. $vm Name) Length)"),
    ("$x.'quoted name'", "(. $x quoted name)"),
    ('$x."a $b"', "(. $x (str 'a ' $b))"),
    ("$x.$prop", "(. $x $prop)"),
    ("$s.Trim().Length", "(. (call $s Trim) Length)"),
    ("$s.Split(',')", "(call $s Split ',')"),
    ("$s.Substring(0, 3)", "(call $s Substring 0 3)"),
    ("$x.Add((1, 2))", "(call $x Add (paren (, 1 2)))"),
    ("$o.M(\n  1,\n  2\n)", "(call $o M 1 2)"),
    ("[math]::Round(1.5)", "(scall [math] Round 1.5)"),
    ("[math]::Round($x / 1GB, 1)", "(scall [math] Round (/ $x 1073741824) 1)"),
    ("[int]::MaxValue", "(:: [int] MaxValue)"),
    ("[datetime]::Now.Year", "(. (:: [datetime] Now) Year)"),
    ("(Get-VM).Name", "(. (paren (cmd Get-VM)) Name)"),
    ("@(1,2).Count", "(. (@ {(, 1 2)}) Count)"),
    ("'abc'.Length", "(. 'abc' Length)"),
    ("$vms.Where({ $_.State -eq 'Running' })",
     "(call $vms Where {(-eq (. $_ State) 'Running')})"),
    ("$a[0]", "(idx $a 0)"),
    ("$a[-1]", "(idx $a -1)"),
    ("$a[1..2]", "(idx $a (.. 1 2))"),
    ("$a[0,2]", "(idx $a (, 0 2))"),
    ("$a[0][1].x", "(. (idx (idx $a 0) 1) x)"),
    ("$h['key']", "(idx $h 'key')"),
    ("$a[$i + 1]", "(idx $a (+ $i 1))"),
])
def test_members_and_indexing(text, expected):
    assert tree(text) == expected


def test_member_names_are_strings_and_static_is_flagged():
    node = value("[math]::Pi")
    assert isinstance(node, ast.MemberAccess) and node.member == "Pi" and node.static
    call = value("$x.ToString()")
    assert isinstance(call, ast.InvokeMember) and call.member == "ToString" and call.arguments == ()


@pytest.mark.parametrize("text, expected", [
    ("{ $_ }", "{$_}"),
    ("{}", "{}"),
    ("{ param($x, [int]$y = 2) $x + $y }", "{(param ($x) ([int] $y = 2)) (+ $x $y)}"),
    ("{ begin { 1 } process { $_ } end { 2 } }", "{begin {1} process {$_} end {2}}"),
    ("{ param($x)\n process { $x } }", "{(param ($x)) process {$x}}"),
    ("{ 1 }.Invoke()", "(call {1} Invoke)"),
])
def test_script_blocks(text, expected):
    assert tree(text) == expected


def test_script_block_extent_covers_the_braces():
    text = "$sb = { 1 + 2 }"
    [assignment] = parse(text).body.end.statements
    block = assignment.value.elements[0].expression
    assert isinstance(block, ast.ScriptBlockExpr)
    assert text[block.extent.start:block.extent.end] == "{ 1 + 2 }"


def test_binary_extent_spans_operands():
    node = value("  $a +  $b")
    assert (node.extent.start, node.extent.end, node.extent.line, node.extent.column) == (2, 10, 1, 3)
