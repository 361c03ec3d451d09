"""The REPL and completion on the real interpreter, parser and cmdlets."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from hvshell.lang.tokens import is_incomplete
from hvshell.repl.app import CANCELLED_NOTICE
from hvshell.repl.completion import CompletionEngine
from tests.repl.conftest import run_repl_with

ENTER, TAB = "\r", "\t"


def texts(engine, text):
    return [c.text for c in engine.complete(text).candidates]


@pytest.fixture
def engine(real_interp):
    return CompletionEngine(real_interp)


def test_real_cmdlet_declarations(engine):
    assert "Get-VM" in texts(engine, "Get-V")
    assert texts(engine, "Set-VMHost -VirtualMachineMigrationPerformanceOption ") == [
        "TCPIP", "Compression", "SMB"]
    assert texts(engine, "Get-VM ") == ["dc01", "'sql 01'", "web01", "web02"]
    assert texts(engine, "Get-VM -ComputerName HV02 ") == ["file01", "web03"]
    assert texts(engine, "Get-VM -ComputerName ") == ["HV01", "HV02"]
    assert "-ErrorAction" in texts(engine, "Get-VM -E")


def test_variables_and_members_from_the_interpreter(engine, real_interp):
    real_interp.execute("$vm = Get-VM web01; $vms = Get-VM")
    assert "$vm" in texts(engine, "$v") and "$vms" in texts(engine, "$v")
    assert texts(engine, "$ErrorAction") == ["$ErrorActionPreference"]
    members = texts(engine, "$vm.")
    assert members[:2] == ["Name", "VMName"] and "MemoryAssigned" in members
    assert texts(engine, "$vm.Name.") == ["Length"]
    assert texts(engine, "$vms.Coun") == ["Count"]
    assert texts(engine, "$env:COMPUTERNAME.Len") == ["Length"]


def test_functions_complete_like_cmdlets(engine, real_interp):
    real_interp.execute(
        "function Test-Thing { param([ValidateSet('Fast','Slow')][string]$Mode, [switch]$Force,"
        " [bool]$Check) }")
    assert "Test-Thing" in texts(engine, "Test-Th")
    assert texts(engine, "Test-Thing -") == ["-Mode", "-Force", "-Check"]
    assert texts(engine, "Test-Thing -Mode ") == ["Fast", "Slow"]
    assert texts(engine, "Test-Thing ") == ["Fast", "Slow"]          # -Mode is position 0
    assert texts(engine, "Test-Thing -Force:") == ["$true", "$false"]
    assert texts(engine, "Test-Thing -Check ") == ["$true", "$false"]


def test_continuation_follows_the_parser(make_repl, real_interp):
    assert is_incomplete("Get-VM |") and not is_incomplete("Get-VM")
    repl, pipe = make_repl(real_interp)
    out = real_interp.stdout

    def script(d):
        d.type("Get-VM |", expect="Get-VM |")
        d.type(ENTER, expect="Get-VM |\n")
        d.type(" Measure-Object | Select-Object -ExpandProperty Count")
        d.type(ENTER)
        d.wait(lambda: "4" in out.getvalue())

    run_repl_with(repl, pipe, script)
    assert out.getvalue().split() == ["4"]          # the VMs of the session host


def test_progress_preference_silences_the_bar(make_repl, real_interp):
    repl, pipe = make_repl(real_interp)
    loop = "1..4 | % { Write-Progress -Activity Copying -Status \"Step $_\" -PercentComplete ($_*25) }"

    def script(d):
        d.type(loop, expect=loop)
        d.type(ENTER)
        d.wait(lambda: "Copying [" in repl.stream.getvalue())
        d.wait(lambda: not d.buffer.text and repl.prompt_session.app.is_running)
        d.type("$ProgressPreference = 'SilentlyContinue'; " + loop + "; 'done'")
        d.type(ENTER)
        d.wait(lambda: "done" in real_interp.stdout.getvalue())

    run_repl_with(repl, pipe, script)
    assert repl.stream.getvalue().count("Copying [") == 4
    assert "Step 4" in repl.stream.getvalue()


def test_ctrl_c_stops_a_running_command_and_the_shell_goes_on(make_repl, real_interp):
    repl, pipe = make_repl(real_interp)
    running = threading.Event()
    shown = repl.stream

    def script(d):
        d.type("1..100 | % { Write-Progress -Activity Copying -PercentComplete $_ }; 'finished'")
        d.type(ENTER)
        d.wait(lambda: "Copying [" in shown.getvalue())
        running.set()
        os.kill(os.getpid(), signal.SIGINT)
        d.wait(lambda: CANCELLED_NOTICE in shown.getvalue())
        d.wait(lambda: repl.prompt_session.app.is_running)
        d.type("'still here'")
        d.type(ENTER)
        d.wait(lambda: "still here" in real_interp.stdout.getvalue())

    run_repl_with(repl, pipe, script)
    assert running.is_set()
    assert "finished" not in real_interp.stdout.getvalue()


def test_file_cmdlets_complete_real_files_below_the_root(tmp_path, lab):
    import io

    from hvshell.shell import new_interpreter
    from hvshell.runtime.session import Session

    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "vms.csv").write_text("")
    (tmp_path / "my notes.txt").write_text("")
    (tmp_path / ".hidden").write_text("")
    engine = CompletionEngine(new_interpreter(Session(lab, root=tmp_path), stdout=io.StringIO()))
    assert texts(engine, "Get-Content ") == ["'my notes.txt'", "reports\\"]
    assert texts(engine, "Import-Csv reports\\") == ["reports\\vms.csv"]
    assert texts(engine, "Import-Csv reports/v") == ["reports/vms.csv"]
    assert texts(engine, "Get-Content .h") == [".hidden"]
    assert texts(engine, "Get-Content ..\\") == []                  # never above the root
    assert texts(engine, "Export-Csv -Path 're") == ["'reports\\'"]


def test_ctrl_c_cancels_a_live_migration_and_the_vm_stays(make_repl):
    """On the demo lab: the bar shows the move, Ctrl+C lands in its pause,
    the migration is cancelled with the VM still on its source host."""
    import io

    from hvshell.cli import DEFAULT_SEED, build_lab
    from hvshell.shell import new_interpreter
    from hvshell.runtime.session import Session

    interp = new_interpreter(Session(build_lab(DEFAULT_SEED, False), seed=DEFAULT_SEED),
                         stdout=io.StringIO(), stderr=io.StringIO())
    repl, pipe = make_repl(interp)
    shown = repl.stream

    def script(d):
        d.type("Move-VM SQL01 HV02", expect="Move-VM SQL01 HV02")
        d.type(ENTER)
        d.wait(lambda: "SQL01" in shown.getvalue() and "%" in shown.getvalue())
        os.kill(os.getpid(), signal.SIGINT)
        d.wait(lambda: CANCELLED_NOTICE in shown.getvalue())
        d.wait(lambda: repl.prompt_session.app.is_running and not d.buffer.text)
        d.type("(Get-VM SQL01).ComputerName; (Get-LabMigration SQL01).State")
        d.type(ENTER)
        d.wait(lambda: len(interp.stdout.getvalue().split()) == 2)

    run_repl_with(repl, pipe, script)
    assert interp.stdout.getvalue().split() == ["HV01", "Cancelled"]
    assert shown.getvalue().endswith("\r\x1b[K" + CANCELLED_NOTICE + "\n")
