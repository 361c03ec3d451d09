"""The clock's advance hooks."""
from hvshell.sim.clock import Clock


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
