#!/usr/bin/env python3
"""Calibration through the shell: the published migration figures against
what hvshell predicts for them, on the path a user runs.

Every row of the calibration table (docs/model.md) is a scenario in
tests/calibration/*.hvps.  A scenario builds its lab with the lab and
Hyper-V cmdlets (New-LabHost, Add-LabNic, New-NetLbfoTeam, Set-VMHost,
Set-LabWorkload -Profile ...), moves VMs with Move-VM or
Move-ClusterVirtualMachineRole, reads Get-LabMigration, and outputs one
object per check: Row, Check, Published (the published figure), Low and
High (the range accepted), Result.  This runs each scenario with hvshell's
interpreter on an empty lab, with the seed `hvshell` uses by default (so a
scenario run by hand prints the same results), and prints every check with
its range, result and PASS or FAIL.  Exit status 1 when a check fails or a
scenario reports an error.

Usage: scripts/bench/validate.py [--seed N] [--markdown] [SCENARIO.hvps ...]
"""
from __future__ import annotations

import argparse
import io
import pathlib
import sys
from typing import Any

import attrs

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hvshell.cli import DEFAULT_SEED  # noqa: E402

SCENARIOS = ROOT / "tests" / "calibration"


@attrs.frozen
class Check:
    row: str
    check: str
    published: str
    low: float
    high: float
    result: float | None

    @property
    def passed(self) -> bool:
        return self.result is not None and self.low <= self.result <= self.high

    @property
    def range(self) -> str:
        return f"{_number(self.low)}-{_number(self.high)}"


@attrs.frozen
class Outcome:
    scenario: pathlib.Path
    checks: tuple[Check, ...]
    errors: str            # what the scenario wrote to the error stream

    @property
    def passed(self) -> bool:
        return bool(self.checks) and not self.errors and all(c.passed for c in self.checks)


def scenarios() -> list[pathlib.Path]:
    return sorted(SCENARIOS.glob("*.hvps"))


def _number(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4g}" if abs(value) < 10 else f"{value:.1f}"
    return str(int(value))


def _as_float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def run_objects(path: pathlib.Path, seed: int = DEFAULT_SEED) -> tuple[list[dict[str, Any]], str]:
    """Run the .hvps script at `path` through hvshell's interpreter on an
    empty lab: its output objects (each as a dict of lower-case property
    names) and what it wrote to the error stream."""
    from hvshell.model.lab import Lab
    from hvshell.runtime.session import Session
    from hvshell.shell import new_interpreter

    out, err = io.StringIO(), io.StringIO()
    session = Session(Lab(seed=seed), seed=seed, root=str(path.parent))
    shell = new_interpreter(session, stdout=out, stderr=err)
    quoted = str(path).replace("'", "''")
    shell.execute(f"$__output = @(& '{quoted}')")
    objects = [{name.lower(): value for name, value in item.items()}
               for item in shell.get_variable("__output") or []]
    return objects, err.getvalue()


def run_scenario(path: pathlib.Path, seed: int = DEFAULT_SEED) -> Outcome:
    """Run one scenario; its output objects are the checks."""
    objects, errors = run_objects(path, seed)
    checks = [Check(str(o.get("row", path.stem)), str(o.get("check", "")),
                    str(o.get("published", "")), _as_float(o.get("low")),
                    _as_float(o.get("high")), _as_float(o.get("result")))
              for o in objects]
    return Outcome(path, tuple(checks), errors)


def table(outcomes: list[Outcome], markdown: bool) -> str:
    header = ("scenario", "check", "published", "accepted", "hvshell", "verdict")
    rows = [(c.row, c.check, c.published, c.range, _number(c.result),
             "PASS" if c.passed else "FAIL")
            for o in outcomes for c in o.checks]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
                     for r in [header] + rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    parser.add_argument("scenario", nargs="*", type=pathlib.Path,
                        help="scenarios to run (default: every tests/calibration/*.hvps)")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.scenario] or scenarios()
    outcomes = [run_scenario(path, args.seed) for path in paths]
    print(table(outcomes, args.markdown))
    checks = [c for o in outcomes for c in o.checks]
    passed = sum(c.passed for c in checks)
    print(f"\n{passed} of {len(checks)} checks pass ({len(outcomes)} scenarios through the shell, "
          f"seed {args.seed})")
    for outcome in outcomes:
        if outcome.errors or not outcome.checks:
            print(f"\n{outcome.scenario.name} did not run cleanly:\n"
                  f"{outcome.errors or 'it output no checks'}")
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
