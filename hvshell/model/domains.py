"""The composition root: the lab's domains, listed once, in a fixed order.

Every lab runs these domains, whichever modules were imported.  The order
is the order they react to one event (`Lab.record`) and repair a reloaded
lab (`hvshell.model.kernel.persist`): usage accounting settles before the
migrations feel a fault, replica counts a VM's writes up to a change
before cluster failover acts on it.  Power and the network only handle
timed actions.  A new domain declares its `Domain` in its own module
(`hvshell.model.kernel.domain`) and is added here.
"""
from __future__ import annotations

from hvshell.model.cluster import failover
from hvshell.model.compute import power, usage
from hvshell.model.kernel.domain import Domains
from hvshell.model.mobility import service
from hvshell.model.network import config
from hvshell.model.replica import cycles

DOMAINS = Domains((
    power.DOMAIN,
    config.DOMAIN,
    usage.DOMAIN,
    service.DOMAIN,
    cycles.DOMAIN,
    failover.DOMAIN,
))
