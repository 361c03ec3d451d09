"""The lab's one simulated clock and its discrete-event core.

A small core in the manner of SimPy: events sit in a heap ordered by
(time, sequence); `Event`s succeed or fail and call back; a `Process` drives
a generator that yields delays (seconds) or events to wait on.  Everything
timed in the lab (migrations, exports, boots, faults, replication) runs on
one `Clock`, so advancing it advances everything together.
"""
from __future__ import annotations

import datetime as dt
import heapq
from typing import Any, Callable, Generator, Iterable

# docs/model.md, Time: the simulated clock starts here.
EPOCH = dt.datetime(2014, 3, 25, 9, 0, 0)


# The clock cannot pass [datetime]::MaxValue: every time it shows is a DateTime.
LAST_SECOND = (dt.datetime.max - EPOCH).total_seconds()


class SimulationStalled(RuntimeError):
    """Waiting for something that no scheduled event can bring about."""


class TimeLimitReached(BaseException):
    """The clock was asked to go past its `limit`.  Like an interrupt it
    stops whatever was waiting on the clock rather than failing it (nothing
    in the lab catches it): what is due up to the limit has happened,
    nothing after it."""

    def __init__(self, limit: float):
        super().__init__(f"the simulated clock may not pass {limit} s")
        self.limit = limit


class ClockRangeError(OverflowError):
    """Time asked to move past 9999-12-31 23:59:59 (worded as Python's own
    date overflow, which the runtime reports as .NET's DateTime one)."""

    def __init__(self) -> None:
        super().__init__("date value out of range: the lab's clock cannot pass "
                         "9999-12-31 23:59:59")


class Event:
    """Something that happens once: succeeds with a value or fails with an
    exception, then calls its callbacks (at the current simulated time)."""

    __slots__ = ("clock", "callbacks", "triggered", "ok", "value")

    def __init__(self, clock: "Clock"):
        self.clock = clock
        self.callbacks: list[Callable[[Event], None]] = []
        self.triggered = False
        self.ok = True
        self.value: Any = None

    def succeed(self, value: Any = None) -> "Event":
        return self._trigger(True, value)

    def fail(self, error: BaseException) -> "Event":
        return self._trigger(False, error)

    def _trigger(self, ok: bool, value: Any) -> "Event":
        if self.triggered:
            raise RuntimeError("event already triggered")
        self.triggered, self.ok, self.value = True, ok, value
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback(self)
        return self

    def on_done(self, callback: Callable[["Event"], None]) -> None:
        if self.triggered:
            callback(self)
        else:
            self.callbacks.append(callback)


class Timer:
    """A scheduled callback; `cancel()` stops it from running."""

    __slots__ = ("time", "callback", "cancelled")

    def __init__(self, time: float, callback: Callable[[], None]):
        self.time = time
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Process(Event):
    """Runs a generator: `yield 5.0` waits five simulated seconds, `yield ev`
    waits for an event (its value is sent back, its failure thrown in).
    The process is itself an event that succeeds with the generator's return
    value, or fails with what it raised.  `interrupt(exc)` throws `exc` into
    the generator at its current wait."""

    __slots__ = ("generator", "_waiting", "_started")

    def __init__(self, clock: "Clock", generator: Generator[Any, Any, Any]):
        super().__init__(clock)
        self.generator = generator
        self._started = False
        self._waiting: Timer | Event | None = clock.schedule(
            0.0, lambda: self._resume(True, None))

    def interrupt(self, error: BaseException) -> None:
        if self.triggered:
            return
        self._stop_waiting()
        if not self._started:
            # Interrupted before it ran: start it now, so that the error
            # reaches it at its first wait, where its own handlers can undo
            # what was set up for it (an exception thrown into a generator
            # that never ran skips them all).
            self._resume(True, None)
            if self.triggered:
                return
            self._stop_waiting()
        self._resume(False, error)

    def _stop_waiting(self) -> None:
        if isinstance(self._waiting, Timer):
            self._waiting.cancel()
        self._waiting = None

    def _resume(self, ok: bool, value: Any) -> None:
        if self.triggered:
            return
        self._started = True
        try:
            target = self.generator.send(value) if ok else self.generator.throw(value)
        except StopIteration as stop:
            self.succeed(stop.value)
            return
        except Exception as error:  # the process failed: its waiters see why
            self.fail(error)
            return
        if isinstance(target, Event):
            self._waiting = target
            target.on_done(lambda ev, me=target: self._wake(me, ev))
        else:
            timer = self.clock.schedule(float(target), lambda: self._resume(True, None))
            self._waiting = timer

    def _wake(self, awaited: Event, ev: Event) -> None:
        if self._waiting is awaited:
            self._waiting = None
            self._resume(ev.ok, ev.value)


class Clock:
    """Simulated time in seconds since `EPOCH`, and the queue of what is due."""

    def __init__(self, now: float = 0.0):
        self.now = now
        self._queue: list[tuple[float, int, Timer]] = []
        self._seq = 0
        self._advance_hooks: dict[str, Callable[[], None]] = {}
        # The latest time the clock may reach (None: no limit); asking for
        # more raises TimeLimitReached (hvshell --max-sim-time).
        self.limit: float | None = None

    def advance_hook(self, key: str, factory: Callable[[], Callable[[], None]]) -> Callable[[], None]:
        """The hook registered under `key`, made by `factory()` the first
        time: it is called just before simulated time moves forward, so work
        that many same-instant changes would each trigger runs once."""
        hook = self._advance_hooks.get(key)
        if hook is None:
            hook = self._advance_hooks[key] = factory()
        return hook

    def _move_to(self, time: float) -> None:
        if self.limit is not None and time > self.limit:
            raise TimeLimitReached(self.limit)
        if time > self.now:
            for hook in list(self._advance_hooks.values()):
                hook()
            self.now = time

    @property
    def datetime(self) -> dt.datetime:
        return EPOCH + dt.timedelta(seconds=self.now)

    def schedule(self, delay: float, callback: Callable[[], None]) -> Timer:
        if not delay >= 0:
            raise ValueError("cannot schedule in the past (or at NaN)")
        timer = Timer(self.now + delay, callback)
        self._seq += 1
        heapq.heappush(self._queue, (timer.time, self._seq, timer))
        return timer

    def event(self) -> Event:
        return Event(self)

    def process(self, generator: Generator[Any, Any, Any]) -> Process:
        return Process(self, generator)

    def all_of(self, events: Iterable[Event]) -> Event:
        """An event that succeeds when every one of `events` has (or fails
        with the first failure)."""
        events = list(events)
        done = Event(self)
        remaining = [len(events)]

        def one(ev: Event) -> None:
            if done.triggered:
                return
            if not ev.ok:
                done.fail(ev.value)
                return
            remaining[0] -= 1
            if remaining[0] == 0:
                done.succeed([e.value for e in events])

        if not events:
            done.succeed([])
        for ev in events:
            ev.on_done(one)
        return done

    def next_time(self) -> float | None:
        while self._queue and self._queue[0][2].cancelled:
            heapq.heappop(self._queue)
        return self._queue[0][0] if self._queue else None

    def step(self) -> bool:
        """Run the next due callback; False when nothing is scheduled."""
        when = self.next_time()
        if when is None:
            return False
        if when > LAST_SECOND:
            raise ClockRangeError()
        if self.limit is not None and when > self.limit:
            raise TimeLimitReached(self.limit)      # before the timer leaves the queue
        _, _, timer = heapq.heappop(self._queue)
        self._move_to(timer.time)
        timer.callback()
        return True

    def run_until(self, time: float) -> None:
        """Run everything due up to `time`, then stand at `time`; refused
        (before anything runs) past the last second a DateTime can show."""
        if not time <= LAST_SECOND:
            raise ClockRangeError()
        while True:
            when = self.next_time()
            if when is None or when > time:
                break
            self.step()
        self._move_to(time)

    def advance(self, seconds: float) -> None:
        self.run_until(self.now + seconds)

    def run_until_done(self, event: Event) -> Any:
        """Run until `event` has triggered; return its value or raise its
        failure."""
        while not event.triggered:
            if not self.step():
                raise SimulationStalled("nothing left to run, but the operation is not done")
        if not event.ok:
            raise event.value
        return event.value

    def pending(self) -> int:
        return sum(1 for _, _, t in self._queue if not t.cancelled)
