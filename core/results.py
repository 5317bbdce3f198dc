"""What a whole run gives back: `ProcessResult`, its critical path and JSON view."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from taskflow_core.task import TaskResult, TaskStatus

__all__ = ["ProcessResult", "critical_path", "jsonable"]


class ProcessResult:
    """The outcome of `Process.run()`.

    `passed_tasks_results` and `failed_tasks` (errored plus skipped) are the 1.x
    fields; `results` holds every task's `TaskResult` in topological order.
    """

    def __init__(
        self,
        passed_tasks_results: dict[str, TaskResult],
        failed_tasks: set[str],
        *,
        results: dict[str, TaskResult] | None = None,
        wall_seconds: float = 0.0,
        mode: str = "sequential",
        max_workers: int = 1,
        dependencies: Mapping[str, Iterable[str]] | None = None,
        reused: Iterable[str] = (),
    ) -> None:
        self.passed_tasks_results = passed_tasks_results
        self.failed_tasks = failed_tasks
        self.results = dict(passed_tasks_results) if results is None else results
        by_status: dict[TaskStatus, set[str]] = {s: set() for s in TaskStatus}
        for name, result in self.results.items():
            by_status[result.status].add(name)
        self.errored_tasks = by_status[TaskStatus.FAILED]
        self.skipped_tasks = by_status[TaskStatus.SKIPPED]
        self.cancelled_tasks = by_status[TaskStatus.CANCELLED]
        self.wall_seconds = wall_seconds
        self.mode = mode
        self.max_workers = max_workers
        self._dependencies = dependencies or {}
        self._reused = set(reused)
        self._critical: tuple[list[str], float] | None = None

    @property
    def critical_path(self) -> list[str]:
        """Task names on the chain of dependent tasks with the longest measured durations."""
        return self._critical_path()[0]

    @property
    def critical_path_seconds(self) -> float:
        """Sum of the measured durations along `critical_path`."""
        return self._critical_path()[1]

    def _critical_path(self) -> tuple[list[str], float]:
        # Computed on first use: a run of 10,000 tasks should not pay for it unasked.
        if self._critical is None:
            reused = self._reused
            durations = {
                name: 0.0 if name in reused else (result.duration or 0.0)
                for name, result in self.results.items()
            }
            self._critical = critical_path(durations, self._dependencies)
        return self._critical

    @property
    def worked(self) -> bool:
        """True when every task succeeded."""
        return len(self.passed_tasks_results) == len(self.results)

    def __repr__(self) -> str:
        return (
            f"ProcessResult(passed={len(self.passed_tasks_results)}, "
            f"errored={len(self.errored_tasks)}, skipped={len(self.skipped_tasks)}, "
            f"cancelled={len(self.cancelled_tasks)}, mode={self.mode!r}, "
            f"wall_seconds={self.wall_seconds:.3f})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe view of the run; values JSON cannot hold become their `repr`."""
        return {
            "mode": self.mode,
            "max_workers": self.max_workers,
            "wall_seconds": jsonable(self.wall_seconds),
            "critical_path": list(self.critical_path),
            "critical_path_seconds": jsonable(self.critical_path_seconds),
            "passed_tasks": list(self.passed_tasks_results),
            "failed_tasks": sorted(self.failed_tasks),
            "errored_tasks": sorted(self.errored_tasks),
            "skipped_tasks": sorted(self.skipped_tasks),
            "cancelled_tasks": sorted(self.cancelled_tasks),
            "tasks": {name: result.to_dict() for name, result in self.results.items()},
        }


def critical_path(
    durations: Mapping[str, float],
    dependencies: Mapping[str, Iterable[str]],
) -> tuple[list[str], float]:
    """The chain of dependent tasks with the largest sum of measured durations.

    `durations` must be in topological order; tasks that never ran (or whose
    result was reused from an earlier run) count zero.
    """
    best: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for name, duration in durations.items():
        before, prev = 0.0, None
        for up in dependencies.get(name, ()):
            if up in best and best[up] > before:
                before, prev = best[up], up
        best[name] = before + duration
        via[name] = prev
    if not best:
        return [], 0.0
    end = max(best, key=best.__getitem__)
    path: list[str] = []
    node: str | None = end
    while node is not None:
        path.append(node)
        node = via[node]
    path.reverse()
    return path, best[end]


def jsonable(value: Any, _seen: frozenset[int] = frozenset()) -> Any:
    """`value` made of JSON types only; anything else becomes its `repr`."""
    if value is None or type(value) in (bool, str, int):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else repr(value)
    if isinstance(value, Mapping | list | tuple):
        if id(value) in _seen:
            return repr(value)
        seen = _seen | {id(value)}
        if isinstance(value, Mapping):
            return {
                (k if isinstance(k, str) else repr(k)): jsonable(v, seen) for k, v in value.items()
            }
        return [jsonable(v, seen) for v in value]
    return repr(value)
