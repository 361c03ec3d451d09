"""The clock's advance hooks and its limit."""
import pytest

from hvshell.sim.clock import Clock, TimeLimitReached


def test_advance_hook_runs_once_before_time_moves():
    clock = Clock()
    seen = []
    hook = clock.advance_hook("probe", lambda: (lambda: seen.append(clock.now)))
    assert clock.advance_hook("probe", lambda: None) is hook     # one per key
    clock.schedule(0, lambda: None)
    clock.schedule(0, lambda: None)
    clock.schedule(5, lambda: None)
    clock.run_until(8)
    assert seen == [0.0, 5.0]          # before moving to 5, and before moving to 8


def test_a_limit_stops_the_clock_after_what_is_due_until_then():
    clock = Clock()
    ran = []
    for at in (10.0, 20.0, 40.0):
        clock.schedule(at, lambda at=at: ran.append(at))
    clock.limit = 30.0
    with pytest.raises(TimeLimitReached) as stopped:
        clock.advance(100)
    assert (ran, clock.now, stopped.value.limit) == ([10.0, 20.0], 20.0, 30.0)
    with pytest.raises(TimeLimitReached):
        clock.step()                      # the timer at 40 s stays queued
    assert clock.pending() == 1
    clock.run_until(30.0)                 # up to the limit is allowed
    assert clock.now == 30.0
    clock.limit = None
    clock.advance(10)
    assert ran == [10.0, 20.0, 40.0]
