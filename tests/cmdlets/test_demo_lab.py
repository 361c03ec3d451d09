"""The demo lab (README.md, A short tour) builds without errors and has what it
promises."""
from __future__ import annotations

from hvshell.demo import build_demo_lab
from hvshell.model.lab import Lab
from tests.cmdlets.hyperv_shell import Shell


def test_demo_lab():
    lab = Lab(seed=2012)
    build_demo_lab(lab)
    assert [(h.name, h.version.name) for h in lab.hosts] == [
        ("HV01", "2012R2"), ("HV02", "2012R2"), ("HV03", "2012"), ("HV04", "2008R2")]
    assert lab.local_host_name == "HV01"
    [cluster] = lab.clusters
    assert cluster.node_names() == ["HV01", "HV02"] and cluster.shared_volumes()
    assert any(s.storage_type.name == "SMB" for s in lab.storage)
    for name in ("HV01", "HV02"):
        host = lab.host(name)
        rdma = [n for n in host.migration_interfaces() if n.rdma_enabled]
        assert host.migration_enabled and len(rdma) == 2
        assert all(n.speed_gbps == 10 for n in rdma)
    vms = list(lab.all_vms())
    assert len(vms) >= 12
    profiles = {vm.workload.profile.name for vm in vms}
    assert {"Idle", "Web", "Database", "FileServer", "Memcached"} <= profiles
    assert any(vm.workload.guest_os.name == "Linux" for vm in vms)
    assert sum(vm.IsClustered for vm in vms) >= 8
    assert sum(vm.state.name == "Running" for vm in vms) == len(vms) - 1
    shell = Shell(lab)
    table = shell.run("Get-VM -ComputerName (Get-LabHost).Name")
    assert table.split("\n")[1].split()[:5] == ["Name", "State", "CPUUsage(%)",
                                                "MemoryAssigned(M)", "MemoryDemand(M)"]
    assert not shell.errors


def test_demo_lab_is_deterministic():
    from hvshell.model.kernel.persist import lab_to_document
    first, second = Lab(seed=2012), Lab(seed=2012)
    build_demo_lab(first)
    build_demo_lab(second)
    assert lab_to_document(first) == lab_to_document(second)
