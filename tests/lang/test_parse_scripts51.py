"""What real Windows PowerShell 5.1 scripts are written with: param blocks in
the Allman style, script attributes, trap, data sections, using statements,
DynamicParam, methods called with a bare script block, and the assignment
targets scripts use."""
import pytest
from lang_support import first_error, tree


@pytest.mark.parametrize("text, expected", [
    # `param` and its `(` on separate lines, with help and attributes before it
    ("<#\n.SYNOPSIS\nx\n#>\nparam\n(\n  [string]$Name = 'a'\n)\n$Name",
     "(param ([string] $Name = 'a')) $Name"),
    ("[CmdletBinding()]\nparam\n(\n  [Parameter(Mandatory=$true)]\n  [string]\n  $Name\n)",
     "[CmdletBinding()] (param ([Parameter(Mandatory=$true)] [string] $Name))"),
    ("[CmdletBinding()]\n[OutputType([string])]\nParam # the parameters\n(\n  $a\n)",
     "[CmdletBinding()] [OutputType([string])] (param ($a))"),
    ("function f\n{\n  [CmdletBinding()]\n  param\n  (\n    $x\n  )\n  $x\n}",
     "(function f {[CmdletBinding()] (param ($x)) $x})"),
    # a trailing comma after the last parameter
    ("param(\n  $a,\n  $b,\n)", "(param ($a) ($b))"),
    # `function f()` with its parameters in a param() block
    ("function f() { param($x) $x }", "(function f {(param ($x)) $x})"),
    # `[String []]`: blanks before the array brackets
    ("param([String []]$Names)", "(param ([String[]] $Names))"),
    ("[int []] $x = 1", "(= (cast int[] $x) 1)"),
])
def test_param_blocks(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("$s.`\nToUpper()", "(call $s ToUpper)"),
    ("Get-VM `  \n  -Name x", "(cmd Get-VM -Name w:x)"),
    ("Get-VM x`\t\n  -Name y", "(cmd Get-VM w:x -Name w:y)"),
    ("$a.Where{ $_ -gt 1 }", "(call $a Where {(-gt $_ 1)})"),
    ("(Get-VM).ForEach{ $_.Name }.Count", "(. (call (paren (cmd Get-VM)) ForEach {(. $_ Name)}) Count)"),
    ("Write-Output $a.Where{ $_ }", "(cmd Write-Output (call $a Where {$_}))"),
    ("$a.Where {1}", None),      # a blank before the brace: not a call
])
def test_continuations_and_brace_calls(text, expected):
    if expected is None:
        assert first_error(text)[0] == "UnexpectedToken"
    else:
        assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("($a, $b) = 1, 2", "(= (, $a $b) (, 1 2))"),
    ("($a) = 1", "(= $a 1)"),
    ("$h.Item('k') = 5", "(= (idx $h 'k') 5)"),
    ("$h.item('k') += 1", "(+= (idx $h 'k') 1)"),
    ("$h['a']['b'] = 1", "(= (idx (idx $h 'a') 'b') 1)"),
])
def test_assignment_targets(text, expected):
    assert tree(text) == expected


def test_method_calls_are_not_assignable_except_item():
    assert first_error("$h.Get('k') = 5")[0] == "InvalidLeftHandSide"


@pytest.mark.parametrize("text, expected", [
    ("trap { 'x'; continue }\n1", "(trap {'x'; (continue)}); 1"),
    ("1\ntrap [System.DivideByZeroException] { break }",
     "(trap [System.DivideByZeroException] {(break)}); 1"),
    ("function f { trap { } ; 1 }", "(function f {(trap {}); 1})"),
    ("if ($a) { trap { continue }\n 2 }", "(if ($a {(trap {(continue)}); 2}))"),
])
def test_trap(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("data { 'a' }", "(data {'a'})"),
    ("data Messages { ConvertFrom-StringData 'x = 1' }",
     "(data Messages {(cmd ConvertFrom-StringData 'x = 1')})"),
    ("data -SupportedCommand Format-X { Format-X 1 }", "(data -Format-X {(cmd Format-X 1)})"),
    ("$t = data\n{\n  if ($PSUICulture -eq 'de-DE') { 'Hallo' } else { 'Hello' }\n}",
     "(= $t (data {(if ((-eq $PSUICulture 'de-DE') {'Hallo'}) else {'Hello'})}))"),
])
def test_data_sections(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, error_id", [
    ("data { $x }", "VariableReferenceNotSupportedInDataSection"),
    ("data { Get-VM }", "CmdletNotInAllowedListForDataSection"),
    ("data { $a = 1 }", "NotAllowedInRestrictedLanguage"),
    ("data { foreach ($i in 1) { } }", "NotAllowedInRestrictedLanguage"),
    ("data { 'a'.ToUpper() }", "NotAllowedInRestrictedLanguage"),
    ("data { 'a' -match 'b' }", "OperatorNotSupported"),
])
def test_data_sections_hold_only_the_restricted_language(text, error_id):
    assert first_error(text)[0] == error_id


@pytest.mark.parametrize("text, expected", [
    ("using namespace System.Text\n1", "(using namespace System.Text) 1"),
    ("using module Hyper-V\nusing namespace System\nparam($a)\n$a",
     "(using module Hyper-V) (using namespace System) (param ($a)) $a"),
    ("using module 'C:\\Mods\\x.psm1'", "(using module C:\\Mods\\x.psm1)"),
])
def test_using(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, error_id", [
    ("1\nusing namespace System", "UsingMustBeAtStartOfScript"),
    ("using", "MissingUsingStatementDirective"),
    ("using thing X", "MissingUsingStatementDirective"),
])
def test_using_errors(text, error_id):
    assert first_error(text)[0] == error_id


def test_dynamicparam_is_a_named_block():
    assert tree("function f { [CmdletBinding()] param() DynamicParam { } process { 1 } }") == \
        "(function f {[CmdletBinding()] (param) dynamicparam {} process {1}})"


@pytest.mark.parametrize("word", ["Configuration", "workflow"])
def test_dsc_and_workflows_are_clear_errors(word):
    error_id, message, line, column = first_error(f"{word} Foo {{ }}")
    assert error_id == "KeywordNotSupported"
    assert ("Desired State Configuration" if word == "Configuration" else "workflows") in message
