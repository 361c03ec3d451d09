"""What a domain of the lab does on its own, declared as data.

A domain (usage accounting, power, the migration service, replica,
cluster failover ...) reacts to lab events, handles timed actions it
scheduled (`hvshell.model.kernel.schedule`), and repairs what a reload cut
off.  Each domain module declares one `Domain` listing these; the lab's
composition root (`hvshell.model.domains`) lists the domains once, in the
order they react.  Nothing registers itself on import, so what a lab does
never depends on which modules happen to have been imported.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from hvshell.model.kernel.events import EventKind

if TYPE_CHECKING:
    from hvshell.model.kernel.events import LabEvent
    from hvshell.model.lab import Lab

Reaction = Callable[["Lab", "LabEvent"], None]
ActionHandler = Callable[["Lab", str], None]
Repair = Callable[["Lab"], None]


@attrs.frozen
class Domain:
    """One domain's declarations.  `on_event` sees every event; `reactions`
    only the kinds they are keyed by (after `on_event`, when a domain has
    both).  `actions` handle the timed actions of these names; `after_load`
    repairs the lab after a reload."""
    name: str
    reactions: Mapping[EventKind, Reaction] = attrs.field(factory=dict)
    on_event: Reaction | None = None
    actions: Mapping[str, ActionHandler] = attrs.field(factory=dict)
    after_load: Repair | None = None


class Domains:
    """The lab's domains in their fixed order, and the look-ups made from
    them: which handlers react to an event kind, which handles an action."""

    def __init__(self, domains: Iterable[Domain]):
        self.domains = tuple(domains)
        self.actions: dict[str, ActionHandler] = {}
        for domain in self.domains:
            for name, handler in domain.actions.items():
                if name in self.actions:
                    raise ValueError(f"two domains handle the timed action '{name}'")
                self.actions[name] = handler
            for kind in domain.reactions:
                if not isinstance(kind, EventKind):
                    raise ValueError(f"the {domain.name} domain reacts to '{kind}', which is "
                                     "not an EventKind")
        self._reactions = {kind: self._gather(kind) for kind in EventKind}

    def _gather(self, kind: EventKind) -> tuple[Reaction, ...]:
        handlers = []
        for domain in self.domains:
            if domain.on_event is not None:
                handlers.append(domain.on_event)
            reaction = domain.reactions.get(kind)
            if reaction is not None:
                handlers.append(reaction)
        return tuple(handlers)

    def reactions_to(self, kind: EventKind) -> tuple[Reaction, ...]:
        """The handlers an event of `kind` reaches, in domain order."""
        return self._reactions[kind]

    def after_load(self, lab: Lab) -> None:
        """Each domain's repair after a reload, in domain order."""
        for domain in self.domains:
            if domain.after_load is not None:
                domain.after_load(lab)
