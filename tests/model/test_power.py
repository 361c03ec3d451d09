"""VM lifecycle operations, host crash/recovery/restart and storage faults."""
from __future__ import annotations

import pytest

from hvshell.model.compute import build, config, power
from hvshell.model.kernel.errors import LabError, OperationCancelled
from hvshell.model.compute.host import HostState
from hvshell.model.lab import Lab
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.storage.objects import StorageType
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.vm import StartAction, StopAction, VMState
from hvshell.model.compute.workload import GuestOS

GB = 2**30
MB = 2**20


def lab_with(memory=16 * GB, version="2012R2"):
    lab = Lab(seed=5)
    host = build.new_host(lab, "HV01", HostVersion[version], memory=memory)
    return lab, host


def run(lab, vm, generator):
    return lab.clock.run_until_done(power.launch(lab, vm, generator))


def test_start_shows_starting_then_running_and_uptime_follows_the_clock():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", 2 * GB)
    process = power.launch(lab, vm, power.begin_start(vm))
    assert vm.state is VMState.Starting and vm.MemoryAssigned == 2 * GB
    lab.clock.run_until_done(process)
    assert vm.state is VMState.Running and lab.clock.now == power.VM_POWER_ON_SECONDS
    assert vm.Heartbeat == "NoContact"
    lab.clock.advance(power.GUEST_BOOT_SECONDS[GuestOS.Windows])
    assert vm.Heartbeat == "OkApplicationsUnknown"
    assert vm.Uptime.total_seconds() == power.GUEST_BOOT_SECONDS[GuestOS.Windows]
    with pytest.raises(LabError, match="current state"):
        power.begin_start(vm)


def test_memory_capacity_is_checked_at_start():
    lab, host = lab_with(memory=8 * GB)
    big = build.new_vm(lab, host, "big", 4 * GB)
    bigger = build.new_vm(lab, host, "bigger", 4 * GB)
    run(lab, big, power.begin_start(big))
    with pytest.raises(LabError, match="Not enough memory") as caught:
        power.begin_start(bigger)
    assert caught.value.category == "ResourceUnavailable"
    assert bigger.state is VMState.Off
    free = host.available_memory()
    assert free == 8 * GB - power_reserve() - 4 * GB - overhead(4 * GB)


def power_reserve():
    from hvshell.model.compute.host import HOST_RESERVE_BYTES
    return HOST_RESERVE_BYTES


def overhead(assigned):
    from hvshell.model.compute.host import vm_memory_overhead
    return vm_memory_overhead(assigned)


def test_shutdown_needs_a_booted_guest_unless_turned_off():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", GB)
    run(lab, vm, power.begin_start(vm))
    with pytest.raises(LabError, match="still booting"):
        power.begin_stop(vm)
    lab.clock.advance(60)
    start = lab.clock.now
    run(lab, vm, power.begin_stop(vm))
    assert vm.state is VMState.Off
    assert lab.clock.now - start == power.GUEST_SHUTDOWN_SECONDS[GuestOS.Windows]
    assert power.begin_stop(vm) is None        # already off: nothing to do
    run(lab, vm, power.begin_start(vm))
    run(lab, vm, power.begin_stop(vm, force=True))   # -Force turns off a booting guest
    assert vm.state is VMState.Off


def test_save_writes_memory_at_storage_speed_and_restore_reads_it():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", 4 * GB)
    run(lab, vm, power.begin_start(vm))
    start = lab.clock.now
    run(lab, vm, power.begin_save(vm))
    expected = power.SAVE_SETUP_SECONDS + 4 * GB / (500 * MB)
    assert vm.state is VMState.Saved and lab.clock.now - start == pytest.approx(expected)
    assert vm.saved_memory == 4 * GB
    assert lab.storage[0].FreeSpace == lab.storage[0].capacity - 4 * GB
    run(lab, vm, power.begin_start(vm))
    assert vm.state is VMState.Running and vm.saved_memory == 0 and vm.Heartbeat == \
        "OkApplicationsUnknown"
    with pytest.raises(LabError, match="saved state"):
        run(lab, vm, power.begin_save(vm)) or power.begin_stop(vm)


def test_pause_and_resume():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", GB)
    with pytest.raises(LabError, match="Only a running"):
        power.begin_pause(vm)
    run(lab, vm, power.begin_start(vm))
    run(lab, vm, power.begin_pause(vm))
    assert vm.state is VMState.Paused and vm.CPUUsage == 0
    with pytest.raises(LabError, match="Resume-VM"):
        power.begin_start(vm)
    run(lab, vm, power.begin_resume(vm))
    assert vm.state is VMState.Running


def test_cancelled_operation_puts_the_vm_back():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", GB)
    process = power.launch(lab, vm, power.begin_start(vm))
    lab.clock.step()
    process.interrupt(OperationCancelled("stop"))
    assert vm.state is VMState.Off and vm.transition_from is None


def test_more_vcpus_than_host_processors_cannot_start():
    lab, host = lab_with()
    vm = build.new_vm(lab, host, "a", GB)
    vm.processor_count = 48          # as an imported VM could be
    with pytest.raises(LabError, match="only 32 logical processors"):
        power.begin_start(vm)


def test_running_vm_limit_of_2008_r2():
    lab, host = lab_with(memory=64 * GB, version="2008R2")
    for index in range(385):
        build.new_vm(lab, host, f"v{index}", 32 * MB)
    for vm in host.vms[:384]:
        power.launch(lab, vm, power.begin_start(vm))
    lab.clock.advance(5)
    with pytest.raises(LabError, match="384 virtual machines"):
        power.begin_start(host.vms[384])


def test_crash_stops_vms_and_recovery_applies_automatic_start_actions():
    lab, host = lab_with(memory=64 * GB)
    always = build.new_vm(lab, host, "always", GB)
    if_running = build.new_vm(lab, host, "ifrunning", GB)
    never = build.new_vm(lab, host, "never", GB)
    was_off = build.new_vm(lab, host, "wasoff", GB)
    delayed = build.new_vm(lab, host, "delayed", GB)
    config.configure_vm(always, start_action=StartAction.Start)
    config.configure_vm(never, start_action=StartAction.Nothing)
    config.configure_vm(delayed, start_delay=120)
    for vm in (always, if_running, never, delayed):
        run(lab, vm, power.begin_start(vm))
    pending = power.launch(lab, was_off, power.begin_start(was_off))   # crash mid-start
    power.crash_host(lab, host)
    assert host.state is HostState.Down
    assert all(vm.state is VMState.Off for vm in host.vms)
    assert was_off.state is VMState.Off and pending.triggered and not pending.ok
    power.boot_host(lab, host)
    assert host.state is HostState.Starting
    lab.clock.advance(power.HOST_BOOT_SECONDS + 10)
    assert host.state is HostState.Up
    states = {vm.name: vm.state.name for vm in host.vms}
    assert states == {"always": "Running", "ifrunning": "Running", "never": "Off",
                      "wasoff": "Off", "delayed": "Off"}
    lab.clock.advance(120)
    assert delayed.state is VMState.Running
    kinds = [e.kind for e in lab.events]
    assert kinds.count("HostDown") == 1 and "HostUp" in kinds


def test_orderly_restart_applies_stop_then_start_actions():
    lab, host = lab_with(memory=64 * GB)
    saver = build.new_vm(lab, host, "saver", 2 * GB)
    shutter = build.new_vm(lab, host, "shutter", GB)
    killer = build.new_vm(lab, host, "killer", GB)
    config.configure_vm(shutter, stop_action=StopAction.ShutDown)
    config.configure_vm(killer, stop_action=StopAction.TurnOff,
                        start_action=StartAction.Nothing)
    for vm in host.vms:
        run(lab, vm, power.begin_start(vm))
    lab.clock.advance(60)
    restart = lab.clock.process(power.restart_host(lab, host))
    lab.clock.run_until_done(restart)
    assert host.state is HostState.Starting
    assert saver.state is VMState.Saved
    lab.clock.advance(power.HOST_BOOT_SECONDS + 30)
    assert {vm.name: vm.state.name for vm in host.vms} == \
        {"saver": "Running", "shutter": "Running", "killer": "Off"}
    assert saver.Heartbeat == "OkApplicationsUnknown"     # restored, not rebooted


def test_storage_loss_pauses_vms_critically_and_they_resume():
    lab, host = lab_with(memory=64 * GB)
    share = build.new_storage(lab, "SOFS", StorageType.SMB, "\\\\SOFS01\\VMs")
    on_share = build.new_vm(lab, host, "shared", GB, path=share.path)
    local = build.new_vm(lab, host, "local", GB)
    for vm in host.vms:
        run(lab, vm, power.begin_start(vm))
    schedule_action(lab, 30, "StorageDown", "SOFS")
    lab.clock.advance(30)
    assert on_share.state is VMState.PausedCritical and local.state is VMState.Running
    run(lab, local, power.begin_stop(local, turn_off=True))
    with pytest.raises(LabError, match="offline"):
        build.new_vm(lab, host, "more", GB, path=share.path)
    schedule_action(lab, 0, "StorageUp", "SOFS")
    lab.clock.advance(0)
    assert on_share.state is VMState.Running
