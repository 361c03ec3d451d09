"""Jobs (Get/Wait/Receive/Stop/Remove-Job) and the clock cmdlets."""
from __future__ import annotations

from tests.cmdlets.hyperv_shell import lab_shell

SETUP = "New-LabHost HV01 | Out-Null; New-VM a 4GB | Out-Null; New-VM b 4GB | Out-Null"


def test_get_date_and_start_sleep_use_simulated_time():
    shell = lab_shell()
    assert shell.value("Get-Date -Format 'yyyy-MM-dd HH:mm:ss'") == "2014-03-25 09:00:00"
    shell.run("Start-Sleep -Seconds 90; Start-Sleep -Milliseconds 500")
    assert shell.value("Get-Date -UFormat '%Y/%m/%d %H:%M:%S'") == "2014/03/25 09:01:30"
    assert shell.value("(Get-Date).Second") == 30
    assert shell.lab.clock.now == 90.5


def test_job_table_and_states():
    shell = lab_shell(SETUP)
    shell.run("$j = Start-VM a -AsJob")
    table = shell.run("Get-Job").strip().split("\n")
    assert table[0].split() == ["Id", "Name", "PSJobTypeName", "State", "HasMoreData",
                                "Location", "Command"]
    assert table[2].split() == ["1", "Job1", "BackgroundJob", "Running", "False", "HV01",
                                "Start-VM", "a", "-AsJob"]
    second = shell.value("Save-VM b -AsJob")
    assert second.Id == 3 and second.State.name == "Completed"    # b was off: refused at once
    assert "current state" in shell.errors[-1].message
    shell.run("Wait-Job $j -Timeout 1 | Out-Null")
    assert shell.lab.clock.now == 1 and shell.value("$j.State").name == "Running"
    done = shell.values("$j | Wait-Job")
    assert [j.Id for j in done] == [1] and shell.lab.clock.now == 2
    assert shell.value("$j.PSEndTime").second == 2


def test_stop_job_cancels_and_reverts():
    shell = lab_shell(SETUP)
    shell.run("Start-VM a; Start-Sleep 60; $j = Save-VM a -AsJob")
    assert shell.value("(Get-VM a).State").name == "Saving"
    shell.run("Start-Sleep 1; Stop-Job $j")
    assert shell.value("$j.State").name == "Stopped"
    assert shell.value("(Get-VM a).State").name == "Running"
    shell.run("Remove-Job $j; Get-Job")
    assert shell.values("Get-Job") == []


def test_receive_job_errors_and_remove_running_job():
    shell = lab_shell(SETUP + "; New-VM huge 250GB | Out-Null")
    shell.run("Start-VM a; $j = Start-VM a, b -AsJob")
    assert "current state" in shell.errors[-1].message      # a is running already
    shell.clear_errors()
    shell.run("Remove-Job $j")
    assert "not finished" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Remove-Job $j -Force")
    assert shell.values("Get-Job") == [] and shell.value("(Get-VM b).State").name == "Off"
    shell.run("$k = Start-VM huge -AsJob")
    assert "Not enough memory" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Get-Job -Name Job* | Remove-Job")
    shell.run("Get-Job -Id 42")
    assert "job ID 42" in shell.errors[-1].message
