"""Changing VMs and hosts: Set-VM / Set-VMMemory / Set-VMProcessor /
Set-VMHost rules, each refusal leaving the object as it was."""
from __future__ import annotations

import attrs
import pytest

from hvshell.model.compute import build, config, power
from hvshell.model.kernel.errors import LabError
from hvshell.model.compute.host import VMMigrationPerformance
from hvshell.model.lab import Lab
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.workload import PROFILES, GuestOS, WorkloadProfile

GB = 2**30
MB = 2**20


def setup(version: str = "2012R2"):
    lab = Lab(seed=3)
    host = build.new_host(lab, "HV01", HostVersion[version])
    vm = build.new_vm(lab, host, "vm1", 2 * GB)
    return lab, host, vm


def start(lab, vm):
    lab.clock.run_until_done(power.launch(lab, vm, power.begin_start(vm)))


def snapshot(vm):
    return {f.name: getattr(vm, f.name) for f in attrs.fields(type(vm)) if f.init}


def test_dynamic_memory_settings_and_order():
    lab, host, vm = setup()
    config.configure_memory(vm, dynamic=True, minimum=512 * MB, maximum=8 * GB, buffer=25)
    assert (vm.DynamicMemoryEnabled, vm.MemoryMinimum, vm.MemoryMaximum, vm.memory_buffer) == \
        (True, 512 * MB, 8 * GB, 25)
    before = snapshot(vm)
    with pytest.raises(LabError, match="minimum <= startup <= maximum"):
        config.configure_memory(vm, minimum=4 * GB)
    with pytest.raises(LabError, match="between 5 and 2000"):
        config.configure_memory(vm, buffer=1)
    assert snapshot(vm) == before


def test_memory_changes_while_running():
    lab, host, vm = setup()
    config.configure_memory(vm, dynamic=True, minimum=512 * MB, maximum=4 * GB)
    start(lab, vm)
    with pytest.raises(LabError, match="while it is Running"):
        config.configure_memory(vm, startup=4 * GB)
    with pytest.raises(LabError, match="only be raised"):
        config.configure_memory(vm, maximum=3 * GB)
    config.configure_memory(vm, maximum=6 * GB, minimum=256 * MB)
    assert (vm.memory_maximum, vm.memory_minimum) == (6 * GB, 256 * MB)


def test_linux_dynamic_memory_needs_2012_r2():
    lab, host, vm = setup("2012")
    config.set_workload(vm, guest_os=GuestOS.Linux)
    with pytest.raises(LabError, match="dynamic memory for Linux guests") as caught:
        config.configure_memory(vm, dynamic=True, maximum=4 * GB)
    assert "Windows Server 2012 R2" in caught.value.message
    assert not vm.dynamic_memory_enabled
    # ... and the other way round: a dynamic-memory VM cannot become Linux on 2012.
    lab2, _, vm2 = setup("2012")
    config.configure_memory(vm2, dynamic=True, maximum=4 * GB)
    with pytest.raises(LabError, match="Linux guests"):
        config.set_workload(vm2, guest_os=GuestOS.Linux)
    assert vm2.workload.guest_os is GuestOS.Windows
    lab3, _, vm3 = setup("2012R2")
    config.set_workload(vm3, guest_os=GuestOS.Linux)
    config.configure_memory(vm3, dynamic=True, maximum=4 * GB)
    assert vm3.dynamic_memory_enabled


def test_processor_rules():
    lab, host, vm = setup()
    config.configure_processor(vm, count=8, maximum=80, reserve=10, relative_weight=200)
    assert (vm.processor_count, vm.processor_maximum, vm.processor_reserve) == (8, 80, 10)
    with pytest.raises(LabError, match="1 to 64"):
        config.configure_processor(vm, count=65)
    with pytest.raises(LabError, match="only 32 logical processors"):
        config.configure_processor(vm, count=40)
    with pytest.raises(LabError, match="cannot exceed the maximum"):
        config.configure_processor(vm, reserve=90)
    start(lab, vm)
    with pytest.raises(LabError, match="processor count"):
        config.configure_processor(vm, count=2)
    with pytest.raises(LabError, match="compatibility for migration"):
        config.configure_processor(vm, compatibility_for_migration=True)
    assert vm.processor_count == 8 and not vm.compatibility_for_migration


def test_2008_r2_vm_processor_limit():
    lab, host, vm = setup("2008R2")
    with pytest.raises(LabError, match="1 to 4"):
        config.configure_processor(vm, count=8)


def test_atomic_groups_several_changes():
    lab, host, vm = setup()
    before = snapshot(vm)
    with pytest.raises(LabError):
        with config.atomic(vm):
            config.configure_memory(vm, startup=4 * GB)
            config.configure_processor(vm, count=99)
    assert snapshot(vm) == before


def test_workload_profiles_and_overrides():
    lab, host, vm = setup()
    workload = config.set_workload(vm, profile=WorkloadProfile.Database, dirty_rate_mbps=300)
    assert workload.profile is WorkloadProfile.Database
    figures = PROFILES[WorkloadProfile.Database]
    assert workload.working_set == int(2 * GB * figures.working_set_fraction) // MB * MB
    assert workload.dirty_rate_mbps == 300.0 and workload.cpu_percent == figures.cpu_percent
    with pytest.raises(LabError, match="cannot exceed the memory"):
        config.set_workload(vm, working_set=3 * GB)
    assert vm.workload is workload


def test_host_settings_per_version():
    lab = Lab(seed=1)
    r2 = build.new_host(lab, "HV01")
    old = build.new_host(lab, "HV02", HostVersion["2012"])
    legacy = build.new_host(lab, "HV03", HostVersion["2008R2"], logical_processors=16,
                            memory=32 * GB)
    config.configure_host(r2, performance=VMMigrationPerformance.SMB, max_vm_migrations=4)
    assert r2.performance_option is VMMigrationPerformance.SMB and r2.max_vm_migrations == 4
    with pytest.raises(LabError, match="Windows Server 2012 R2"):
        config.configure_host(old, performance=VMMigrationPerformance.Compression)
    config.configure_host(old, performance=VMMigrationPerformance.TCPIP)
    with pytest.raises(LabError, match="one virtual machine at a time"):
        config.configure_host(legacy, max_vm_migrations=2)
    with pytest.raises(LabError, match="not on any storage"):
        config.configure_host(r2, vm_path="E:\\VMs")
    with pytest.raises(LabError, match="MAC address"):
        config.configure_host(r2, mac_minimum="00155D")
    assert old.performance_option is VMMigrationPerformance.TCPIP


def test_migration_networks_select_interfaces():
    lab = Lab(seed=1)
    host = build.new_host(lab, "HV01")
    lm1 = build.add_nic(lab, host, "LM1", rdma=True, subnet="10.1.1.0/24")
    lm2 = build.add_nic(lab, host, "LM2", rdma=True, subnet="10.1.1.0/24")
    assert host.migration_interfaces() == []
    config.add_migration_network(host, "10.1.1.0/24")
    assert host.migration_interfaces() == [lm1, lm2]
    with pytest.raises(LabError, match="already has migration network"):
        config.add_migration_network(host, "10.1.1.7/24")
    host.use_any_network_for_migration = True
    assert host.migration_interfaces() == [host.nics[0], lm1, lm2]
