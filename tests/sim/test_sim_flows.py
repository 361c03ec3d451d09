"""Max-min fair sharing of resources among transfers, on the clock."""
from __future__ import annotations

import pytest

from hvshell.sim.clock import Clock
from hvshell.sim.flows import FlowNetwork


def network(**caps) -> tuple[Clock, FlowNetwork]:
    clock = Clock()
    net = FlowNetwork(clock)
    net.set_capacities(caps)
    return clock, net


def flat(pieces) -> list[float]:
    return [x for piece in pieces for x in piece]


def test_two_flows_share_a_link_then_the_survivor_speeds_up():
    clock, net = network(link=100.0)
    a = net.start(100.0, {"link": 1.0})
    b = net.start(300.0, {"link": 1.0})
    assert (a.rate, b.rate) == (50.0, 50.0)
    profile_a = clock.run_until_done(a.done)
    assert clock.now == pytest.approx(2.0)
    profile_b = clock.run_until_done(b.done)
    assert clock.now == pytest.approx(4.0)
    assert profile_a.pieces == ((2.0, 50.0),)
    assert flat(profile_b.pieces) == pytest.approx([2.0, 50.0, 2.0, 100.0])


def test_a_capped_flow_leaves_the_rest_to_others():
    clock, net = network(link=100.0)
    capped = net.start(1e3, {"link": 1.0}, cap=20.0)
    free = net.start(1e3, {"link": 1.0})
    assert (capped.rate, free.rate) == (20.0, 80.0)


def test_bottleneck_elsewhere_frees_capacity_on_the_shared_link():
    _, net = network(link=100.0, slow=30.0)
    x = net.start(1e3, {"link": 1.0, "slow": 1.0})
    y = net.start(1e3, {"link": 1.0})
    assert (x.rate, y.rate) == pytest.approx((30.0, 70.0))


def test_costlier_bytes_get_equal_payload_rates():
    # One flow needs 2 units of the link per byte (e.g. a lower efficiency):
    # both get the same payload rate L with 2L + L = 100.
    _, net = network(link=100.0)
    a = net.start(1e3, {"link": 2.0})
    b = net.start(1e3, {"link": 1.0})
    assert a.rate == pytest.approx(100 / 3) and b.rate == pytest.approx(100 / 3)


def test_growth_slows_progress_and_capacity_changes_apply_mid_transfer():
    clock, net = network(disk=60.0)
    flow = net.start(100.0, {"disk": 1.0}, growth=10.0)   # drains at 50/s
    clock.run_until(1.0)
    net.set_capacities({"disk": 35.0})                   # now drains at 25/s
    profile = clock.run_until_done(flow.done)
    assert clock.now == pytest.approx(1.0 + 50.0 / 25.0)
    assert flat(profile.pieces) == pytest.approx([1.0, 50.0, 2.0, 25.0])


def test_zero_capacity_stalls_until_restored():
    clock, net = network(link=10.0)
    flow = net.start(20.0, {"link": 1.0})
    clock.run_until(1.0)
    net.set_capacities({"link": 0.0})
    clock.run_until(6.0)
    assert not flow.done.triggered and flow.rate == 0.0
    net.set_capacities({"link": 10.0})
    profile = clock.run_until_done(flow.done)
    assert clock.now == pytest.approx(7.0)
    assert profile.duration == pytest.approx(7.0) and profile.amount == pytest.approx(20.0)


def test_stopping_a_flow_speeds_up_the_others():
    clock, net = network(link=100.0)
    a = net.start(1e3, {"link": 1.0})
    b = net.start(1e3, {"link": 1.0})
    clock.run_until(1.0)
    net.stop(a)
    assert b.rate == 100.0 and not a.done.triggered
    clock.run_until_done(b.done)
    assert clock.now == pytest.approx(1.0 + 950.0 / 100.0)


def test_standalone_rate_ignores_other_flows():
    _, net = network(link=100.0, cpu=4.0)
    net.start(1e3, {"link": 1.0})
    assert net.standalone_rate({"link": 1.0, "cpu": 0.1}) == pytest.approx(40.0)
    assert net.standalone_rate({"link": 0.5}, cap=150.0) == pytest.approx(150.0)
