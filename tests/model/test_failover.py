"""Cluster failover: heartbeat loss, placement of the roles on the nodes
left (anti-affinity, room, preferred owners), VMs that stay down, recovery
without failback, failback by policy or on request, saved labs."""
from __future__ import annotations

import pytest

from hvshell.model.compute import build, config, power

from hvshell.model.cluster import failover

from hvshell.model.network import config as netconfig
from hvshell.model.cluster.objects import ClusterGroupState, ClusterNode, ClusterNodeState
from hvshell.model.cluster.moves import failback
from hvshell.model.lab import Lab
from hvshell.model.network.objects import VMSwitchType
from hvshell.model.kernel.persist import lab_to_document, load_lab, save_lab
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.storage.objects import StorageType
from hvshell.model.compute.vm import StartAction, VMState
from hvshell.model.compute.workload import GuestOS

GB = 2**30
# Windows guests boot in GUEST_BOOT_SECONDS after the power-on.
RESTART = power.VM_POWER_ON_SECONDS + power.GUEST_BOOT_SECONDS[GuestOS.Windows]


def cluster_lab(memory=(64 * GB, 64 * GB, 64 * GB), seed=3):
    """Nodes A, B, C (as many as `memory` has entries) in cluster C1 with a
    CSV, live migration on NIC1's subnet."""
    lab = Lab(seed=seed)
    hosts = []
    for name, size in zip("ABC", memory):
        host = build.new_host(lab, name, memory=size)
        config.set_migration_enabled(host, True)
        config.add_migration_network(host, "10.0.0.0/24")
        hosts.append(host)
    cluster = build.new_cluster(lab, "C1", hosts, ["10.0.0.5"])
    build.new_storage(lab, "CSV1", StorageType.CSV, cluster=cluster)
    return lab, cluster


def role(lab, cluster, host_name, name, memory=4 * GB, classes=(), start=True):
    host = lab.host(host_name)
    path = "C:\\ClusterStorage\\Volume1"
    vm = build.new_vm(lab, host, name, memory, generation=2, path=path,
                      new_vhd_path=f"{path}\\{name}\\{name}.vhdx", new_vhd_size=40 * GB)
    group = build.add_vm_role(lab, cluster, vm)
    group.AntiAffinityClassNames = list(classes)
    if start:
        lab.clock.run_until_done(power.launch(lab, vm, power.begin_start(vm)))
    return group


def fault(lab, kind, host_name):
    schedule_action(lab, 0, kind, host_name)
    lab.clock.run_until(lab.clock.now)


def node_state(cluster, name):
    return ClusterNode(cluster, cluster.node_record(name)).State


def events(lab, kind):
    return [e for e in lab.events if e.kind == kind]


def owners(cluster):
    return {g.name: g.owner_node for g in cluster.groups if g.vm is not None}


def test_heartbeat_threshold_is_five_seconds_by_default_and_follows_the_settings():
    lab, cluster = cluster_lab()
    a = cluster.node_record("A")
    assert failover.heartbeat_timeout(cluster, a) == 5.0
    cluster.SameSubnetThreshold = 10
    assert failover.heartbeat_timeout(cluster, a) == 10.0
    # A node that shares no subnet with the others: the cross-subnet pair.
    lab.host("A").nics[0].subnet = "10.9.9.0/24"
    cluster.CrossSubnetDelay = 2000
    assert failover.heartbeat_timeout(cluster, a) == 10.0


def test_a_crashed_node_is_down_after_the_threshold_and_its_roles_restart_elsewhere():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB, 32 * GB))
    web1 = role(lab, cluster, "A", "web1", classes=["Web"])
    role(lab, cluster, "B", "web2", classes=["Web"])
    sql = role(lab, cluster, "A", "sql", memory=8 * GB)
    crash = lab.clock.now
    fault(lab, "HostCrash", "A")
    assert web1.vm.state is VMState.Off and web1.State is ClusterGroupState.Offline
    lab.clock.advance(4.9)
    assert node_state(cluster, "A") is ClusterNodeState.Up     # not noticed yet
    lab.clock.advance(0.1)
    assert node_state(cluster, "A") is ClusterNodeState.Down
    [down] = events(lab, "NodeDown")
    assert down.time == crash + 5 and "no heartbeat for 5 s" in down.message
    # sql goes where most memory is free; web1 avoids web2's node all the same.
    assert owners(cluster) == {"web1": "C", "web2": "B", "sql": "B"}
    assert web1.vm.host_name == "C" and web1.State is ClusterGroupState.Pending
    lab.clock.advance(power.VM_POWER_ON_SECONDS)
    assert web1.vm.state is VMState.Running and web1.State is ClusterGroupState.Online
    assert sql.vm.state is VMState.Running and sql.vm.IsClustered
    lab.clock.advance(power.GUEST_BOOT_SECONDS[GuestOS.Windows])
    recovered = events(lab, "GroupRecovered")
    assert [e.source for e in recovered] == ["sql", "web1"]
    assert all(e.time - crash == 5 + RESTART for e in recovered)
    assert f"{5 + RESTART:.1f} s after it went down" in recovered[0].message
    assert web1.outage_since is None and web1.vm.guest_ready()


def test_anti_affinity_gives_way_only_when_no_other_node_has_room():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB, 8 * GB))
    web1 = role(lab, cluster, "A", "web1", memory=8 * GB, classes=["Web"])
    role(lab, cluster, "B", "web2", classes=["Web"])
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    assert web1.owner_node == "B"
    [moved] = events(lab, "GroupFailover")
    assert "runs beside web2" in moved.message


def test_enforced_anti_affinity_leaves_the_role_failed_until_a_node_joins():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    cluster.ClusterEnforcedAntiAffinity = 1
    web1 = role(lab, cluster, "A", "web1", classes=["Web"])
    role(lab, cluster, "B", "web2", classes=["Web"])
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    assert web1.State is ClusterGroupState.Failed and web1.owner_node == "A"
    [failed] = events(lab, "GroupFailed")
    assert "enforces anti-affinity" in failed.message
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS)
    assert node_state(cluster, "A") is ClusterNodeState.Up
    lab.clock.advance(power.VM_POWER_ON_SECONDS)
    assert web1.vm.host_name == "A" and web1.State is ClusterGroupState.Online


def test_a_node_that_refuses_the_start_is_skipped_for_the_next():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB, 32 * GB))
    for name in "AC":
        netconfig.new_switch(lab, lab.host(name), "Private", VMSwitchType.Private)
    group = role(lab, cluster, "A", "one", start=False)
    netconfig.connect_adapter(lab, group.vm.network_adapters[0], "Private")
    lab.clock.run_until_done(power.launch(lab, group.vm, power.begin_start(group.vm)))
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    # B has the most free memory but no switch 'Private'.
    assert group.owner_node == "C" and group.vm.state is VMState.Starting
    assert [vm.name for vm in lab.host("B").vms] == []


def test_a_role_no_node_has_room_for_fails_on_a_node_up_where_it_can_be_started_later():
    lab, cluster = cluster_lab(memory=(64 * GB, 24 * GB))
    big = role(lab, cluster, "A", "big", memory=16 * GB)
    hog = role(lab, cluster, "B", "hog", memory=10 * GB)
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    assert big.State is ClusterGroupState.Failed
    assert big.owner_node == big.vm.host_name == "B" and big.vm.state is VMState.Off
    [failed] = events(lab, "GroupFailed")
    assert "needs 16536 MB" in failed.message and "B, has" in failed.message
    assert "stays Failed on B: start it there (Start-VM) once there is room" in failed.message
    # The administrator makes room and starts it.
    lab.clock.run_until_done(power.launch(lab, hog.vm, power.begin_stop(hog.vm, turn_off=True)))
    lab.clock.run_until_done(power.launch(lab, big.vm, power.begin_start(big.vm)))
    assert big.State is ClusterGroupState.Online
    lab.clock.advance(power.GUEST_BOOT_SECONDS[GuestOS.Windows])
    assert [e.source for e in events(lab, "GroupRecovered")] == ["big"]


def test_with_no_node_left_the_roles_stay_offline_and_start_when_the_node_is_back():
    lab, cluster = cluster_lab(memory=(64 * GB,))
    vm = role(lab, cluster, "A", "solo")
    crash = lab.clock.now
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    assert vm.State is ClusterGroupState.Offline
    # The last node gone, the cluster has lost quorum (0 of 1 votes).
    assert "0 of 1 votes" in events(lab, "QuorumLost")[0].message
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS + RESTART)
    assert vm.State is ClusterGroupState.Online
    [back] = events(lab, "GroupRecovered")
    assert back.time - crash == 5 + power.HOST_BOOT_SECONDS + RESTART


def test_non_clustered_vms_stay_down_and_follow_their_automatic_start_action():
    lab, _ = cluster_lab()
    local = build.new_vm(lab, lab.host("A"), "local", 2 * GB)
    local.automatic_start_action = StartAction.StartIfRunning
    lab.clock.run_until_done(power.launch(lab, local, power.begin_start(local)))
    fault(lab, "HostCrash", "A")
    lab.clock.advance(60)
    assert local.host_name == "A" and local.state is VMState.Off
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS + power.VM_POWER_ON_SECONDS)
    assert local.host_name == "A" and local.state is VMState.Running


def test_roles_not_running_change_owner_and_no_auto_start_roles_stay_off():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    off = role(lab, cluster, "A", "off", start=False)
    lazy = role(lab, cluster, "A", "lazy")
    lazy.Priority = 0
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5 + RESTART)
    assert owners(cluster) == {"off": "B", "lazy": "B"}
    assert off.vm.state is VMState.Off and lazy.vm.state is VMState.Off
    messages = [e.message for e in events(lab, "GroupMoved")]
    assert any("No Auto Start" in m for m in messages)
    assert not events(lab, "GroupFailover")
    # Core groups and the CSV the node owned move too.
    core = cluster.group("Cluster Group")
    assert core.owner_node == "B" and cluster.shared_volumes()[0].owner_node == "B"


def test_preferred_owners_come_before_free_memory():
    lab, cluster = cluster_lab(memory=(64 * GB, 32 * GB, 64 * GB))
    group = role(lab, cluster, "A", "pref")
    group.preferred_owners = ["B"]
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    assert group.owner_node == "B"


def test_a_network_flap_shorter_than_the_threshold_changes_nothing():
    lab, cluster = cluster_lab()
    vm = role(lab, cluster, "A", "web1")
    fault(lab, "NetworkDown", "A")
    lab.clock.advance(3)
    fault(lab, "NetworkUp", "A")
    lab.clock.advance(10)
    assert vm.owner_node == "A" and vm.vm.state is VMState.Running
    assert not events(lab, "NodeDown")
    [restored] = events(lab, "HeartbeatsRestored")
    assert "after 3 s" in restored.message


def test_an_isolated_node_loses_its_clustered_vms_but_keeps_the_others():
    lab, cluster = cluster_lab()
    clustered = role(lab, cluster, "A", "web1")
    local = build.new_vm(lab, lab.host("A"), "local", 2 * GB)
    lab.clock.run_until_done(power.launch(lab, local, power.begin_start(local)))
    fault(lab, "NetworkDown", "A")
    lab.clock.advance(5)
    assert node_state(cluster, "A") is ClusterNodeState.Down
    assert clustered.owner_node != "A" and clustered.vm.state is VMState.Starting
    assert local.state is VMState.Running
    assert any("lost contact with cluster C1" in e.message for e in events(lab, "VMStopped"))
    fault(lab, "NetworkUp", "A")
    assert node_state(cluster, "A") is ClusterNodeState.Up
    assert events(lab, "NodeJoined") and clustered.owner_node != "A"


def crashed_and_recovered(auto_failback=0):
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    groups = [role(lab, cluster, "A", name) for name in ("one", "two")]
    groups[0].AutoFailbackType = auto_failback
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5 + RESTART)
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS + 60)
    return lab, cluster, groups


def test_roles_do_not_fail_back_by_default():
    lab, cluster, groups = crashed_and_recovered()
    assert node_state(cluster, "A") is ClusterNodeState.Up
    assert [g.owner_node for g in groups] == ["B", "B"]
    assert not lab.migrations
    assert cluster.node_record("A").moved_roles == ["one", "two"]


def test_a_group_whose_policy_allows_it_fails_back_when_the_node_joins():
    lab, cluster, groups = crashed_and_recovered(auto_failback=1)
    assert [g.owner_node for g in groups] == ["A", "B"]
    [move] = lab.migrations
    assert move.vm_name == "one" and move.kind == "Live" and move.State.name == "Completed"
    assert cluster.node_record("A").moved_roles == ["two"]


def test_resume_cluster_node_failback_immediate_brings_every_role_back():
    lab, cluster, groups = crashed_and_recovered()
    records = failback(lab, cluster, cluster.node_record("A"), "Immediate")
    lab.clock.run_until_done(lab.clock.all_of([r.done for r in records]))
    assert [g.owner_node for g in groups] == ["A", "A"]
    assert all(g.vm.state is VMState.Running for g in groups)
    assert cluster.node_record("A").moved_roles == []


def test_failback_waits_for_the_failback_window():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    group = role(lab, cluster, "A", "one")
    group.AutoFailbackType = 1
    group.FailbackWindowStart = 22       # the lab's clock starts at 09:00
    group.FailbackWindowEnd = 23
    with pytest.raises(ValueError, match="0 to 23"):
        group.FailbackWindowEnd = 24
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5 + RESTART)
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS + 60)
    assert group.owner_node == "B" and not lab.migrations
    lab.clock.advance(13 * 3600)         # past 22:00
    assert group.owner_node == "A"
    assert lab.time_at(lab.migrations[0].queued_at).hour == 22


def test_stopping_a_failed_over_vm_before_its_guest_is_back_ends_the_wait():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    group = role(lab, cluster, "A", "one")
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5 + power.VM_POWER_ON_SECONDS)
    stopping = power.begin_stop(group.vm, turn_off=True)
    lab.clock.run_until_done(power.launch(lab, group.vm, stopping))
    lab.clock.advance(120)
    assert group.outage_since is None and not events(lab, "GroupRecovered")
    fault(lab, "HostRecover", "A")
    lab.clock.advance(power.HOST_BOOT_SECONDS + 10)
    assert group.vm.state is VMState.Off          # not restarted against the user's wish


def scenario(seed):
    lab, cluster = cluster_lab(seed=seed)
    for node, name, size, classes in (("A", "w1", 2, ["Web"]), ("B", "w2", 3, ["Web"]),
                                      ("C", "w3", 4, ["Web"]), ("A", "db", 5, [])):
        role(lab, cluster, node, name, memory=size * GB, classes=classes)
    fault(lab, "HostCrash", "A")
    lab.clock.advance(60)
    fault(lab, "HostRecover", "A")
    lab.clock.advance(300)
    return [(e.time, e.kind, e.source, e.message) for e in lab.events], owners(cluster)


def test_failover_is_deterministic():
    assert scenario(3) == scenario(3)


def test_a_saved_lab_keeps_the_pending_failover(tmp_path):
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    group = role(lab, cluster, "A", "one")
    fault(lab, "HostCrash", "A")
    lab.clock.advance(2)                  # heartbeats missed, node not yet removed
    path = tmp_path / "lab.json"
    save_lab(lab, path)
    loaded = load_lab(path)
    assert lab_to_document(loaded) == lab_to_document(lab)
    loaded_cluster = loaded.clusters[0]
    assert node_state(loaded_cluster, "A") is ClusterNodeState.Up
    loaded.clock.advance(3)
    assert node_state(loaded_cluster, "A") is ClusterNodeState.Down
    loaded.clock.advance(RESTART)
    moved = loaded_cluster.group("one")
    assert moved.owner_node == "B" and moved.vm.guest_ready()
    assert [e.kind for e in events(loaded, "GroupRecovered")] == ["GroupRecovered"]
    assert group.owner_node == "A"        # the original lab is untouched


def test_a_failover_start_cut_by_a_reload_starts_again(tmp_path):
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    role(lab, cluster, "A", "one")
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5.5)                # removed; the VM is starting on B
    assert cluster.group("one").vm.state is VMState.Starting
    save_lab(lab, tmp_path / "lab.json")
    loaded = load_lab(tmp_path / "lab.json")
    group = loaded.clusters[0].group("one")
    assert group.vm.state is VMState.Starting and group.owner_node == "B"
    loaded.clock.advance(RESTART)
    assert group.vm.guest_ready() and group.outage_since is None


def test_an_orderly_restart_hands_the_saved_roles_to_the_other_node_at_once():
    lab, cluster = cluster_lab(memory=(64 * GB, 64 * GB))
    group = role(lab, cluster, "A", "one")
    lab.clock.advance(60)
    lab.clock.process(power.restart_host(lab, lab.host("A")))
    lab.clock.run_until(lab.clock.now + 30)
    # Its stop action saved it; the node left without a heartbeat wait and
    # the VM was restored from its saved state on B.
    [left] = events(lab, "NodeDown")
    assert "is restarting" in left.message
    assert group.owner_node == "B" and group.vm.state is VMState.Running
    assert any("from its saved state" in e.message for e in events(lab, "VMStarted"))
    [back] = events(lab, "GroupRecovered")
    assert back.time < left.time + 30


def test_a_role_whose_new_node_fails_too_moves_on():
    lab, cluster = cluster_lab()
    group = role(lab, cluster, "A", "one")
    fault(lab, "HostCrash", "A")
    lab.clock.advance(5)
    first = group.owner_node
    crash = lab.clock.now
    fault(lab, "HostCrash", first)       # while it is still starting there
    lab.clock.advance(5 + RESTART)
    assert group.owner_node not in ("A", first) and group.vm.guest_ready()
    [back] = events(lab, "GroupRecovered")
    assert back.time - crash == 5 + RESTART
    assert "52.0 s after it went down" in back.message     # counted from the first crash
