"""Driving a memory engine by hand, one constant-rate pass at a time."""
from __future__ import annotations

from hvshell.sim import MemoryLayout
from hvshell.sim.memory import PassTiming, RateProfile, dirty_budget, pass_segments, solve_write_scale


def constant_pass(engine, layout: MemoryLayout, rate: float, compressed: bool = False) -> float:
    """Run the engine's current pass at a constant rate; return κ."""
    costs = [c.wire_bytes(compressed) for c in layout.classes]
    runs = engine.runs()
    wire = sum(n * c for n, c in zip(engine.dirty_counts(), costs))
    timing = PassTiming(RateProfile.constant(wire, rate), wire)
    segments = pass_segments(layout, runs, costs, timing, engine.clean_runs())
    kappa = solve_write_scale(layout, segments, dirty_budget(layout, segments))
    engine.finish_pass(timing, segments, costs, kappa)
    return kappa
