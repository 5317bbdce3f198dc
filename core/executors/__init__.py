"""Executors: where a run's attempts execute.

- ``"threads"`` (the default): the engine's own lanes in this process; best for
  I/O-bound tasks and the lowest overhead.
- ``"processes"``: one worker process per lane on this machine; CPU-bound
  Python runs in parallel, and a task past its timeout or running at
  ``cancel()`` has its process terminated (the run goes on).
- ``"dask"``: a Dask cluster, at ``dask_address`` or a LocalCluster for the run.
- any ``concurrent.futures.Executor`` instance the caller owns.

Out of process, a task's function must be importable by name (a module-level
function) and its arguments and result picklable; `check_callables` says which
task breaks the first rule before anything runs.
"""

from __future__ import annotations

import concurrent.futures as cf
import pickle
import sys
from typing import Any

from taskflow_core.executors.remote import Backend, RemoteRun

__all__ = ["EXECUTORS", "Backend", "RemoteRun", "check_callables", "make_backend", "make_run"]

EXECUTORS = ("threads", "processes", "dask")


def make_backend(executor: str | cf.Executor, dask_address: str | None = None) -> Backend:
    """The backend for an `executor=` value other than "threads"."""
    from taskflow_core.executors.pools import DaskBackend, ExecutorBackend, ProcessBackend

    if isinstance(executor, cf.Executor):
        return ExecutorBackend(executor)
    if executor == "processes":
        return ProcessBackend()
    if executor == "dask":
        return DaskBackend(dask_address)
    raise ValueError(f"executor must be one of {EXECUTORS} or an Executor. Got {executor!r}")


def check_callables(tasks: Any) -> None:
    """Raise ValueError naming the first task whose function cannot be sent to
    another process by reference (a lambda, a local function, an unpicklable object)."""
    for task in tasks:
        problem = _callable_problem(task.func)
        if problem is not None:
            raise ValueError(f"{task.name}: {problem}")


def _callable_problem(func: Any) -> str | None:
    qualname = getattr(func, "__qualname__", "") or ""
    if getattr(func, "__name__", None) == "<lambda>":
        return "a lambda cannot run in another process; use a module-level function"
    if "<locals>" in qualname:
        return "a local function cannot run in another process; use a module-level function"
    if getattr(func, "__module__", None) == "__main__":
        main = sys.modules.get("__main__")
        if getattr(main, "__file__", None) is None:
            return (
                "a function defined in an interactive session cannot run in another "
                "process; put it in a module"
            )
    try:
        pickle.dumps(func, pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        return (
            f"its callable cannot be sent to another process ({type(e).__name__}: {e}); "
            "use a module-level function"
        )
    return None


def make_run(
    graph: Any,
    executor: str | cf.Executor,
    dask_address: str | None = None,
    **options: Any,
) -> RemoteRun:
    """A run on `executor`; raises before anything runs when a callable cannot go there."""
    backend = make_backend(executor, dask_address)
    if not backend.in_process:
        check_callables(graph.tasks)
    return RemoteRun(graph, backend, **options)
