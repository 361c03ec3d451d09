"""Hyper-V Replica: enabling (and its refusals), the initial copy, replica
log cycles and health, failover, and cycles surviving a save and load."""
from __future__ import annotations

import pytest

from hvshell.model.compute import build, power

from hvshell.model.replica import cycles as replica_cycles
from hvshell.model.replica import failover as replica_failover
from hvshell.model.replica import legs, lifecycle
from hvshell.model.replica import views as replica_views
from hvshell.model.kernel.errors import LabError
from hvshell.model.lab import Lab
from hvshell.model.kernel.persist import lab_from_document, lab_to_document
from hvshell.model.replica.settings import (RecoveryAuthenticationType,
                                            ReplicationAuthenticationType,
                                            ReplicationRelationshipType)
from hvshell.model.kernel.schedule import ScheduledAction
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.vm import ReplicationHealth, ReplicationMode, ReplicationState, VMState

GB = 2**30
MB = 2**20
KERBEROS = ReplicationAuthenticationType.Kerberos


def replica_lab(primary_version="2012R2", link_gbps=1.0, used=10 * GB):
    """P replicates to R over 1 GbE; P's VM 'app' runs with a 40 GB disk
    holding `used` bytes."""
    lab = Lab(seed=3)
    primary = build.new_host(lab, "P", HostVersion[primary_version])
    target = build.new_host(lab, "R", HostVersion["2012R2"])
    for host in (primary, target):
        host.nics[0].speed_gbps = link_gbps
    vm = build.new_vm(lab, primary, "app", 2 * GB, new_vhd_path="C:\\VMs\\app.vhdx",
                      new_vhd_size=1024 * GB)
    lab.find_vhd("P", "C:\\VMs\\app.vhdx").used_size = used
    lab.clock.run_until_done(power.launch(lab, vm, power.begin_start(vm)))
    return lab, vm


def accept(lab, name="R"):
    lifecycle.set_replication_server(lab.host(name), True, RecoveryAuthenticationType.Kerberos,
                                   True, "C:\\Replica")


def replicating(frequency=300, **kwargs):
    lab, vm = replica_lab(**kwargs)
    accept(lab)
    lifecycle.enable(lab, vm, "R", 80, KERBEROS, frequency, compression=False)
    lab.clock.run_until_done(lab.clock.process(lifecycle.begin_initial_replication(lab, vm)))
    return lab, vm


def cycles(lab):
    return [r for r in lab.scheduled if isinstance(r, ScheduledAction) and
            r.action == legs.CYCLE]


def test_enable_is_refused_by_a_server_that_does_not_accept_replication():
    lab, vm = replica_lab()
    with pytest.raises(LabError, match="does not accept replication"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS)
    assert vm.replication is None and len(lab.host("R").vms) == 0
    accept(lab)
    with pytest.raises(LabError, match="port 80, not 443"):
        lifecycle.enable(lab, vm, "R", 443, KERBEROS)
    with pytest.raises(LabError, match="Use -AuthenticationType Kerberos"):
        lifecycle.enable(lab, vm, "R", 443, ReplicationAuthenticationType.Certificate)


def test_frequencies_per_version():
    lab, vm = replica_lab(primary_version="2012")
    accept(lab)
    with pytest.raises(LabError, match="Windows Server 2012: it replicates every 300"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS, 30)
    lifecycle.enable(lab, vm, "R", 80, KERBEROS, 300)
    lab, vm = replica_lab()
    accept(lab)
    with pytest.raises(LabError, match="30, 300 or 900"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS, 60)
    lifecycle.enable(lab, vm, "R", 80, KERBEROS, 30)


def test_enable_creates_the_replica_vm_and_refuses_a_second_relationship():
    lab, vm = replica_lab()
    accept(lab)
    copy = lifecycle.enable(lab, vm, "R", 80, KERBEROS)
    assert copy.host_name == "R" and copy.state is VMState.Off and copy.id != vm.id
    assert copy.replication_mode is ReplicationMode.Replica
    assert vm.replication_mode is ReplicationMode.Primary
    assert vm.replication_state is copy.replication_state is \
        ReplicationState.ReadyForInitialReplication
    with pytest.raises(LabError, match="already the primary"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS)


def test_initial_replication_copies_the_used_bytes_over_the_slower_link():
    lab, vm = replica_lab()
    accept(lab)
    lifecycle.enable(lab, vm, "R", 80, KERBEROS, compression=True)
    size = legs.replicated_size(lab, vm)
    assert size == 10 * GB
    # 1 GbE less TCP overhead; the local disks are faster.
    assert legs.transfer_rate(lab, vm) == pytest.approx(1e9 / 8 * legs.TCP_EFFICIENCY)
    start = lab.clock.now
    lab.clock.run_until_done(lab.clock.process(lifecycle.begin_initial_replication(lab, vm)))
    expected = legs.INITIAL_SETUP_SECONDS + size / legs.COMPRESSION_RATIO / \
        (1e9 / 8 * legs.TCP_EFFICIENCY)
    assert lab.clock.now - start == pytest.approx(expected)
    assert vm.replication_state is ReplicationState.Replicating
    assert lab.find_vhd("R", "C:\\Replica\\app\\app.vhdx") is not None
    assert len(cycles(lab)) == 1


def test_each_cycle_sends_the_writes_of_the_interval():
    lab, vm = replicating()
    lab.clock.advance(3 * 300 + 10)
    health = replica_views.VMReplicationHealth(lab, vm)
    per_cycle = vm.workload.disk_write_mbps * MB * 300
    assert health.SuccessfulReplicationCount == 3 and health.MissedReplicationCount == 0
    assert health.AverageReplicationSize == pytest.approx(per_cycle, rel=0.01)
    assert health.Health is ReplicationHealth.Normal
    assert health.PendingReplicationSize == pytest.approx(vm.workload.disk_write_mbps * MB * 10,
                                                          rel=0.01)
    # One timed action per replicated VM, whatever the time simulated.
    assert len(cycles(lab)) == 1


def test_a_log_that_cannot_keep_up_turns_health_to_warning_then_critical():
    lab, vm = replicating(used=400 * GB)
    vm.workload.disk_write_mbps = 200.0        # 60 GB a cycle; 1 GbE sends about 33
    lab.clock.advance(2 * 300 + 1)
    assert vm.replication.missed == 1
    assert vm.replication_health is ReplicationHealth.Warning
    lab.clock.advance(3600)
    assert vm.replication_health is ReplicationHealth.Critical


def test_planned_failover_loses_nothing():
    lab, vm = replicating()
    lab.clock.advance(450)
    with pytest.raises(LabError, match="turned off"):
        replica_failover.begin_prepare(lab, vm)
    lab.clock.run_until_done(power.launch(lab, vm, power.begin_stop(vm, turn_off=True)))
    lab.clock.run_until_done(lab.clock.process(replica_failover.begin_prepare(lab, vm)))
    assert vm.replication_state is ReplicationState.PreparedForFailover
    copy = legs.replica_of(lab, vm)
    lab.clock.run_until_done(lab.clock.process(replica_failover.begin_failover(lab, copy)))
    assert copy.replication_state is ReplicationState.FailedOverWaitingCompletion
    assert "no data lost" in lab.events[-1].message
    replica_failover.complete_failover(lab, copy)
    assert copy.replication_state is ReplicationState.FailedOver
    assert not cycles(lab)


def test_unplanned_failover_after_a_crash_loses_at_most_the_last_interval():
    lab, vm = replicating()
    lab.clock.advance(300 * 4 + 200)      # 200 s after the fourth log was cut
    power.crash_host(lab, vm.host)
    lab.clock.advance(100)
    copy = legs.replica_of(lab, vm)
    lab.clock.run_until_done(lab.clock.process(replica_failover.begin_failover(lab, copy)))
    message = lab.events[-1].message
    lost = vm.workload.disk_write_mbps * 200
    assert f"{lost:.1f} MB of writes since then are lost" in message
    assert "(RPO 200 s)" in message      # from the cut to the crash


def test_stop_failover_returns_to_replicating():
    lab, vm = replicating()
    copy = legs.replica_of(lab, vm)
    power.crash_host(lab, vm.host)
    lab.clock.run_until_done(lab.clock.process(replica_failover.begin_failover(lab, copy)))
    replica_failover.stop_failover(lab, copy)
    assert copy.replication_state is ReplicationState.Replicating and len(cycles(lab)) == 1


def test_suspend_keeps_tracking_writes_and_resume_sends_them():
    lab, vm = replicating()
    replica_cycles.suspend(lab, vm)
    assert vm.replication_health is ReplicationHealth.Warning and not cycles(lab)
    lab.clock.advance(900)
    replica_cycles.resume(lab, vm)
    lab.clock.advance(310)
    legs.settle(lab, vm)        # the log arrived (figures are brought up to date on reading)
    assert vm.replication.successful == 1
    assert vm.replication.largest == pytest.approx(vm.workload.disk_write_mbps * MB * 1200,
                                                   rel=0.01)


def test_cycles_go_on_after_a_save_and_load():
    lab, vm = replicating()
    lab.clock.advance(610)
    loaded = lab_from_document(lab_to_document(lab))
    copy = loaded.vm_by_id(vm.id)
    assert replica_views.VMReplicationHealth(loaded, copy).SuccessfulReplicationCount == 2
    assert len(cycles(loaded)) == 1
    loaded.clock.advance(600)
    assert replica_views.VMReplicationHealth(loaded, copy).SuccessfulReplicationCount == 4
    assert lab_to_document(loaded)["lab"]["hosts"][1]["replica_server"]["replication_enabled"]


def test_a_reload_during_the_initial_copy_or_a_prepare_leaves_replication_consistent():
    lab, vm = replica_lab()
    accept(lab)
    lifecycle.enable(lab, vm, "R", 80, KERBEROS)
    lab.clock.process(lifecycle.begin_initial_replication(lab, vm))
    lab.clock.advance(5)
    assert vm.replication_state is ReplicationState.InitialReplicationInProgress
    loaded = lab_from_document(lab_to_document(lab))
    assert loaded.vm_by_id(vm.id).replication_state is \
        ReplicationState.ReadyForInitialReplication
    lab, vm = replicating()
    lab.clock.run_until_done(power.launch(lab, vm, power.begin_stop(vm, turn_off=True)))
    lab.clock.process(replica_failover.begin_prepare(lab, vm))
    lab.clock.advance(0.5)
    assert not cycles(lab)
    loaded = lab_from_document(lab_to_document(lab))
    assert loaded.vm_by_id(vm.id).replication_state is ReplicationState.Replicating
    assert len(cycles(loaded)) == 1


def test_without_a_network_adapter_up_cycles_are_missed():
    lab, vm = replicating()
    lab.host("R").nics[0].up = False
    lab.clock.advance(610)
    assert vm.replication.missed == 2 and vm.replication_health is ReplicationHealth.Warning
    lab.host("R").nics[0].up = True
    lab.clock.advance(300)
    legs.settle(lab, vm)
    assert vm.replication.successful == 1


def test_recovery_points_per_version_and_a_new_frequency_from_the_next_cycle():
    lab, vm = replica_lab(primary_version="2012")
    accept(lab)
    with pytest.raises(LabError, match="between 0 and 15"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS, recovery_history=16)
    with pytest.raises(LabError, match="needs additional recovery points"):
        lifecycle.enable(lab, vm, "R", 80, KERBEROS, vss_hours=4)
    lab, vm = replicating()
    with pytest.raises(LabError, match="between 0 and 24"):
        lifecycle.configure(lab, vm, recovery_history=25)
    lifecycle.configure(lab, vm, frequency=30, recovery_history=24)
    copy = legs.replica_of(lab, vm)
    assert copy.replication.frequency_sec == 30 and copy.replication.recovery_history == 24
    lab.clock.advance(95)
    assert replica_views.VMReplicationHealth(lab, vm).SuccessfulReplicationCount == 3


# ---------------------------------------------------------------------------
# Extended replication and removing a relationship
# ---------------------------------------------------------------------------

def with_third_host(lab, version="2012R2"):
    third = build.new_host(lab, "X", HostVersion[version])
    third.nics[0].speed_gbps = 1.0
    accept(lab, "X")
    return third


def extended_cycles(lab):
    return [r for r in lab.scheduled if isinstance(r, ScheduledAction) and
            r.action == legs.EXTENDED_CYCLE]


def extending(frequency=300):
    """app replicates P -> R every 300 s, and R's replica on to X."""
    lab, vm = replicating()
    with_third_host(lab)
    copy = legs.replica_of(lab, vm)
    target = lifecycle.enable(lab, copy, "X", 80, KERBEROS, frequency, compression=False)
    lab.clock.run_until_done(lab.clock.process(lifecycle.begin_initial_replication(lab, copy)))
    return lab, vm, copy, target


def test_extended_replication_refusals_leave_the_lab_unchanged():
    lab, vm = replica_lab()
    accept(lab)
    copy = lifecycle.enable(lab, vm, "R", 80, KERBEROS)
    with_third_host(lab)
    with pytest.raises(LabError, match="needs its initial replication completed"):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS)
    lab.clock.run_until_done(lab.clock.process(lifecycle.begin_initial_replication(lab, vm)))
    with pytest.raises(LabError, match="300 or 900 seconds, not 30"):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS, 30)
    with pytest.raises(LabError, match="no application-consistent"):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS, recovery_history=2, vss_hours=1)
    with pytest.raises(LabError, match="must be a third host"):
        lifecycle.enable(lab, copy, "P", 80, KERBEROS)
    assert copy.replication.extended is None and len(lab.host("X").vms) == 0
    lifecycle.enable(lab, copy, "X", 80, KERBEROS, 900)
    with pytest.raises(LabError, match="one extended relationship"):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS)
    assert len(lab.host("X").vms) == 1


def test_extended_replication_needs_2012_r2_on_both_servers():
    lab, vm = replicating()
    with_third_host(lab, "2012")
    copy = legs.replica_of(lab, vm)
    with pytest.raises(LabError, match="'X' runs Windows Server 2012\\."):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS)
    # A replica on Windows Server 2012 cannot extend either.
    lab = Lab(seed=3)
    primary = build.new_host(lab, "P", HostVersion["2012R2"])
    build.new_host(lab, "R", HostVersion["2012"])
    vm = build.new_vm(lab, primary, "app", 2 * GB)
    accept(lab)
    copy = lifecycle.enable(lab, vm, "R", 80, KERBEROS, 300)
    lab.clock.run_until_done(lab.clock.process(lifecycle.begin_initial_replication(lab, vm)))
    with_third_host(lab)
    with pytest.raises(LabError, match="'R' runs Windows Server 2012\\."):
        lifecycle.enable(lab, copy, "X", 80, KERBEROS)
    assert copy.replication.extended is None


def test_extended_cycles_send_on_what_the_replica_received():
    lab, vm, copy, target = extending()
    assert target.replication_mode is ReplicationMode.ExtendedReplica
    assert target.replication_state is ReplicationState.Replicating
    assert lab.find_vhd("X", "C:\\Replica\\app\\app.vhdx") is not None
    lab.clock.advance(6 * 300 + 20)
    extended = replica_views.VMReplicationHealth(lab, copy, ReplicationRelationshipType.Extended)
    simple = replica_views.VMReplicationHealth(lab, vm)
    assert extended.Relationship is ReplicationRelationshipType.Extended
    assert extended.SuccessfulReplicationCount == 6 and extended.Health.name == "Normal"
    # Everything the replica received, less what waits for the next cycle,
    # went on; no more than it received.
    leg = copy.replication.extended
    received = vm.replication.bytes_sent
    assert leg.bytes_sent + leg.pending_bytes + leg.in_flight_bytes == pytest.approx(received)
    assert simple.SuccessfulReplicationCount >= 6
    # One timed action per replicated VM and leg.
    assert len(cycles(lab)) == 1 and len(extended_cycles(lab)) == 1


def test_extended_cycles_go_on_after_a_save_and_load():
    lab, _, copy, _ = extending(900)
    loaded = lab_from_document(lab_to_document(lab))
    again = loaded.vm_by_id(copy.id)
    assert len(extended_cycles(loaded)) == 1
    loaded.clock.advance(1800 + 10)
    extended = replica_views.VMReplicationHealth(loaded, again,
                                           ReplicationRelationshipType.Extended)
    assert extended.SuccessfulReplicationCount == 2


def test_remove_disables_one_side_and_leaves_the_other_in_error():
    lab, vm, copy, target = extending()
    with pytest.raises(LabError, match="Remove that extended relationship first"):
        lifecycle.remove(lab, copy)
    lifecycle.remove(lab, copy, ReplicationRelationshipType.Extended)
    assert copy.replication.extended is None and not extended_cycles(lab)
    assert target.replication_state is ReplicationState.Error
    assert target.replication_health is ReplicationHealth.Critical
    lifecycle.remove(lab, target)
    assert target.replication_state is ReplicationState.Disabled and target.replication is None
    lifecycle.remove(lab, vm)
    assert vm.replication_state is ReplicationState.Disabled and not cycles(lab)
    assert vm.replication_mode.name == "None"
    assert copy.replication_state is ReplicationState.Error and copy in lab.host("R").vms
    with pytest.raises(LabError, match="Replication is not enabled"):
        lifecycle.remove(lab, vm)
    # The replica VM stays, an ordinary VM once removed on its side too.
    lifecycle.remove(lab, copy)
    assert copy.replication_mode.name == "None" and copy.replication is None


def test_suspending_the_extended_leg_keeps_what_the_replica_receives():
    lab, vm, copy, target = extending()
    extended = ReplicationRelationshipType.Extended
    with pytest.raises(LabError, match="not a replica virtual machine with an extended"):
        replica_cycles.suspend(lab, vm, extended)
    replica_cycles.suspend(lab, copy, extended)
    assert target.replication_state is ReplicationState.Suspended and not extended_cycles(lab)
    assert vm.replication_state is ReplicationState.Replicating     # the simple leg goes on
    lab.clock.advance(900)
    replica_cycles.resume(lab, copy, extended)
    lab.clock.advance(310)
    legs.settle_extended(lab, copy)
    leg = copy.replication.extended
    assert leg.successful == 1 and leg.largest >= 2 * vm.workload.disk_write_mbps * MB * 300


def test_the_extended_replica_keeps_its_settings():
    lab, _, _, target = extending()
    with pytest.raises(LabError, match="keeps the settings it was enabled with"):
        lifecycle.configure(lab, target, frequency=900)
    assert target.replication.frequency_sec == 300


def test_an_unreachable_extended_server_misses_cycles_and_the_next_log_catches_up():
    lab, vm, copy, target = extending()
    lab.host("X").nics[0].up = False
    lab.clock.advance(2 * 300 + 10)
    leg = copy.replication.extended
    assert leg.missed == 2 and target.replication_health is ReplicationHealth.Warning
    assert vm.replication.missed == 0                   # the primary's leg is not affected
    lab.host("X").nics[0].up = True
    lab.clock.advance(300)
    legs.settle_extended(lab, copy)
    assert leg.successful == 1 and leg.largest >= 2 * vm.workload.disk_write_mbps * MB * 300
