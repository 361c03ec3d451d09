"""The hostile-input campaign, short form (the long form is scripts/fuzz):
token soup, mutated golden and demo-lab scripts, cmdlet calls with hostile
values and damaged lab files must all end in output or PowerShell error
records: never an exception out of the interpreter (the CLI's last-chance
'hvshell: internal error'), an InternalError record or a traceback
(tests/campaign/harness.py)."""
from __future__ import annotations

import random
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.campaign import generate, harness
from tests.campaign.vocabulary import FRAGMENTS, HOSTILE_VALUES, cmdlets, samples

# Random text can redirect to a file (`x > y`): keep such files out of the tree.
SCRATCH = tempfile.mkdtemp(prefix="hvshell-campaign-")
campaign = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(kind: str, text: str, demo: bool = False) -> None:
    crash, detail = harness.run(generate.Input(kind, text, demo), SCRATCH)
    assert crash is None, f"{crash}\n--- input ---\n{text}\n--- detail ---\n{detail}"


token_soup = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(HOSTILE_VALUES)),
                      min_size=1, max_size=14).map(" ".join)


@st.composite
def mutated_script(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(samples()))
    start = draw(st.integers(0, max(0, len(text) - 1200)))
    text = text[start:start + 1200]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 16)))
        piece = draw(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(HOSTILE_VALUES),
                               st.just("")))
        text = text[:i] + piece + text[j if draw(st.booleans()) else i:]
    return text


@st.composite
def cmdlet_call(draw: st.DrawFn) -> str:
    name, params = draw(st.sampled_from(cmdlets()))
    chosen = draw(st.lists(st.sampled_from(params), max_size=3, unique=True)) if params else []
    parts = [name]
    for pname, is_switch, validate_set in chosen:
        if is_switch:
            parts.append(f"-{pname}")
        elif validate_set and draw(st.booleans()):
            parts.append(f"-{pname} {draw(st.sampled_from(validate_set))}")
        else:
            parts.append(f"-{pname} {draw(st.sampled_from(HOSTILE_VALUES))}")
    return " ".join(parts)


@campaign
@given(token_soup)
def test_token_soup(text):
    check("soup", text)


@campaign
@given(st.text(max_size=60))
def test_any_text(text):
    check("soup", text)


@campaign
@given(mutated_script(), st.booleans())
def test_mutated_golden_and_demo_scripts(text, demo):
    check("mutation", text, demo)


@campaign
@given(st.lists(cmdlet_call(), min_size=1, max_size=2).map("\n".join))
def test_cmdlet_calls_with_hostile_values(text):
    check("cmdlet", text, demo=True)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_damaged_lab_files(rng):
    check("lab", generate.lab_file(rng).text)


def test_the_generators_of_the_long_run_pass_a_short_run():
    rng = random.Random(15)
    for _ in range(60):
        item = generate.any_input(rng)
        crash, detail = harness.run(item, SCRATCH)
        assert crash is None, f"{crash}\n{item.text}\n{detail}"
