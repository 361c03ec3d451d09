"""Predicting one migration without touching the lab's clock.

`plan_migration` runs the migration alone, on a private clock, through the
same procedure and flow model the scheduler uses: the result is what the
migration would do if nothing else ran (Measure-LabMigration).  Times in
the result count from 0.
"""
from __future__ import annotations

import numpy as np

from hvshell.sim.clock import Clock
from hvshell.sim.results import MigrationResult
from hvshell.sim.scheduler import EngineKind, MigrationScheduler
from hvshell.sim.specs import MigrationSpec


def plan_migration(spec: MigrationSpec, rng: np.random.Generator | int | None = None, *,
                   engine: EngineKind | str = EngineKind.Fast) -> MigrationResult:
    """Duration, downtime, passes and bytes of `spec`'s migration alone.

    `rng`: a numpy Generator or a seed for the Fast and Exact engines (0 when
    omitted); the Expected engine ignores it.  Raises TransportError when the
    hosts cannot migrate with the spec's option."""
    engine = EngineKind(engine)
    if engine is EngineKind.Expected:
        rng = None
    elif not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(0 if rng is None else rng)
    clock = Clock()
    scheduler = MigrationScheduler(clock, engine=engine)
    handle = scheduler.submit(spec, rng=rng)
    return clock.run_until_done(handle.done)
