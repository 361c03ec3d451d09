"""Building the lab: hosts, NICs, storage, VMs, clusters and their rules."""
from __future__ import annotations

import pytest

from hvshell.model.compute import build
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import VMMigrationPerformance
from hvshell.model.lab import Lab
from hvshell.model.storage.objects import StorageType, VhdFormat, VhdType
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.vm import VMState

GB = 2**30
TB = 2**40
MB = 2**20


def new_lab() -> Lab:
    return Lab(seed=7)


def test_new_host_has_system_volume_nic_and_version_defaults():
    lab = new_lab()
    r2 = build.new_host(lab, "HV01")
    old = build.new_host(lab, "HV02", HostVersion["2012"])
    legacy = build.new_host(lab, "HV03", HostVersion["2008R2"], logical_processors=16,
                            memory=64 * GB)
    assert lab.local_host_name == "HV01"
    volume = lab.storage_for_path("HV01", "C:\\VMs\\a.vhdx")
    assert (volume.path, volume.capacity, volume.throughput_mbps, volume.iops) == \
        ("C:", 2 * TB, 500.0, 20000.0)
    nic = r2.nics[0]
    assert (nic.name, nic.speed_gbps, nic.subnet, nic.ip_address) == \
        ("NIC1", 10.0, "10.0.0.0/24", "10.0.0.11")
    assert old.nics[0].ip_address == "10.0.0.12"
    assert not r2.migration_enabled and not r2.use_any_network_for_migration
    assert r2.performance_option is VMMigrationPerformance.Compression
    assert old.performance_option is VMMigrationPerformance.TCPIP
    assert (r2.max_vm_migrations, r2.max_storage_migrations) == (2, 2)
    assert legacy.max_vm_migrations == 1
    assert r2.mac_address_minimum != old.mac_address_minimum


@pytest.mark.parametrize("kwargs, words", [
    (dict(logical_processors=321), "320 logical processors"),
    (dict(memory=5 * TB), "4096 GB"),
    (dict(version=HostVersion["2008R2"], logical_processors=65), "64 logical processors"),
    (dict(version=HostVersion["2008R2"], memory=2 * TB), "1024 GB"),
])
def test_host_limits_per_version(kwargs, words):
    lab = new_lab()
    with pytest.raises(LabError, match=words):
        build.new_host(lab, "HV01", **kwargs)
    assert lab.hosts == [] and lab.storage == []


def test_host_names_are_unique_and_netbios_sized():
    lab = new_lab()
    build.new_host(lab, "HV01")
    with pytest.raises(LabError, match="already has a computer"):
        build.new_host(lab, "hv01")
    with pytest.raises(LabError, match="1 to 15"):
        build.new_host(lab, "A-VERY-LONG-HOSTNAME")
    assert len(lab.hosts) == 1


def test_nic_addresses_follow_their_subnet():
    lab = new_lab()
    host = build.new_host(lab, "HV01")
    nic = build.add_nic(lab, host, "LM1", 10, rdma=True, subnet="10.1.1.0/24")
    assert (nic.ip_address, nic.rdma_capable, nic.rdma_enabled) == ("10.1.1.11", True, True)
    with pytest.raises(LabError, match="not an IP subnet"):
        build.add_nic(lab, host, "LM2", subnet="10.1.1.0/33")
    with pytest.raises(LabError, match="already has a network adapter"):
        build.add_nic(lab, host, "lm1")


def test_new_vm_defaults_and_its_disk():
    lab = new_lab()
    host = build.new_host(lab, "HV01")
    vm = build.new_vm(lab, host, "web01", 1 * GB, new_vhd_path="web01.vhdx",
                      new_vhd_size=40 * GB)
    assert vm.state is VMState.Off and vm.generation == 1 and vm.version == "5.0"
    assert vm.path == host.virtual_machine_path
    drive = vm.hard_drives[0]
    assert (drive.controller_type.name, drive.controller_number, drive.controller_location) == \
        ("IDE", 0, 0)
    vhd = lab.find_vhd("HV01", drive.path)
    assert drive.path.startswith(host.virtual_hard_disk_path)
    assert (vhd.vhd_format, vhd.vhd_type, vhd.size) == (VhdFormat.VHDX, VhdType.Dynamic, 40 * GB)
    assert vhd.FileSize == 4 * MB and vhd.Attached
    assert [a.name for a in vm.network_adapters] == ["Network Adapter"]
    assert vm.network_adapters[0].mac_address.startswith("00155D")
    assert vm.dvd_drives and vm.integration_services["Guest Service Interface"] is False
    assert lab.vm_by_id(str(vm.id)) is vm


def test_generation_2_needs_2012_r2_and_leaves_the_lab_unchanged():
    lab = new_lab()
    host = build.new_host(lab, "HV02", HostVersion["2012"])
    before = (len(lab.vhds), list(host.vms), lab.guid_counter)
    with pytest.raises(LabError, match="Windows Server 2012 R2") as caught:
        build.new_vm(lab, host, "g2", generation=2, new_vhd_path="g2.vhdx", new_vhd_size=GB)
    assert caught.value.error_id == "NotSupported"
    assert (len(lab.vhds), list(host.vms), lab.guid_counter) == before


@pytest.mark.parametrize("kwargs, words", [
    (dict(memory_startup=1000 * MB + 1), "multiple of 2 MB"),
    (dict(memory_startup=16 * MB), "at least 32 MB"),
    (dict(memory_startup=2 * TB), "more than the 1024 GB"),
    (dict(generation=3), "1 or 2"),
    (dict(generation=2, new_vhd_path="a.vhd", new_vhd_size=GB), "only from VHDX"),
    (dict(new_vhd_path="a.img", new_vhd_size=GB), ".vhd or .vhdx"),
    (dict(new_vhd_path="D:\\a.vhdx", new_vhd_size=GB), "not on any storage"),
    (dict(new_vhd_path="a.vhdx", new_vhd_size=65 * TB), "65536 GB"),
    (dict(vhd_path="missing.vhdx"), "does not exist"),
    (dict(switch_name="External"), "virtual switch"),
    (dict(generation=2, boot_device="IDE"), "cannot boot from IDE"),
])
def test_new_vm_rules(kwargs, words):
    lab = new_lab()
    host = build.new_host(lab, "HV01")
    with pytest.raises(LabError, match=words):
        build.new_vm(lab, host, "vm", **kwargs)
    assert host.vms == [] and lab.vhds == {}


def test_vhdx_needs_2012_and_vm_memory_limit_of_2008_r2():
    lab = new_lab()
    host = build.new_host(lab, "HV04", HostVersion["2008R2"], memory=128 * GB)
    with pytest.raises(LabError, match="VHDX format"):
        build.new_vm(lab, host, "a", new_vhd_path="a.vhdx", new_vhd_size=GB)
    with pytest.raises(LabError, match="64 GB"):
        build.new_vm(lab, host, "a", memory_startup=96 * GB)
    assert build.new_vm(lab, host, "a", new_vhd_path="a.vhd", new_vhd_size=GB).version == ""


def test_storage_kinds_and_visibility():
    lab = new_lab()
    hv1, hv2 = build.new_host(lab, "HV01"), build.new_host(lab, "HV02")
    build.new_host(lab, "HV03")
    cluster = build.new_cluster(lab, "HVC01", [hv1, hv2], ["10.0.0.5"])
    csv = build.new_storage(lab, "CSV1", StorageType.CSV, cluster=cluster)
    smb = build.new_storage(lab, "SOFS", StorageType.SMB, "\\\\SOFS01\\VMs")
    local = build.new_storage(lab, "HV03-D", StorageType.Local, "d:", host=lab.host("HV03"))
    assert csv.path == "C:\\ClusterStorage\\Volume1" and csv.disk_name == "Cluster Disk 1"
    assert lab.storage_for_path("HV02", csv.path + "\\vm\\a.vhdx") is csv
    assert lab.storage_for_path("HV03", csv.path + "\\a.vhdx") is not csv
    assert lab.storage_for_path("HV03", "\\\\sofs01\\vms\\x") is smb
    assert lab.storage_for_path("HV03", "D:\\VMs") is local
    assert lab.storage_for_path("HV01", "D:\\VMs") is None
    # One file on shared storage is the same file from every node.
    vm = build.new_vm(lab, hv1, "a", path=csv.path, new_vhd_path=csv.path + "\\a\\a.vhdx",
                      new_vhd_size=GB)
    assert lab.find_vhd("HV02", vm.hard_drives[0].path) is lab.find_vhd("HV01",
                                                                         vm.hard_drives[0].path)
    assert vm.path == csv.path + "\\a"
    assert csv.FreeSpace == csv.capacity - 4 * MB
    with pytest.raises(LabError, match="UNC path"):
        build.new_storage(lab, "bad", StorageType.SMB, "D:\\share")
    with pytest.raises(LabError, match="needs -Cluster"):
        build.new_storage(lab, "bad", StorageType.CSV)


def test_new_cluster_leases_from_dhcp():
    lab = new_lab()
    hosts = [build.new_host(lab, f"HV0{i}") for i in range(1, 5)]
    first = build.new_cluster(lab, "C1", hosts[:2], [])
    second = build.new_cluster(lab, "C2", hosts[2:], [])
    assert (first.dhcp_address, second.dhcp_address) == ("10.0.0.254", "10.0.0.253")
    assert first.static_addresses == []


def test_cluster_rules():
    lab = new_lab()
    hv1 = build.new_host(lab, "HV01")
    hv2 = build.new_host(lab, "HV02", HostVersion["2012"])
    hv3 = build.new_host(lab, "HV03", domain="other.local")
    hv4 = build.new_host(lab, "HV04")
    with pytest.raises(LabError, match="same Windows Server version"):
        build.new_cluster(lab, "C1", [hv1, hv2], ["10.0.0.5"])
    with pytest.raises(LabError, match="one domain"):
        build.new_cluster(lab, "C1", [hv1, hv3], ["10.0.0.5"])
    lab.dhcp = False
    with pytest.raises(LabError, match="-StaticAddress"):
        build.new_cluster(lab, "C1", [hv1, hv4], [])
    lab.dhcp = True
    with pytest.raises(LabError, match="no network that every node shares"):
        build.new_cluster(lab, "C1", [hv1, hv4], ["192.168.1.5"])
    with pytest.raises(LabError, match="already in use"):
        build.new_cluster(lab, "C1", [hv1, hv4], [hv1.nics[0].ip_address])
    assert lab.clusters == []
    cluster = build.new_cluster(lab, "C1", [hv1, hv4], ["10.0.0.5"])
    assert cluster.addresses() == ["10.0.0.5"] and cluster.dhcp_address is None
    assert [g.name for g in cluster.groups] == ["Cluster Group", "Available Storage"]
    with pytest.raises(LabError, match="already a node"):
        build.new_cluster(lab, "C2", [hv4], ["10.0.0.6"])


def test_vm_role_needs_shared_storage_and_turns_off_automatic_start():
    lab = new_lab()
    hv1, hv2 = build.new_host(lab, "HV01"), build.new_host(lab, "HV02")
    cluster = build.new_cluster(lab, "C1", [hv1, hv2], ["10.0.0.5"])
    csv = build.new_storage(lab, "CSV1", StorageType.CSV, cluster=cluster)
    local_vm = build.new_vm(lab, hv1, "local", new_vhd_path="l.vhdx", new_vhd_size=GB)
    with pytest.raises(LabError, match="only its host sees"):
        build.add_vm_role(lab, cluster, local_vm)
    vm = build.new_vm(lab, hv1, "ha", path=csv.path, new_vhd_path=csv.path + "\\ha\\ha.vhdx",
                      new_vhd_size=GB)
    group = build.add_vm_role(lab, cluster, vm)
    assert vm.IsClustered and group.OwnerNode == "HV01" and group.State.name == "Offline"
    assert vm.automatic_start_action.name == "Nothing"
    with pytest.raises(LabError, match="already a clustered role"):
        build.add_vm_role(lab, cluster, vm)
    with pytest.raises(LabError, match="clustered role"):
        build.remove_vm(lab, vm)
