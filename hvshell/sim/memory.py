"""The memory side of pre-copy live migration, page by page.

Pages and classes
-----------------
A VM's memory is a set of 4 KiB pages, grouped into *classes* of pages that
behave alike (`PageClass`): never-written zero pages, never-written data, and
written memory (the working set), each written class with a relative write
weight.  `MemoryLayout.from_workload` derives the classes from a
`WorkloadSpec`; tests build layouts with several written classes (a spectrum
of write rates) directly.  Pages of each class are spread evenly over the
address space.

How the guest dirties memory
----------------------------
The guest dirties *clean* memory of its working set at its dirty rate D
(bytes/s): over a pass of length T it dirties D·T' bytes, where T' is the part
of the pass during which some working-set page was clean (all of T once any
has been sent), or every page that was clean at some moment of the pass if
that is fewer.  Which pages: a written page i, clean from time t_i in the pass
(its send time, or the pass start if it was clean already) until the end T,
is dirty at the end with probability

    1 − exp(−λ_i (T − t_i)),      λ_i = w_i · κ,

where w_i is its class's write weight and κ, the pass's write scale, is the
one value that makes the expected number of dirtied pages equal the budget
above (`solve_write_scale`).  So a page is written at a constant rate within a
pass and the longer it has been clean the likelier it is dirty, while the
total follows the analytic pre-copy model (docs/model.md: round i sends M·λ^i when
the dirty rate is uniform over memory).  When the guest dirties faster than
pages can be sent, κ is unbounded: every page of the working set is dirty
again at the end of every pass (the hot set), and the pass cap decides.
Never-written pages are sent once and are never dirty again.

Why a budget rather than a fixed rate per page: with λ = D / working set for
every page, the guest would dirty clean memory ever more slowly as its working
set fills, and pages sent late in a pass would always come out clean, so a
guest dirtying 1.5 GB/s in 2 GiB over a 1.17 GB/s link would leave about a
fifth of its working set for the blackout instead of all of it (docs/model.md,
the "8 GiB VM dirtying 1.5 GB/s" row: ≈1.8 s of downtime).  Reading D as the pace at which clean
memory gets dirtied keeps the analytic model's behaviour in both regimes and
the per-page law for which pages.

Pass order
----------
First pass: every page.  On 2012 and later the least recently written memory
goes first and the most recently written last: never-written classes, then
written classes by increasing weight.  On 2008 R2, address order.  Dirty
passes send the dirty pages in address order.

Two engines, one interface
--------------------------
`ExactEngine` keeps per-page state for every page that can ever be dirtied
(class, address order, dirty bitmap), gives each sent page its exact send time
from its place in the pass, and draws each page's fate; never-written pages
are kept as counts, as they are sent once and never again.  It is the
reference.  `FastEngine` keeps only dirty counts per class (and, when several
classes are written, per address bin): within a stretch of the send order
each class's pages are spread evenly, so the pages of a class sent in one
piece of the transfer have uniform send times, and their dirty count is one
binomial draw.  Its cost grows with classes, bins and rate changes, not with
memory.  With `rng=None` it uses expected counts (deterministic, fractional
pages): the model's prediction without noise.  Both engines take the pass's
write scale κ from the same per-bin summary, so they differ only in how they
sample; tests/sim checks that they agree in distribution.
"""
from __future__ import annotations

import math
from typing import Sequence

import attrs
import numpy as np

from hvshell.sim import constants as C
from hvshell.sim.specs import WorkloadSpec

PAGE = C.PAGE_SIZE


@attrs.frozen
class PageClass:
    """Pages that behave alike.  `weight` is the relative write rate
    (0: never written during the migration); zero pages are never written."""

    name: str
    pages: int
    weight: float = 0.0
    zero: bool = False
    compression_ratio: float = 1.0

    def __attrs_post_init__(self) -> None:
        if self.pages < 0 or self.weight < 0:
            raise ValueError("a page class needs non-negative pages and weight")
        if self.zero and self.weight > 0:
            raise ValueError("zero pages are never written: their weight must be 0")
        if self.compression_ratio < 1.0:
            raise ValueError("a compression ratio is at least 1.0")

    @property
    def written(self) -> bool:
        return self.weight > 0

    def wire_bytes(self, compressed: bool) -> float:
        """Bytes on the network per page of this class."""
        if not compressed:
            return float(PAGE)
        if self.zero:
            return float(C.ZERO_PAGE_WIRE_BYTES)
        return PAGE / self.compression_ratio

    def cpu_seconds(self, compressed: bool) -> tuple[float, float]:
        """Core-seconds per page at the source and the destination."""
        if not compressed:
            return 0.0, 0.0
        if self.zero:
            scan = PAGE / C.ZERO_SCAN_BYTES_PER_CORE_S
            return scan, 0.0
        return PAGE / C.COMPRESS_BYTES_PER_CORE_S, PAGE / C.DECOMPRESS_BYTES_PER_CORE_S


@attrs.frozen
class MemoryLayout:
    """A VM's memory as page classes, and how fast the guest dirties it."""

    classes: tuple[PageClass, ...] = attrs.field(converter=tuple)
    dirty_rate: float = 0.0

    def __attrs_post_init__(self) -> None:
        if not self.classes or self.total_pages == 0:
            raise ValueError("a memory layout needs at least one page")
        if len(self.classes) > 255:
            raise ValueError("at most 255 page classes")

    @classmethod
    def from_workload(cls, workload: WorkloadSpec) -> "MemoryLayout":
        """Never-written zero pages, never-written data and one working set
        with a uniform write rate.  Zero pages are capped at the memory
        outside the working set (written pages are not zero)."""
        total = math.ceil(workload.memory_bytes / PAGE)
        working = min(math.ceil(workload.working_set_bytes / PAGE), total)
        zero = min(round(workload.zero_page_percent / 100.0 * total), total - working)
        ratio = workload.compression_ratio
        classes = [
            PageClass("zero", zero, 0.0, True, ratio),
            PageClass("unwritten", total - working - zero, 0.0, False, ratio),
            PageClass("working set", working, 1.0, False, ratio),
        ]
        return cls(tuple(c for c in classes if c.pages > 0), workload.dirty_rate)

    @property
    def total_pages(self) -> int:
        return sum(c.pages for c in self.classes)

    def lru_order(self) -> list[int]:
        """Class indices, least recently written first: never-written classes
        (in declaration order), then written ones by increasing weight."""
        return sorted(range(len(self.classes)),
                      key=lambda i: (self.classes[i].written, self.classes[i].weight))


# --- a pass's timing --------------------------------------------------------------

@attrs.frozen
class RateProfile:
    """How a transfer went: consecutive pieces of (duration s, rate units/s)."""

    pieces: tuple[tuple[float, float], ...]

    @classmethod
    def constant(cls, amount: float, rate: float) -> "RateProfile":
        if amount <= 0:
            return cls(())
        return cls(((amount / rate, rate),))

    @property
    def duration(self) -> float:
        return sum(d for d, _ in self.pieces)

    @property
    def amount(self) -> float:
        return sum(d * r for d, r in self.pieces)


class PassTiming:
    """Maps a pass's send offsets (wire bytes from its start) to times, from
    the transfer's rate profile.  A page is sent when its last byte is."""

    __slots__ = ("duration", "pieces")

    def __init__(self, profile: RateProfile, total: float):
        self.duration = profile.duration
        sent = profile.amount
        scale = total / sent if sent > 0 else 1.0   # absorb rounding in the profile
        pieces = []                                  # (offset0, offset1, time0, rate)
        offset = time = 0.0
        for d, r in profile.pieces:
            if r > 0 and d > 0:
                span = d * r * scale
                pieces.append((offset, offset + span, time, span / d))
                offset += span
            time += d
        self.pieces = pieces

    def time_left(self, offsets: np.ndarray) -> np.ndarray:
        """T − t for each offset: how long each page stays clean until the
        end of the pass (a new float64 array)."""
        if len(self.pieces) == 1:
            o0, _, t0, rate = self.pieces[0]
            left = offsets * (-1.0 / rate)
            left += self.duration - t0 + o0 / rate
            return left
        upper = np.array([p[1] for p in self.pieces])
        k = np.minimum(np.searchsorted(upper, offsets, side="left"), len(self.pieces) - 1)
        o0 = np.array([p[0] for p in self.pieces])[k]
        t0 = np.array([p[2] for p in self.pieces])[k]
        rate = np.array([p[3] for p in self.pieces])[k]
        return self.duration - (t0 + np.maximum(offsets - o0, 0.0) / rate)


# A stretch of a pass's send order: (address bin, pages per class).  Within
# it each class's pages are spread evenly.  Bin −1: never-written pages.
Run = tuple[int, Sequence[float]]

# A segment: `count` pages of class `cls` in address bin `bin` whose clean
# time τ = T − t is uniform in [tau_lo, tau_hi].
Segment = tuple[int, float, float, float, int]


def pass_segments(layout: MemoryLayout, runs: Sequence[Run], costs: Sequence[float],
                  timing: PassTiming, clean: Sequence[Run]) -> list[Segment]:
    """The written pages of a pass as segments: those sent (each run's
    classes spread evenly over its stretch of the send order, cut where the
    rate changed) and those clean since the start (τ = T)."""
    T = timing.duration
    segments: list[Segment] = []
    written = [i for i, c in enumerate(layout.classes) if c.written]
    start = 0.0
    for b, counts in runs:
        span = sum(counts[i] * costs[i] for i in range(len(costs)))
        if span <= 0:
            continue
        end = start + span
        if b >= 0:
            for o0, o1, t0, rate in timing.pieces:
                lo, hi = max(start, o0), min(end, o1)
                if hi <= lo:
                    continue
                share = (hi - lo) / span
                tau_hi = T - (t0 + (lo - o0) / rate)
                tau_lo = T - (t0 + (hi - o0) / rate)
                for i in written:
                    if counts[i] > 0:
                        segments.append((i, counts[i] * share, max(tau_lo, 0.0), max(tau_hi, 0.0), b))
        start = end
    for b, counts in clean:
        for i in written:
            if counts[i] > 0:
                segments.append((i, counts[i], T, T, b))
    return segments


def _dirty_fraction(a: float, lo: float, hi: float) -> float:
    """P(dirty) averaged over τ uniform in [lo, hi], at write rate a."""
    width = hi - lo
    if a * width < 1e-6:
        return -math.expm1(-a * 0.5 * (lo + hi))
    return 1.0 - (math.exp(-a * lo) - math.exp(-a * hi)) / (a * width)


def _dirty_fraction_slope(a: float, lo: float, hi: float) -> float:
    """d/da of `_dirty_fraction`."""
    width = hi - lo
    if a * width < 1e-6:
        mid = 0.5 * (lo + hi)
        return mid * math.exp(-a * mid)
    el, eh = math.exp(-a * lo), math.exp(-a * hi)
    return ((el - eh) - a * (hi * eh - lo * el)) / (a * a * width)


def solve_write_scale(layout: MemoryLayout, segments: Sequence[Segment], budget: float) -> float:
    """κ such that the expected number of dirtied pages is `budget`; inf when
    the budget reaches every page that was clean during the pass."""
    weights = [c.weight for c in layout.classes]
    eligible = sum(seg[1] for seg in segments if seg[3] > 0)
    if budget <= 0 or eligible <= 0:
        return 0.0
    if budget >= eligible * (1.0 - 1e-12):
        return math.inf
    linear = sum(n * weights[i] * 0.5 * (lo + hi) for i, n, lo, hi, _ in segments)
    kappa = budget / linear   # 1 − e^{−x} ≤ x: the root is above this
    for _ in range(200):
        value = slope = 0.0
        for i, n, lo, hi, _ in segments:
            a = weights[i] * kappa
            value += n * _dirty_fraction(a, lo, hi)
            slope += n * weights[i] * _dirty_fraction_slope(a, lo, hi)
        gap = budget - value
        if gap <= 1e-10 * budget or slope <= 0:
            break
        kappa += gap / slope   # concave increasing: Newton from below stays below
    return kappa


def dirty_budget(layout: MemoryLayout, segments: Sequence[Segment]) -> float:
    """Pages the guest dirties in the pass: D × the time some written page
    was clean."""
    clean_time = max((seg[3] for seg in segments if seg[1] > 0), default=0.0)
    return layout.dirty_rate / PAGE * clean_time


def segment_probability(layout: MemoryLayout, segment: Segment, kappa: float) -> float:
    i, _, lo, hi, _ = segment
    if math.isinf(kappa):
        return 1.0
    return _dirty_fraction(layout.classes[i].weight * kappa, lo, hi)


# --- engines ------------------------------------------------------------------------

# Address bins of the fast engine when several classes are written: in a
# dirty pass each class's dirty pages are spread evenly within a bin, not over
# the whole pass (classes of different write rates leave different shapes of
# dirtiness along the address space).  One class needs no bins.
FAST_ENGINE_BINS = 16


class MemoryEngine:
    """Pass bookkeeping shared by both engines: dirty pages per address bin
    and class.  A driver asks for `runs()` (the current pass's send order)
    and `clean_runs()` (written pages clean since the pass started),
    transfers the runs, then calls `finish_pass(timing, segments, costs,
    kappa)`."""

    def __init__(self, layout: MemoryLayout, *, lru: bool):
        self.layout = layout
        self.lru = lru
        self.pass_index = 0
        n = len(layout.classes)
        self._written = [c.written for c in layout.classes]
        self.bins = FAST_ENGINE_BINS if sum(self._written) > 1 else 1
        self._dirty: list[list[float]] = [[0.0] * n for _ in range(self.bins)]
        self._bin_pages = [c.pages / self.bins if c.written else 0.0 for c in layout.classes]

    def dirty_counts(self) -> list[float]:
        """Pages to send in the current pass, per class."""
        if self.pass_index == 0:
            return [float(c.pages) for c in self.layout.classes]
        return [sum(col) for col in zip(*self._dirty)]

    def runs(self) -> list[Run]:
        n = len(self.layout.classes)
        if self.pass_index > 0:
            return [(b, list(self._dirty[b])) for b in range(self.bins)]
        if not self.lru:
            unwritten = [0.0 if w else c.pages / self.bins
                         for c, w in zip(self.layout.classes, self._written)]
            return [(b, [x + y for x, y in zip(unwritten, self._bin_pages)]) for b in range(self.bins)]
        runs: list[Run] = []
        for i in self.layout.lru_order():
            counts = [0.0] * n
            if self._written[i]:
                counts[i] = self._bin_pages[i]
                runs.extend((b, list(counts)) for b in range(self.bins))
            else:
                counts[i] = float(self.layout.classes[i].pages)
                runs.append((-1, counts))
        return runs

    def clean_runs(self) -> list[Run]:
        if self.pass_index == 0:
            return []
        return [(b, [p - d if w else 0.0 for p, d, w in zip(self._bin_pages, self._dirty[b], self._written)])
                for b in range(self.bins)]

    def finish_pass(self, timing: PassTiming, segments: Sequence[Segment],
                    costs: Sequence[float], kappa: float) -> None:
        raise NotImplementedError


class FastEngine(MemoryEngine):
    """Dirty counts per bin and class; one binomial draw per segment
    (expected counts when `rng` is None)."""

    def __init__(self, layout: MemoryLayout, rng: np.random.Generator | None, *, lru: bool):
        super().__init__(layout, lru=lru)
        self.rng = rng

    def finish_pass(self, timing, segments, costs, kappa) -> None:
        dirty = [[0.0] * len(self.layout.classes) for _ in range(self.bins)]
        if self.rng is None:
            for seg in segments:
                dirty[seg[4]][seg[0]] += seg[1] * segment_probability(self.layout, seg, kappa)
        elif segments:
            counts = _integer_counts(segments)
            probs = [segment_probability(self.layout, seg, kappa) for seg in segments]
            drawn = self.rng.binomial(counts, probs)
            for seg, k in zip(segments, drawn.tolist()):
                dirty[seg[4]][seg[0]] += k
        self._dirty = dirty
        self.pass_index += 1


def _integer_counts(segments: Sequence[Segment]) -> list[int]:
    """Whole pages per segment: the fractional shares of one class's pages
    (per bin, cut at rate changes) are rounded so that each class's sum
    stays exact."""
    out = []
    carried: dict[int, float] = {}
    for seg in segments:
        i = seg[0]
        before = carried.get(i, 0.0)
        after = before + seg[1]
        out.append(int(round(after)) - int(round(before)))
        carried[i] = after
    return out


class ExactEngine(MemoryEngine):
    """Per-page state for every page that can be written: its class, its
    place in address order, its dirty bit.  Send times come from each page's
    exact offset in the pass; each page's fate is its own draw.  (The pass's
    write scale κ comes from the shared per-bin summary.)"""

    def __init__(self, layout: MemoryLayout, rng: np.random.Generator, *, lru: bool):
        if rng is None:
            raise ValueError("the page-exact engine draws every page: it needs a numpy Generator")
        super().__init__(layout, lru=lru)
        self.rng = rng
        classes = layout.classes
        written = [i for i, c in enumerate(classes) if c.written]
        self._n_written = sum(classes[i].pages for i in written)
        self._weight = np.array([c.weight for c in classes], dtype=np.float32)
        self._single_weight = (classes[written[0]].weight
                               if len(written) == 1 and self._n_written > 0 else None)
        # The written pages in address order, each class spread evenly among
        # them (merge of evenly spaced keys).
        if len(written) <= 1:
            self._cls = np.full(self._n_written, written[0] if written else 0, dtype=np.uint8)
        else:
            keys = np.concatenate([(np.arange(classes[i].pages) + 0.5) / classes[i].pages
                                   for i in written])
            labels = np.concatenate([np.full(classes[i].pages, i, dtype=np.uint8) for i in written])
            self._cls = labels[np.argsort(keys, kind="stable")]
        self._bits = np.zeros(self._n_written, dtype=bool)

    def _send_offsets(self, costs: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Which written pages this pass sends, and the offset at which each
        one's last byte leaves."""
        cost = np.asarray(costs, dtype=np.float64)
        classes = self.layout.classes
        if self.pass_index > 0:
            sent = np.flatnonzero(self._bits)
            if self._single_weight is not None:
                return sent, np.arange(1, len(sent) + 1, dtype=np.float64) * cost[self._cls[0]]
            return sent, np.cumsum(cost[self._cls[sent]])
        unwritten = sum(c.pages * cost[i] for i, c in enumerate(classes) if not c.written)
        if self.lru:
            order, ends = [], []
            base = unwritten
            for i in self.layout.lru_order():
                if not classes[i].written:
                    continue
                idx = np.flatnonzero(self._cls == i)
                order.append(idx)
                ends.append(base + cost[i] * np.arange(1, len(idx) + 1))
                base += cost[i] * len(idx)
            return np.concatenate(order), np.concatenate(ends)
        # Address order: written page j sits at address (j + ½)·N/n among the
        # never-written pages, which are spread evenly at their mean cost.
        total = self.layout.total_pages
        sent = np.arange(self._n_written)
        address = (sent + 0.5) * (total / self._n_written)
        per_unwritten = unwritten / max(total - self._n_written, 1)
        ends = np.cumsum(cost[self._cls]) + (address - sent) * per_unwritten
        return sent, ends

    def finish_pass(self, timing, segments, costs, kappa) -> None:
        n = self._n_written
        if math.isinf(kappa):
            bits = np.ones(n, dtype=bool)
        elif kappa <= 0 or n == 0:
            bits = np.zeros(n, dtype=bool)
        else:
            sent, ends = self._send_offsets(costs)
            # hazard = λ·τ: write rate times the time each page stays clean
            # (τ = T for pages clean since the start, T − t for pages sent).
            T = timing.duration
            if self._single_weight is not None:
                rate = kappa * self._single_weight
                hazard = np.full(n, T * rate, dtype=np.float32)
                hazard[sent] = timing.time_left(ends) * rate
            else:
                hazard = np.full(n, T, dtype=np.float32)
                hazard[sent] = timing.time_left(ends)
                hazard *= np.float32(kappa) * self._weight[self._cls]
            # Dirty iff the first write after the page became clean comes
            # before the end: an Exp(1) draw below λ·τ.
            bits = self.rng.standard_exponential(n, dtype=np.float32) < hazard
        self._bits = bits
        k = len(self.layout.classes)
        if self.bins == 1:
            counts = [0.0] * k
            if n:
                counts[int(self._cls[0])] = float(np.count_nonzero(bits))
            self._dirty = [counts]
        else:
            where = np.flatnonzero(bits)
            bins = where * self.bins // n
            tally = np.bincount(bins * k + self._cls[where], minlength=self.bins * k)
            self._dirty = [[float(x) for x in row] for row in tally.reshape(self.bins, k).tolist()]
        self.pass_index += 1
