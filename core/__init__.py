"""TaskFlow engine: run Python callables as a dependency graph, in order or in parallel.

The API is that of `processes` 1.x (`Task`, `TaskDependency`, `Process`) with
additions: timeouts, retries, cancellation, live events and richer results.
"""

from taskflow_core import events
from taskflow_core.errors import (
    CircularDependencyError,
    DependencyNotFoundError,
    TaskNotFoundError,
)
from taskflow_core.process import Process
from taskflow_core.results import ProcessResult
from taskflow_core.task import Task, TaskDependency, TaskResult, TaskStatus

__all__ = [
    "CircularDependencyError",
    "DependencyNotFoundError",
    "Process",
    "ProcessResult",
    "Task",
    "TaskDependency",
    "TaskNotFoundError",
    "TaskResult",
    "TaskStatus",
    "events",
]
