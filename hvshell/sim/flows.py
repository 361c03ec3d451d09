"""Flow-level model of transfers sharing links, CPU, memory and storage.

Each running transfer is a fluid flow: an amount of work (payload bytes)
that drains at a rate.  A flow uses resources (a NIC's transmit side, a
host's spare cores, a storage location's throughput ...) in fixed amounts
per unit of work, and may have a cap of its own.  Rates are max-min fair
(progressive filling): all flows rise together until a resource or a cap
stops some of them; those keep their rate and the rest go on.  Rates change
only at events — a flow starts or ends, a capacity changes — so between
events every flow drains linearly, and the clock only needs a timer for each
flow's projected end.  A flow's history is kept as a `RateProfile` (pieces of
constant rate), which the memory model uses to place pages in time.

A flow may also have `growth`: work added per second while it runs (a
storage copy whose guest keeps writing); it drains at rate − growth.
"""
from __future__ import annotations

import math
from typing import Mapping

from hvshell.sim.clock import Clock, Event, Timer
from hvshell.sim.memory import RateProfile

_EPS = 1e-12


class Flow:
    """One transfer in the network.  `done` succeeds with its RateProfile."""

    __slots__ = ("demands", "cap", "growth", "remaining", "rate", "updated",
                 "pieces", "piece_start", "done", "timer", "label", "started")

    def __init__(self, clock: Clock, amount: float, demands: Mapping, cap: float | None,
                 growth: float, label: str):
        self.demands = dict(demands)
        self.cap = cap
        self.growth = growth
        self.remaining = float(amount)
        self.rate = 0.0
        self.updated = clock.now
        self.started = clock.now
        self.piece_start = clock.now
        self.pieces: list[tuple[float, float]] = []
        self.done: Event = clock.event()
        self.timer: Timer | None = None
        self.label = label

    @property
    def net_rate(self) -> float:
        return self.rate - self.growth

    def remaining_at(self, now: float) -> float:
        return self.remaining - self.net_rate * (now - self.updated)

    def seconds_left(self, now: float) -> float:
        net = self.net_rate
        return self.remaining_at(now) / net if net > 0 else math.inf


class FlowNetwork:
    """Resources with capacities, and the flows sharing them."""

    def __init__(self, clock: Clock):
        self.clock = clock
        self.capacity: dict = {}
        self.flows: list[Flow] = []

    # --- capacities -------------------------------------------------------------

    def set_capacities(self, capacities: Mapping) -> None:
        """Set (or add) resource capacities; running flows adjust now."""
        changed = {k: v for k, v in capacities.items() if self.capacity.get(k) != v}
        if not changed:
            return
        self._advance()
        self.capacity.update(changed)
        if any(k in f.demands for f in self.flows for k in changed):
            self._reallocate()

    def standalone_rate(self, demands: Mapping, cap: float | None = None) -> float:
        """The rate a flow would get with the network to itself."""
        rate = math.inf if cap is None else cap
        for key, coef in demands.items():
            if coef > 0:
                rate = min(rate, self.capacity[key] / coef)
        return rate

    # --- flows --------------------------------------------------------------------

    def start(self, amount: float, demands: Mapping, *, cap: float | None = None,
              growth: float = 0.0, label: str = "") -> Flow:
        missing = [k for k in demands if k not in self.capacity]
        if missing:
            raise KeyError(f"no capacity for resources {missing}")
        flow = Flow(self.clock, amount, demands, cap, growth, label)
        if flow.remaining <= 0:
            flow.done.succeed(RateProfile(()))
            return flow
        self._advance()
        self.flows.append(flow)
        self._reallocate()
        return flow

    def stop(self, flow: Flow) -> None:
        """Withdraw a flow without finishing it (cancelled or failed)."""
        if flow not in self.flows:
            return
        self._advance()
        self._close_piece(flow)
        self._remove(flow)
        self._reallocate()

    def _finish(self, flow: Flow) -> None:
        if flow not in self.flows:
            return
        self._advance()
        flow.remaining = 0.0
        self._close_piece(flow)
        self._remove(flow)
        self._reallocate()
        flow.done.succeed(RateProfile(tuple(flow.pieces)))

    def _remove(self, flow: Flow) -> None:
        self.flows.remove(flow)
        if flow.timer is not None:
            flow.timer.cancel()
            flow.timer = None

    # --- the model ----------------------------------------------------------------

    def _advance(self) -> None:
        now = self.clock.now
        for flow in self.flows:
            elapsed = now - flow.updated
            if elapsed > 0:
                flow.remaining -= flow.net_rate * elapsed
                flow.updated = now

    def _close_piece(self, flow: Flow) -> None:
        duration = self.clock.now - flow.piece_start
        if duration > 0:
            net = flow.net_rate
            if flow.pieces and flow.pieces[-1][1] == net:
                flow.pieces[-1] = (flow.pieces[-1][0] + duration, net)
            else:
                flow.pieces.append((duration, net))
        flow.piece_start = self.clock.now

    def _reallocate(self) -> None:
        rates = max_min_rates(self.flows, self.capacity)
        now = self.clock.now
        for flow, rate in zip(self.flows, rates):
            if rate != flow.rate:
                self._close_piece(flow)
                flow.rate = rate
            elif flow.timer is not None:
                continue
            if flow.timer is not None:
                flow.timer.cancel()
                flow.timer = None
            net = flow.net_rate
            if net > 0:
                delay = max(flow.remaining, 0.0) / net
                flow.timer = self.clock.schedule(delay, lambda f=flow: self._finish(f))
            flow.updated = now


def max_min_rates(flows: list[Flow], capacity: Mapping) -> list[float]:
    """Progressive filling: every unfrozen flow has the same rate `level`;
    raise it until a resource is full or a flow reaches its cap, freeze the
    flows concerned, repeat."""
    rates = [0.0] * len(flows)
    unfrozen = set(range(len(flows)))
    used: dict = {}
    level = 0.0
    while unfrozen:
        load: dict = {}
        for i in unfrozen:
            for key, coef in flows[i].demands.items():
                if coef > 0:
                    load[key] = load.get(key, 0.0) + coef
        full_at = {key: max(capacity[key] - used.get(key, 0.0), 0.0) / a for key, a in load.items()}
        best = min(full_at.values(), default=math.inf)
        for i in unfrozen:
            if flows[i].cap is not None:
                best = min(best, flows[i].cap)
        if math.isinf(best):
            raise ValueError("a flow uses no limited resource: its rate would be unbounded")
        level = max(level, best)
        tight = {key for key, at in full_at.items() if at <= level * (1 + 1e-12) + _EPS}
        frozen = [i for i in unfrozen
                  if (flows[i].cap is not None and flows[i].cap <= level * (1 + 1e-12) + _EPS)
                  or any(k in tight for k in flows[i].demands if flows[i].demands[k] > 0)]
        for i in frozen:
            rates[i] = level
            unfrozen.discard(i)
            for key, coef in flows[i].demands.items():
                used[key] = used.get(key, 0.0) + coef * level
    return rates
