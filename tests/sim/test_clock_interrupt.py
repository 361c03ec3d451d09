"""Interrupting a clock process, also before it has run."""
from __future__ import annotations

from hvshell.sim.clock import Clock


class Stop(Exception):
    pass


def _body(log: list[str]):
    try:
        log.append("started")
        yield 10.0
        log.append("finished")
    except Stop:
        log.append("cleaned up")
        raise


def test_interrupt_before_the_first_step_reaches_the_handlers():
    clock = Clock()
    log: list[str] = []
    process = clock.process(_body(log))
    process.interrupt(Stop())
    assert log == ["started", "cleaned up"]
    assert process.triggered and not process.ok and isinstance(process.value, Stop)
    clock.advance(20.0)                 # neither the start nor the wait fires again
    assert log == ["started", "cleaned up"]


def test_interrupt_at_a_wait():
    clock = Clock()
    log: list[str] = []
    process = clock.process(_body(log))
    clock.advance(5.0)
    process.interrupt(Stop())
    clock.advance(20.0)
    assert log == ["started", "cleaned up"] and not process.ok


def test_a_process_that_ends_at_its_start_is_not_thrown_into():
    clock = Clock()

    def quick():
        return "done"
        yield

    process = clock.process(quick())
    process.interrupt(Stop())
    assert process.ok and process.value == "done"
