"""Hostile inputs from a random.Random, for the long runs of scripts/fuzz
(the hypothesis strategies in strategies.py draw the same shapes).

Each generator returns an `Input`: a script to run (on an empty lab or on
the demo lab) or the bytes of a lab file to load."""
from __future__ import annotations

import copy
import json
import random
from functools import lru_cache
from typing import Any, NamedTuple

from tests.campaign.vocabulary import FRAGMENTS, HOSTILE_VALUES, cmdlets, samples


class Input(NamedTuple):
    kind: str          # "soup", "mutation", "cmdlet", "lab"
    text: str          # the script (for "lab": the lab file's text)
    demo: bool         # run on the demo lab (else an empty one)


def soup(rng: random.Random) -> Input:
    """A run of fragments and hostile values, joined by blanks or nothing."""
    pieces = [rng.choice(FRAGMENTS) if rng.random() < 0.75 else rng.choice(HOSTILE_VALUES)
              for _ in range(rng.randint(1, 14))]
    glue = rng.choice([" ", "", " ", "\n"])
    return Input("soup", glue.join(pieces), False)


def mutate(rng: random.Random, text: str, edits: int) -> str:
    """`text` with a few deletions, duplications and insertions."""
    for _ in range(edits):
        i = rng.randint(0, len(text))
        j = rng.randint(i, min(len(text), i + 16))
        action = rng.choice(("delete", "duplicate", "insert", "replace", "value"))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        else:
            piece = rng.choice(HOSTILE_VALUES if action == "value" else FRAGMENTS)
            text = text[:i] + piece + (text[i:] if action == "insert" else text[j:])
    return text


def mutation(rng: random.Random) -> Input:
    """A golden script or the demo lab's, mutated, cut to a manageable length."""
    text = rng.choice(samples())
    if len(text) > 1500:
        start = rng.randint(0, len(text) - 1500)
        text = text[text.find("\n", start) + 1:][:1500]
    return Input("mutation", mutate(rng, text, rng.randint(1, 5)), rng.random() < 0.5)


def cmdlet_call(rng: random.Random) -> Input:
    """One to three cmdlet calls with hostile values, maybe fed by a pipeline."""
    lines = []
    table = cmdlets()
    for _ in range(rng.randint(1, 3)):
        name, params = rng.choice(table)
        parts = [name]
        for pname, is_switch, validate_set in rng.sample(params, min(len(params), rng.randint(0, 3))):
            if is_switch:
                parts.append(f"-{pname}" + rng.choice(["", ":$false", ":$null"]))
            elif validate_set and rng.random() < 0.4:
                parts.append(f"-{pname} {rng.choice(validate_set)}")
            else:
                parts.append(f"-{pname} {rng.choice(HOSTILE_VALUES)}")
        if rng.random() < 0.2:
            parts.append(rng.choice(HOSTILE_VALUES))             # a positional value
        if rng.random() < 0.3:
            parts = [rng.choice(["Get-VM", "Get-LabHost", "Get-VMHardDiskDrive SQL01",
                                 rng.choice(HOSTILE_VALUES)]), "|"] + parts
        lines.append(" ".join(parts))
    return Input("cmdlet", "\n".join(lines), True)


@lru_cache(maxsize=1)
def demo_document() -> dict[str, Any]:
    from hvshell.demo import demo_lab
    from hvshell.model.kernel.persist import lab_to_document
    return json.loads(json.dumps(lab_to_document(demo_lab(2012))))


_ODD_JSON = [None, True, -1, 0, 2**63, -(2**63) - 1, 1e308, "", "x" * 1000, "\x1b[2J", [], {},
             [1, 2], {"a": 1}, "Running", "Exploded", 3.5, "00000000-0000-0000-0000-000000000000"]


def _mutate_document(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """Replace, drop or duplicate one member somewhere in a JSON value."""
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        if rng.random() < 0.3 or depth > 6:
            action = rng.random()
            if action < 0.5:
                value[key] = copy.deepcopy(rng.choice(_ODD_JSON))
            elif action < 0.8:
                del value[key]
            else:
                value[key] = copy.deepcopy(value[rng.choice(list(value))])
        else:
            value[key] = _mutate_document(rng, value[key], depth + 1)
    elif isinstance(value, list) and value:
        index = rng.randrange(len(value))
        if rng.random() < 0.3 or depth > 6:
            action = rng.random()
            if action < 0.4:
                value.append(copy.deepcopy(value[index]))        # a duplicate (a VM twice)
            elif action < 0.7:
                del value[index]
            else:
                value[index] = copy.deepcopy(rng.choice(_ODD_JSON))
        else:
            value[index] = _mutate_document(rng, value[index], depth + 1)
    else:
        return copy.deepcopy(rng.choice(_ODD_JSON))
    return value


def lab_file(rng: random.Random) -> Input:
    """The demo lab's saved document with one to three members changed, or
    its text damaged (cut, a byte flipped)."""
    document = copy.deepcopy(demo_document())
    for _ in range(rng.randint(1, 3)):
        _mutate_document(rng, document)
    text = json.dumps(document)
    if rng.random() < 0.15:
        i = rng.randrange(len(text))
        text = text[:i] + rng.choice(["", "\ufeff", "{", "]", "NaN", "\0", "9" * 5000]) + \
            text[i + rng.randint(0, 3):]
    return Input("lab", text, False)


GENERATORS = {"soup": soup, "mutation": mutation, "cmdlet": cmdlet_call, "lab": lab_file}
WEIGHTS = {"soup": 3, "mutation": 3, "cmdlet": 3, "lab": 1}


def any_input(rng: random.Random) -> Input:
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    return GENERATORS[kind](rng)
