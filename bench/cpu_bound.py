"""CPU-bound tasks on each executor: wall time and speedup over threads, and per-task overhead.

Eight independent pure-Python tasks of about 0.5 s each (calibrated on this
machine) run with 2 workers on "threads", "processes" and "dask" (a
LocalCluster of 2 single-threaded worker processes started for the run).
Threads share the GIL, so they take about the sum of the tasks; processes and
Dask can use both cores. The run's wall time (`ProcessResult.wall_seconds`)
and the executor's start-up (worker processes, the cluster) are printed
apart, then the total.

Then N no-op tasks per executor, sharing one log file: microseconds per task
of the run itself (start-up apart).

    .venv/bin/python bench/cpu_bound.py [--tasks 8] [--seconds 0.5] [--workers 2]
        [--noops 2000] [--dask-noops 300] [--repeat 3] [--skip dask]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu_tasks import noop, spin
from taskflow_core import Process, Task

EXECUTORS = ("threads", "processes", "dask")


def calibrate(seconds: float) -> int:
    """Rounds of `spin` that take about `seconds` on one core."""
    rounds = 100_000
    while True:
        t = time.perf_counter()
        spin(rounds)
        took = time.perf_counter() - t
        if took > 0.1:
            return int(rounds * seconds / took)
        rounds *= 4


def run(executor: str, tasks: list[Task], workers: int) -> tuple[float, float, float]:
    """(run wall seconds, start-up seconds, total seconds) of one run."""
    t = time.perf_counter()
    with Process(tasks) as process:
        result = process.run(parallel=True, max_workers=workers, executor=executor)
    total = time.perf_counter() - t
    assert not result.failed_tasks, result.failed_tasks
    return result.wall_seconds, getattr(result, "startup_seconds", 0.0), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--dask-noops", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated executors to leave out")
    options = parser.parse_args()
    logging.getLogger("distributed").setLevel(logging.WARNING)
    chosen = [e for e in EXECUTORS if e not in options.skip.split(",")]
    rounds = calibrate(options.seconds)
    folder = Path(tempfile.mkdtemp(prefix="taskflow-cpu-"))
    print(
        f"{options.tasks} CPU-bound tasks of ~{options.seconds:g} s, {options.workers} workers, "
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(
        f"{'executor':<10} {'run':>8} {'start-up':>9} {'total':>8} {'speedup (run)':>14}"
        f"   (median of {options.repeat}, interleaved)"
    )
    times: dict[str, list[tuple[float, float, float]]] = {e: [] for e in chosen}
    for attempt in range(options.repeat):
        for executor in chosen:
            tasks = [
                Task(f"spin{i}", str(folder / f"{executor}{attempt}" / f"spin{i}.log"), spin,
                     args=(rounds,))
                for i in range(options.tasks)
            ]
            times[executor].append(run(executor, tasks, options.workers))
    base = None
    for executor in chosen:
        wall, startup, total = (statistics.median(t[k] for t in times[executor]) for k in range(3))
        base = base or wall
        walls = ", ".join(f"{t[0]:.2f}" for t in times[executor])
        print(
            f"{executor:<10} {wall:>7.2f}s {startup:>8.2f}s {total:>7.2f}s "
            f"{base / wall:>13.2f}x   runs: {walls} s"
        )
    print()
    print(f"no-op tasks: microseconds per task of the run ({options.workers} workers)")
    for executor in chosen:
        n = options.dask_noops if executor == "dask" else options.noops
        # One shared log file: per-task files would measure the file system (creating a
        # file costs 40-100 us here), not the executor.
        log = str(folder / f"noop-{executor}.log")
        tasks = [Task(f"n{i}", log, noop) for i in range(n)]
        os.sync()
        wall, startup, _ = run(executor, tasks, options.workers)
        print(f"{executor:<10} {wall / n * 1e6:>9.0f} us/task  (N={n}, start-up {startup:.2f} s)")


if __name__ == "__main__":
    main()
