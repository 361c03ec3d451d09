"""The fast engine agrees with the page-exact engine in distribution."""
from __future__ import annotations

import numpy as np
import pytest

from hvshell.sim import (EngineKind, ExactEngine, FastEngine, HostSpec, MemoryLayout,
                         MigrationSpec, NicSpec, PageClass, WorkloadSpec, plan_migration)
from tests.sim.memory_passes import constant_pass

GiB, MiB = 2**30, 2**20
SEEDS = range(40)


def spec(workload: WorkloadSpec, version: str, option: str, speed: float) -> MigrationSpec:
    nics = (NicSpec("NIC1", speed),)
    return MigrationSpec("VM", "Live", workload, HostSpec("A", version, migration_nics=nics),
                         HostSpec("B", version, migration_nics=nics), option=option)


SCENARIOS = {
    # LRU first pass; dirty passes stop near the threshold, so rounds vary.
    "2012R2 TCPIP": spec(WorkloadSpec(2 * GiB, 512 * MiB, 600.0), "2012R2", "TCPIP", 10.0),
    # Address-order first pass with the working set interleaved.
    "2008R2 address order": spec(WorkloadSpec(2 * GiB, 512 * MiB, 400.0, zero_page_percent=30.0),
                                 "2008R2", "TCPIP", 10.0),
    # Compression: zero, unwritten and working-set pages cost different bytes.
    "2012R2 Compression": spec(WorkloadSpec(2 * GiB, 512 * MiB, 60.0, zero_page_percent=40.0,
                                            compression_ratio=2.5), "2012R2", "Compression", 1.0),
}


def summary(results) -> dict[str, tuple[float, float]]:
    fields = {
        "duration": [r.duration for r in results],
        "downtime": [r.downtime for r in results],
        "rounds": [r.rounds for r in results],
        "bytes": [r.bytes_transferred for r in results],
    }
    return {k: (float(np.mean(v)), float(np.std(v))) for k, v in fields.items()}


@pytest.mark.parametrize("name", SCENARIOS)
def test_engines_agree_over_seeds(name):
    s = SCENARIOS[name]
    fast = summary([plan_migration(s, seed, engine=EngineKind.Fast) for seed in SEEDS])
    exact = summary([plan_migration(s, 1000 + seed, engine=EngineKind.Exact) for seed in SEEDS])
    for field in fast:
        (mf, sf), (me, se) = fast[field], exact[field]
        assert mf == pytest.approx(me, rel=0.03, abs=0.3 if field == "rounds" else 0), field
        # Spreads: same order (the fast engine's binomials are a little
        # wider than the exact Poisson-binomial sums).
        scale = max(mf, me)
        if max(sf, se) > 1e-3 * scale:
            assert 0.4 <= (sf + 1e-9 * scale) / (se + 1e-9 * scale) <= 2.5, field


def run_passes(engine, layout: MemoryLayout, rate: float, passes: int) -> list[list[float]]:
    """Dirty counts per class after each of `passes` constant-rate passes."""
    history = []
    for _ in range(passes):
        constant_pass(engine, layout, rate)
        history.append(engine.dirty_counts())
    return history


@pytest.mark.parametrize("lru", [True, False])
def test_engines_agree_on_a_spectrum_of_write_rates(lru):
    layout = MemoryLayout((PageClass("zero", 60_000, zero=True), PageClass("cold", 100_000),
                           PageClass("warm", 60_000, 1.0), PageClass("hot", 15_000, 12.0),
                           PageClass("hottest", 2_000, 200.0)), 400e6)
    rate = 1.175e9
    fast = np.array([run_passes(FastEngine(layout, np.random.default_rng(s), lru=lru), layout, rate, 4)
                     for s in SEEDS])
    exact = np.array([run_passes(ExactEngine(layout, np.random.default_rng(500 + s), lru=lru),
                                 layout, rate, 4) for s in SEEDS])
    mean_f, mean_e = fast.mean(axis=0), exact.mean(axis=0)
    assert mean_f == pytest.approx(mean_e, rel=0.03, abs=30)
    # Never-written classes stay clean; the hotter a class, the larger the
    # share of it that is dirty.  (In address order the long first pass lets
    # the guest dirty all its working set; last in an LRU pass, it cannot.)
    assert (exact[:, :, :2] == 0).all() and (fast[:, :, :2] == 0).all()
    shares = mean_e[:, 2:] / [60_000, 15_000, 2_000]
    if not lru:
        assert shares[0] == pytest.approx(1.0)
        shares = shares[1:]
    assert (np.diff(shares, axis=1) > 0).all()
