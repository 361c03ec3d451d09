"""Plain inputs of the migration model.

The sim core knows nothing of the lab's objects: whoever asks for a
migration describes it with these frozen attrs classes (a workload, two
hosts with their migration NICs, storage locations, the transport option),
and gets a `MigrationResult` back.  Values are checked on construction, so a
spec that exists is a spec the model can run.

Units: bytes, seconds, bytes per second; link speeds in Gbps; percentages
0–100; "MB/s" fields are 10**6 bytes per second.
"""
from __future__ import annotations

import enum

import attrs

from hvshell.sim import constants as C

HOST_VERSIONS = ("2008R2", "2012", "2012R2")
GUEST_OSES = ("Windows", "Linux")
TEAM_MODES = ("Dynamic", "AddressHash", "HyperVPort")


class PerformanceOption(enum.StrEnum):
    """`Set-VMHost -VirtualMachineMigrationPerformanceOption`."""
    TCPIP = "TCPIP"
    Compression = "Compression"
    SMB = "SMB"


class MigrationKind(enum.StrEnum):
    Live = "Live"
    Storage = "Storage"
    SharedNothing = "SharedNothing"
    Quick = "Quick"


class StorageKind(enum.StrEnum):
    Local = "Local"
    CSV = "CSV"
    SMB = "SMB"


def _non_negative(_inst, attribute, value) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative (got {value})")


def _positive(_inst, attribute, value) -> None:
    if not value > 0:
        raise ValueError(f"{attribute.name} must be positive (got {value})")


def _percent(_inst, attribute, value) -> None:
    if not 0 <= value <= 100:
        raise ValueError(f"{attribute.name} must be between 0 and 100 (got {value})")


def _one_of(choices):
    def check(_inst, attribute, value) -> None:
        if value not in choices:
            raise ValueError(f"{attribute.name} must be one of {', '.join(choices)} (got {value!r})")
    return check


@attrs.frozen
class WorkloadSpec:
    """What the guest does to its memory and disks.

    `working_set_bytes` is the memory the guest writes (the rest is never
    written during a migration); `dirty_rate_mbps` is how fast it dirties
    clean memory of that working set (see hvshell.sim.memory);
    `zero_page_percent` is the share of all memory that holds only zeros
    (never-written memory, so at most memory − working set);
    `compression_ratio` applies to non-zero pages (2.0 halves them)."""

    memory_bytes: int = attrs.field(validator=_positive)
    working_set_bytes: int = attrs.field(default=0, validator=_non_negative)
    dirty_rate_mbps: float = attrs.field(default=0.0, validator=_non_negative)
    zero_page_percent: float = attrs.field(default=0.0, validator=_percent)
    compression_ratio: float = attrs.field(default=1.0)
    cpu_percent: float = attrs.field(default=0.0, validator=_percent)
    guest_os: str = attrs.field(default="Windows", validator=_one_of(GUEST_OSES))
    disk_write_mbps: float = attrs.field(default=0.0, validator=_non_negative)

    @compression_ratio.validator
    def _ratio(self, attribute, value) -> None:
        if value < 1.0:
            raise ValueError(f"compression_ratio must be at least 1.0 (got {value})")

    @property
    def dirty_rate(self) -> float:
        """Bytes per second of clean working-set memory dirtied."""
        return self.dirty_rate_mbps * 1e6

    @property
    def disk_write_rate(self) -> float:
        return self.disk_write_mbps * 1e6


@attrs.frozen
class NicSpec:
    """A NIC on a migration network.  Members of one team share `team`;
    `team_mode` is the team's load-balancing algorithm."""

    name: str
    speed_gbps: float = attrs.field(default=10.0, validator=_positive)
    rdma: bool = False
    jumbo: bool = False
    team: str | None = None
    team_mode: str = attrs.field(default="Dynamic", validator=_one_of(TEAM_MODES))

    @property
    def line_rate(self) -> float:
        """Bytes per second on the wire."""
        return self.speed_gbps * 1e9 / 8


@attrs.frozen
class HostSpec:
    """A Hyper-V host as the migration model sees it.  `migration_nics` are
    the NICs on its migration networks, in priority order; `cpu_demand` is
    the share of its logical processors its VMs use (0–1);
    `smb_limit` is `Set-SmbBandwidthLimit -Category LiveMigration` in bytes
    per second (None: no limit)."""

    name: str
    version: str = attrs.field(default="2012R2", validator=_one_of(HOST_VERSIONS))
    logical_processors: int = attrs.field(default=32, validator=_positive)
    cpu_demand: float = attrs.field(default=0.0)
    memory_bandwidth: float = attrs.field(default=C.HOST_MEMORY_BANDWIDTH, validator=_positive)
    migration_nics: tuple[NicSpec, ...] = attrs.field(default=(), converter=tuple)
    max_live_migrations: int | None = None
    max_storage_migrations: int | None = None
    smb_limit: float | None = None

    @cpu_demand.validator
    def _demand(self, attribute, value) -> None:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"cpu_demand must be between 0 and 1 (got {value})")

    @property
    def live_limit(self) -> int:
        if self.max_live_migrations is not None:
            return self.max_live_migrations
        return C.DEFAULT_LIVE_MIGRATIONS[self.version]

    @property
    def storage_limit(self) -> int:
        if self.max_storage_migrations is not None:
            return self.max_storage_migrations
        return C.DEFAULT_STORAGE_MIGRATIONS[self.version]

    @property
    def spare_cores(self) -> float:
        """Logical processors the host's VMs leave idle."""
        return self.logical_processors * (1.0 - self.cpu_demand)


@attrs.frozen
class StorageSpec:
    """A storage location: local volume, CSV or SMB 3.0 share.  Its
    throughput is shared by everything that reads or writes it."""

    name: str
    kind: StorageKind = attrs.field(default=StorageKind.Local, converter=StorageKind)
    throughput_mbps: float = attrs.field(default=1000.0, validator=_positive)

    @property
    def throughput(self) -> float:
        return self.throughput_mbps * 1e6

    @property
    def shared(self) -> bool:
        return self.kind is not StorageKind.Local


@attrs.frozen
class MigrationSpec:
    """One migration to run.

    - Live: memory only (the VM's files are on storage both hosts reach).
    - Storage: the VM's disks move between storage locations on one host
      (`destination` is the source host).
    - SharedNothing: storage first, then memory, to another host.
    - Quick: save memory to the shared `source_storage`, restore on
      `destination` (all of it downtime).
    `disk_bytes` is what the guest has written on its disks (what a storage
    copy moves).  `option` is the source host's performance option."""

    vm_name: str
    kind: MigrationKind = attrs.field(converter=MigrationKind)
    workload: WorkloadSpec
    source: HostSpec
    destination: HostSpec
    option: PerformanceOption = attrs.field(default=PerformanceOption.TCPIP, converter=PerformanceOption)
    disk_bytes: int = attrs.field(default=0, validator=_non_negative)
    source_storage: StorageSpec | None = None
    destination_storage: StorageSpec | None = None
    # False: the VM is off or saved, so a Live or SharedNothing move has no
    # memory to copy (only the configuration, and the storage for
    # SharedNothing) and no downtime.
    running: bool = True

    def __attrs_post_init__(self) -> None:
        kind = self.kind
        if kind is MigrationKind.Quick and not self.running:
            raise ValueError("a Quick migration saves a running VM: running must be True")
        if kind in (MigrationKind.Storage, MigrationKind.SharedNothing):
            if self.source_storage is None or self.destination_storage is None:
                raise ValueError(f"a {kind} migration needs source_storage and destination_storage")
        if kind is MigrationKind.Storage and self.source.name != self.destination.name:
            raise ValueError("a Storage migration stays on one host: source and destination must be the same host")
        if kind is not MigrationKind.Storage and self.source.name == self.destination.name:
            raise ValueError(f"a {kind} migration needs a destination other than the source host")
        if kind is MigrationKind.Quick:
            if self.source_storage is None or not self.source_storage.shared:
                raise ValueError("a Quick migration saves the VM to shared storage: source_storage must be a CSV or SMB share")

    @property
    def hosts(self) -> tuple[str, ...]:
        if self.source.name == self.destination.name:
            return (self.source.name,)
        return (self.source.name, self.destination.name)

    @property
    def storages(self) -> tuple[str, ...]:
        names = []
        for storage in (self.source_storage, self.destination_storage):
            if storage is not None and storage.name not in names:
                names.append(storage.name)
        return tuple(names)

    @property
    def uses_network(self) -> bool:
        return self.kind in (MigrationKind.Live, MigrationKind.SharedNothing)
