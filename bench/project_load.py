"""How long opening a big project takes: load a generated 5,000-task file and validate it.

Target: load + `problems()` under one second. Opening imports nothing, so this
is the wait a user sees before the designer (or `taskflow validate`) can act.

    .venv/bin/python bench/project_load.py [--tasks 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from taskflow_core.projectfile import dumps_project, load_project, save_project
from taskflow_core.workflow import DependencySpec, TaskSpec, Workflow


def generate(n: int, seed: int = 1) -> Workflow:
    """A random DAG of `n` tasks, each with up to 3 dependencies on earlier tasks."""
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        deps = []
        for j in sorted(rng.sample(range(i), min(i, rng.randint(0, 3)))):
            mode = rng.choice(("none", "positional", "keyword"))
            kwarg = f"in_{j}" if mode == "keyword" else ""
            deps.append(DependencySpec(f"task_{j:05d}", mode, kwarg))
        specs.append(
            TaskSpec(
                f"task_{i:05d}",
                f"bench_tasks.module_{i % 20}:work_{i % 7}",
                args=[i, "text"],
                kwargs={"size": i % 100},
                timeout=rng.choice((None, 30.0)),
                retries=rng.randint(0, 2),
                position=((i // 50) * 260, (i % 50) * 110),
                notes="generated",
                dependencies=deps,
            )
        )
    return Workflow.from_specs(specs, f"{n} tasks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.taskflow.json"
        workflow = generate(options.tasks)
        t0 = time.perf_counter()
        save_project(workflow, path)
        save_s = time.perf_counter() - t0
        size = path.stat().st_size
        loads, checks, totals = [], [], []
        for _ in range(options.repeat):
            t0 = time.perf_counter()
            loaded = load_project(path)
            t1 = time.perf_counter()
            problems = loaded.problems()
            t2 = time.perf_counter()
            assert problems == [], problems[:3]
            assert dumps_project(loaded) == path.read_text(encoding="utf-8")
            loads.append(t1 - t0)
            checks.append(t2 - t1)
            totals.append(t2 - t0)
    edges = sum(len(t.dependencies) for t in workflow)
    print(f"{options.tasks} tasks, {edges} dependencies, {size / 1e6:.1f} MB file")
    print(f"save (atomic):        {save_s * 1000:7.1f} ms")
    median_load = statistics.median(loads) * 1000
    print(f"load_project:         {median_load:7.1f} ms (median of {options.repeat})")
    print(f"problems():           {statistics.median(checks) * 1000:7.1f} ms")
    print(f"load + problems():    {statistics.median(totals) * 1000:7.1f} ms   (target < 1000 ms)")


if __name__ == "__main__":
    main()
