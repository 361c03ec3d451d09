"""Every calibration scenario (tests/calibration/*.hvps) runs through the
shell clean and every one of its checks lands in its published range:
the table scripts/bench/validate.py prints is all PASS."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _validate():
    spec = importlib.util.spec_from_file_location("validate", ROOT / "scripts" / "bench" / "validate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VALIDATE = _validate()
SCENARIOS = VALIDATE.scenarios()


def test_every_published_row_has_a_scenario():
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_lands_in_its_published_range(scenario):
    outcome = VALIDATE.run_scenario(scenario)
    assert outcome.errors == ""
    assert outcome.checks, "the scenario output no checks"
    failed = [f"{c.check}: {c.result} outside {c.range} (published {c.published})"
              for c in outcome.checks if not c.passed]
    assert not failed, "\n".join(failed)


def test_a_result_outside_its_range_fails(tmp_path):
    # The checker itself: a result off the range, or missing, is a FAIL.
    script = tmp_path / "off.hvps"
    script.write_text("[pscustomobject]@{ Row = 'r'; Check = 'c'; Published = '1'; Low = 1; "
                      "High = 2; Result = 3 }\n"
                      "[pscustomobject]@{ Row = 'r'; Check = 'd'; Published = '1'; Low = 1; "
                      "High = 2; Result = $null }\n", encoding="utf-8")
    outcome = VALIDATE.run_scenario(script)
    assert [c.passed for c in outcome.checks] == [False, False] and not outcome.passed


def test_the_peer_comparison_runs_simgrids_scenarios_through_the_shell():
    rows, errors = VALIDATE.run_objects(ROOT / "scripts" / "bench" / "peer.hvps")
    assert errors == ""
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"idle", "large", "hot"}
    # The idle VM is copied once: no dirty pass, its memory on the wire once.
    assert by_id["idle"]["rounds"] == 0 and by_id["idle"]["bytestransferred"] >= 4 * 2**30
    # The VM dirtying all its memory needs more passes than the one with a small working set.
    assert by_id["hot"]["rounds"] > by_id["large"]["rounds"]


def test_the_calibration_table_in_docs_is_the_one_the_shell_prints():
    outcomes = [VALIDATE.run_scenario(path) for path in SCENARIOS]
    table = VALIDATE.table(outcomes, markdown=True)
    page = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert table in page, ("docs/model.md's calibration table is out of date: paste the output "
                           "of scripts/bench/validate.py --markdown into its Calibration section")
