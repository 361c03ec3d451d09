"""The completion context scanner: what the cursor stands on."""
from __future__ import annotations

import pytest

from hvshell.repl.context import Arg, completion_context


def ctx(text: str, cursor: int | None = None):
    return completion_context(text, cursor)


@pytest.mark.parametrize("text, word", [
    ("Get-V", "Get-V"),
    ("", ""),
    ("Get-VM | Sel", "Sel"),
    ("Get-VM; Sto", "Sto"),
    ("$x = Get-", "Get-"),
    ("$vms = @(Get-", "Get-"),
    ("if ($true) { Stop-", "Stop-"),
    ("foreach ($v in $list) {\n  Start-", "Start-"),
    ("Get-VM | ForEach-Object { Get-VMNet", "Get-VMNet"),
    ("@{ Name = Get-", "Get-"),
    ("return Get-", "Get-"),
    ("& 'Get-V", "Get-V"),
    ("Get-VM `\n| Wh", "Wh"),
    ("Get-VM web01`\n| Wh", "Wh"),
])
def test_command_position(text, word):
    c = ctx(text)
    assert c.kind == "command"
    assert c.word == word
    assert text[c.start:].lstrip("'") == word


@pytest.mark.parametrize("text", [
    "42", "1..3", "'a string", "$x -eq 1; 'abc'", "Get-VM # a comment",
    "<# open comment", "Get-VM -Name web01 > out", "function Get-", "@{ Na",
    "\"unclosed $x", "$x -l",
])
def test_nothing_to_complete(text):
    assert ctx(text).kind == "none"


def test_parameter_name_after_dash():
    c = ctx("Move-VM web01 -Dest")
    assert (c.kind, c.command, c.word, c.start) == ("parameter", "Move-VM", "Dest", 14)
    assert c.args == (Arg("value", "web01"),)
    assert ctx("Get-VM -").word == ""


def test_value_after_parameter():
    c = ctx("Get-VM -ComputerName HV02 -Name w")
    assert (c.kind, c.param, c.word) == ("value", "Name", "w")
    assert c.args == (Arg("param", "ComputerName"), Arg("value", "HV02"), Arg("param", "Name"))


def test_value_after_colon():
    c = ctx("Stop-VM -Force:")
    assert (c.kind, c.param, c.colon, c.word, c.start) == ("value", "Force", True, "", 15)
    c = ctx("Get-VM -Name:we")
    assert (c.kind, c.param, c.colon, c.word, c.start) == ("value", "Name", True, "we", 13)


def test_positional_value():
    c = ctx("Get-VM ")
    assert (c.kind, c.command, c.param, c.args) == ("value", "Get-VM", None, ())
    c = ctx("Move-VM web01 ")
    assert c.args == (Arg("value", "web01"),)


def test_comma_list_continues_the_same_value():
    c = ctx("Get-VM -Name a,b")
    assert (c.kind, c.param, c.in_list, c.word) == ("value", "Name", True, "b")
    c = ctx("Get-VM a, b")
    assert (c.param, c.in_list, c.args) == (None, True, ())


def test_quoted_value():
    c = ctx("Get-VM 'sql 0")
    assert (c.kind, c.word, c.quote, c.start) == ("value", "sql 0", "'", 7)
    c = ctx('Get-VM -Name "it""s')
    assert (c.word, c.quote) == ('it"s', '"')


def test_bracketed_argument_is_one_value():
    c = ctx("Move-VM (Get-VM web01) ")
    assert c.args == (Arg("value", None),)
    c = ctx("Move-VM $vm -Dest")
    assert c.args == (Arg("value", None),)


def test_variables_and_members():
    c = ctx("$Err")
    assert (c.kind, c.word, c.start, c.sigil) == ("variable", "Err", 0, "$")
    c = ctx("Get-VM @spl")
    assert (c.kind, c.word, c.sigil) == ("variable", "spl", "@")
    c = ctx("$vm.Me")
    assert (c.kind, c.variable, c.members, c.word, c.start) == ("member", "vm", (), "Me", 4)
    c = ctx("Write-Output $vm.NetworkAdapters.")
    assert (c.kind, c.variable, c.members, c.word) == ("member", "vm", ("NetworkAdapters",), "")
    assert ctx("$").kind == "variable"


def test_cursor_inside_text_uses_only_what_is_before_it():
    text = "Get-VM -Name web01 -ComputerName HV01"
    c = ctx(text, text.index("-Name") + 3)
    assert (c.kind, c.word) == ("parameter", "Na")
    assert ctx(text, 3).kind == "command"


@pytest.mark.parametrize("text, kind", [
    ("foreach ($v in ", "command"),          # the collection is a pipeline
    ("@{ Name = ", "command"),
    ("x\nIn", "command"),                    # `in` is reserved, `Invoke-...` is not
    ("? Name -", "parameter"),               # `?` is an alias like any other
    ("[int]$", "variable"),
    ("!$f", "variable"),
    ("foreach (", "none"),                   # a loop variable comes first
    ("if ($x) { }", "none"),                 # straight after a closing brace
    ("Get-VM (Get-VM)", "none"),             # the word would glue onto the group
    (":out", "none"),                        # a label
    ("Get-VM -Name web01 `", "none"),
])
def test_the_lexer_decides_the_position(text, kind):
    assert ctx(text).kind == kind


def test_call_operator_names_the_command():
    c = ctx("& 'Get-VM' -Na")
    assert (c.kind, c.command) == ("parameter", "Get-VM")
    assert ctx(". ").kind == "command"


def test_after_double_dash_every_word_is_a_value():
    c = ctx("Write-Output -- -n")
    assert (c.kind, c.word, c.args) == ("value", "-n", ())


def test_expandable_words_are_not_names():
    assert ctx('Get-VM "web$x').kind == "none"
    c = ctx('Move-VM "C:\\$($vm.Name)" -')
    assert c.kind == "parameter" and c.args == (Arg("value", None),)
