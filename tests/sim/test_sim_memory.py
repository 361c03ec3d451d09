"""The memory model against the analytic pre-copy closed forms and the
per-page dirtying law."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hvshell.sim import (EngineKind, ExactEngine, FastEngine, HostSpec, MemoryLayout,
                         MigrationSpec, NicSpec, PageClass, WorkloadSpec, plan_migration)
from hvshell.sim import constants as C
from hvshell.sim.memory import (PAGE, PassTiming, RateProfile, pass_segments,
                                solve_write_scale)
from tests.sim.memory_passes import constant_pass

GiB = 2**30
LINE_10G = 10e9 / 8
R_10G = LINE_10G * C.LINK_EFFICIENCY_STANDARD      # TCP/IP payload rate on 10 GbE


def live_spec(workload: WorkloadSpec, version: str = "2012R2", speed: float = 10.0) -> MigrationSpec:
    nics = (NicSpec("NIC1", speed),)
    return MigrationSpec("VM", "Live", workload, HostSpec("A", version, migration_nics=nics),
                         HostSpec("B", version, migration_nics=nics), option="TCPIP")


def uniform(memory: int, dirty_mbps: float) -> WorkloadSpec:
    """The analytic model's case: the guest dirties all of memory uniformly."""
    return WorkloadSpec(memory, memory, dirty_mbps)


# --- layout ---------------------------------------------------------------------------

def test_layout_from_workload_splits_memory_into_classes():
    w = WorkloadSpec(8 * GiB, 2 * GiB, 50.0, zero_page_percent=40.0, compression_ratio=2.0)
    layout = MemoryLayout.from_workload(w)
    names = {c.name: c for c in layout.classes}
    total = 8 * GiB // PAGE
    assert layout.total_pages == total
    assert names["working set"].pages == 2 * GiB // PAGE and names["working set"].written
    assert names["zero"].pages == round(0.4 * total) and names["zero"].zero
    assert names["unwritten"].pages == total - names["zero"].pages - names["working set"].pages
    assert layout.dirty_rate == 50e6


def test_zero_pages_never_exceed_unwritten_memory():
    layout = MemoryLayout.from_workload(WorkloadSpec(GiB, GiB // 2, 1.0, zero_page_percent=90.0))
    names = {c.name: c.pages for c in layout.classes}
    assert names["zero"] == GiB // PAGE // 2 and "unwritten" not in names


def test_first_pass_order_least_recently_written_first():
    layout = MemoryLayout((PageClass("hot", 10, 8.0), PageClass("cold", 10),
                           PageClass("warm", 10, 1.0), PageClass("zero", 10, zero=True)), 1e6)
    assert [layout.classes[i].name for i in layout.lru_order()] == ["cold", "zero", "warm", "hot"]


# --- the analytic closed form (docs/model.md: round i sends M·λ^i) ------------------

@pytest.mark.parametrize("version", ["2012R2", "2008R2"])
@pytest.mark.parametrize("rho", [0.1, 0.3, 0.6])
def test_expected_engine_matches_closed_form(version, rho):
    M = 4 * GiB
    R = R_10G if version != "2008R2" else min(R_10G, C.ENGINE_CAP_2008R2)
    D = rho * R
    result = plan_migration(live_spec(uniform(M, D / 1e6), version), engine=EngineKind.Expected)
    # n: the first dirty pass after which what is left fits the stop budget.
    n = next(i for i in range(C.MAX_DIRTY_PASSES + 1)
             if M * rho ** (i + 1) <= R * C.STOP_REMAINDER_S or i == C.MAX_DIRTY_PASSES)
    memory = result.memory_passes()
    assert result.rounds == n and len(memory) == n + 1
    for i, p in enumerate(memory):
        assert p.wire_bytes == pytest.approx(M * rho ** i, rel=1e-9)
        assert p.duration == pytest.approx(M * rho ** i / R, rel=1e-9)
    # Bytes after n rounds: M(1 − λ^(n+2))/(1 − λ), plus the device state.
    assert result.bytes_transferred == pytest.approx(
        M * (1 - rho ** (n + 2)) / (1 - rho) + C.DEVICE_STATE_BYTES, rel=1e-9)
    # Downtime: M·λ^(n+1)/R plus the resume overhead (device state, switch-over).
    assert result.downtime == pytest.approx(
        (M * rho ** (n + 1) + C.DEVICE_STATE_BYTES) / R + C.SWITCHOVER_S, rel=1e-9)
    assert result.duration == pytest.approx(
        C.SETUP_S + sum(M * rho ** i for i in range(n + 1)) / R + result.downtime + C.TEARDOWN_S,
        rel=1e-9)


@pytest.mark.parametrize("engine", [EngineKind.Fast, EngineKind.Exact])
def test_sampling_engines_follow_closed_form_on_average(engine):
    M, rho = 4 * GiB, 0.25
    spec = live_spec(uniform(M, rho * R_10G / 1e6))
    firsts, seconds = [], []
    for seed in range(12):
        passes = plan_migration(spec, seed, engine=engine).memory_passes()
        firsts.append(passes[1].wire_bytes)
        seconds.append(passes[2].wire_bytes)
    assert np.mean(firsts) == pytest.approx(M * rho, rel=0.01)
    assert np.mean(seconds) == pytest.approx(M * rho ** 2, rel=0.02)


@pytest.mark.parametrize("engine", list(EngineKind))
def test_guest_dirtying_faster_than_the_link_never_converges(engine):
    # docs/model.md: with λ ≥ 1 the round cap decides and downtime tends to
    # working set / R.
    M, W = 8 * GiB, 2 * GiB
    result = plan_migration(live_spec(WorkloadSpec(M, W, 1.3 * R_10G / 1e6)), 3, engine=engine)
    assert result.converged is False and result.rounds == C.MAX_DIRTY_PASSES
    for p in result.memory_passes()[1:]:
        assert p.wire_bytes == pytest.approx(W, rel=1e-9)
    assert result.downtime == pytest.approx((W + C.DEVICE_STATE_BYTES) / R_10G + C.SWITCHOVER_S, rel=1e-6)


def test_lru_first_pass_sends_the_working_set_last():
    # 2012+: the working set goes at the end of the first pass, so only the
    # guest's dirtying during its own window counts; 2008 R2 interleaves it.
    M, W = 4 * GiB, GiB
    R = R_10G / 10                      # 1 GbE
    D = 0.05 * R
    work = WorkloadSpec(M, W, D / 1e6)
    lru = plan_migration(live_spec(work, "2012", 1.0), engine=EngineKind.Expected)
    address = plan_migration(live_spec(work, "2008R2", 1.0), engine=EngineKind.Expected)
    assert lru.memory_passes()[1].wire_bytes == pytest.approx(D * W / R, rel=1e-9)
    assert address.memory_passes()[1].wire_bytes == pytest.approx(D * M / R, rel=1e-9)


# --- the per-page law: P(dirty) = 1 − exp(−λ(T − t)) ----------------------------------

def test_exact_engine_dirties_pages_by_time_left_in_the_pass():
    pages = 400_000
    layout = MemoryLayout((PageClass("all", pages, 1.0),), 0.6 * R_10G)
    engine = ExactEngine(layout, np.random.default_rng(5), lru=False)
    kappa = constant_pass(engine, layout, R_10G)
    T = pages * PAGE / R_10G
    bits = engine._bits
    for lo in range(0, pages, pages // 8):
        block = bits[lo:lo + pages // 8]
        t = (np.arange(lo, lo + len(block)) + 1) * PAGE / R_10G   # each page's send time
        expected = np.mean(1 - np.exp(-kappa * (T - t)))
        assert block.mean() == pytest.approx(expected, abs=0.006)
    # Pages sent last had no time to be written again.
    assert bits[-pages // 100:].mean() < 0.02 < bits[:pages // 100].mean()


def test_write_scale_meets_the_budget_or_saturates():
    layout = MemoryLayout((PageClass("hot", 1000, 4.0), PageClass("warm", 3000, 1.0)), 1e6)
    segments = [(0, 1000.0, 0.0, 2.0, 0), (1, 3000.0, 0.0, 2.0, 0)]
    kappa = solve_write_scale(layout, segments, 500.0)
    expected = sum(n * (1 - (math.exp(-layout.classes[i].weight * kappa * lo)
                             - math.exp(-layout.classes[i].weight * kappa * hi))
                        / (layout.classes[i].weight * kappa * (hi - lo)))
                   for i, n, lo, hi, _ in segments)
    assert expected == pytest.approx(500.0, rel=1e-9)
    assert math.isinf(solve_write_scale(layout, segments, 4000.0))
    assert solve_write_scale(layout, segments, 0.0) == 0.0


def test_rate_change_mid_pass_moves_send_times():
    # Half the bytes at full rate, half at a quarter: pages in the second
    # half are sent later, and the pass lasts 2.5 times as long.
    timing = PassTiming(RateProfile(((1.0, 100.0), (2.0, 25.0))), 150.0)
    assert timing.duration == 3.0
    left = timing.time_left(np.array([50.0, 100.0, 125.0, 150.0]))
    assert left == pytest.approx([2.5, 2.0, 1.0, 0.0])
    layout = MemoryLayout((PageClass("all", 10, 1.0),), 1.0)
    segments = pass_segments(layout, [(0, [10.0])], [15.0], timing, [])
    flat = [x for _, n, lo, hi, _ in segments for x in (n, lo, hi)]
    assert flat == pytest.approx([20 / 3, 2.0, 3.0, 10 / 3, 0.0, 2.0])


def test_fast_engine_expected_mode_equals_mean_of_draws():
    layout = MemoryLayout((PageClass("cold", 50_000), PageClass("warm", 20_000, 1.0),
                           PageClass("hot", 5_000, 10.0)), 0.3 * R_10G)
    expected = FastEngine(layout, None, lru=True)
    constant_pass(expected, layout, R_10G)
    draws = []
    for seed in range(200):
        engine = FastEngine(layout, np.random.default_rng(seed), lru=True)
        constant_pass(engine, layout, R_10G)
        draws.append(engine.dirty_counts())
    assert np.mean(draws, axis=0) == pytest.approx(expected.dirty_counts(), rel=0.01, abs=2)
    # The hot class is sent last but still dirtier than the warm one.
    counts = expected.dirty_counts()
    assert counts[0] == 0 and counts[2] / 5_000 > counts[1] / 20_000
