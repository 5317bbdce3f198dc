"""Sequential versus parallel: the arithmetic behind a comparison.

Kept free of Qt so that the command line (`taskflow compare`) and the designer's
comparison view print exactly the same numbers and the same sentence.

The bound used for "best possible" is the classic one for a DAG of work W and
critical path D on p workers: no schedule finishes before max(D, W / p), so no
speedup can beat W / max(D, W / p). Work and critical path are taken from the
sequential run, whose durations are measured without contention.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "CompareReport",
    "best_possible_seconds",
    "best_possible_speedup",
    "compare_results",
    "efficiency",
    "format_seconds",
    "format_speedup",
    "iter_task_results",
    "run_compare",
    "speedup",
    "summary_sentence",
    "total_work",
]


def speedup(sequential_seconds: float, parallel_seconds: float) -> float:
    """How many times faster the parallel run was (``inf`` for a zero-length run)."""
    if parallel_seconds <= 0:
        return math.inf if sequential_seconds > 0 else 1.0
    return sequential_seconds / parallel_seconds


def efficiency(speedup_value: float, workers: int) -> float:
    """Speedup per worker: 1.0 means every worker was busy all the time."""
    if workers <= 0:
        raise ValueError(f"workers must be at least 1. Got {workers}")
    return speedup_value / workers


def best_possible_seconds(work: float, critical_path: float, workers: int) -> float:
    """Shortest makespan any schedule can reach: max(critical path, work / workers)."""
    if workers <= 0:
        raise ValueError(f"workers must be at least 1. Got {workers}")
    return max(critical_path, work / workers)


def best_possible_speedup(work: float, critical_path: float, workers: int) -> float:
    """Upper bound on the speedup with that many workers (min(workers, work / path))."""
    best = best_possible_seconds(work, critical_path, workers)
    if best <= 0:
        return 1.0
    return work / best


def format_seconds(seconds: float) -> str:
    """Human text for a duration: ``3.0 s``, ``45 ms``, ``120 µs``."""
    if seconds is None or math.isnan(seconds):
        return "-"
    if math.isinf(seconds):
        return "∞"
    if abs(seconds) >= 0.1:
        return f"{seconds:.1f} s"
    if abs(seconds) >= 0.001:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1_000_000:.0f} µs"


def format_speedup(value: float) -> str:
    """``2.3x``; one decimal is what a reader can act on."""
    if math.isinf(value):
        return "∞x"
    return f"{value:.1f}x"


def summary_sentence(
    sequential_seconds: float,
    parallel_seconds: float,
    workers: int,
    best_speedup: float,
) -> str:
    """The one-line verdict shown above the charts and printed by the command line."""
    s = speedup(sequential_seconds, parallel_seconds)
    if s >= 1.0 or math.isinf(s):
        verdict = f"{format_speedup(s)} faster"
    elif s > 0:
        verdict = f"{format_speedup(1.0 / s)} slower"
    else:
        verdict = "no faster"
    noun = "worker" if workers == 1 else "workers"
    return (
        f"Parallel took {format_seconds(parallel_seconds)} against "
        f"{format_seconds(sequential_seconds)} sequential: {verdict}; "
        f"the best possible with {workers} {noun} is {format_speedup(best_speedup)}"
    )


def iter_task_results(result: Any) -> Iterator[tuple[str, Any]]:
    """Yield ``(task name, TaskResult)`` from a ProcessResult's ``results``.

    Accepts a mapping (the engine's shape) or a sequence of results that carry
    a ``name``/``task`` attribute, so synthetic results in tests work too.
    """
    results = getattr(result, "results", result)
    if isinstance(results, Mapping):
        yield from results.items()
        return
    for item in results or ():
        name = getattr(item, "name", None) or getattr(item, "task", None)
        yield str(name), item


def total_work(result: Any) -> float:
    """Sum of the measured task durations of a run (tasks that never ran count 0)."""
    return sum(float(getattr(r, "duration", None) or 0.0) for _, r in iter_task_results(result))


def _to_dict(result: Any) -> Any:
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else None


@dataclass(frozen=True)
class CompareReport:
    """Everything a comparison shows; ``to_dict()`` is the exported JSON report."""

    sequential_seconds: float
    parallel_seconds: float
    workers: int
    work_seconds: float
    critical_path: list[str]
    critical_path_seconds: float
    speedup: float
    efficiency: float
    best_possible_seconds: float
    best_possible_speedup: float
    sentence: str
    sequential_ok: bool = True
    parallel_ok: bool = True
    sequential: Any = field(default=None, repr=False, compare=False)
    parallel: Any = field(default=None, repr=False, compare=False)

    @property
    def parallel_over_sequential(self) -> float:
        """The ratio the README quotes (0.43 for 3 s against 7 s)."""
        if self.sequential_seconds <= 0:
            return math.nan
        return self.parallel_seconds / self.sequential_seconds

    def to_dict(self, *, include_runs: bool = True) -> dict[str, Any]:
        """JSON-safe report; with ``include_runs`` both runs' own ``to_dict()`` too."""
        data = {k: v for k, v in asdict(self).items() if k not in ("sequential", "parallel")}
        data["parallel_over_sequential"] = self.parallel_over_sequential
        for key, value in list(data.items()):
            if isinstance(value, float) and not math.isfinite(value):
                data[key] = None
        if include_runs:
            data["runs"] = {
                "sequential": _to_dict(self.sequential),
                "parallel": _to_dict(self.parallel),
            }
        return data

    def to_json(self, *, indent: int = 2) -> str:
        """The report as JSON text (unknown values become their ``repr``)."""
        return json.dumps(self.to_dict(), indent=indent, default=repr)

    def lines(self) -> list[str]:
        """A short plain-text table for terminals."""
        rows = [
            ("Sequential", format_seconds(self.sequential_seconds)),
            (f"Parallel ({self.workers} workers)", format_seconds(self.parallel_seconds)),
            ("Speedup", format_speedup(self.speedup)),
            ("Parallel efficiency", f"{self.efficiency * 100:.0f} %"),
            ("Total work", format_seconds(self.work_seconds)),
            ("Critical path", format_seconds(self.critical_path_seconds)),
            ("Best possible", format_speedup(self.best_possible_speedup)),
        ]
        width = max(len(label) for label, _ in rows)
        return [f"{label:<{width}}  {value}" for label, value in rows] + ["", self.sentence]


def _all_ok(result: Any) -> bool:
    return not (getattr(result, "failed_tasks", None) or getattr(result, "cancelled_tasks", None))


def compare_results(sequential: Any, parallel: Any, workers: int | None = None) -> CompareReport:
    """Build the report from two ProcessResults of the same workflow.

    ``workers`` defaults to the parallel run's ``max_workers``.
    """
    if workers is None:
        workers = int(getattr(parallel, "max_workers", 1) or 1)
    seq_wall = float(sequential.wall_seconds)
    par_wall = float(parallel.wall_seconds)
    work = total_work(sequential)
    path_seconds = getattr(sequential, "critical_path_seconds", None)
    path = list(getattr(sequential, "critical_path", None) or [])
    if path_seconds is None:
        path_seconds = float(getattr(parallel, "critical_path_seconds", 0.0) or 0.0)
        path = list(getattr(parallel, "critical_path", None) or [])
    path_seconds = float(path_seconds)
    s = speedup(seq_wall, par_wall)
    best_s = best_possible_speedup(work, path_seconds, workers)
    return CompareReport(
        sequential_seconds=seq_wall,
        parallel_seconds=par_wall,
        workers=workers,
        work_seconds=work,
        critical_path=path,
        critical_path_seconds=path_seconds,
        speedup=s,
        efficiency=efficiency(s, workers) if math.isfinite(s) else math.inf,
        best_possible_seconds=best_possible_seconds(work, path_seconds, workers),
        best_possible_speedup=best_s,
        sentence=summary_sentence(seq_wall, par_wall, workers, best_s),
        sequential_ok=_all_ok(sequential),
        parallel_ok=_all_ok(parallel),
        sequential=sequential,
        parallel=parallel,
    )


def run_compare(
    process: Any,
    max_workers: int = 4,
    *,
    on_event: Any = None,
) -> CompareReport:
    """Run ``process`` sequentially, then in parallel, and compare the two runs.

    Each ``run()`` of the engine is a fresh run, so one Process serves both.
    ``on_event`` is passed to both runs unchanged.
    """
    seq = process.run(parallel=False, max_workers=1, on_event=on_event)
    par = process.run(parallel=True, max_workers=max_workers, on_event=on_event)
    return compare_results(seq, par, max_workers)
