"""Commands and argument mode (about_Parsing): parameters, arguments,
splatting, redirection, pipelines, `&` and `.` invocation."""
import pytest
from lang_support import tree

from hvshell.lang import ast
from hvshell.lang.parser import parse


def command(text: str) -> ast.Command:
    [statement] = parse(text).body.end.statements
    return statement.elements[0]


# The argument-mode examples of about_Parsing (reference A1), with more.
@pytest.mark.parametrize("text, expected", [
    ("Write-Output $a+2", "(cmd Write-Output (str $a '+2'))"),
    ("Write-Output a$a", "(cmd Write-Output (str 'a' $a))"),
    ("Write-Output a'$a'", "(cmd Write-Output w:a$a)"),
    ("Write-Output (2+2)", "(cmd Write-Output (paren (+ 2 2)))"),
    ("Write-Output !1", "(cmd Write-Output w:!1)"),
    ("Write-Output (!1)", "(cmd Write-Output (paren (! 1)))"),
    ("Write-Output 2", "(cmd Write-Output 2)"),
    ("Write-Output 2+2", "(cmd Write-Output w:2+2)"),
    ("Write-Output -1", "(cmd Write-Output -1)"),
    ("Write-Output 1..10", "(cmd Write-Output w:1..10)"),
    ("Write-Output a,b,c", "(cmd Write-Output (, w:a w:b w:c))"),
    ("Write-Output 'a', \"b\", 3", "(cmd Write-Output (, 'a' 'b' 3))"),
    ("Write-Output $HOME/x", "(cmd Write-Output (str $HOME '/x'))"),
    ("Write-Output $HOME.Length-more", "(cmd Write-Output (. $HOME Length) w:-more)"),
    ("Write-Output $vm.Name", "(cmd Write-Output (. $vm Name))"),
    ("Write-Output $vm.Name.Length", "(cmd Write-Output (. (. $vm Name) Length))"),
    ("Write-Output $a[0]", "(cmd Write-Output (idx $a 0))"),
    ("Write-Output $s.ToUpper()", "(cmd Write-Output (call $s ToUpper))"),
    ("Write-Output (Get-VM).Name", "(cmd Write-Output (. (paren (cmd Get-VM)) Name))"),
    ("Write-Output $true", "(cmd Write-Output $true)"),
    ("Write-Output \"$vm.Name\"", "(cmd Write-Output (str $vm '.Name'))"),
    ("Write-Output [int]5", "(cmd Write-Output w:[int]5)"),
    ("Write-Output a`nb", "(cmd Write-Output w:a\nb)"),
    ("Write-Output a` b", "(cmd Write-Output w:a b)"),
    ("Write-Output 'a'b", "(cmd Write-Output w:ab)"),
    ("Write-Output a\"$b c\"", "(cmd Write-Output (str 'a' $b ' c'))"),
    ("Write-Output a$(1+1)", "(cmd Write-Output (str 'a' ($ {(+ 1 1)})))"),
    ("Write-Output $", "(cmd Write-Output w:$)"),
    ("Write-Output 10GB 1.5gb 0x10", "(cmd Write-Output 10737418240 1610612736.0 16)"),
    ("Write-Output 10.0.0.0/24", "(cmd Write-Output w:10.0.0.0/24)"),
    ("Write-Output -", "(cmd Write-Output w:-)"),
    ("Write-Output a=b", "(cmd Write-Output w:a=b)"),
    ("Write-Output a#b", "(cmd Write-Output w:a#b)"),
    ("Write-Output a #b", "(cmd Write-Output w:a)"),
    ("Write-Output x<y", "(cmd Write-Output w:x<y)"),
])
def test_argument_mode(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Get-ChildItem C:\\VMs\\web01", "(cmd Get-ChildItem w:C:\\VMs\\web01)"),
    ("Get-ChildItem \\\\SOFS\\VMs", "(cmd Get-ChildItem w:\\\\SOFS\\VMs)"),
    ("Import-Csv .\\x.csv", "(cmd Import-Csv w:.\\x.csv)"),
    ("Get-ChildItem *.vhdx", "(cmd Get-ChildItem w:*.vhdx)"),
    ("Get-VM web*", "(cmd Get-VM w:web*)"),
    ("Get-Item ~/x", "(cmd Get-Item w:~/x)"),
])
def test_paths_are_bare_words(text, expected):
    assert tree(text) == expected


def test_bare_word_is_a_bare_constant():
    arg = command("Get-VM web01").elements[0]
    assert isinstance(arg, ast.CommandArgument)
    assert arg.value == ast.Constant("web01", bare=True)


@pytest.mark.parametrize("text, expected", [
    ("Get-VM -Name x", "(cmd Get-VM -Name w:x)"),
    ("Get-VM -Name:x", "(cmd Get-VM -Name:w:x)"),
    ("Get-VM -Name: x", "(cmd Get-VM -Name:w:x)"),
    ("Stop-VM -Force", "(cmd Stop-VM -Force)"),
    ("Stop-VM -Force:$false -Confirm:$false", "(cmd Stop-VM -Force:$false -Confirm:$false)"),
    ("Get-VM -Name a,b", "(cmd Get-VM -Name (, w:a w:b))"),
    ("Get-VM -Name:a,b", "(cmd Get-VM -Name:(, w:a w:b))"),
    ("Get-VM -Path:C:\\x", "(cmd Get-VM -Path:w:C:\\x)"),
    ("Set-VMHost -VirtualMachineMigrationPerformanceOption SMB",
     "(cmd Set-VMHost -VirtualMachineMigrationPerformanceOption w:SMB)"),
    ("New-VM -MemoryStartupBytes 4GB", "(cmd New-VM -MemoryStartupBytes 4294967296)"),
    ("Get-VM -ea SilentlyContinue", "(cmd Get-VM -ea w:SilentlyContinue)"),
    ("Write-Output -- -Name", "(cmd Write-Output w:-Name)"),
    ("Get-VM \u2013Name x", "(cmd Get-VM -Name w:x)"),
    ("Select-Object Name, State", "(cmd Select-Object (, w:Name w:State))"),
    ("Select-Object Name,\n  State", "(cmd Select-Object (, w:Name w:State))"),
    ("Get-VM @params -Verbose", "(cmd Get-VM @params -Verbose)"),
    ("Get-VM @p1 @p2", "(cmd Get-VM @p1 @p2)"),
    ("Get-VM { $_ } @{ a = 1 } @(1) $(2)", "(cmd Get-VM {$_} (@{ ('a' 1)) (@ {1}) ($ {2}))"),
])
def test_parameters_and_arguments(text, expected):
    assert tree(text) == expected


def test_parameter_nodes():
    cmd = command("Move-VM -Name web01 -DestinationHost:HV02 -WhatIf")
    name, value, dest, whatif = cmd.elements
    assert name == ast.CommandParameter("Name")
    assert value == ast.CommandArgument(ast.Constant("web01", bare=True))
    assert dest == ast.CommandParameter("DestinationHost", ast.Constant("HV02", bare=True))
    assert whatif == ast.CommandParameter("WhatIf")
    assert cmd.name == "Move-VM" and cmd.invocation is None
    assert (cmd.name_extent.start, cmd.name_extent.end) == (0, 7)


@pytest.mark.parametrize("text, expected", [
    ("Get-VM 2>&1", "(cmd Get-VM 2>&1)"),
    ("Get-VM *>&1", "(cmd Get-VM *>&1)"),
    ("Get-VM 2>$null", "(cmd Get-VM (2> $null))"),
    ("Get-VM > out.txt", "(cmd Get-VM (1> w:out.txt))"),
    ("Get-VM >> log.txt", "(cmd Get-VM (1>> w:log.txt))"),
    ("Get-VM 3> warn.txt -Name x", "(cmd Get-VM -Name w:x (3> w:warn.txt))"),
    ("$x 2>&1", "(redirect $x 2>&1)"),
    ("1 > x.txt", "(redirect 1 (1> w:x.txt))"),
])
def test_redirections(text, expected):
    assert tree(text) == expected


def test_redirection_nodes():
    merge, file = command("Get-VM 2>&1 >> log.txt").redirections
    assert merge == ast.Redirection("2", merge_to="1")
    assert file == ast.Redirection("1", True, ast.Constant("log.txt", bare=True))


@pytest.mark.parametrize("text, expected", [
    ("Get-VM | Stop-VM", "(| (cmd Get-VM) (cmd Stop-VM))"),
    ("Get-VM |\n  Where-Object { $_ } |\n  Select-Object Name",
     "(| (cmd Get-VM) (cmd Where-Object {$_}) (cmd Select-Object w:Name))"),
    ("1..3 | % { $_ }", "(| (.. 1 3) (cmd % {$_}))"),
    ("Get-VM | ? State -eq Running", "(| (cmd Get-VM) (cmd ? w:State -eq w:Running))"),
    ("Get-VM | foreach { $_ }", "(| (cmd Get-VM) (cmd foreach {$_}))"),
    ("Get-VM | where Name -like 'w*'", "(| (cmd Get-VM) (cmd where w:Name -like 'w*'))"),
    ("$vms | Out-Null", "(| $vms (cmd Out-Null))"),
    ("Get-VM | & { process { $_ } }", "(| (cmd Get-VM) (& {process {$_}}))"),
    ("Get-VM `\n  -Name x `\n  -ComputerName y", "(cmd Get-VM -Name w:x -ComputerName w:y)"),
])
def test_pipelines(text, expected):
    assert tree(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("& $sb 1 2", "(& $sb 1 2)"),
    ("& { param($p) $p } 5", "(& {(param ($p)) $p} 5)"),
    ("& 'Get-VM' -Name x", "(& 'Get-VM' -Name w:x)"),
    ("& Get-VM", "(& Get-VM)"),
    ("&$sb", "(& $sb)"),
    (". .\\lib.ps1", "(. .\\lib.ps1)"),
    (". $sb", "(. $sb)"),
    (".\\script.hvps -Name x", "(cmd .\\script.hvps -Name w:x)"),
    ("7z a", "(cmd 7z w:a)"),
    ("% { $_ }", "(cmd % {$_})"),
    ("? Name -eq x", "(cmd ? w:Name -eq w:x)"),
])
def test_invocation(text, expected):
    assert tree(text) == expected


def test_invocation_nodes():
    cmd = command("& $sb 1")
    assert cmd.invocation == "&" and cmd.name == ast.Variable("sb")
    assert command("& Get-VM").name == "Get-VM"
    assert command(". .\\lib.ps1").invocation == "."


def test_command_word_is_never_expanded():
    cmd = command("Get-$noun -Name x")
    assert cmd.name == "Get-$noun" and cmd.invocation is None
    assert command("& \"Get-$noun\"").name == ast.ExpandableString(("Get-", ast.Variable("noun")))


def test_statement_start_decides_the_mode():
    # A line starting with a value is an expression; with a word, a command.
    assert tree("2+2") == "(+ 2 2)"
    assert tree("'Get-VM'") == "'Get-VM'"
    assert tree("Get-VM") == "(cmd Get-VM)"
    assert tree("$x = Get-VM -Name a") == "(= $x (cmd Get-VM -Name w:a))"
    assert tree("$x = 2+2") == "(= $x (+ 2 2))"
