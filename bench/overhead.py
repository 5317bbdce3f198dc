"""Engine overhead: microseconds per no-op task, side by side with other engines.

Each engine runs the same N no-op tasks in three shapes (independent, a chain,
a random DAG where each task depends on up to 3 earlier ones) with 4 workers:

- taskflow_core with its default logging: every task has its own log file, as
  a `processes` script would set it up (a second column shares one file);
- the floor: stdlib `graphlib.TopologicalSorter` driving a `ThreadPoolExecutor`,
  no logging at all;
- `processes` 1.0.5 (per-task log files too), when installed;
- `dask.threaded.get`, when installed.

Timed: building the engine's graph and running it (for taskflow_core and
`processes`: `with Process(tasks) as p: p.run(...)`). Building the task objects
is reported apart. Each figure is the median of the repeats; every timed run
starts after `os.sync()` so earlier runs' file writes do not land in it.

A makespan check follows: DAGs of sleeping tasks against the bound no
schedule can beat, max(critical path, total work / workers).

    .venv/bin/python bench/overhead.py [--n 10000] [--big] [--repeat 3]
        [--shapes independent,chain,random] [--skip processes,dask] [--log-dir DIR]

`--big` adds runs at 4N for the linearity check (4N must take at most 4.5x N).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from graphlib import TopologicalSorter
from pathlib import Path

from taskflow_core import Process, Task, TaskDependency

Parents = list[list[int]]
SHAPES = ("independent", "chain", "random")


def noop(*_: object) -> None:
    return None


def make_shape(shape: str, n: int, seed: int = 7) -> Parents:
    """Upstream indices of each task; every edge points to an earlier task."""
    if shape == "independent":
        return [[] for _ in range(n)]
    if shape == "chain":
        return [[i - 1] if i else [] for i in range(n)]
    if shape == "random":
        rng = random.Random(seed)
        return [sorted(rng.sample(range(i), rng.randint(0, min(3, i)))) for i in range(n)]
    raise ValueError(f"unknown shape {shape!r}")


# --------------------------------------------------------------------- engines
# Each returns (seconds to build the task objects, seconds to build and run).


def run_taskflow(parents: Parents, workers: int, folder: Path, shared: bool) -> tuple[float, float]:
    t0 = time.perf_counter()
    tasks = [
        Task(
            f"tf{i}",
            str(folder / ("all.log" if shared else f"tf{i}.log")),
            noop,
            dependencies=[TaskDependency(f"tf{j}") for j in ups],
        )
        for i, ups in enumerate(parents)
    ]
    t1 = time.perf_counter()
    with Process(tasks) as process:
        result = process.run(parallel=True, max_workers=workers)
    t2 = time.perf_counter()
    assert len(result.passed_tasks_results) == len(parents), result
    return t1 - t0, t2 - t1


def run_floor(parents: Parents, workers: int, folder: Path) -> tuple[float, float]:
    t0 = time.perf_counter()
    graph = {i: ups for i, ups in enumerate(parents)}
    t1 = time.perf_counter()
    sorter = TopologicalSorter(graph)
    sorter.prepare()
    done_count = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = {}
        while sorter.is_active():
            for node in sorter.get_ready():
                pending[pool.submit(noop)] = node
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                sorter.done(pending.pop(future))
                done_count += 1
    t2 = time.perf_counter()
    assert done_count == len(parents)
    return t1 - t0, t2 - t1


def run_processes(parents: Parents, workers: int, folder: Path) -> tuple[float, float]:
    import processes

    t0 = time.perf_counter()
    tasks = [
        processes.Task(
            f"pr{i}",
            str(folder / f"pr{i}.log"),
            noop,
            dependencies=[processes.TaskDependency(f"pr{j}") for j in ups],
        )
        for i, ups in enumerate(parents)
    ]
    t1 = time.perf_counter()
    with processes.Process(tasks) as process:
        result = process.run(parallel=True, max_workers=workers)
    t2 = time.perf_counter()
    assert len(result.passed_tasks_results) == len(parents)
    return t1 - t0, t2 - t1


def run_dask(parents: Parents, workers: int, folder: Path) -> tuple[float, float]:
    import dask.threaded

    t0 = time.perf_counter()
    graph = {f"d{i}": (noop, *[f"d{j}" for j in ups]) for i, ups in enumerate(parents)}
    keys = list(graph)
    t1 = time.perf_counter()
    dask.threaded.get(graph, keys, num_workers=workers)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


ENGINES: dict[str, Callable[[Parents, int, Path], tuple[float, float]]] = {
    "taskflow_core": lambda p, w, f: run_taskflow(p, w, f, shared=False),
    "taskflow_core (shared log)": lambda p, w, f: run_taskflow(p, w, f, shared=True),
    "floor": run_floor,
    "processes 1.0.5": run_processes,
    "dask.threaded": run_dask,
}
SKIP_KEYS = {
    "taskflow_core (shared log)": "shared",
    "processes 1.0.5": "processes",
    "dask.threaded": "dask",
}


def available(name: str) -> bool:
    module = {"processes 1.0.5": "processes", "dask.threaded": "dask"}.get(name)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def measure(
    engine: str, parents: Parents, workers: int, root: Path, repeat: int
) -> tuple[float, float]:
    """Median (build, run) seconds over `repeat` runs, each in a fresh log folder."""
    builds, runs = [], []
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="run-", dir=root))
        gc.collect()
        if hasattr(os, "sync"):
            os.sync()
        build, run = ENGINES[engine](parents, workers, folder)
        builds.append(build)
        runs.append(run)
    return statistics.median(builds), statistics.median(runs)


def file_floor(n: int, root: Path) -> float:
    """Seconds per file to create, write one log line pair to, and close n new files
    in one folder, from one thread: what the file system itself charges."""
    folder = Path(tempfile.mkdtemp(prefix="files-", dir=root))
    line = b"2024-01-01 00:00:00,000 - task - INFO - Starting task.\n" * 2
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
    if hasattr(os, "sync"):
        os.sync()
    start = time.perf_counter()
    for i in range(n):
        fd = os.open(folder / f"f{i}.log", flags, 0o666)
        os.write(fd, line)
        os.close(fd)
    return (time.perf_counter() - start) / n


# -------------------------------------------------------------------- makespan


def sleep_for(seconds: float) -> None:
    time.sleep(seconds)


def makespan_cases(seed: int = 11) -> dict[str, tuple[Parents, list[float]]]:
    rng = random.Random(seed)
    random_parents = make_shape("random", 120, seed)
    return {
        "40 independent x 50 ms": ([[] for _ in range(40)], [0.05] * 40),
        "chain of 20 x 20 ms": (make_shape("chain", 20), [0.02] * 20),
        "random DAG, 120 tasks, 10-40 ms": (
            random_parents,
            [rng.uniform(0.01, 0.04) for _ in range(120)],
        ),
        "8 layers x 16, 2 parents each, 20 ms": (
            [[] for _ in range(16)]
            + [
                sorted(rng.sample(range((layer - 1) * 16, layer * 16), 2))
                for layer in range(1, 8)
                for _ in range(16)
            ],
            [0.02] * 128,
        ),
    }


def best_possible(parents: Parents, durations: list[float], workers: int) -> float:
    finish: list[float] = []
    for ups, d in zip(parents, durations, strict=True):
        finish.append(d + max((finish[j] for j in ups), default=0.0))
    return max(max(finish), sum(durations) / workers)


def run_makespan(parents: Parents, durations: list[float], workers: int, folder: Path) -> float:
    tasks = [
        Task(
            f"ms{i}",
            str(folder / f"ms{i}.log"),
            sleep_for,
            args=(d,),
            dependencies=[TaskDependency(f"ms{j}") for j in ups],
        )
        for i, (ups, d) in enumerate(zip(parents, durations, strict=True))
    ]
    with Process(tasks) as process:
        start = time.perf_counter()
        result = process.run(parallel=True, max_workers=workers)
        elapsed = time.perf_counter() - start
    assert not result.failed_tasks
    return elapsed


# ------------------------------------------------------------------------ main


def us(seconds: float, n: int) -> str:
    return f"{seconds / n * 1e6:8.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="tasks per shape (10000)")
    parser.add_argument("--big", action="store_true", help="also run 4N (linearity check)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--processes-repeat",
        type=int,
        default=1,
        help="runs for processes 1.0.5, which takes minutes at 10,000 tasks (1)",
    )
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--skip", default="", help="comma list of: shared, processes, dask")
    parser.add_argument("--log-dir", default=None, help="where log folders go (system temp)")
    parser.add_argument("--no-makespan", action="store_true")
    args = parser.parse_args(argv)

    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource  # processes 1.0.5 keeps every task's log file open

        _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    engines = [e for e in ENGINES if SKIP_KEYS.get(e) not in skip and available(e)]
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    root = Path(tempfile.mkdtemp(prefix="taskflow-bench-", dir=args.log_dir))
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.workers} workers, "
        f"logs under {root}"
    )
    try:
        sizes = [args.n, 4 * args.n] if args.big else [args.n]
        runs: dict[tuple[str, str, int], tuple[float, float]] = {}
        for n in sizes:
            print(
                f"\nN = {n}: microseconds per task (build + run of the graph; median of "
                f"{args.repeat}, processes {args.processes_repeat})"
            )
            header = f"{'shape':<12}" + "".join(f"{e:>28}" for e in engines) + f"{'vs floor':>10}"
            print(header)
            for shape in shapes:
                parents = make_shape(shape, n)
                row = f"{shape:<12}"
                for engine in engines:
                    if engine == "processes 1.0.5" and n > args.n:
                        row += f"{'(skipped at 4N)':>28}"
                        continue
                    repeat = args.processes_repeat if engine == "processes 1.0.5" else args.repeat
                    runs[(engine, shape, n)] = measure(engine, parents, args.workers, root, repeat)
                    row += f"{us(runs[(engine, shape, n)][1], n):>28}"
                    print(f"  measured {engine} on {shape}", file=sys.stderr, flush=True)
                ratio = runs[("taskflow_core", shape, n)][1] / runs[("floor", shape, n)][1]
                print(row + f"{ratio:>9.2f}x")
            print("\nbuilding the task objects, not in the table above (µs/task):")
            for engine in engines:
                if (engine, shapes[0], n) in runs:
                    parts = "  ".join(
                        f"{s} {us(runs[(engine, s, n)][0], n).strip()}" for s in shapes
                    )
                    print(f"  {engine:<28} {parts}")
            per_file = file_floor(n, root)
            print(
                f"the file system alone: creating {n} files with one write each takes "
                f"{per_file * 1e6:.1f} µs/file here (one thread)"
            )
        if args.big:
            print(f"\nLinearity: time at {4 * args.n} / time at {args.n} (target <= 4.5)")
            for shape in shapes:
                parts = []
                for engine in ("taskflow_core", "floor"):
                    if (engine, shape, 4 * args.n) in runs:
                        big = runs[(engine, shape, 4 * args.n)][1]
                        small = runs[(engine, shape, args.n)][1]
                        parts.append(f"{engine} {big / small:.2f}")
                print(f"  {shape:<12} " + "   ".join(parts))
        if not args.no_makespan:
            print(
                f"\nMakespan of sleeping tasks, {args.workers} workers "
                "(target: within 5% of the bound)"
            )
            for label, (parents, durations) in makespan_cases().items():
                folder = Path(tempfile.mkdtemp(prefix="makespan-", dir=root))
                bound = best_possible(parents, durations, args.workers)
                took = statistics.median(
                    run_makespan(parents, durations, args.workers, folder)
                    for _ in range(args.repeat)
                )
                print(
                    f"  {label:<38} bound {bound * 1000:7.1f} ms   taskflow_core "
                    f"{took * 1000:7.1f} ms   {took / bound:5.3f}x"
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
