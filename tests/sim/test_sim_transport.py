"""Routes: TCP/IP, Compression, SMB Multichannel and SMB Direct, teams,
limits, and the rates they give a migration."""
from __future__ import annotations

import pytest

from hvshell.sim import (EngineKind, HostSpec, MigrationSpec, NicSpec, TransportError,
                         WorkloadSpec, plan_migration, resolve_route)
from hvshell.sim import constants as C

GiB = 2**30
ETA, ETA_JUMBO = C.LINK_EFFICIENCY_STANDARD, C.LINK_EFFICIENCY_JUMBO


def host(name: str, *nics: NicSpec, version: str = "2012R2", **kw) -> HostSpec:
    return HostSpec(name, version, migration_nics=nics or (NicSpec("NIC1", 10.0),), **kw)


def first_pass_rate(src: HostSpec, dst: HostSpec, option: str = "TCPIP",
                    workload: WorkloadSpec | None = None) -> float:
    """Payload bytes/s of the first pass of an idle VM's live migration."""
    workload = workload or WorkloadSpec(16 * GiB)
    result = plan_migration(MigrationSpec("VM", "Live", workload, src, dst, option=option),
                            engine=EngineKind.Expected)
    return result.memory_passes()[0].rate


def test_tcpip_uses_one_nic_at_the_mtu_efficiency():
    one = NicSpec("A", 10.0), NicSpec("B", 10.0)
    assert first_pass_rate(host("S", *one), host("D", *one)) == pytest.approx(10e9 / 8 * ETA)
    jumbo = (NicSpec("A", 10.0, jumbo=True),)
    assert first_pass_rate(host("S", *jumbo), host("D", *jumbo)) == pytest.approx(10e9 / 8 * ETA_JUMBO)
    # Jumbo frames need both ends.
    assert first_pass_rate(host("S", *jumbo), host("D")) == pytest.approx(10e9 / 8 * ETA)


def test_slower_end_sets_the_pace():
    assert first_pass_rate(host("S", NicSpec("A", 10.0)), host("D", NicSpec("A", 1.0))) == \
        pytest.approx(1e9 / 8 * ETA)


def test_dynamic_team_spreads_one_stream_other_teams_do_not():
    dynamic = (NicSpec("M1", 10.0, team="T"), NicSpec("M2", 10.0, team="T"))
    hashed = (NicSpec("M1", 10.0, team="T", team_mode="AddressHash"),
              NicSpec("M2", 10.0, team="T", team_mode="AddressHash"))
    spread = 2 * 10e9 / 8 * ETA * C.TEAM_SPREAD_EFFICIENCY
    assert first_pass_rate(host("S", *dynamic), host("D", *dynamic)) == pytest.approx(spread)
    assert first_pass_rate(host("S", *hashed), host("D", *hashed)) == pytest.approx(10e9 / 8 * ETA)
    # Dynamic mode is 2012 R2; a 2012 team keeps a stream on one member.
    old = [host(n, *dynamic, version="2012") for n in ("S", "D")]
    assert first_pass_rate(*old) == pytest.approx(10e9 / 8 * ETA)


def test_2008r2_reaches_seventy_percent_of_10gbe():
    pair = [host(n, version="2008R2") for n in ("S", "D")]
    assert first_pass_rate(*pair) == pytest.approx(0.70 * 10e9 / 8)
    slow = [host(n, NicSpec("A", 1.0), version="2008R2") for n in ("S", "D")]
    assert first_pass_rate(*slow) == pytest.approx(1e9 / 8 * ETA)


def test_smb_multichannel_uses_every_migration_nic():
    nics = (NicSpec("A", 10.0), NicSpec("B", 10.0), NicSpec("C", 1.0))
    route = resolve_route(host("S", *nics), host("D", *nics), "SMB")
    assert not route.rdma and route.description.startswith("SMB over A+B+C")
    assert first_pass_rate(host("S", *nics), host("D", *nics), "SMB") == pytest.approx(21e9 / 8 * ETA)


def test_smb_direct_uses_rdma_nics_outside_teams_only():
    nics = (NicSpec("R1", 10.0, rdma=True), NicSpec("R2", 10.0, rdma=True),
            NicSpec("T1", 10.0, rdma=True, team="Team"), NicSpec("T2", 10.0, rdma=True, team="Team"))
    route = resolve_route(host("S", *nics), host("D", *nics), "SMB")
    assert route.rdma and route.description == "SMB Direct over R1+R2 to R1+R2"
    assert route.memory_touches == (1.0, 1.0)
    # No RDMA on one end: SMB over TCP on every interface (the team as one).
    plain = resolve_route(host("S", *nics), host("D", NicSpec("N", 10.0)), "SMB")
    assert not plain.rdma and plain.memory_touches == (1 + C.TCP_EXTRA_MEMORY_TOUCHES,) * 2


def test_smb_bandwidth_limit_caps_live_migration():
    nics = (NicSpec("R1", 10.0, rdma=True), NicSpec("R2", 10.0, rdma=True))
    limited = host("S", *nics, smb_limit=500e6)
    assert first_pass_rate(limited, host("D", *nics), "SMB") == pytest.approx(500e6)


def test_memory_bandwidth_bounds_the_fastest_links():
    # Three 56 Gbps RDMA ports (docs/model.md) against a host that can
    # move 20 GB/s: RDMA touches each byte once per end.
    fat = tuple(NicSpec(f"IB{i}", 56.0, rdma=True, jumbo=True) for i in range(3))
    src, dst = host("S", *fat, memory_bandwidth=20e9), host("D", *fat)
    assert first_pass_rate(src, dst, "SMB") == pytest.approx(20e9)
    # The same links over TCP touch every byte 3.5 times.
    tcp = tuple(NicSpec(f"E{i}", 56.0, jumbo=True) for i in range(3))
    assert first_pass_rate(host("S", *tcp, memory_bandwidth=20e9), host("D", *tcp), "SMB") == \
        pytest.approx(20e9 / (1 + C.TCP_EXTRA_MEMORY_TOUCHES))


def test_compression_needs_spare_cpu_and_falls_back_to_tcpip():
    nic = (NicSpec("A", 10.0),)
    work = WorkloadSpec(8 * GiB, GiB, 5.0, zero_page_percent=40.0, compression_ratio=2.5)
    idle = plan_migration(MigrationSpec("VM", "Live", work, host("S", *nic), host("D", *nic),
                                        option="Compression"), engine=EngineKind.Expected)
    busy_host = host("S", *nic, logical_processors=8, cpu_demand=0.99)
    busy = plan_migration(MigrationSpec("VM", "Live", work, busy_host, host("D", *nic),
                                        option="Compression"), engine=EngineKind.Expected)
    assert all(p.compressed for p in idle.passes)
    assert not any(p.compressed for p in busy.passes)
    assert idle.bytes_transferred < 0.5 * work.memory_bytes < busy.bytes_transferred
    assert idle.duration < 0.5 * busy.duration
    assert (idle.option, idle.used, busy.option, busy.used) == (
        "Compression", "Compression", "Compression", "TCPIP")
    assert busy.transport == "TCP/IP over A to A" and idle.transport == "Compression over A to A"


def test_compression_counts_only_idle_processors():
    # On 1 GbE half a core would out-compress the link; but when the VMs
    # need every processor (at either end) nothing is idle: plain TCP/IP.
    nic = (NicSpec("A", 1.0),)
    work = WorkloadSpec(4 * GiB, GiB, 5.0, zero_page_percent=40.0, compression_ratio=2.5)
    for src, dst in ((host("S", *nic, cpu_demand=1.0), host("D", *nic)),
                     (host("S", *nic), host("D", *nic, cpu_demand=1.0))):
        result = plan_migration(MigrationSpec("VM", "Live", work, src, dst, option="Compression"),
                                engine=EngineKind.Expected)
        assert result.used == "TCPIP" and not any(p.compressed for p in result.passes)
    both_idle = plan_migration(MigrationSpec("VM", "Live", work, host("S", *nic), host("D", *nic),
                                             option="Compression"), engine=EngineKind.Expected)
    assert both_idle.used == "Compression"


def test_compression_is_bounded_by_spare_cores():
    nic = (NicSpec("A", 10.0),)
    work = WorkloadSpec(8 * GiB, 0, 0.0, compression_ratio=4.0)
    # 6 spare cores compress 1.5 GB/s: more than a 10 Gbps link carries plain
    # (so compression is used) but less than 4 × the link.
    src = host("S", *nic, logical_processors=8, cpu_demand=0.25)
    rate = first_pass_rate(src, host("D", *nic), "Compression", work)
    raw_rate = rate * 4.0
    assert raw_rate == pytest.approx(6 * C.COMPRESS_BYTES_PER_CORE_S)


def test_options_refused_where_the_version_lacks_them():
    with pytest.raises(TransportError, match="needs Windows Server 2012 R2 on both hosts.*2012"):
        resolve_route(host("S", version="2012"), host("D"), "SMB")
    with pytest.raises(TransportError, match="Compression"):
        resolve_route(host("S"), host("D", version="2008R2"), "Compression")
    with pytest.raises(TransportError, match="no network adapter on a migration network"):
        resolve_route(HostSpec("S"), host("D"), "TCPIP")
