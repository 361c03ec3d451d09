"""Changing a VM's configuration (Set-VM, Set-VMMemory, Set-VMProcessor)
and a host's (Set-VMHost), with the rules Hyper-V 2012 R2 applies.

Each function validates the whole change first and then applies it, so a
refused change leaves the object exactly as it was.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import attrs

from hvshell.model.compute import usage
from hvshell.model.compute.build import check_memory_value, require_storage
from hvshell.model.kernel.errors import invalid_argument, invalid_state, not_supported
from hvshell.model.kernel.events import EventKind
from hvshell.model.compute.host import Host, MigrationAuthenticationType, VMMigrationPerformance
from hvshell.model.network.objects import MigrationNetwork, parse_subnet
from hvshell.model.compute.versions import V2008R2, has_feature, require_feature
from hvshell.model.compute.vm import VM, StartAction, StopAction, VMState
from hvshell.model.compute.workload import GuestOS, Workload, WorkloadProfile

MB = 2**20
# Set-VMMemory -Buffer 5-2000 (%), -Priority 0-100; Set-VMProcessor
# -Maximum/-Reserve 0-100 (%), -RelativeWeight 1-10000 (docs/model.md).
BUFFER_RANGE = (5, 2000)
PRIORITY_RANGE = (0, 100)
PERCENT_RANGE = (0, 100)
WEIGHT_RANGE = (1, 10000)


@contextlib.contextmanager
def atomic(vm: VM) -> Iterator[None]:
    """Several changes as one: if any is refused, none stays."""
    saved = {f.name: getattr(vm, f.name) for f in attrs.fields(VM)
             if f.init and not isinstance(getattr(vm, f.name), (list, dict))}
    saved["workload"] = attrs.evolve(vm.workload)
    try:
        yield
    except Exception:
        for name, value in saved.items():
            setattr(vm, name, value)
        raise


def _must_be_off(vm: VM, what: str) -> None:
    if vm.state is not VMState.Off:
        raise invalid_state(
            f"Cannot change {what} of '{vm.name}' while it is {vm.state.name}: Hyper-V on "
            f"{vm.host.product_name} changes it only when the virtual machine is off. Stop it "
            "(Stop-VM) and try again.", vm.name)


def _in_range(value: int, bounds: tuple[int, int], what: str, vm: VM) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise invalid_argument(f"{what} must be between {low} and {high} (got {value}).", vm.name)


def configure_memory(vm: VM, *, startup: int | None = None, dynamic: bool | None = None,
                     minimum: int | None = None, maximum: int | None = None,
                     buffer: int | None = None, priority: int | None = None) -> None:
    host = vm.host
    new_dynamic = vm.dynamic_memory_enabled if dynamic is None else bool(dynamic)
    new_startup = vm.memory_startup if startup is None else int(startup)
    new_min = vm.memory_minimum if minimum is None else int(minimum)
    new_max = vm.memory_maximum if maximum is None else int(maximum)
    if startup is not None and new_startup != vm.memory_startup:
        _must_be_off(vm, "the startup memory")
    if new_dynamic != vm.dynamic_memory_enabled:
        _must_be_off(vm, "whether dynamic memory is enabled")
    for value, what in ((new_startup, "MemoryStartupBytes"),):
        check_memory_value(value, what, host, vm.name)
    if new_dynamic:
        if new_dynamic != vm.dynamic_memory_enabled and vm.guest_os is GuestOS.Linux:
            require_feature(host.version, "LinuxDynamicMemory", host.name,
                            f"'{vm.name}' runs a Linux guest: keep its memory static.")
        check_memory_value(new_min, "MemoryMinimumBytes", host, vm.name)
        check_memory_value(new_max, "MemoryMaximumBytes", host, vm.name)
        if not new_min <= new_startup <= new_max:
            raise invalid_argument(
                f"Dynamic memory needs minimum <= startup <= maximum; '{vm.name}' would have "
                f"{new_min // MB} MB <= {new_startup // MB} MB <= {new_max // MB} MB. Adjust "
                "-MinimumBytes, -StartupBytes or -MaximumBytes.", vm.name)
        if vm.is_running:
            if new_min > vm.memory_minimum:
                raise invalid_state(f"The minimum memory of running '{vm.name}' can only be "
                                    "lowered; stop it to raise it.", vm.name)
            if new_max < vm.memory_maximum:
                raise invalid_state(f"The maximum memory of running '{vm.name}' can only be "
                                    "raised; stop it to lower it.", vm.name)
    if buffer is not None:
        _in_range(int(buffer), BUFFER_RANGE, "The memory buffer (%)", vm)
    if priority is not None:
        _in_range(int(priority), PRIORITY_RANGE, "The memory priority (weight)", vm)
    vm.dynamic_memory_enabled = new_dynamic
    vm.memory_startup = new_startup
    vm.memory_minimum = new_min
    vm.memory_maximum = new_max
    if buffer is not None:
        vm.memory_buffer = int(buffer)
    if priority is not None:
        vm.memory_priority = int(priority)


def configure_processor(vm: VM, *, count: int | None = None,
                        compatibility_for_migration: bool | None = None,
                        compatibility_for_older_os: bool | None = None,
                        maximum: int | None = None, reserve: int | None = None,
                        relative_weight: int | None = None) -> None:
    host = vm.host
    if count is not None and int(count) != vm.processor_count:
        _must_be_off(vm, "the processor count")
        limit = host.limits.max_vm_processors
        if not 1 <= int(count) <= limit:
            raise invalid_argument(
                f"A virtual machine on {host.product_name} can have 1 to {limit} virtual "
                f"processors (got {count}).", vm.name)
        if int(count) > host.logical_processors:
            raise invalid_argument(
                f"'{vm.name}' cannot have {count} virtual processors: host '{host.name}' has "
                f"only {host.logical_processors} logical processors.", vm.name)
    if compatibility_for_migration is not None and \
            bool(compatibility_for_migration) != vm.compatibility_for_migration:
        _must_be_off(vm, "processor compatibility for migration")
    if compatibility_for_older_os is not None and \
            bool(compatibility_for_older_os) != vm.compatibility_for_older_os:
        _must_be_off(vm, "processor compatibility for older operating systems")
    new_max = vm.processor_maximum if maximum is None else int(maximum)
    new_reserve = vm.processor_reserve if reserve is None else int(reserve)
    _in_range(new_max, PERCENT_RANGE, "The processor maximum (%)", vm)
    _in_range(new_reserve, PERCENT_RANGE, "The processor reserve (%)", vm)
    if new_reserve > new_max:
        raise invalid_argument(f"The processor reserve ({new_reserve} %) cannot exceed the "
                               f"maximum ({new_max} %).", vm.name)
    if relative_weight is not None:
        _in_range(int(relative_weight), WEIGHT_RANGE, "The processor relative weight", vm)
    if count is not None:
        vm.processor_count = int(count)
    if compatibility_for_migration is not None:
        vm.compatibility_for_migration = bool(compatibility_for_migration)
    if compatibility_for_older_os is not None:
        vm.compatibility_for_older_os = bool(compatibility_for_older_os)
    vm.processor_maximum = new_max
    vm.processor_reserve = new_reserve
    if relative_weight is not None:
        vm.processor_relative_weight = int(relative_weight)
    # Metering: the use so far counts at the old settings, from now at the new.
    usage.sync(vm.lab)


def configure_vm(vm: VM, *, new_name: str | None = None, notes: str | None = None,
                 start_action: StartAction | None = None, start_delay: int | None = None,
                 stop_action: StopAction | None = None, snapshot_location: str | None = None,
                 smart_paging_path: str | None = None, verify_paths: bool = True) -> None:
    """The rest of Set-VM (memory and processors go through the functions
    above).  `verify_paths` False (-AllowUnverifiedPaths) accepts folders
    on storage the host cannot reach now."""
    lab, host = vm.lab, vm.host
    if new_name is not None and not new_name.strip():
        raise invalid_argument("The new virtual machine name cannot be empty.", vm.name)
    if start_delay is not None and int(start_delay) < 0:
        raise invalid_argument("-AutomaticStartDelay is a number of seconds, 0 or more.", vm.name)
    if snapshot_location is not None:
        if vm.snapshots:
            raise invalid_state(f"'{vm.name}' has checkpoints; their files stay where they are, "
                                "so the checkpoint location cannot change. Remove the "
                                "checkpoints first (Remove-VMSnapshot).", vm.name)
        if verify_paths:
            require_storage(lab, host, snapshot_location, "checkpoint file location")
    if smart_paging_path is not None:
        _must_be_off(vm, "the smart paging file location")
        if verify_paths:
            require_storage(lab, host, smart_paging_path, "smart paging file path")
    if new_name is not None:
        old = vm.name
        vm.name = new_name
        lab.record(EventKind.VMRenamed, new_name, f"'{old}' was renamed '{new_name}'.")
    if notes is not None:
        vm.notes = notes
    if start_action is not None:
        vm.automatic_start_action = start_action
    if start_delay is not None:
        vm.automatic_start_delay = int(start_delay)
    if stop_action is not None:
        vm.automatic_stop_action = stop_action
    if snapshot_location is not None:
        vm.snapshot_file_location = snapshot_location
    if smart_paging_path is not None:
        vm.smart_paging_file_path = smart_paging_path


def set_workload(vm: VM, *, profile: WorkloadProfile | None = None,
                 guest_os: GuestOS | None = None, **figures: Any) -> Workload:
    """Set-LabWorkload: a profile sets every figure (from the VM's startup
    memory); explicit figures override."""
    host = vm.host
    new_os = vm.workload.guest_os if guest_os is None else guest_os
    if new_os is GuestOS.Linux and vm.dynamic_memory_enabled and \
            not has_feature(host.version, "LinuxDynamicMemory"):
        require_feature(host.version, "LinuxDynamicMemory", host.name,
                        f"Turn dynamic memory off for '{vm.name}' first (Set-VM -StaticMemory).")
    base = (Workload.from_profile(profile, vm.memory_startup, new_os) if profile is not None
            else Workload(**{f: getattr(vm.workload, f) for f in _WORKLOAD_FIELDS}))
    base.guest_os = new_os
    limit = vm.memory_maximum if vm.dynamic_memory_enabled else vm.memory_startup
    for key, value in figures.items():
        if value is None:
            continue
        if key not in _WORKLOAD_FIELDS:
            raise KeyError(key)
        if value < 0:
            raise invalid_argument(f"-{_LABELS[key]} cannot be negative (got {value}).", vm.name)
        setattr(base, key, int(value) if key == "working_set" else float(value))
    if base.working_set > limit:
        raise invalid_argument(
            f"The working set ({base.working_set // MB} MB) cannot exceed the memory '{vm.name}' "
            f"can have ({limit // MB} MB). Lower -WorkingSet or give the VM more memory.", vm.name)
    if base.zero_page_percent > 100:
        raise invalid_argument("-ZeroPagePercent is a percentage (0-100).", vm.name)
    if base.compression_ratio < 1:
        raise invalid_argument("-CompressionRatio is 1 or more (2.0 halves the pages).", vm.name)
    vm.workload = base
    # Metering: the use so far counts at the old rates, from now at the new.
    usage.sync(vm.lab)
    return base


_WORKLOAD_FIELDS = ("profile", "guest_os", "working_set", "dirty_rate_mbps", "cpu_percent",
                    "iops", "disk_write_mbps", "zero_page_percent", "compression_ratio")
_LABELS = {"working_set": "WorkingSet", "dirty_rate_mbps": "DirtyRateMBps",
           "cpu_percent": "CpuPercent", "iops": "Iops", "disk_write_mbps": "DiskWriteMBps",
           "zero_page_percent": "ZeroPagePercent", "compression_ratio": "CompressionRatio"}


# ---------------------------------------------------------------------------
# Hosts (Set-VMHost and the migration-network cmdlets)
# ---------------------------------------------------------------------------

def configure_host(host: Host, *, max_vm_migrations: int | None = None,
                   max_storage_migrations: int | None = None,
                   authentication: MigrationAuthenticationType | None = None,
                   use_any_network: bool | None = None,
                   performance: VMMigrationPerformance | None = None,
                   vhd_path: str | None = None, vm_path: str | None = None,
                   numa_spanning: bool | None = None, enhanced_session: bool | None = None,
                   metering_interval: float | None = None,
                   mac_minimum: str | None = None, mac_maximum: str | None = None) -> None:
    lab = host.lab
    if performance is not None and performance is not VMMigrationPerformance.TCPIP:
        require_feature(host.version, "PerformanceOption", host.name,
                        "It always migrates over TCP/IP.")
    if enhanced_session is not None:
        require_feature(host.version, "EnhancedSessionMode", host.name)
    for value, what in ((max_vm_migrations, "MaximumVirtualMachineMigrations"),
                        (max_storage_migrations, "MaximumStorageMigrations")):
        if value is not None and int(value) < 1:
            raise invalid_argument(f"-{what} must be 1 or more (got {value}).", host.name)
    if host.version is V2008R2 and max_vm_migrations is not None and int(max_vm_migrations) != 1:
        raise not_supported(f"Host '{host.name}' runs Windows Server 2008 R2, which live-migrates "
                            "one virtual machine at a time; simultaneous live migrations need "
                            "Windows Server 2012 or later.", host.name)
    if max_storage_migrations is not None:
        require_feature(host.version, "StorageMigration", host.name)
    if vhd_path is not None:
        require_storage(lab, host, vhd_path, "virtual hard disk path")
    if vm_path is not None:
        require_storage(lab, host, vm_path, "virtual machine path")
    if metering_interval is not None and not 3600 <= metering_interval <= 86400:
        raise invalid_argument("-ResourceMeteringSaveInterval must be between 1 hour and 24 "
                               "hours.", host.name)
    new_min = host.mac_address_minimum if mac_minimum is None else _mac(mac_minimum, host)
    new_max = host.mac_address_maximum if mac_maximum is None else _mac(mac_maximum, host)
    if int(new_min, 16) > int(new_max, 16):
        raise invalid_argument(f"MacAddressMinimum ({new_min}) is above MacAddressMaximum "
                               f"({new_max}).", host.name)
    if max_vm_migrations is not None:
        host.max_vm_migrations = int(max_vm_migrations)
    if max_storage_migrations is not None:
        host.max_storage_migrations = int(max_storage_migrations)
    if authentication is not None:
        host.authentication_type = authentication
    if use_any_network is not None:
        host.use_any_network_for_migration = bool(use_any_network)
    if performance is not None:
        host.performance_option = performance
    if vhd_path is not None:
        host.virtual_hard_disk_path = vhd_path
    if vm_path is not None:
        host.virtual_machine_path = vm_path
    if numa_spanning is not None:
        host.numa_spanning_enabled = bool(numa_spanning)
    if enhanced_session is not None:
        host.enhanced_session_mode = bool(enhanced_session)
    if metering_interval is not None:
        host.metering_save_interval = float(metering_interval)
    if (new_min, new_max) != (host.mac_address_minimum, host.mac_address_maximum):
        host.mac_address_minimum, host.mac_address_maximum = new_min, new_max
        host.next_mac = 0


def _mac(text: str, host: Host) -> str:
    value = str(text).replace("-", "").replace(":", "").upper()
    if len(value) != 12 or any(c not in "0123456789ABCDEF" for c in value):
        raise invalid_argument(f"'{text}' is not a MAC address (12 hexadecimal digits, e.g. "
                               "00155D010A00).", host.name)
    return value


def set_migration_enabled(host: Host, enabled: bool) -> None:
    if host.migration_enabled != enabled:
        host.migration_enabled = enabled
        kind = EventKind.MigrationEnabled if enabled else EventKind.MigrationDisabled
        host.lab.record(kind, host.name,
                        f"Live migration is {'enabled' if enabled else 'disabled'} on {host.name}.")


def add_migration_network(host: Host, subnet: str, priority: int | None = None) -> MigrationNetwork:
    try:
        network = parse_subnet(subnet)
    except ValueError as error:
        raise invalid_argument(str(error), subnet) from None
    text = str(network) if "/" in str(subnet) else str(subnet).strip()
    for existing in host.migration_networks:
        if parse_subnet(existing.subnet) == network:
            raise invalid_argument(f"Host '{host.name}' already has migration network "
                                   f"{existing.subnet}.", subnet)
    if priority is None:
        priority = max((n.priority for n in host.migration_networks), default=-1) + 1
    if int(priority) < 0:
        raise invalid_argument("-Priority is 0 or more (lower is preferred).", subnet)
    entry = MigrationNetwork(text, int(priority), host.name)
    host.migration_networks.append(entry)
    return entry


def remove_migration_network(host: Host, entry: MigrationNetwork) -> None:
    host.migration_networks.remove(entry)


def grant_delegation(host: Host, targets: list[Host]) -> None:
    """Grant-LabDelegation: `host`'s domain account may delegate to the
    migration and file services of `targets` (Active Directory's
    constrained delegation, which Kerberos migration needs)."""
    for target in targets:
        if target.domain.lower() != host.domain.lower():
            raise invalid_argument(
                f"Host '{target.name}' is in domain {target.domain}, '{host.name}' in "
                f"{host.domain}: constrained delegation stays inside one domain.", target.name)
    added = [t.name for t in targets if t is not host
             and t.name.lower() not in (n.lower() for n in host.delegates_to)]
    host.delegates_to.extend(added)
    if added:
        host.lab.record(EventKind.DelegationGranted, host.name,
                   f"'{host.name}' may now delegate to the migration and file services of "
                   f"{', '.join(added)} (constrained delegation).")

