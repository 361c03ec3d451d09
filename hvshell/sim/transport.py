"""Transports: which links, CPU and memory a migration's bytes go through.

A `Route` is what `resolve_route` makes of two hosts and a performance
option.  It does not say how fast a transfer goes: that is the flow model's
business (hvshell.sim.flows), which shares each resource fairly among the
transfers using it.  A route lists, per payload byte, how much of each
resource it uses:

- links: each interface (a NIC, or a team counted as one interface) has a
  transmit and a receive resource with its line rate; a byte of payload costs
  1/η bytes of line rate, η = 0.94 with 1500-byte frames and 0.99 when both
  ends use jumbo frames (docs/model.md).
- TCPIP: one stream on one interface at each end, the first migration
  interface in priority order.  A Dynamic-mode team (2012 R2) spreads the
  stream over its members at `TEAM_SPREAD_EFFICIENCY`; other teams keep a
  stream on one member, so one transfer gets one member's rate.  2008 R2's
  copy engine caps a transfer at 70 % of 10 GbE.
- Compression (2012 R2 both ends): the TCPIP path; the pages are compressed
  on the source's spare cores and decompressed on the destination's (the
  memory model adds those CPU costs per pass and decides whether to compress).
- SMB (2012 R2 both ends): SMB 3 Multichannel over every migration interface,
  split in proportion to their speeds.  When both hosts have RDMA NICs outside
  teams, only those are used, with SMB Direct (RDMA does not work through a
  team).  A host's `Set-SmbBandwidthLimit -Category LiveMigration` caps it.
- memory bandwidth: every payload byte is read once at the source and written
  once at the destination; TCP adds 2.5 more touches per byte at each end,
  RDMA none (docs/model.md).
"""
from __future__ import annotations

import attrs

from hvshell.sim import constants as C
from hvshell.sim.specs import HostSpec, PerformanceOption, StorageSpec

Key = tuple


def tx_key(host: str, interface: str) -> Key:
    return ("tx", host, interface)


def rx_key(host: str, interface: str) -> Key:
    return ("rx", host, interface)


def cpu_key(host: str) -> Key:
    return ("cpu", host)


def memory_key(host: str) -> Key:
    return ("mem", host)


def smb_key(host: str) -> Key:
    return ("smb", host)


def storage_key(name: str) -> Key:
    return ("storage", name)


class TransportError(ValueError):
    """Two hosts cannot migrate with the requested option."""


@attrs.frozen
class Interface:
    """A migration interface: one NIC, or one team of NICs."""

    name: str
    line_rate: float          # bytes/s of all members together
    member_rate: float        # bytes/s one stream can use without spreading
    spreads: bool             # a Dynamic team: one stream spreads over members
    rdma: bool
    jumbo: bool
    team: bool


def interfaces(host: HostSpec) -> list[Interface]:
    """The host's migration interfaces in priority order (a team where its
    first member is listed)."""
    out: list[Interface] = []
    seen: set[str] = set()
    for nic in host.migration_nics:
        if nic.team is None:
            out.append(Interface(nic.name, nic.line_rate, nic.line_rate, False, nic.rdma, nic.jumbo, False))
            continue
        if nic.team in seen:
            continue
        seen.add(nic.team)
        members = [m for m in host.migration_nics if m.team == nic.team]
        spreads = (len(members) > 1 and nic.team_mode == "Dynamic"
                   and host.version in C.DYNAMIC_TEAM_VERSIONS)
        out.append(Interface(nic.team, sum(m.line_rate for m in members),
                             max(m.line_rate for m in members), spreads, False,
                             all(m.jumbo for m in members), True))
    return out


def link_efficiency(jumbo: bool) -> float:
    return C.LINK_EFFICIENCY_JUMBO if jumbo else C.LINK_EFFICIENCY_STANDARD


@attrs.frozen
class Route:
    """How one migration's bytes travel between two hosts."""

    option: PerformanceOption
    source: str
    destination: str
    rdma: bool
    link_demands: tuple[tuple[Key, float], ...]   # resource units per payload byte
    stream_cap: float | None                       # payload bytes/s one transfer may reach
    memory_touches: tuple[float, float]           # per payload byte, source and destination
    limit_keys: tuple[Key, ...]                    # SMB bandwidth limits that apply
    source_interfaces: tuple[str, ...]             # NICs or teams used at each end
    destination_interfaces: tuple[str, ...]

    @property
    def compression(self) -> bool:
        return self.option is PerformanceOption.Compression

    @property
    def description(self) -> str:
        """'SMB Direct over LM1+LM2 to LM1+LM2', as the option would send."""
        return self.describe(self.option)

    def describe(self, used: PerformanceOption) -> str:
        """The route as sent with `used` (TCPIP when Compression fell back)."""
        kind = {PerformanceOption.TCPIP: "TCP/IP", PerformanceOption.Compression: "Compression",
                PerformanceOption.SMB: "SMB Direct" if self.rdma else "SMB"}[used]
        return (f"{kind} over {'+'.join(self.source_interfaces)} to "
                f"{'+'.join(self.destination_interfaces)}")

    def demands(self) -> dict[Key, float]:
        """Per payload byte: links, memory bandwidth, SMB limits."""
        out = dict(self.link_demands)
        out[memory_key(self.source)] = self.memory_touches[0]
        out[memory_key(self.destination)] = self.memory_touches[1]
        for key in self.limit_keys:
            out[key] = 1.0
        return out


def _check_option(option: PerformanceOption, source: HostSpec, destination: HostSpec) -> None:
    needed = {PerformanceOption.Compression: C.COMPRESSION_VERSIONS,
              PerformanceOption.SMB: C.SMB_VERSIONS}.get(option)
    if needed is None:
        return
    for host in (source, destination):
        if host.version not in needed:
            raise TransportError(
                f"The migration performance option {option} needs Windows Server 2012 R2 on both "
                f"hosts, but {host.name} runs {host.version}. Use TCPIP, or move between 2012 R2 hosts.")


def _touches(rdma: bool) -> float:
    extra = C.RDMA_EXTRA_MEMORY_TOUCHES if rdma else C.TCP_EXTRA_MEMORY_TOUCHES
    return C.BASE_MEMORY_TOUCHES + extra


def resolve_route(source: HostSpec, destination: HostSpec, option: PerformanceOption | str) -> Route:
    """The route a migration from `source` to `destination` takes with the
    source's performance option.  Raises TransportError when the option is
    not available on a host or a host has no migration interface."""
    option = PerformanceOption(option)
    _check_option(option, source, destination)
    ends = []
    for host in (source, destination):
        found = interfaces(host)
        if not found:
            raise TransportError(
                f"{host.name} has no network adapter on a migration network. Add one with "
                f"Add-VMMigrationNetwork, or set UseAnyNetworkForMigration.")
        ends.append(found)
    src_ifaces, dst_ifaces = ends
    if option is PerformanceOption.SMB:
        return _smb_route(source, destination, src_ifaces, dst_ifaces)
    src, dst = src_ifaces[0], dst_ifaces[0]
    eta = link_efficiency(src.jumbo and dst.jumbo)
    demands = []
    caps = []
    for host, iface, key in ((source, src, tx_key), (destination, dst, rx_key)):
        if iface.spreads:
            demands.append((key(host.name, iface.name), 1.0 / (eta * C.TEAM_SPREAD_EFFICIENCY)))
        else:
            demands.append((key(host.name, iface.name), 1.0 / eta))
            caps.append(iface.member_rate * eta)
    if "2008R2" in (source.version, destination.version):
        caps.append(C.ENGINE_CAP_2008R2)
    return Route(option, source.name, destination.name, False, tuple(demands),
                 min(caps) if caps else None, (_touches(False), _touches(False)), (),
                 (src.name,), (dst.name,))


def _smb_route(source: HostSpec, destination: HostSpec,
               src_ifaces: list[Interface], dst_ifaces: list[Interface]) -> Route:
    src_rdma = [i for i in src_ifaces if i.rdma and not i.team]
    dst_rdma = [i for i in dst_ifaces if i.rdma and not i.team]
    rdma = bool(src_rdma and dst_rdma)
    if rdma:
        src_ifaces, dst_ifaces = src_rdma, dst_rdma
    eta = link_efficiency(all(i.jumbo for i in src_ifaces + dst_ifaces))
    demands = []
    for host, used, key in ((source, src_ifaces, tx_key), (destination, dst_ifaces, rx_key)):
        total = sum(i.line_rate for i in used)
        for iface in used:
            spread = C.TEAM_SPREAD_EFFICIENCY if iface.spreads else 1.0
            demands.append((key(host.name, iface.name), iface.line_rate / total / (eta * spread)))
    limits = tuple(smb_key(h.name) for h in (source, destination) if h.smb_limit is not None)
    touches = _touches(rdma)
    return Route(PerformanceOption.SMB, source.name, destination.name, rdma, tuple(demands), None,
                 (touches, touches), limits, tuple(i.name for i in src_ifaces),
                 tuple(i.name for i in dst_ifaces))


def host_capacities(host: HostSpec) -> dict[Key, float]:
    """Every resource a host contributes to the flow model."""
    caps: dict[Key, float] = {}
    for iface in interfaces(host):
        caps[tx_key(host.name, iface.name)] = iface.line_rate
        caps[rx_key(host.name, iface.name)] = iface.line_rate
    caps[cpu_key(host.name)] = max(host.spare_cores, C.COMPRESSION_MIN_CORES)
    caps[memory_key(host.name)] = host.memory_bandwidth
    if host.smb_limit is not None:
        caps[smb_key(host.name)] = host.smb_limit
    return caps


def storage_capacities(storage: StorageSpec) -> dict[Key, float]:
    return {storage_key(storage.name): storage.throughput}
