"""The long hostile-input campaign (run it before a release):

    scripts/fuzz --count 100000 [--seed 1] [--workers 2] [--out fuzz-crashes]

Inputs come from tests/campaign/generate.py (token soup, mutated golden and
demo-lab scripts, cmdlet calls with hostile values, damaged lab files) and
are judged by tests/campaign/harness.py, in worker processes.  An input
still running after --limit seconds of CPU is stopped as Ctrl+C stops a
command: if hvshell stops it cleanly it is a runaway script (an endless
loop of its own, counted and saved for review, no failure); if it does not
answer within a minute it is a hang.  Each new crash signature is minimised
(lines, then characters, while the same signature still comes) and saved
in --out as NNN.hvps (or .json for a lab file) with NNN.txt telling what
happened.  The closing lines give the figures; the exit status is 1 when
anything crashed or hung.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing
import multiprocessing.connection
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WALL_LIMIT = 60.0        # seconds: a worker silent this long is killed


def _worker(connection: Any) -> None:
    from tests.campaign import harness
    from tests.campaign.generate import Input
    root = tempfile.mkdtemp(prefix="hvshell-fuzz-")
    os.chdir(root)
    while True:
        message = connection.recv()
        if message is None:
            return
        item, budget = Input(*message[0]), message[1]
        started = time.process_time()
        crash, detail = harness.run(item, root, budget)
        connection.send((crash, detail, time.process_time() - started))


class Worker:
    def __init__(self, context: Any):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, Any, float] | None = None     # (index, input, sent at)

    def send(self, index: int, item: Any, budget: float) -> None:
        self.connection.send((tuple(item), budget))
        self.task = (index, item, time.monotonic())

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        self.kill()


class Pool:
    """Workers kept busy; one that hangs or dies is replaced."""

    def __init__(self, size: int, limit: float):
        self.context = multiprocessing.get_context("fork")
        self.workers = [Worker(self.context) for _ in range(size)]
        self.limit = limit

    def _judge(self, worker: Worker) -> tuple[int, Any, str | None, str, float]:
        index, item, _ = worker.task
        worker.task = None
        try:
            crash, detail, cpu = worker.connection.recv()
        except EOFError:
            return index, item, "worker died", "the worker process ended", 0.0
        if crash is None and cpu > self.limit * 1.5:
            return index, item, "hang", f"{cpu:.1f} s of CPU", cpu
        return index, item, crash, detail, cpu

    def results(self, tasks: Any) -> Any:
        """Run (index, input) pairs; yields (index, input, signature, detail, CPU s)."""
        tasks = iter(tasks)
        pending = True
        while True:
            for worker in self.workers:
                if worker.task is None and pending:
                    task = next(tasks, None)
                    if task is None:
                        pending = False
                    else:
                        worker.send(*task, self.limit)
            busy = [w for w in self.workers if w.task is not None]
            if not busy:
                return
            ready = multiprocessing.connection.wait([w.connection for w in busy], timeout=1.0)
            for slot, worker in enumerate(self.workers):
                if worker.task is None:
                    continue
                if worker.connection in ready:
                    yield self._judge(worker)
                elif time.monotonic() - worker.task[2] > WALL_LIMIT:
                    index, item, _ = worker.task
                    worker.kill()
                    self.workers[slot] = Worker(self.context)
                    yield index, item, "hang", f"no answer after {WALL_LIMIT:.0f} s", WALL_LIMIT
                if not self.workers[slot].process.is_alive():
                    self.workers[slot] = Worker(self.context)

    def run(self, item: Any) -> str | None:
        """One input on its own: its signature (for minimising)."""
        return next(iter(self.results([(0, item)])))[2]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


def minimise(pool: Pool, item: Any, wanted: str, budget: int = 150) -> Any:
    """A smaller input that still crashes with `wanted` (ddmin on lines,
    then on characters)."""
    tries = [0]

    def still(text: str) -> bool:
        if tries[0] >= budget:
            return False
        tries[0] += 1
        return pool.run(item._replace(text=text)) == wanted

    def reduce(units: list[str], joiner: str) -> list[str]:
        chunk = max(1, len(units) // 2)
        while chunk >= 1 and tries[0] < budget:
            start, shrunk = 0, False
            while start < len(units):
                candidate = units[:start] + units[start + chunk:]
                if candidate and still(joiner.join(candidate)):
                    units, shrunk = candidate, True
                else:
                    start += chunk
            if not shrunk:
                chunk //= 2
        return units

    if item.kind == "lab":
        return item                 # a lab document is kept whole: its parts depend on each other
    text = "\n".join(reduce(item.text.split("\n"), "\n"))
    text = "".join(reduce(list(text), ""))
    return item._replace(text=text)


def save(out: Path, number: int, item: Any, signature: str, detail: str, index: int,
         seed: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    suffix = ".json" if item.kind == "lab" else ".hvps"
    path = out / f"{number:03d}{suffix}"
    path.write_text(item.text, encoding="utf-8", errors="surrogatepass")
    (out / f"{number:03d}.txt").write_text(
        f"signature: {signature}\nkind: {item.kind}\nlab: {'demo' if item.demo else 'empty'}\n"
        f"found as input {index} of seed {seed}\n\n{detail}\n", encoding="utf-8",
        errors="replace")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="inputs to run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=float, default=5.0,
                        help="CPU seconds after which an input counts as a hang")
    parser.add_argument("--out", default="fuzz-crashes", help="where new crashes are saved")
    options = parser.parse_args(argv)

    from tests.campaign import generate
    pool = Pool(options.workers, options.limit)
    kinds: collections.Counter[str] = collections.Counter()
    crashes: collections.Counter[str] = collections.Counter()
    saved: dict[str, Path] = {}
    found: list[tuple[int, Any, str, str]] = []
    slowest = 0.0
    started = time.monotonic()

    def inputs() -> Any:
        for index in range(options.count):
            item = generate.any_input(random.Random(options.seed * 1_000_003 + index))
            kinds[item.kind] += 1
            yield index, item
    try:
        for done, (index, item, signature, detail, cpu) in enumerate(pool.results(inputs()), 1):
            slowest = max(slowest, cpu)
            if signature is not None:
                crashes[signature] += 1
                if crashes[signature] == 1:
                    found.append((index, item, signature, detail))
                    print(f"new: {signature} (input {index})", flush=True)
            if done % 5000 == 0:
                print(f"{done} inputs, {sum(crashes.values())} failing, "
                      f"{time.monotonic() - started:.0f} s", flush=True)
        for index, item, signature, detail in found:
            small = item if signature in ("hang", "runaway") else minimise(pool, item, signature)
            saved[signature] = save(Path(options.out), len(saved) + 1, small, signature, detail,
                                    index, options.seed)
    finally:
        pool.stop()
    elapsed = time.monotonic() - started
    hangs = crashes.pop("hang", 0)
    runaways = crashes.pop("runaway", 0)
    tracebacks = sum(n for s, n in crashes.items() if s.startswith("output: ") and "Traceback" in s)
    internal = sum(crashes.values()) - tracebacks
    print(f"{options.count} inputs ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}) "
          f"in {elapsed:.0f} s ({options.count / elapsed:.0f}/s, {options.workers} workers, "
          f"seed {options.seed})")
    print(f"internal errors: {internal} ({len(crashes)} signatures); tracebacks: {tracebacks}; "
          f"hangs over {options.limit:g} s: {hangs}; slowest input: {slowest:.2f} s of CPU; "
          f"runaway scripts stopped as by Ctrl+C: {runaways} ({saved.get('runaway')})")
    for signature, count in crashes.most_common():
        print(f"  {count:6d}  {signature}  ({saved.get(signature)})")
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
