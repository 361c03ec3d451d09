#!/usr/bin/env python3
"""hvshell side by side with a peer: SimGrid's three textbook live-migration
scenarios, run through the shell (scripts/bench/peer.hvps), next to the
results SimGrid 3.32 publishes for them.

For each scenario: duration, downtime, passes (the full copy counted, as
SimGrid counts its rounds), bytes on the wire, hvshell's duration as a
ratio of SimGrid's, and one sentence on why the two models differ.  The
two are not meant to agree: SimGrid models pre-copy in general (send until
the rest fits its downtime budget), hvshell models Hyper-V's (a stop rule
of 100 ms, at most 10 dirty passes, the coldest memory first, fixed set-up
and switch-over costs).  SimGrid publishes no byte counts for these runs.

Usage: scripts/bench/peer.py [--seed N]
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import textwrap

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import validate  # noqa: E402  (the same in-process shell runner as the calibration)

SCRIPT = HERE / "peer.hvps"

# SimGrid 3.32's published results: (scenario, duration s, rounds, downtime ms).
SIMGRID = {
    "idle": ("idle VM, 4 GiB, 1 Gbps", 35.4, 1, None),
    "large": ("56 GiB, 100 MB/s over a 5.6 GiB working set, 20 Gbps", 25.9, 3, 2.4),
    "hot": ("16 GiB, 200 MB/s over all its memory, 10 Gbps", 17.0, 4, 11.3),
}

WHY = {
    "idle": "Both send the memory once; SimGrid's 35.4 s is 4 GiB at about 97 % of the link "
            "with nothing else, hvshell carries 94 % (TCP over 1500-byte frames) and adds "
            "Hyper-V's fixed set-up, switch-over and tear-down (about 2 s, calibrated on the "
            "512 MB row).",
    "large": "SimGrid has no page order: the working set is dirtied during the whole first "
             "copy and re-sent, and rounds go on until the rest fits a threshold below 40 ms "
             "(judging by its published rounds), hence its extra round and a blackout of a few "
             "ms; hvshell's first pass sends the 5.6 GiB working set last (2012's coldest-first "
             "order), so only what is dirtied in those last seconds is left, it stops once the "
             "rest fits in 100 ms, and its blackout is mostly Hyper-V's fixed switch-over.",
    "hot": "With all memory written the coldest-first order gains nothing, so both shrink the "
           "dirty set geometrically (200 MB/s against the link); hvshell stops a round earlier "
           "at its 100 ms rule and pays the larger remainder plus the switch-over as downtime, "
           "and its 94 % efficiency and fixed costs make the whole move longer.",
}


def _cell(value: object, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=validate.DEFAULT_SEED)
    args = parser.parse_args()
    rows, errors = validate.run_objects(SCRIPT, args.seed)
    if errors or {r["id"] for r in rows} != set(SIMGRID):
        print(f"{SCRIPT.name} did not run cleanly:\n{errors or rows}")
        return 1
    print(f"{'model':<14}{'duration s':>11}{'downtime ms':>13}{'passes':>8}{'bytes':>16}"
          f"{'duration / SimGrid':>20}")
    for row in rows:
        title, duration, rounds, downtime = SIMGRID[row["id"]]
        ours = float(row["duration"])
        print(f"\n{title}")
        print(f"{'hvshell':<14}{ours:>11.1f}{float(row['downtime']):>13.1f}"
              f"{int(row['rounds']) + 1:>8}{int(row['bytestransferred']):>16,}"
              f"{ours / duration:>20.2f}")
        print(f"{'SimGrid 3.32':<14}{duration:>11.1f}{_cell(downtime, '{:.1f}'):>13}"
              f"{rounds:>8}{'-':>16}{1.0:>20.2f}")
        print(textwrap.fill(WHY[row["id"]], 100, initial_indent="  Why: ",
                            subsequent_indent="       "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
