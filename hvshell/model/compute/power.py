"""VM and host lifecycle: start, shut down, turn off, save, pause, resume;
host crash, recovery, restart; network and storage faults.

Each VM operation has two halves.  `begin_*` checks the rules and, if they
pass, puts the VM in its transitional state at once (so `Get-VM` right
after `Start-VM -AsJob` shows Starting) and returns a generator that the
caller runs as a clock process (`launch`); the generator waits for the
operation's simulated duration and finishes it.  A refused operation
raises LabError from `begin_*` and changes nothing.  If the process is
interrupted (Stop-Job, the host crashing) or fails, `launch` returns the
VM to the state it had before.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generator

from hvshell.model.kernel.errors import LabError, invalid_state, operation_failed
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host, HostState
from hvshell.model.kernel.domain import Domain
from hvshell.model.kernel.schedule import cancel_actions, schedule_action
from hvshell.model.storage.objects import StorageLocation
from hvshell.model.compute.vm import (VM, ReplicationMode, ReplicationState, StartAction, StopAction,
                              VMState)
from hvshell.model.compute.workload import GuestOS

if TYPE_CHECKING:
    from hvshell.model.lab import Lab

MB = 2**20

# Durations (simulated seconds).  Reasoning, not published figures:
# - powering a VM on (worker process, memory allocation, firmware) takes
#   Start-VM a couple of seconds on 2012-era hardware;
VM_POWER_ON_SECONDS = 2.0
# - the guest then boots until its heartbeat answers: a Windows Server guest
#   in well under a minute, a server Linux guest in about half that;
GUEST_BOOT_SECONDS = {GuestOS.Windows: 40.0, GuestOS.Linux: 20.0}
# - an orderly shutdown through the Shutdown integration service;
GUEST_SHUTDOWN_SECONDS = {GuestOS.Windows: 15.0, GuestOS.Linux: 8.0}
# - turning off, pausing and resuming are near-instant state changes;
TURN_OFF_SECONDS = 0.5
PAUSE_SECONDS = 0.2
# - saving writes the VM's memory to its storage, restoring reads it back,
#   at the storage location's throughput, after a fixed setup;
SAVE_SETUP_SECONDS = 1.0
# - a physical server takes about three minutes from power-on (firmware
#   POST, then Windows Server) to a running Hyper-V host;
HOST_BOOT_SECONDS = 180.0
# - installing integration components in a guest runs about half a minute
#   (a handful of drivers and services replaced) before the guest restarts.
INTEGRATION_SETUP_SECONDS = 30.0


# ---------------------------------------------------------------------------
# Running operations
# ---------------------------------------------------------------------------

def launch(lab: Lab, vm: VM, generator: Generator[Any, Any, Any], job: Any = None) -> Any:
    """Run an operation on `vm` as a clock process (one of `job`'s, if
    given); `vm.operation` holds it while it runs so that a host crash can
    interrupt it."""
    process = job.add(generator) if job is not None else lab.clock.process(generator)
    vm.operation = process

    def done(event: Any) -> None:
        if vm.operation is process:
            vm.operation = None
        if not event.ok:
            # Cancelled or failed before it finished: back to where it was.
            _revert(vm)

    process.on_done(done)
    return process


def _transition(vm: VM, state: VMState, status: str | None = None) -> None:
    vm.transition_from = vm.state
    vm.state = state
    vm.status_text = status


def _settle(vm: VM, state: VMState) -> None:
    vm.state = state
    vm.transition_from = None
    vm.status_text = None


def _revert(vm: VM) -> None:
    if vm.transition_from is not None:
        vm.state = vm.transition_from
    vm.transition_from = None
    vm.status_text = None


def revert_interrupted(vm: VM) -> None:
    """A VM whose operation was cut off by a reload goes back to where it was."""
    if vm.transition_from is not None:
        _revert(vm)
    vm.status_text = None      # no operation (an export, a merge ...) survives a reload


def _state_error(vm: VM, action: str, hint: str) -> LabError:
    return invalid_state(
        f"'{vm.name}' failed to {action}: the operation cannot be performed while the virtual "
        f"machine is in its current state ({vm.state.name}). {hint}", vm.name)


def _storage_of(vm: VM) -> StorageLocation | None:
    return vm.lab.storage_for_path(vm.host_name, vm.path)


def require_state_room(vm: VM, nbytes: int, what: str, fixes: str) -> None:
    """Refuse `what` when the VM's folder lacks `nbytes` for its memory
    (the saved state, or the .BIN reserve of a Save stop action)."""
    location = _storage_of(vm)
    if location is None or nbytes <= location.FreeSpace:
        return
    raise operation_failed(
        f"'{vm.name}' failed to {what}: there is not enough space on the disk (0x80070070). "
        f"Its memory needs {nbytes // MB} MB in its folder on '{location.name}' "
        f"({location.path}), which has {location.FreeSpace // MB} MB free. Free space there, "
        f"move the VM's files to storage with room (Move-VMStorage -VirtualMachinePath){fixes}.",
        vm.name, "ResourceUnavailable")


def _storage_seconds(vm: VM, nbytes: int) -> float:
    location = _storage_of(vm)
    rate = (location.throughput_mbps if location else 100.0) * MB
    return SAVE_SETUP_SECONDS + nbytes / rate


def _require_host_up(vm: VM, action: str) -> Host:
    host = vm.host
    if not host.is_up:
        raise operation_failed(
            f"'{vm.name}' failed to {action}: its host '{host.name}' is {host.state.name.lower()}. "
            f"Wait for it, or bring it back with Invoke-LabFault -ComputerName {host.name} "
            "-Fault HostRecover.", vm.name)
    return host


# ---------------------------------------------------------------------------
# Start
# ---------------------------------------------------------------------------

def check_start(vm: VM) -> None:
    """Every rule a start must meet (raises LabError)."""
    if vm.state not in (VMState.Off, VMState.Saved):
        hint = ("Use Resume-VM to continue a paused virtual machine." if vm.state is VMState.Paused
                else "It is already running or changing state.")
        raise _state_error(vm, "start", hint)
    if vm.replication_mode is ReplicationMode.Replica and vm.replication_state not in (
            ReplicationState.FailedOverWaitingCompletion, ReplicationState.FailedOver):
        # Hyper-V Replica: the replica's disks change with every log applied.
        raise invalid_state(f"'{vm.name}' on {vm.host_name} is a replica virtual machine; it "
                            f"can start only after a failover (Start-VMFailover {vm.name} "
                            f"-ComputerName {vm.host_name}).", vm.name)
    host = _require_host_up(vm, "start")
    lab = vm.lab
    if vm.processor_count > host.logical_processors:
        raise operation_failed(
            f"'{vm.name}' failed to start: it has {vm.processor_count} virtual processors but "
            f"host '{host.name}' has only {host.logical_processors} logical processors. Lower "
            "the count with Set-VMProcessor -Count.", vm.name, "InvalidOperation")
    running = sum(1 for v in host.vms if v.is_running)
    if running >= host.limits.max_running_vms:
        raise operation_failed(
            f"'{vm.name}' failed to start: host '{host.name}' already runs {running} virtual "
            f"machines, the most {host.product_name} supports. Move or stop one first.",
            vm.name, "LimitsExceeded")
    location = _storage_of(vm)
    if location is not None and not location.online:
        raise operation_failed(
            f"'{vm.name}' failed to start: its storage '{location.name}' ({location.path}) is "
            "offline. Bring it back with Invoke-LabFault -Storage "
            f"{location.name} -Fault StorageUp.", vm.name, "ResourceUnavailable")
    for drive in vm.hard_drives:
        if drive.path is None:
            continue
        vhd = lab.find_vhd(vm.host_name, drive.path)
        if vhd is None:
            raise operation_failed(
                f"'{vm.name}' failed to start: the virtual hard disk '{drive.path}' does not "
                f"exist on host '{host.name}'. Attach an existing file with Set-VMHardDiskDrive, "
                "or remove the drive.", vm.name, "ObjectNotFound")
        disk_location = lab.vhd_location(vhd)
        if disk_location is not None and not disk_location.online:
            raise operation_failed(
                f"'{vm.name}' failed to start: the storage '{disk_location.name}' holding "
                f"'{drive.path}' is offline.", vm.name, "ResourceUnavailable")
    for adapter in vm.network_adapters:
        if adapter.switch_name and host.switch(adapter.switch_name) is None:
            raise operation_failed(
                f"'{vm.name}' failed to start: could not find Ethernet switch "
                f"'{adapter.switch_name}' on host '{host.name}'. Create it with New-VMSwitch or "
                "connect the adapter to an existing switch.", vm.name, "ObjectNotFound")
    if vm.state is VMState.Off and vm.automatic_stop_action is StopAction.Save:
        require_state_room(vm, vm.memory_startup, "start",
                           ", or give it an AutomaticStopAction that keeps no .BIN file "
                           "(Set-VM -AutomaticStopAction ShutDown)")
    need = host.memory_needed_to_start(vm)
    free = host.available_memory()
    if need > free:
        raise operation_failed(
            f"'{vm.name}' failed to start. Not enough memory in the system to start the virtual "
            f"machine {vm.name} with ram size {(vm.saved_memory or vm.memory_startup) // MB} "
            f"megabytes: host '{host.name}' has {free // MB} MB free and needs {need // MB} MB "
            "(with overhead). Stop or move other virtual machines, or lower the startup memory "
            "with Set-VMMemory.", vm.name, "ResourceUnavailable")


def begin_start(vm: VM) -> Generator[Any, Any, Any]:
    check_start(vm)
    restoring = vm.state is VMState.Saved
    _transition(vm, VMState.Starting, "Restoring" if restoring else None)

    def body() -> Generator[Any, Any, Any]:
        if restoring:
            yield _storage_seconds(vm, vm.saved_memory)
        else:
            yield VM_POWER_ON_SECONDS
        _settle(vm, VMState.Running)
        now = vm.lab.clock.now
        vm.started_at = now
        vm.guest_ready_at = now if restoring else now + GUEST_BOOT_SECONDS[vm.guest_os]
        vm.saved_memory = 0
        vm.running_at_host_stop = False
        vm.lab.record(EventKind.VMStarted, vm.name, f"'{vm.name}' started on {vm.host_name}"
                      + (" from its saved state." if restoring else "."))

    return body()


def begin_restart(vm: VM) -> Generator[Any, Any, Any]:
    """Restart-VM: on Windows Server 2012 R2 a reset (the power is cut and
    the VM boots again; the guest is not asked to shut down).  The VM keeps
    its memory on the host throughout."""
    if vm.state not in (VMState.Running, VMState.Paused):
        raise _state_error(vm, "restart", "Only a running or paused virtual machine restarts; "
                           "use Start-VM to start it.")
    _require_host_up(vm, "restart")
    _transition(vm, VMState.Starting)

    def body() -> Generator[Any, Any, Any]:
        yield TURN_OFF_SECONDS + VM_POWER_ON_SECONDS
        _settle(vm, VMState.Running)
        now = vm.lab.clock.now
        vm.started_at = now
        vm.guest_ready_at = now + GUEST_BOOT_SECONDS[vm.guest_os]
        vm.lab.record(EventKind.VMStarted, vm.name, f"'{vm.name}' was reset on {vm.host_name}.")

    return body()


def begin_integration_update(vm: VM) -> Generator[Any, Any, Any] | None:
    """Update-LabIntegrationServices: install the host's integration
    components in the guest (setup runs in the guest, then the guest
    restarts: the restart is downtime).  None when they are up to date."""
    if not vm.guest_ready():
        raise invalid_state(
            f"The integration services of '{vm.name}' are installed inside its guest, which is "
            f"not running ('{vm.name}' is {vm.state.name}, or its guest is still booting). "
            "Start it (Start-VM), wait for its heartbeat, then try again.", vm.name)
    if not vm.integration_update_required():
        return None
    old, new = vm.guest_integration_build(), vm.host.integration_services_version
    downtime = GUEST_SHUTDOWN_SECONDS[vm.guest_os] + GUEST_BOOT_SECONDS[vm.guest_os]

    def body() -> Generator[Any, Any, Any]:
        yield INTEGRATION_SETUP_SECONDS
        vm.guest_ready_at = vm.lab.clock.now + downtime
        yield downtime
        vm.integration_services_build = new
        vm.lab.record(EventKind.IntegrationServicesUpdated, vm.name,
                      f"'{vm.name}' on {vm.host_name}: integration services {old} updated to "
                      f"{new}; the guest restarted, down for {downtime:g} s.")

    return body()


# ---------------------------------------------------------------------------
# Stop (shut down / turn off / save), pause, resume
# ---------------------------------------------------------------------------

def shutdown_available(vm: VM) -> bool:
    return vm.guest_ready() and vm.integration_services.get("Shutdown", False)


def begin_stop(vm: VM, turn_off: bool = False, force: bool = False) -> Generator[Any, Any, Any] | None:
    """Stop-VM: shut the guest down, or turn the VM off.  Returns None when
    there is nothing to do (the VM is already off)."""
    if vm.state is VMState.Off:
        return None
    if vm.state is VMState.Saved:
        if not turn_off:
            raise _state_error(vm, "shut down", "Its memory is in a saved state; use Stop-VM "
                               "-TurnOff to discard it, or Start-VM to restore it.")
        _transition(vm, VMState.Stopping)

        def discard() -> Generator[Any, Any, Any]:
            yield TURN_OFF_SECONDS
            _power_off(vm, "its saved state was discarded")

        return discard()
    if vm.state not in (VMState.Running, VMState.Paused, VMState.PausedCritical):
        raise _state_error(vm, "stop", "Wait for the operation in progress to finish.")
    _require_host_up(vm, "stop")
    graceful = not turn_off and vm.state is VMState.Running
    if graceful and not shutdown_available(vm):
        if not force:
            reason = ("its guest is still booting" if vm.integration_services.get("Shutdown")
                      else "its Shutdown integration service is disabled")
            raise invalid_state(
                f"'{vm.name}' cannot be shut down: {reason}, so the guest cannot be asked to "
                "shut down. Use Stop-VM -TurnOff to power it off, or -Force.", vm.name)
        graceful = False
    if not graceful and not turn_off and vm.state is not VMState.Running and not force:
        raise _state_error(vm, "shut down", "A paused guest cannot shut down; use Stop-VM "
                           "-TurnOff, or Resume-VM first.")
    _transition(vm, VMState.Stopping)

    def body() -> Generator[Any, Any, Any]:
        if graceful:
            yield GUEST_SHUTDOWN_SECONDS[vm.guest_os]
            _power_off(vm, "the guest shut down")
        else:
            yield TURN_OFF_SECONDS
            _power_off(vm, "turned off")

    return body()


def _power_off(vm: VM, how: str) -> None:
    _settle(vm, VMState.Off)
    vm.started_at = None
    vm.guest_ready_at = None
    vm.saved_memory = 0
    vm.lab.record(EventKind.VMStopped, vm.name, f"'{vm.name}' on {vm.host_name} is off: {how}.")


def begin_save(vm: VM) -> Generator[Any, Any, Any]:
    if vm.state not in (VMState.Running, VMState.Paused):
        raise _state_error(vm, "save", "Only a running or paused virtual machine can be saved.")
    _require_host_up(vm, "save")
    memory = vm.memory_assigned()
    if vm.automatic_stop_action is not StopAction.Save:     # no .BIN holds the room yet
        require_state_room(vm, memory, "save", "")
    _transition(vm, VMState.Saving)

    def body() -> Generator[Any, Any, Any]:
        yield _storage_seconds(vm, memory)
        _settle(vm, VMState.Saved)
        vm.saved_memory = memory
        vm.started_at = None
        vm.guest_ready_at = None
        vm.lab.record(EventKind.VMSaved, vm.name, f"'{vm.name}' on {vm.host_name} saved "
                      f"{memory // MB} MB of memory.")

    return body()


def begin_pause(vm: VM) -> Generator[Any, Any, Any]:
    if vm.state is not VMState.Running:
        raise _state_error(vm, "pause", "Only a running virtual machine can be paused.")
    _require_host_up(vm, "pause")
    _transition(vm, VMState.Pausing)

    def body() -> Generator[Any, Any, Any]:
        yield PAUSE_SECONDS
        _settle(vm, VMState.Paused)
        vm.lab.record(EventKind.VMPaused, vm.name, f"'{vm.name}' on {vm.host_name} paused.")

    return body()


def begin_resume(vm: VM) -> Generator[Any, Any, Any]:
    if vm.state is not VMState.Paused:
        raise _state_error(vm, "resume", "Only a paused virtual machine can be resumed; use "
                           "Start-VM for one that is off or saved.")
    _require_host_up(vm, "resume")
    _transition(vm, VMState.Resuming)

    def body() -> Generator[Any, Any, Any]:
        yield PAUSE_SECONDS
        _settle(vm, VMState.Running)
        vm.lab.record(EventKind.VMResumed, vm.name, f"'{vm.name}' on {vm.host_name} resumed.")

    return body()


# ---------------------------------------------------------------------------
# Hosts: crash, recovery, orderly restart; network and storage faults
# ---------------------------------------------------------------------------

def _interrupt_operations(host: Host, reason: str) -> None:
    for vm in list(host.vms):
        if vm.operation is not None:
            vm.operation.interrupt(operation_failed(reason, vm.name))


def halt(vm: VM) -> None:
    """The VM stops at once, as if its host lost power: what its memory held
    is gone, and it is marked as having been running."""
    vm.running_at_host_stop = True
    vm.state = VMState.Off
    vm.transition_from = None
    vm.status_text = None
    vm.started_at = None
    vm.guest_ready_at = None
    vm.saved_memory = 0


def crash_host(lab: Lab, host: Host) -> None:
    """The host stops at once: its VMs lose their memory (saved states on
    disk survive) and whatever they were doing fails."""
    if host.state is HostState.Down:
        return
    _interrupt_operations(host, f"Host '{host.name}' stopped responding (it crashed).")
    cancel_actions(lab, "HostBooted", host.name)
    host.boot_done_at = None
    for vm in host.vms:
        cancel_actions(lab, "AutoStart", str(vm.id))
        if vm.is_running:
            halt(vm)
    host.state = HostState.Down
    lab.record(EventKind.HostDown, host.name,
               f"Host {host.name} crashed; its running virtual machines "
               "stopped.")


def boot_host(lab: Lab, host: Host) -> None:
    """Power the host on: it is Starting for HOST_BOOT_SECONDS, then Up and
    applies its VMs' automatic start actions."""
    if host.state is not HostState.Down:
        return
    host.state = HostState.Starting
    host.boot_done_at = lab.clock.now + HOST_BOOT_SECONDS
    lab.record(EventKind.HostStarting, host.name, f"Host {host.name} is booting.")
    schedule_action(lab, HOST_BOOT_SECONDS, "HostBooted", host.name)


def _host_booted(lab: Lab, host_name: str) -> None:
    host = lab.find_host(host_name)
    if host is None or host.state is not HostState.Starting:
        return
    host.state = HostState.Up
    host.boot_done_at = None
    lab.record(EventKind.HostUp, host.name, f"Host {host.name} is up.")
    for vm in host.vms:
        wanted = (vm.automatic_start_action is StartAction.Start
                  or (vm.automatic_start_action is StartAction.StartIfRunning
                      and vm.running_at_host_stop))
        if wanted and vm.state in (VMState.Off, VMState.Saved):
            schedule_action(lab, vm.automatic_start_delay, "AutoStart", str(vm.id))
        vm.running_at_host_stop = False


def _auto_start(lab: Lab, vm_id: str) -> None:
    vm = lab.vm_by_id(vm_id)
    if vm is None:
        return
    try:
        launch(lab, vm, begin_start(vm))
    except LabError as error:
        lab.record(EventKind.VMStartFailed, vm.name, f"Automatic start of '{vm.name}' failed: "
                   f"{error.message}")


def restart_host(lab: Lab, host: Host) -> Generator[Any, Any, Any]:
    """An orderly restart (patching): each VM's AutomaticStopAction, then the
    reboot, then the automatic start actions.  Run as a clock process."""
    if not host.is_up:
        raise operation_failed(f"Host '{host.name}' cannot restart: it is "
                               f"{host.state.name.lower()}.", host.name)
    stopping = []
    for vm in host.vms:
        if vm.state is not VMState.Running:
            continue
        vm.running_at_host_stop = True
        if vm.automatic_stop_action is StopAction.Save:
            stopping.append(launch(lab, vm, begin_save(vm)))
        elif vm.automatic_stop_action is StopAction.ShutDown and shutdown_available(vm):
            stopping.append(launch(lab, vm, begin_stop(vm)))
        else:
            stopping.append(launch(lab, vm, begin_stop(vm, turn_off=True)))
    if stopping:
        yield lab.clock.all_of(stopping)
    for vm in host.vms:
        if vm.is_running:   # paused VMs do not take part in stop actions
            vm.running_at_host_stop = True
            _power_off(vm, "its host restarted")
    host.state = HostState.Down
    lab.record(EventKind.HostRestart, host.name, f"Host {host.name} is restarting.")
    boot_host(lab, host)


def set_network(lab: Lab, host: Host, up: bool) -> None:
    if host.network_up == up:
        return
    host.network_up = up
    for nic in host.nics:
        nic.up = up
    lab.record(EventKind.NetworkUp if up else EventKind.NetworkDown, host.name,
               f"The network of host {host.name} is {'up' if up else 'down'}.")


def set_storage(lab: Lab, location: StorageLocation, online: bool) -> None:
    """Storage going away pauses the VMs that use it (Paused-Critical);
    coming back resumes them."""
    if location.online == online:
        return
    location.online = online
    lab.accounts.everything_changed()     # the disks on it get no I/O now, or again
    lab.record(EventKind.StorageUp if online else EventKind.StorageDown, location.name,
               f"Storage {location.name} ({location.path}) is {'online' if online else 'offline'}.")
    for vm in lab.all_vms():
        if not _uses_storage(lab, vm, location):
            continue
        if not online and vm.state is VMState.Running:
            vm.state = VMState.PausedCritical
            lab.record(EventKind.VMPausedCritical, vm.name, f"'{vm.name}' lost its storage and was "
                       "paused (Paused-Critical).")
        elif online and vm.state is VMState.PausedCritical:
            vm.state = VMState.Running
            lab.record(EventKind.VMResumed, vm.name, f"'{vm.name}' resumed: its storage is back.")


def _uses_storage(lab: Lab, vm: VM, location: StorageLocation) -> bool:
    if lab.storage_for_path(vm.host_name, vm.path) is location:
        return True
    for drive in vm.hard_drives:
        if drive.path and lab.storage_for_path(vm.host_name, drive.path) is location:
            return True
    return False


# ---------------------------------------------------------------------------
# Faults (Invoke-LabFault): each is a timed action on a host or a storage
# ---------------------------------------------------------------------------

HOST_FAULTS = ("HostCrash", "HostRecover", "NetworkDown", "NetworkUp")
STORAGE_FAULTS = ("StorageDown", "StorageUp")


def _host_fault(fault: str) -> Any:
    def apply(lab: Lab, host_name: str) -> None:
        host = lab.find_host(host_name)
        if host is None:
            return
        if fault == "HostCrash":
            crash_host(lab, host)
        elif fault == "HostRecover":
            boot_host(lab, host)
        else:
            set_network(lab, host, fault == "NetworkUp")
    return apply


def _storage_fault(online: bool) -> Any:
    def apply(lab: Lab, name: str) -> None:
        location = lab.find_storage(name)
        if location is not None:
            set_storage(lab, location, online)
    return apply


def _revert_all(lab: Lab) -> None:
    for vm in lab.all_vms():
        revert_interrupted(vm)


DOMAIN = Domain(
    "power",
    actions={"HostBooted": _host_booted, "AutoStart": _auto_start,
             **{fault: _host_fault(fault) for fault in HOST_FAULTS},
             "StorageDown": _storage_fault(False), "StorageUp": _storage_fault(True)},
    after_load=_revert_all)
