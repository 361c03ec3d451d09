"""Get-Command and Get-Help."""
from __future__ import annotations

import pytest

from hvshell.cmdlets.powershell.help import AliasInfo, CmdletInfo, CommandTypes, HelpInfo
from hvshell.format.outdefault import render
from hvshell.runtime.errors import CmdletError


def test_get_command_by_noun_lists_cmdlets_sorted(run):
    out = run("Get-Command", {"Noun": ["Object"]})
    names = [c.Name for c in out]
    assert names == sorted(names, key=str.lower)
    assert {"Select-Object", "Sort-Object", "Where-Object", "ForEach-Object"} <= set(names)
    assert all(isinstance(c, CmdletInfo) for c in out)


def test_get_command_names_in_the_order_asked(run):
    out = run("Get-Command", {"Name": ["*-Member", "gm"]}, parameter_set="AllCommandSet")
    assert [(c.CommandType, c.Name) for c in out] == [(CommandTypes.Cmdlet, "Add-Member"),
                                                      (CommandTypes.Cmdlet, "Get-Member"),
                                                      (CommandTypes.Alias, "gm")]
    everything = run("Get-Command", {}, parameter_set="AllCommandSet")
    kinds = [c.CommandType.value for c in everything]
    assert kinds == sorted(kinds)                     # aliases, then functions, then cmdlets
    alias = next(c for c in out if isinstance(c, AliasInfo))
    assert alias.Definition == "Get-Member" and alias.DisplayName == "gm -> Get-Member"


def test_get_command_table(run):
    out = run("Get-Command", {"Name": ["Get-Member", "gm"]}, parameter_set="AllCommandSet")
    lines = render(out).split("\n")
    assert lines[1].rstrip() == "CommandType     Name" + " " * 47 + "Version    Source"
    assert lines[3].rstrip() == "Cmdlet          Get-Member" + " " * 41 + \
        "3.1.0.0    Microsoft.PowerShell.Utility"
    assert lines[4].rstrip() == "Alias           gm -> Get-Member"


def test_get_command_unknown_name_is_an_error(run, ctx):
    assert run("Get-Command", {"Name": ["No-SuchCommand"]}, parameter_set="AllCommandSet") == []
    assert ctx.errors[0].error_id == "CommandNotFoundException"
    assert ctx.errors[0].message.startswith("The term 'No-SuchCommand' is not recognized")


def test_get_command_lists_session_functions(run, ctx):
    class Function:
        name = "Get-Custom"
        body = None
        source = None
        is_filter = False
    ctx.interpreter.functions["get-custom"] = Function()
    (info,) = run("Get-Command", {"Name": ["Get-Custom"]}, parameter_set="AllCommandSet")
    assert (info.Name, info.CommandType, info.Verb, info.Noun) == \
        ("Get-Custom", CommandTypes.Function, "Get", "Custom")


def test_get_command_syntax(run):
    (text,) = run("Get-Command", {"Name": ["Get-Member"], "Syntax": True},
                  parameter_set="AllCommandSet")
    assert text.startswith("\nGet-Member [[-Name] <String[]>] ")


def test_get_help_default_view(run):
    (topic,) = run("Get-Help", {"Name": "Sort-Object"})
    assert isinstance(topic, HelpInfo) and topic.Name == "Sort-Object"
    assert topic.Synopsis == "Sorts objects by property values."
    lines = topic.text.split("\n")
    assert lines[:5] == ["NAME", "    Sort-Object", "", "SYNOPSIS",
                         "    Sorts objects by property values."]
    syntax = lines.index("SYNTAX")
    # a syntax line longer than the console breaks between parameters
    assert lines[syntax + 1:syntax + 3] == [
        "    Sort-Object [[-Property] <Object[]>] [-InputObject <Object>] [-Descending] [-Unique] "
        "[-CaseSensitive]", "        [<CommonParameters>]"]
    assert "DESCRIPTION" in lines and "PARAMETERS" not in lines
    assert render([topic]).startswith("\nNAME\n")


def test_get_help_full_shows_parameter_facts(run):
    (topic,) = run("Get-Help", {"Name": "?", "Full": True})
    assert topic.Name == "Where-Object"
    text = topic.text
    block = text[text.index("    -FilterScript <ScriptBlock>"):]
    assert block.split("\n")[2:7] == [
        "        Required?                    true",
        "        Position?                    0",
        "        Accept pipeline input?       false",
        "        Parameter set name           ScriptBlockSet",
        "        Aliases                      None"]
    assert "    <CommonParameters>" in text


def test_get_help_parameter(run):
    (topic,) = run("Get-Help", {"Name": "Get-Content", "Parameter": "TotalCount"},
                   parameter_set="Parameters")
    assert topic.text.split("\n")[0] == "-TotalCount <Int64>"
    assert "    Aliases                      First, Head" in topic.text
    with pytest.raises(CmdletError):
        run("Get-Help", {"Name": "Get-Content", "Parameter": "Nope"}, parameter_set="Parameters")


def test_get_help_search_and_unknown(run):
    out = run("Get-Help", {"Name": "*-Csv"})
    assert [h.Name for h in out] == ["ConvertFrom-Csv", "ConvertTo-Csv", "Export-Csv",
                                     "Import-Csv"]
    with pytest.raises(CmdletError) as caught:
        run("Get-Help", {"Name": "No-Such"})
    assert caught.value.record.error_id == "HelpNotFound"
