"""Moving VMs: the mapping of lab objects onto the migration core, every
rule a move must meet, moves that fail or are stopped once started, and
the migration cmdlets (Move-VM, Move-VMStorage, Compare-VM, the cluster
moves, Get-/Measure-/Show-LabMigration)."""
from __future__ import annotations

import pathlib
import xml.etree.ElementTree as ET

import pytest

from hvshell.demo import build_demo_lab
from hvshell.model.mobility import mapping as M
from hvshell.model.lab import DEFAULT_SEED, Lab
from hvshell.model.mobility.service import mobility
from hvshell.model.kernel.persist import lab_from_document, lab_to_document
from hvshell.sim import MigrationKind, MigrationScheduler, MigrationSpec, plan_migration
from hvshell.sim import constants as C
from hvshell.sim.clock import Clock
from tests.cmdlets.hyperv_shell import Shell, lab_shell

GB = 2**30
MB = 2**20

# Two 2012 R2 hosts with two 10 GbE RDMA NICs each on a migration network,
# an SMB share and a running VM (SOFS1) whose files are on the share.
BASE = """
New-LabHost A -Memory 64GB | Out-Null
New-LabHost B -Memory 64GB | Out-Null
foreach ($h in 'A', 'B') {
    Add-LabNic -ComputerName $h -Name LM1 -Rdma -Subnet 10.1.1.0/24 | Out-Null
    Add-LabNic -ComputerName $h -Name LM2 -Rdma -Subnet 10.1.1.0/24 | Out-Null
}
Enable-VMMigration -ComputerName A, B
Add-VMMigrationNetwork 10.1.1.0/24 -ComputerName A, B
New-LabStorage SOFS -Type SMB -Path \\\\SOFS\\VMs -ThroughputMBps 1000 | Out-Null
New-VM SOFS1 4GB -Path \\\\SOFS\\VMs -NewVHDPath \\\\SOFS\\VMs\\SOFS1\\SOFS1.vhdx -NewVHDSizeBytes 40GB | Out-Null
Set-LabGuestDisk \\\\SOFS\\VMs\\SOFS1\\SOFS1.vhdx -PartitionSize 40GB -UsedSize 10GB
Set-LabWorkload SOFS1 -Profile Web
Start-VM SOFS1
"""


def base(extra: str = "") -> Shell:
    return lab_shell(BASE + extra)


def request(shell: Shell, vm: str = "SOFS1", destination: str = "B", **kw) -> M.MoveRequest:
    lab = shell.lab
    found = next(v for v in lab.all_vms() if v.name == vm)
    return M.plan_move(lab, found, lab.host(destination), **kw)


def refused(shell: Shell, command: str) -> str:
    """Run a move that must be refused: return the error text, having
    checked that nothing changed (no record, VMs where they were)."""
    before = [(v.name, v.host_name, v.state) for v in shell.lab.all_vms()]
    records = len(shell.lab.migrations)
    now = shell.lab.clock.now
    shell.clear_errors()
    shell.run(command)
    assert shell.errors, f"{command} was not refused"
    assert len(shell.lab.migrations) == records
    assert [(v.name, v.host_name, v.state) for v in shell.lab.all_vms()] == before
    assert shell.lab.clock.now == now
    text = shell.errors[-1].message
    shell.clear_errors()
    return text


# ---------------------------------------------------------------------------
# Mapping lab objects onto the migration core
# ---------------------------------------------------------------------------

def test_host_spec_takes_the_nics_of_the_migration_networks_both_ends_share():
    shell = base()
    a, b = shell.lab.host("A"), shell.lab.host("B")
    mine, theirs = M.shared_interfaces(a, b)
    spec = M.host_spec(a, mine)
    assert [(n.name, n.speed_gbps, n.rdma, n.jumbo, n.team) for n in spec.migration_nics] == [
        ("LM1", 10.0, True, False, None), ("LM2", 10.0, True, False, None)]
    assert spec.version == "2012R2" and spec.logical_processors == 32
    assert spec.max_live_migrations == 2 and spec.max_storage_migrations == 2
    assert spec.smb_limit is None and spec.cpu_demand == pytest.approx(a.cpu_busy_fraction())
    # Any network on A, but B migrates on 10.1.1.0/24 only: NIC1 is not shared.
    shell.run("Set-VMHost A -UseAnyNetworkForMigration $true")
    mine, _ = M.shared_interfaces(a, b)
    assert [i.name for i in mine] == ["LM1", "LM2"]
    shell.run("Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName B")
    mine, theirs = M.shared_interfaces(a, b)
    assert [i.name for i in mine] == ["NIC1", "LM1", "LM2"] and theirs[-1].name == "NIC1"


def test_host_spec_teams_jumbo_frames_and_smb_limit():
    shell = base("""
New-NetLbfoTeam LMTeam -TeamMembers LM1, LM2 -LoadBalancingAlgorithm Dynamic | Out-Null
Set-NetAdapterAdvancedProperty NIC1 -RegistryKeyword '*JumboPacket' -RegistryValue 9014
Set-SmbBandwidthLimit -Category LiveMigration -BytesPerSecond 500MB
""")
    a = shell.lab.host("A")
    team = a.team("LMTeam")
    specs = M.nic_specs(a, [team, a.nic("NIC1")])
    assert [(n.name, n.team, n.team_mode, n.rdma, n.jumbo) for n in specs] == [
        ("LM1", "LMTeam", "Dynamic", False, False), ("LM2", "LMTeam", "Dynamic", False, False),
        ("NIC1", None, "Dynamic", False, True)]
    assert M.host_spec(a, []).smb_limit == 500 * MB


def test_workload_spec_converts_lab_megabytes_and_a_paused_guest_writes_nothing():
    shell = base("Set-LabWorkload SOFS1 -DirtyRateMBps 100 -WorkingSet 1GB -DiskWriteMBps 10 "
                 "-ZeroPagePercent 30 -CompressionRatio 2.5 -GuestOS Linux")
    vm = next(shell.lab.all_vms())
    spec = M.workload_spec(vm)
    assert spec.memory_bytes == vm.memory_assigned() == 4 * GB
    assert spec.working_set_bytes == GB
    assert spec.dirty_rate_mbps == pytest.approx(100 * MB / 1e6)
    assert spec.disk_write_mbps == pytest.approx(10 * MB / 1e6)
    assert (spec.zero_page_percent, spec.compression_ratio, spec.guest_os) == (30.0, 2.5, "Linux")
    shell.run("Suspend-VM SOFS1")
    paused = M.workload_spec(vm)
    assert paused.dirty_rate_mbps == 0 and paused.memory_bytes == 4 * GB


def test_kind_follows_where_the_files_are():
    shell = base("""
New-VM LOCAL1 2GB -NewVHDPath LOCAL1.vhdx -NewVHDSizeBytes 20GB | Out-Null
Set-LabGuestDisk 'C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks\\LOCAL1.vhdx' -PartitionSize 20GB -UsedSize 6GB
Start-VM LOCAL1
""")
    lab = shell.lab
    live = M.spec_for(lab, request(shell))
    assert live.kind is MigrationKind.Live and live.disk_bytes == 0
    assert live.option.value == "Compression"            # 2012 R2's default
    nothing = request(shell, "LOCAL1", include_storage=True, storage_path="C:\\VMs\\LOCAL1")
    spec = M.spec_for(lab, nothing)
    vhd = lab.find_vhd("A", nothing.files[0].vhd.path)
    assert spec.kind is MigrationKind.SharedNothing and spec.disk_bytes == vhd.FileSize
    assert (spec.source_storage.name, spec.destination_storage.name) == ("A-C", "B-C")
    assert spec.source_storage.throughput_mbps == pytest.approx(500 * MB / 1e6)
    assert nothing.files[0].destination == "C:\\VMs\\LOCAL1\\Virtual Hard Disks\\LOCAL1.vhdx"
    vm = next(v for v in lab.all_vms() if v.name == "LOCAL1")
    storage = M.spec_for(lab, M.plan_storage_move(lab, vm, storage_path="\\\\SOFS\\VMs\\L1"))
    assert storage.kind is MigrationKind.Storage and storage.destination_storage.kind.value == "SMB"


def test_offline_spec_moves_no_memory():
    """MigrationSpec.running=False (the VM is off): setup and tear-down
    only, or the storage copy, and no downtime."""
    shell = base("Stop-VM SOFS1 -TurnOff")
    spec = M.spec_for(shell.lab, request(shell))
    assert spec.running is False
    result = plan_migration(spec)
    assert result.passes == () and result.downtime == 0
    assert result.duration == pytest.approx(C.SETUP_S + C.TEARDOWN_S)


# ---------------------------------------------------------------------------
# Moves that work
# ---------------------------------------------------------------------------

def test_move_vm_waits_for_the_migration_and_the_vm_really_moves():
    shell = base()
    shell.run("New-VM Other 1GB | Out-Null; $j = Start-VM Other -AsJob")     # runs alongside
    vm = shell.value("Move-VM SOFS1 B -Passthru")
    record = shell.lab.migrations[-1]
    assert vm.ComputerName == "B" and vm.State.name == "Running"
    assert shell.lab.clock.now == pytest.approx(record.end_time)
    assert record.Type == "Live" and record.State.name == "Completed" and record.Rounds >= 0
    assert record.Transport.name == "Compression" and record.Route == "Compression over LM1 to LM1"
    assert (record.Rdma, record.SourceNics, record.DestinationNics) == (False, ["LM1"], ["LM1"])
    assert 1.5 < record.Duration < 10 and 0 < record.Downtime < 500
    assert record.BytesTransferred > 0 and record.Passes[-1].kind == "Blackout"
    assert shell.value("$j.State").name == "Completed"
    kinds = [e.kind for e in shell.lab.events if e.kind in (
        "MigrationQueued", "MigrationStarted", "MigrationCompleted", "MigrationFailed")]
    assert kinds == ["MigrationQueued", "MigrationStarted", "MigrationCompleted"]
    assert not shell.errors


def test_progress_reports_passes_rate_and_time_left():
    shell = base("Set-LabWorkload SOFS1 -Profile Database")
    seen = []
    shell.session.progress_hook = lambda *args: seen.append(args)
    shell.run("Move-VM SOFS1 B")
    statuses = [s[1] for s in seen if not s[4]]
    assert any(s.startswith("Pass 1, ") and s.endswith("GB/s") for s in statuses)
    percents = [s[2] for s in seen if not s[4]]
    assert percents == sorted(percents) and seen[-1][4] is True
    assert all(s[3] >= 0 for s in seen if s[1].startswith("Pass"))


def test_as_job_queues_beyond_the_limit_and_wait_job_runs_them():
    shell = base("""
New-VM SOFS2 4GB -Path \\\\SOFS\\VMs | Out-Null; Start-VM SOFS2
New-VM SOFS3 4GB -Path \\\\SOFS\\VMs | Out-Null; Start-VM SOFS3
""")
    job = shell.value("Get-VM SOFS* | Move-VM -DestinationHost B -AsJob")
    states = [r.State.name for r in shell.lab.migrations]
    assert states == ["Running", "Running", "Queued"] and job.State.name == "Running"
    assert shell.lab.migrations[0].Duration == 0.0
    shell.run("Start-Sleep 2")
    assert shell.lab.migrations[0].BytesTransferred > 0        # the pass under way counts
    shell.run("$null = $j = Get-Job; Wait-Job $j")
    records = shell.lab.migrations
    assert [r.State.name for r in records] == ["Completed"] * 3
    assert records[2].StartTime == min(records[0].EndTime, records[1].EndTime)
    assert {v.host_name for v in shell.lab.all_vms()} == {"B"}
    table = shell.run("Get-LabMigration | Format-Table").split("\n")
    assert table[1].split()[:6] == ["VMName", "Type", "Source", "Destination", "Transport",
                                    "State"]


def test_stop_job_cancels_and_the_vm_stays():
    shell = base()
    shell.run("$j = Move-VM SOFS1 B -AsJob; Start-Sleep 2; Stop-Job $j")
    record = shell.lab.migrations[-1]
    assert record.State.name == "Cancelled" and "Stop-Job" in record.Reason
    vm = next(shell.lab.all_vms())
    assert vm.host_name == "A" and vm.state.name == "Running" and vm.Status == "Operating normally"
    assert shell.value("$j.State").name == "Stopped"


@pytest.mark.parametrize("fault, reason", [
    ("Invoke-LabFault -ComputerName B -Fault HostCrash -After 2", "destination host B"),
    ("Invoke-LabFault -ComputerName B -Fault NetworkDown -After 2", "network connection"),
])
def test_failure_after_start_is_recorded_and_the_vm_keeps_running_on_the_source(fault, reason):
    shell = base()
    shell.run(fault)
    shell.run("Move-VM SOFS1 B")
    record = shell.lab.migrations[-1]
    assert record.State.name == "Failed" and reason in record.Reason
    assert "failed" in shell.errors[-1].message and reason in shell.errors[-1].message
    vm = next(shell.lab.all_vms())
    assert (vm.host_name, vm.state.name) == ("A", "Running")


def test_storage_down_during_a_shared_nothing_move_leaves_the_files_where_they_were():
    shell = base("""
New-VM LOCAL1 2GB -NewVHDPath LOCAL1.vhdx -NewVHDSizeBytes 20GB | Out-Null
Set-LabGuestDisk 'C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard Disks\\LOCAL1.vhdx' -PartitionSize 20GB -UsedSize 6GB
Start-VM LOCAL1
Invoke-LabFault -Storage B-C -Fault StorageDown -After 3
""")
    shell.run("Move-VM LOCAL1 B -IncludeStorage -DestinationStoragePath C:\\VMs\\LOCAL1")
    record = shell.lab.migrations[-1]
    assert record.Type == "SharedNothing" and record.State.name == "Failed"
    assert "B-C" in record.Reason
    vm = next(v for v in shell.lab.all_vms() if v.name == "LOCAL1")
    assert vm.host_name == "A" and vm.hard_drives[0].path.startswith("C:\\Users")
    assert shell.lab.find_vhd("A", vm.hard_drives[0].path) is not None


def test_shared_nothing_and_storage_moves_update_paths():
    shell = base("""
New-VM LOCAL1 2GB -NewVHDPath LOCAL1.vhdx -NewVHDSizeBytes 20GB | Out-Null
Start-VM LOCAL1
""")
    shell.run("Move-VM LOCAL1 B -IncludeStorage -DestinationStoragePath D:\\x")
    assert "not on any storage host 'B' can reach" in shell.errors[-1].message
    shell.clear_errors()
    shell.run("Move-VM LOCAL1 B -IncludeStorage -DestinationStoragePath C:\\VMs\\LOCAL1")
    vm = next(v for v in shell.lab.all_vms() if v.name == "LOCAL1")
    new_path = "C:\\VMs\\LOCAL1\\Virtual Hard Disks\\LOCAL1.vhdx"
    assert (vm.host_name, vm.path, vm.hard_drives[0].path) == ("B", "C:\\VMs\\LOCAL1", new_path)
    assert shell.lab.find_vhd("B", new_path) is not None
    assert shell.lab.find_vhd("A", "C:\\Users\\Public\\Documents\\Hyper-V\\Virtual Hard "
                                    "Disks\\LOCAL1.vhdx") is None
    shell.run("Move-VMStorage LOCAL1 -ComputerName B -VirtualMachinePath \\\\SOFS\\VMs\\L1 "
              f"-Vhds @{{SourceFilePath='{new_path}'; DestinationFilePath='\\\\SOFS\\VMs\\L1\\d.vhdx'}}")
    assert not shell.errors, shell.err.getvalue()
    assert (vm.host_name, vm.path, vm.hard_drives[0].path) == (
        "B", "\\\\SOFS\\VMs\\L1", "\\\\SOFS\\VMs\\L1\\d.vhdx")
    assert shell.lab.migrations[-1].Type == "Storage"


def test_clustered_vm_moves_within_its_cluster_and_the_owner_follows():
    shell = base("""
New-Cluster C1 -Node A, B -StaticAddress 10.0.0.5 | Out-Null
Add-ClusterVirtualMachineRole SOFS1 -Cluster C1 | Out-Null
""")
    shell.run("Move-VM SOFS1 B")
    assert shell.value("(Get-ClusterGroup SOFS1 -Cluster C1).OwnerNode") == "B"
    shell.run("Move-ClusterVirtualMachineRole SOFS1 A -Cluster C1 -MigrationType Quick")
    record = shell.lab.migrations[-1]
    assert record.Type == "Quick" and record.Downtime == pytest.approx(record.Duration * 1000)
    assert shell.value("(Get-ClusterGroup SOFS1 -Cluster C1).OwnerNode") == "A"


def test_drain_and_failback():
    shell = base("""
New-Cluster C1 -Node A, B -StaticAddress 10.0.0.5 | Out-Null
New-VM SOFS2 2GB -Path \\\\SOFS\\VMs | Out-Null
Start-VM SOFS2
Add-ClusterVirtualMachineRole SOFS1 -Cluster C1 | Out-Null
Add-ClusterVirtualMachineRole SOFS2 -Cluster C1 | Out-Null
""")
    node = shell.value("Suspend-ClusterNode A -Cluster C1 -Drain -Wait")
    assert node.State.name == "Paused" and node.DrainStatus.name == "Completed"
    assert {v.host_name for v in shell.lab.all_vms()} == {"B"}
    refused(shell, "Move-ClusterVirtualMachineRole SOFS1 A -Cluster C1")
    shell.run("Resume-ClusterNode A -Cluster C1 -Failback Immediate | Out-Null; Start-Sleep 60")
    assert {v.host_name for v in shell.lab.all_vms()} == {"A"}
    assert [r.State.name for r in shell.lab.migrations] == ["Completed"] * 4


def test_2008r2_cluster_moves_one_at_a_time():
    shell = lab_shell("""
New-LabHost A -Version 2008R2 | Out-Null
New-LabHost B -Version 2008R2 | Out-Null
New-Cluster C1 -Node A, B -StaticAddress 10.0.0.5 | Out-Null
New-LabStorage CSV1 -Type CSV -Cluster C1 | Out-Null
foreach ($n in 1, 2) {
    New-VM "V$n" 2GB -Path C:\\ClusterStorage\\Volume1 | Out-Null
    Start-VM "V$n"
    Add-ClusterVirtualMachineRole "V$n" -Cluster C1 | Out-Null
}
""")
    shell.run("Move-ClusterVirtualMachineRole V1 B -Cluster C1 -Wait 0 | Out-Null")
    shell.run("Move-ClusterVirtualMachineRole V2 B -Cluster C1 -Wait 0 | Out-Null")
    assert [r.State.name for r in shell.lab.migrations] == ["Running", "Queued"]
    assert shell.lab.migrations[0].Transport.name == "TCPIP"
    shell.run("Start-Sleep 120")
    first, second = shell.lab.migrations
    assert second.start_time == pytest.approx(first.end_time)
    text = refused(shell, "Move-VM V1 A -ComputerName B")
    assert "Move-ClusterVirtualMachineRole" in text


def test_offline_vm_moves_its_configuration_with_no_downtime():
    shell = base("Stop-VM SOFS1 -TurnOff")
    shell.run("Move-VM SOFS1 B")
    record = shell.lab.migrations[-1]
    assert record.State.name == "Completed" and record.Downtime == 0 and record.Passes == []
    assert next(shell.lab.all_vms()).host_name == "B"


# ---------------------------------------------------------------------------
# Rules: each refusal names the fix and leaves nothing behind
# ---------------------------------------------------------------------------

def test_rule_processor_vendor():
    shell = base("New-LabHost D -ProcessorVendor AMD | Out-Null; Enable-VMMigration D; "
                 "Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName A, D")
    text = refused(shell, "Move-VM SOFS1 D")
    assert "processor vendor" in text and "off" in text


def test_rule_older_processor_generation_needs_compatibility_mode():
    shell = base("New-LabHost D -ProcessorGeneration 2 | Out-Null; Enable-VMMigration D; "
                 "Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName A, D")
    text = refused(shell, "Move-VM SOFS1 D")
    assert "Set-VMProcessor SOFS1 -CompatibilityForMigrationEnabled $true" in text
    shell.run("Stop-VM SOFS1 -TurnOff; Set-VMProcessor SOFS1 -CompatibilityForMigrationEnabled "
              "$true; Start-VM SOFS1; Move-VM SOFS1 D")
    assert not shell.errors and next(shell.lab.all_vms()).host_name == "D"


def test_rule_virtual_switch_and_compare_vm_report():
    shell = base("New-VMSwitch Production -SwitchType Internal | Out-Null; "
                 "Connect-VMNetworkAdapter SOFS1 -SwitchName Production")
    text = refused(shell, "Move-VM SOFS1 B")
    assert "Could not find Ethernet switch 'Production'" in text and "New-VMSwitch" in text
    report = shell.value("Compare-VM SOFS1 B")
    assert [i.MessageId for i in report.Incompatibilities] == [33012]
    assert report.Incompatibilities[0].Source.SwitchName == "Production"
    shell.run("$r = Compare-VM SOFS1 B; $r.Incompatibilities[0].Source | "
              "Disconnect-VMNetworkAdapter; $r = Compare-VM -CompatibilityReport $r")
    assert shell.value("$r.Incompatibilities.Count") == 0
    shell.run("Move-VM -CompatibilityReport $r")
    assert next(shell.lab.all_vms()).host_name == "B"


def test_rule_free_memory_counts_moves_already_under_way():
    shell = base("New-VM BIG 40GB -Path \\\\SOFS\\VMs | Out-Null; Start-VM BIG; "
                 "New-VM BIG2 40GB -Path \\\\SOFS\\VMs -ComputerName B | Out-Null; "
                 "Start-VM BIG2 -ComputerName B")
    text = refused(shell, "Move-VM BIG B")
    assert "Not enough memory on host 'B'" in text
    shell.run("Stop-VM BIG2 -ComputerName B -TurnOff; Move-VM BIG B -AsJob | Out-Null")
    shell.run("Start-VM BIG2 -ComputerName B")
    text = refused(shell, "Move-VM SOFS1 B")
    assert "promised to migrations already under way" in text


def test_rule_same_domain():
    shell = base("New-LabHost D -Domain other.local | Out-Null; Enable-VMMigration D; "
                 "Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName A, D")
    assert "domain" in refused(shell, "Move-VM SOFS1 D")


def test_rule_migration_enabled_on_both_hosts():
    shell = base("Disable-VMMigration B")
    assert "Enable-VMMigration -ComputerName B" in refused(shell, "Move-VM SOFS1 B")


def test_rule_a_usable_migration_network():
    shell = base("Remove-VMMigrationNetwork 10.1.1.0/24 -ComputerName B")
    assert "Add-VMMigrationNetwork" in refused(shell, "Move-VM SOFS1 B")
    shell.run("Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName B")
    assert "share no migration network" in refused(shell, "Move-VM SOFS1 B")


# A Windows Server 2012 host (OLD) that migrates with A over 10.0.0.0/24,
# running a VM (V12) whose files are on the share.
OLD_2012_HOST = """
New-LabHost OLD -Version 2012 | Out-Null
Enable-VMMigration OLD
Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName A, OLD
New-VM V12 1GB -Path \\\\SOFS\\VMs -ComputerName OLD | Out-Null
Start-VM V12 -ComputerName OLD
"""


def test_rule_versions_2012_to_2012r2_only():
    shell = base(OLD_2012_HOST)
    assert "never back" in refused(shell, "Move-VM SOFS1 OLD")
    shell.run("Enter-PSSession OLD; Move-VM V12 A; Exit-PSSession")
    assert not shell.errors and shell.lab.migrations[-1].Transport.name == "TCPIP"


def test_rule_2008r2_hosts_only_inside_a_cluster():
    shell = base("New-LabHost OLD -Version 2008R2 | Out-Null")
    assert "Move-ClusterVirtualMachineRole" in refused(shell, "Move-VM SOFS1 OLD")


def test_rule_transport_options_need_2012r2():
    shell = base(OLD_2012_HOST)
    rows = shell.values("Measure-LabMigration V12 A -ComputerName OLD -PerformanceOption TCPIP, SMB")
    assert [r.PerformanceOption for r in rows] == ["TCPIP"]
    assert "needs Windows Server 2012 R2" in shell.errors[-1].message


def test_rule_files_the_destination_cannot_reach():
    shell = base("New-VM LOCAL1 1GB | Out-Null; Start-VM LOCAL1")
    text = refused(shell, "Move-VM LOCAL1 B")
    assert "-IncludeStorage -DestinationStoragePath" in text


def test_rule_clustered_vm_stays_in_its_cluster():
    shell = base("""
New-LabHost D | Out-Null; Enable-VMMigration D; Add-VMMigrationNetwork 10.0.0.0/24 -ComputerName A, D
New-Cluster C1 -Node A, B -StaticAddress 10.0.0.5 | Out-Null
Add-ClusterVirtualMachineRole SOFS1 -Cluster C1 | Out-Null
""")
    assert "role of cluster C1" in refused(shell, "Move-VM SOFS1 D")


def test_rule_a_move_goes_somewhere_else():
    shell = base()
    assert "already on host 'A'" in refused(shell, "Move-VM SOFS1 A")
    assert "already on host 'A'" in refused(shell, "Move-VM SOFS1 localhost")


def test_rule_host_down_and_storage_offline():
    shell = base("New-VM LOCAL1 1GB | Out-Null; Start-VM LOCAL1; "
                 "Invoke-LabFault -Storage B-C -Fault StorageDown")
    text = refused(shell, "Move-VM LOCAL1 B -IncludeStorage -DestinationStoragePath C:\\VMs\\L")
    assert "Storage 'B-C' (C:) is offline" in text and "StorageUp" in text
    shell.run("Invoke-LabFault -ComputerName B -Fault HostCrash")
    assert "HostRecover" in refused(shell, "Move-VM SOFS1 B")


def test_whatif_moves_nothing():
    shell = base()
    out = shell.run("Move-VM SOFS1 B -WhatIf")
    assert 'Move-VM will move the virtual machine "SOFS1" to host \'B\'.' in out
    assert shell.lab.migrations == [] and next(shell.lab.all_vms()).host_name == "A"


# ---------------------------------------------------------------------------
# The lab cmdlets
# ---------------------------------------------------------------------------

def test_measure_predicts_without_changing_the_lab_and_matches_the_move():
    shell = base("Set-LabWorkload SOFS1 -Profile Database")
    before = lab_to_document(shell.lab)
    rows = shell.values("Measure-LabMigration SOFS1 B -PerformanceOption TCPIP, Compression, SMB")
    assert lab_to_document(shell.lab) == before
    assert [r.PerformanceOption for r in rows] == ["TCPIP", "Compression", "SMB"]
    tcp, compression, smb = rows
    assert smb.Route.startswith("SMB Direct over LM1+LM2") and smb.Duration < tcp.Duration
    assert compression.BytesTransferred < tcp.BytesTransferred
    shell.run("Set-VMHost A -VirtualMachineMigrationPerformanceOption SMB; Move-VM SOFS1 B")
    record = shell.lab.migrations[-1]
    assert (record.Duration, record.Downtime, record.Rounds) == (
        smb.Duration, smb.Downtime, smb.Rounds)
    table = shell.run("Enter-PSSession B; Measure-LabMigration SOFS1 A; Exit-PSSession").split("\n")
    assert table[1].split()[:4] == ["VMName", "PerformanceOption", "Duration", "(s)"]


def test_get_lab_migration_filters():
    shell = base("Move-VM SOFS1 B; Enter-PSSession B; Move-VM SOFS1 A -AsJob | Out-Null; "
                 "Exit-PSSession")
    assert [r.State.name for r in shell.values("Get-LabMigration")] == ["Completed", "Running"]
    assert len(shell.values("Get-LabMigration -State Running")) == 1
    assert len(shell.values("Get-LabMigration SOFS*")) == 2
    shell.run("Get-LabMigration NOPE")
    assert "no migration" in shell.errors[-1].message


def test_show_lab_migration_text_and_svg(tmp_path):
    shell = Shell(root=tmp_path)
    shell.run(BASE + "Set-LabWorkload SOFS1 -Profile Database; Move-VM SOFS1 B")
    lines = shell.values("Show-LabMigration SOFS1")
    assert lines[0] == "Live migration of SOFS1: A -> B, Completed"
    rows = [line for line in lines if line.startswith(("Pass 1", "Pass 2", "Blackout"))]
    assert rows[0].startswith("Pass 1") and rows[-1].startswith("Blackout")
    assert "#" * 40 in "\n".join(lines)
    shell.run("Show-LabMigration -Id 1 -OutFile chart.svg")
    tree = ET.parse(tmp_path / "chart.svg")
    rects = [r for r in tree.getroot().iter("{http://www.w3.org/2000/svg}rect")
             if r.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(rects) == len(shell.lab.migrations[0].passes)
    shell.run("Show-LabMigration -Id 1 -OutFile ../outside.svg")
    assert "denied" in shell.errors[-1].message
    assert not (tmp_path.parent / "outside.svg").exists()


def test_a_reloaded_lab_fails_the_migrations_it_was_saved_with():
    shell = base("Move-VM SOFS1 B -AsJob | Out-Null; Start-Sleep 1")
    lab = lab_from_document(lab_to_document(shell.lab))
    again = Shell(lab)
    [record] = again.values("Get-LabMigration")
    assert record.State.name == "Failed" and "reloaded" in record.Reason
    assert next(lab.all_vms()).host_name == "A"


def test_scheduler_is_the_labs_and_sees_its_faults():
    shell = base()
    service = mobility(shell.lab)
    assert isinstance(service.scheduler, MigrationScheduler)
    assert service.scheduler.clock is shell.lab.clock and mobility(shell.lab) is service
    assert isinstance(M.spec_for(shell.lab, request(shell)), MigrationSpec)
    assert isinstance(shell.lab.clock, Clock)


EXAMPLES = sorted((pathlib.Path(__file__).parents[2] / "scripts" / "examples").glob("*.hvps"))


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_tours_run_without_errors_on_the_demo_lab(script):
    lab = Lab(seed=DEFAULT_SEED)
    build_demo_lab(lab)
    shell = Shell(lab)
    output = shell.run(script.read_text(encoding="utf-8"))
    assert shell.err.getvalue() == ""        # errors a tour expects are silenced in it
    assert output.strip()


def test_storage_move_takes_the_checkpoint_chain_along():
    shell = base("Checkpoint-VM SOFS1 -SnapshotName before | Out-Null")
    vm = next(shell.lab.all_vms())
    assert vm.hard_drives[0].path.lower().endswith(".avhdx")
    shell.run("Move-VMStorage SOFS1 C:\\VMs\\SOFS1")
    assert not shell.errors, shell.err.getvalue()
    child = shell.lab.find_vhd("A", vm.hard_drives[0].path)
    assert child.path.startswith("C:\\VMs\\SOFS1\\Virtual Hard Disks\\")
    assert child.parent_path == "C:\\VMs\\SOFS1\\Virtual Hard Disks\\SOFS1.vhdx"
    assert shell.lab.find_vhd("A", child.parent_path) is not None
    [snapshot] = vm.snapshots
    assert snapshot.hard_drive_paths[0][3] == child.parent_path
    assert snapshot.path == vm.snapshot_file_location == "C:\\VMs\\SOFS1"
    shell.run("Restore-VMSnapshot -Name before -VMName SOFS1 -Confirm:$false")
    assert not shell.errors, shell.err.getvalue()


def test_one_migration_per_vm_at_a_time():
    shell = base("New-Cluster C1 -Node A, B -StaticAddress 10.0.0.5 | Out-Null; "
                 "Add-ClusterVirtualMachineRole SOFS1 -Cluster C1 | Out-Null")
    shell.run("Move-ClusterVirtualMachineRole SOFS1 B -Cluster C1 -Wait 0 | Out-Null")
    assert "already being migrated" in refused(shell, "Move-VM SOFS1 B")


def test_credssp_needs_the_move_started_on_its_source_and_kerberos_needs_delegation():
    shell = base("New-LabHost C -Memory 64GB | Out-Null")
    assert shell.value("(Get-VMHost A).VirtualMachineMigrationAuthenticationType").name == "CredSSP"
    # Started on the destination or on a third host: CredSSP's error, nothing moves.
    for started_on in ("B", "C"):
        text = refused(shell, f"Enter-PSSession {started_on}; Move-VM SOFS1 B -ComputerName A; "
                              "Exit-PSSession")
        assert "0x8009030E" in text and "No credentials are available in the security package" in text
        assert f"started on '{started_on}'" in text and "Enter-PSSession A" in text
        assert "Grant-LabDelegation -ComputerName A -DelegateTo B" in text
    # Measure-LabMigration predicts it anyway and warns.
    out = shell.run("Enter-PSSession C; Measure-LabMigration SOFS1 B -ComputerName A | Out-Null; "
                    "Exit-PSSession")
    assert "WARNING: Move-VM started here would fail" in out
    # Kerberos: refused without delegation even on the source, accepted from C with it.
    shell.run("Set-VMHost A, B -VirtualMachineMigrationAuthenticationType Kerberos")
    assert "trusted to delegate to 'B'" in refused(shell, "Move-VM SOFS1 B")
    shell.run("Grant-LabDelegation A -DelegateTo B")
    assert shell.lab.host("A").delegates_to == ["B"] and shell.lab.host("B").delegates_to == []
    shell.clear_errors()
    shell.run("Enter-PSSession C; Move-VM SOFS1 B -ComputerName A; Exit-PSSession")
    assert not shell.errors and shell.lab.migrations[-1].State.name == "Completed"
    # Delegation goes one way: back from B needs B's own.
    assert "Grant-LabDelegation -ComputerName B -DelegateTo A" in refused(
        shell, "Move-VM SOFS1 A -ComputerName B")


def test_grant_lab_delegation_stays_in_one_domain_and_refuses_unknown_hosts():
    shell = base("New-LabHost X -Domain other.local | Out-Null")
    shell.run("Grant-LabDelegation A -DelegateTo X")
    assert "constrained delegation stays inside one domain" in shell.errors[-1].message
    shell.run("Grant-LabDelegation A -DelegateTo NOPE")
    assert shell.lab.host("A").delegates_to == []
    shell.run("Grant-LabDelegation A -DelegateTo B, A -WhatIf")
    assert shell.lab.host("A").delegates_to == []
