"""`Process`: a validated set of tasks that can be run, sequentially or in parallel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor
from types import TracebackType
from typing import Any, Literal, Self

from taskflow_core.errors import TaskNotFoundError
from taskflow_core.gcfreeze import frozen_heap
from taskflow_core.graph import Graph
from taskflow_core.results import ProcessResult
from taskflow_core.task import Task, TaskStatus

__all__ = ["Process"]


class Process:
    """Tasks checked and ordered once, runnable any number of times.

    Construction validates everything (types, names, dependencies, cycles) and
    raises before anything runs. `tasks` holds the tasks in the order a
    sequential run starts them: topological, input order among ready tasks.
    """

    def __init__(self, tasks: list[Task]) -> None:
        try:
            with frozen_heap():
                self._graph = Graph(tasks)
        except BaseException:
            if isinstance(tasks, list):
                _close_handlers(t for t in tasks if isinstance(t, Task))
            raise
        graph = self._graph
        self.tasks: list[Task] = [graph.tasks[i] for i in graph.order]
        self.last_result: ProcessResult | None = None
        self._lock = threading.Lock()
        self._run: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        self.close_loggers()
        return False

    def get_task(self, task_name: str) -> Task:
        """The task called `task_name`; TaskNotFoundError if there is none."""
        i = self._graph.index.get(task_name)
        if i is None:
            raise TaskNotFoundError(f"Task not found: {task_name}")
        return self._graph.tasks[i]

    def get_dependant_tasks(self, task_name: str) -> list[Task]:
        """Every task that depends on `task_name`, directly or not, in run order."""
        i = self._graph.index.get(task_name)
        if i is None:
            return []
        return [self._graph.tasks[j] for j in self._graph.descendants(i)]

    def run(
        self,
        parallel: bool | None = None,
        max_workers: int = 4,
        *,
        on_event: Callable[[Any], Any] | None = None,
        resume_from: ProcessResult | None = None,
        executor: str | Executor = "threads",
        dask_address: str | None = None,
    ) -> ProcessResult:
        """Run every task once and return the outcome; never raises for a task's failure.

        `parallel=None` runs in parallel from 10 tasks on; `max_workers=1` is
        sequential. `on_event` receives `taskflow_core.events` objects from
        worker threads. `resume_from` re-runs only the tasks that did not
        succeed in that earlier result and reuses the others' results.
        `executor` is "threads" (this process), "processes" (worker processes
        that a timeout or cancel() can stop), "dask" (the cluster at
        `dask_address`, else a LocalCluster for the run) or any
        `concurrent.futures.Executor`; see `taskflow_core.executors`.
        """
        from taskflow_core.run import Run

        if parallel is not None and not isinstance(parallel, bool):
            raise TypeError(f"parallel must be bool or None. Got {type(parallel)}")
        if not isinstance(max_workers, int) or isinstance(max_workers, bool):
            raise TypeError(f"max_workers must be int. Got {type(max_workers)}")
        if on_event is not None and not callable(on_event):
            raise TypeError(f"on_event must be callable. Got {type(on_event)}")
        if resume_from is not None and not isinstance(resume_from, ProcessResult):
            raise TypeError(f"resume_from must be ProcessResult. Got {type(resume_from)}")
        if parallel is None:
            parallel = len(self._graph) >= 10
        max_workers = max(1, max_workers)
        if max_workers == 1:
            parallel = False
        reuse = None
        if resume_from is not None:
            reuse = {
                name: r
                for name, r in resume_from.results.items()
                if r.status is TaskStatus.SUCCESS and name in self._graph.index
            }
        options: dict[str, Any] = {
            "lanes": max_workers if parallel else 1,
            "parallel": parallel,
            "on_event": on_event,
            "reuse": reuse,
        }
        if executor == "threads":
            run = Run(self._graph, **options)
        else:
            from taskflow_core.executors import make_run

            run = make_run(self._graph, executor, dask_address, **options)
        with self._lock:
            if self._run is not None:
                raise RuntimeError("This Process is already running; runs cannot overlap.")
            self._run = run
        try:
            result = run.execute()
        finally:
            with self._lock:
                self._run = None
        self.last_result = result
        return result

    def cancel(self) -> None:
        """Stop the current run from any thread: nothing starts any more, `run()`
        returns within a second. Does nothing when no run is going on."""
        with self._lock:
            run = self._run
        if run is not None:
            run.cancel()

    @property
    def running(self) -> bool:
        """Whether a run is going on."""
        return self._run is not None

    def close_loggers(self) -> None:
        """Close and remove every handler of every task's logger (as 1.x does)."""
        _close_handlers(self._graph.tasks)


def _close_handlers(tasks: Any) -> None:
    for task in tasks:
        logger = getattr(task, "_logger", None)  # only loggers that were made
        for handler in list(getattr(logger, "handlers", ())):
            handler.close()
            logger.removeHandler(handler)
