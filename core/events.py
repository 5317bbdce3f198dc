"""What a run reports while it goes: small immutable records for `on_event`.

They are created on worker threads (or the thread that called `run()`), so they
carry only names, numbers and the finished `TaskResult`; a GUI can forward them
as queued signals without touching the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taskflow_core.results import ProcessResult
    from taskflow_core.task import TaskResult

__all__ = ["Event", "RunFinished", "RunStarted", "TaskFinished", "TaskOutput", "TaskStarted"]


@dataclass(frozen=True, slots=True)
class RunStarted:
    """A run began. `tasks` lists every task name in topological order."""

    tasks: tuple[str, ...]
    mode: str
    max_workers: int
    time: float


@dataclass(frozen=True, slots=True)
class TaskStarted:
    """An attempt of `task` began on worker lane `worker` (0-based)."""

    task: str
    attempt: int
    worker: int
    time: float


@dataclass(frozen=True, slots=True)
class TaskOutput:
    """One entry appended to the task's log: a printed line or a log record.

    `line` is the text as written to the log file, without the final newline
    (a record with a traceback spans several lines); `level` is the logging
    level number (stdout counts as INFO, stderr as WARNING).
    """

    task: str
    line: str
    level: int
    time: float


@dataclass(frozen=True, slots=True)
class TaskFinished:
    """`task` reached its final status; sent exactly once per task and run."""

    task: str
    result: TaskResult


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run is over; nothing else is sent after this."""

    result: ProcessResult


Event = RunStarted | TaskStarted | TaskOutput | TaskFinished | RunFinished


def describe(event: Any) -> str:
    """One human line for an event, handy for command lines and debugging."""
    if isinstance(event, RunStarted):
        return f"run started: {len(event.tasks)} tasks, {event.mode}, {event.max_workers} workers"
    if isinstance(event, TaskStarted):
        return f"{event.task}: attempt {event.attempt} started on worker {event.worker}"
    if isinstance(event, TaskOutput):
        return f"{event.task}: {event.line}"
    if isinstance(event, TaskFinished):
        return f"{event.task}: {event.result.status.value}"
    if isinstance(event, RunFinished):
        return f"run finished in {event.result.wall_seconds:.3f} s"
    return repr(event)
