"""Migrations on the clock: limits, queue, sharing, cancellation, faults,
progress, storage, shared-nothing and quick migrations."""
from __future__ import annotations

import attrs
import pytest

from hvshell.sim import (EngineKind, FaultKind, HostSpec, MigrationScheduler, MigrationSpec,
                         MigrationState, NicSpec, StorageSpec, WorkloadSpec, plan_migration)
from hvshell.sim import constants as C
from hvshell.sim.clock import Clock

GiB = 2**30
R_10G = 10e9 / 8 * C.LINK_EFFICIENCY_STANDARD
NIC = (NicSpec("NIC1", 10.0),)


def host(name: str, version: str = "2012R2", **kw) -> HostSpec:
    return HostSpec(name, version, migration_nics=NIC, **kw)


def live(name: str, src: HostSpec, dst: HostSpec, memory: int = 4 * GiB, **kw) -> MigrationSpec:
    return MigrationSpec(name, "Live", WorkloadSpec(memory, memory // 8, 5.0), src, dst, **kw)


def scheduler(**kw) -> tuple[Clock, MigrationScheduler]:
    clock = Clock()
    return clock, MigrationScheduler(clock, seed=3, engine=kw.pop("engine", EngineKind.Expected), **kw)


def run_all(clock: Clock, handles) -> list:
    return clock.run_until_done(clock.all_of(h.done for h in handles))


# --- limits and queue ----------------------------------------------------------------

def test_two_at_a_time_then_the_queue_moves_in_order():
    clock, sched = scheduler()
    a, b = host("A"), host("B")
    handles = [sched.submit(live(f"VM{i}", a, b)) for i in range(3)]
    assert [h.state for h in handles] == [MigrationState.Running] * 2 + [MigrationState.Queued]
    assert sched.running() == handles[:2] and sched.queued() == handles[2:]
    results = run_all(clock, handles)
    assert results[2].start_time == pytest.approx(min(results[0].end_time, results[1].end_time))
    assert results[2].queued_at == 0.0


def test_effective_limit_is_the_smaller_hosts():
    clock, sched = scheduler()
    a, b = host("A", max_live_migrations=4), host("B", max_live_migrations=1)
    handles = [sched.submit(live(f"VM{i}", a, b)) for i in range(3)]
    assert sum(h.state is MigrationState.Running for h in handles) == 1
    results = run_all(clock, handles)
    for earlier, later in zip(results, results[1:]):
        assert later.start_time == pytest.approx(earlier.end_time)


def test_2008r2_hosts_migrate_one_at_a_time():
    clock, sched = scheduler()
    a, b = host("A", "2008R2"), host("B", "2008R2")
    handles = [sched.submit(live(f"VM{i}", a, b)) for i in range(2)]
    assert [h.state for h in handles] == [MigrationState.Running, MigrationState.Queued]


def test_queue_is_first_in_first_out_and_unrelated_hosts_do_not_wait():
    clock, sched = scheduler()
    a, b, c, d = host("A"), host("B"), host("C"), host("D")
    first = [sched.submit(live(f"VM{i}", a, b)) for i in range(2)]
    waits = sched.submit(live("VM2", a, c))          # A is full: queued
    later = sched.submit(live("VM3", a, d))          # queued behind VM2
    other = sched.submit(live("VM4", d, c))          # D and C are free: runs now
    assert [h.state for h in (waits, later, other)] == [
        MigrationState.Queued, MigrationState.Queued, MigrationState.Running]
    results = run_all(clock, first + [waits, later, other])
    assert results[2].start_time == pytest.approx(min(results[0].end_time, results[1].end_time))
    assert results[3].start_time >= results[2].start_time


def test_concurrent_migrations_share_the_source_link():
    alone = plan_migration(live("VM", host("A"), host("B"), memory=8 * GiB), engine=EngineKind.Expected)
    clock, sched = scheduler()
    a = host("A")
    handles = [sched.submit(live(f"VM{i}", a, host(f"B{i}"), memory=8 * GiB)) for i in range(2)]
    both = run_all(clock, handles)
    for r in both:
        first = r.memory_passes()[0]
        assert first.rate == pytest.approx(R_10G / 2)
        assert r.duration > 1.8 * (alone.duration - C.SETUP_S - C.TEARDOWN_S)


def test_rates_change_mid_pass_when_a_neighbour_finishes():
    clock, sched = scheduler()
    a = host("A")
    small = sched.submit(live("Small", a, host("B1"), memory=GiB))
    big = sched.submit(live("Big", a, host("B2"), memory=8 * GiB))
    small_r, big_r = run_all(clock, [small, big])
    first = big_r.memory_passes()[0]
    # Shared while the small one ran, then the whole link.
    assert R_10G / 2 < first.rate < R_10G
    assert first.duration == pytest.approx(
        (small_r.end_time - C.TEARDOWN_S - C.SETUP_S)
        + (8 * GiB - R_10G / 2 * (small_r.end_time - C.TEARDOWN_S - C.SETUP_S)) / R_10G, rel=0.02)


# --- cancellation and failures -------------------------------------------------------------

def test_cancel_queued_running_and_too_late():
    clock, sched = scheduler()
    a, b = host("A"), host("B")
    handles = [sched.submit(live(f"VM{i}", a, b)) for i in range(3)]
    assert handles[2].cancel()
    r = handles[2].result
    assert r.state is MigrationState.Cancelled and r.start_time is None and r.duration == 0.0
    clock.run_until(3.0)
    assert handles[0].cancel("Stopped by the operator.")
    r = handles[0].result
    assert r.state is MigrationState.Cancelled and r.reason == "Stopped by the operator."
    assert r.end_time == 3.0 and r.downtime == 0.0 and not handles[0].committed
    done = clock.run_until_done(handles[1].done)
    assert done.state is MigrationState.Completed
    assert not handles[1].cancel()


def test_destination_crash_fails_and_leaves_the_vm_on_the_source():
    clock, sched = scheduler()
    a, b = host("A"), host("B")
    h = sched.submit(live("VM", a, b))
    sched.inject_fault(FaultKind.HostCrash, "B", after=5.0)
    r = clock.run_until_done(h.done)
    assert r.state is MigrationState.Failed and r.end_time == pytest.approx(5.0)
    assert "destination host B" in r.reason and "keeps running on A" in r.reason
    final = h.progress()
    assert final.state is MigrationState.Failed and final.activity == r.reason
    assert 2.0 < final.percent < 100.0
    later = sched.submit(live("VM2", a, b))
    assert clock.run_until_done(later.done).state is MigrationState.Failed


def test_crash_during_blackout_counts_the_pause_as_downtime():
    clock, sched = scheduler()
    h = sched.submit(live("VM", host("A"), host("B")))
    clock.run_until_done(h.done)
    blackout_start = h.paused_at
    clock2, sched2 = scheduler()
    h2 = sched2.submit(live("VM", host("A"), host("B")))
    sched2.inject_fault("HostCrash", "B", after=blackout_start + 0.001)
    r = clock2.run_until_done(h2.done)
    assert r.state is MigrationState.Failed and r.downtime == pytest.approx(0.001)


def test_network_outage_stalls_then_resumes_or_times_out():
    base = plan_migration(live("VM", host("A"), host("B")), engine=EngineKind.Expected)
    clock, sched = scheduler()
    h = sched.submit(live("VM", host("A"), host("B")))
    sched.inject_fault("NetworkDown", "A", after=3.0)
    sched.inject_fault("NetworkUp", "A", after=3.0 + C.NETWORK_TIMEOUT_S / 2)
    r = clock.run_until_done(h.done)
    assert r.state is MigrationState.Completed
    assert r.duration == pytest.approx(base.duration + C.NETWORK_TIMEOUT_S / 2, rel=0.01)

    clock, sched = scheduler()
    h = sched.submit(live("VM", host("A"), host("B")))
    sched.inject_fault("NetworkDown", "B", after=3.0)
    r = clock.run_until_done(h.done)
    assert r.state is MigrationState.Failed
    assert r.end_time == pytest.approx(3.0 + C.NETWORK_TIMEOUT_S)
    assert "network connection between A and B was lost" in r.reason


def test_storage_outage_fails_a_storage_migration():
    clock, sched = scheduler()
    a = host("A")
    spec = MigrationSpec("VM", "Storage", WorkloadSpec(GiB), a, a, disk_bytes=100 * GiB,
                         source_storage=StorageSpec("C:"), destination_storage=StorageSpec("D:"))
    h = sched.submit(spec)
    sched.inject_fault("StorageDown", "D:", after=3.0)
    r = clock.run_until_done(h.done)
    assert r.state is MigrationState.Failed and r.reason == "The storage D: is not reachable."


def test_compression_backs_off_when_the_vms_take_the_cpu_mid_pass():
    nic = (NicSpec("NIC1", 10.0),)
    src = HostSpec("A", logical_processors=16, migration_nics=nic)
    work = WorkloadSpec(16 * GiB, 4 * GiB, 100.0, zero_page_percent=20.0, compression_ratio=3.0)
    clock, sched = scheduler()
    h = sched.submit(MigrationSpec("VM", "Live", work, src, host("B"), option="Compression"))
    clock.run_until(3.0)
    fast = h.progress().rate
    sched.update_host(attrs.evolve(src, cpu_demand=1.0))
    slow = h.progress().rate
    r = clock.run_until_done(h.done)
    assert r.state is MigrationState.Completed
    assert slow < fast / 5
    first, later = r.memory_passes()[0], r.passes[1:]
    assert first.compressed and not any(p.compressed for p in later)
    assert r.used == "Compression"          # some of it went compressed


# --- progress ------------------------------------------------------------------------------

def test_progress_reports_activity_pass_percent_rate_and_time_left():
    seen = []
    clock, sched = scheduler(on_progress=seen.append)
    work = WorkloadSpec(8 * GiB, 2 * GiB, 200.0)
    h = sched.submit(MigrationSpec("VM", "Live", work, host("A"), host("B")))
    clock.run_until(3.0)
    now = h.progress()
    assert now.activity == "Copying memory" and now.pass_index == 0
    assert now.rate == pytest.approx(R_10G) and 2.0 < now.percent < 85.0
    assert now.seconds_left == pytest.approx(8 * GiB / R_10G - 1.5 + C.SWITCHOVER_S + C.TEARDOWN_S, rel=0.01)
    clock.run_until_done(h.done)
    activities = [p.activity for p in seen]
    assert activities[0] == "Setting up the destination"
    assert "Copying dirty memory (pass 1)" in activities and "Switching over" in activities
    assert seen[-1].state is MigrationState.Completed and seen[-1].percent == 100.0
    percents = [p.percent for p in seen]
    assert percents == sorted(percents)


# --- storage, shared-nothing, quick ---------------------------------------------------------

def test_storage_migration_copies_at_the_slower_store_minus_mirrored_writes():
    clock, sched = scheduler()
    a = host("A")
    work = WorkloadSpec(GiB, disk_write_mbps=50.0)
    spec = MigrationSpec("VM", "Storage", work, a, a, disk_bytes=200 * 10**9,
                         source_storage=StorageSpec("C:", throughput_mbps=500.0),
                         destination_storage=StorageSpec("D:", throughput_mbps=300.0))
    r = clock.run_until_done(sched.submit(spec).done)
    copy = 200e9 / (300e6 - 50e6)
    assert r.duration == pytest.approx(C.STORAGE_SETUP_S + copy + C.STORAGE_SWITCH_S + C.STORAGE_CLEANUP_S)
    assert r.downtime == 0.0 and r.bytes_transferred == pytest.approx(200e9 + 50e6 * copy)


def test_storage_migration_refused_when_the_guest_writes_faster_than_the_copy():
    clock, sched = scheduler()
    a = host("A")
    spec = MigrationSpec("VM", "Storage", WorkloadSpec(GiB, disk_write_mbps=400.0), a, a,
                         disk_bytes=10 * GiB, source_storage=StorageSpec("C:", throughput_mbps=300.0),
                         destination_storage=StorageSpec("D:"))
    r = clock.run_until_done(sched.submit(spec).done)
    assert r.state is MigrationState.Failed and "faster than they can be copied" in r.reason


def test_shared_nothing_moves_storage_then_memory():
    spec = MigrationSpec("VM", "SharedNothing", WorkloadSpec(4 * GiB, GiB, 5.0), host("A"), host("B"),
                         disk_bytes=40 * GiB, source_storage=StorageSpec("C:", throughput_mbps=2000.0),
                         destination_storage=StorageSpec("E:", throughput_mbps=2000.0))
    r = plan_migration(spec, engine=EngineKind.Expected)
    kinds = [p.kind for p in r.passes]
    assert kinds[0] == "Storage" and kinds[1] == "Memory" and kinds[-1] == "Blackout"
    storage = r.passes[0]
    assert storage.rate == pytest.approx(R_10G)     # the network is the slowest part
    memory_only = plan_migration(attrs.evolve(spec, kind="Live", disk_bytes=0, source_storage=None,
                                              destination_storage=None), engine=EngineKind.Expected)
    assert r.duration == pytest.approx(memory_only.duration + C.STORAGE_SETUP_S + storage.duration
                                       + C.STORAGE_CLEANUP_S, rel=1e-6)


def test_quick_migration_is_all_downtime():
    csv = StorageSpec("Volume1", "CSV", throughput_mbps=200.0)
    spec = MigrationSpec("VM", "Quick", WorkloadSpec(2 * GiB), host("A"), host("B"), source_storage=csv)
    r = plan_migration(spec, engine=EngineKind.Expected)
    assert r.downtime == pytest.approx(r.duration)
    assert r.duration == pytest.approx(2 * 2 * GiB / 200e6 + C.QUICK_HANDOVER_S)
    assert [p.kind for p in r.passes] == ["Save", "Restore"]


# --- determinism ------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", [EngineKind.Fast, EngineKind.Exact])
def test_same_seed_same_results(engine):
    def run():
        clock = Clock()
        sched = MigrationScheduler(clock, seed=11, engine=engine)
        a = host("A")
        handles = [sched.submit(MigrationSpec(f"VM{i}", "Live", WorkloadSpec(GiB, GiB // 4, 300.0),
                                              a, host(f"B{i % 2}"))) for i in range(4)]
        return run_all(clock, handles)
    assert run() == run()


def test_planning_leaves_no_trace_on_a_lab_clock():
    clock, sched = scheduler()
    plan_migration(live("VM", host("A"), host("B")))
    assert clock.now == 0.0 and clock.pending() == 0 and not sched.handles
