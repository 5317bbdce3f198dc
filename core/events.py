"""What a run reports while it goes: small immutable records for `on_event`.

They are created on worker threads (or the thread that called `run()`), so they
carry only names, numbers and the finished `TaskResult`; a GUI can forward them
as queued signals without touching the engine.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

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


class TaskOutput(NamedTuple):
    """One entry appended to the task's log: a printed line or a log record.

    `line` is the text as written to the log file, without the final newline
    (a record with a traceback spans several lines); `level` is the logging
    level number (stdout counts as INFO, stderr as WARNING).

    A run sends one per line, so this one is a tuple rather than a frozen
    dataclass: the engine makes it with ``tuple.__new__`` (about 75 ns instead of
    the dataclass's 480 ns). It still behaves like the other events: read-only,
    equal only to another `TaskOutput` with the same values, and usable with
    `dataclasses.fields`, `asdict` and `replace`.
    """

    task: str
    line: str
    level: int
    time: float

    # Like a dataclass: never equal to a plain tuple (which would otherwise
    # answer for it), NotImplemented for other types (so `mock.ANY` works).
    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple.__eq__(self, other)  # type: ignore[operator]
        return False if isinstance(other, tuple) else NotImplemented

    def __ne__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return tuple.__ne__(self, other)  # type: ignore[operator]
        return True if isinstance(other, tuple) else NotImplemented

    __hash__ = tuple.__hash__

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


@dataclass(frozen=True)
class _TaskOutputFields:
    task: str
    line: str
    level: int
    time: float


# What made TaskOutput a dataclass for `dataclasses.fields`, `asdict`, `astuple`
# and `replace`, which code written for the other events may call on it too.
TaskOutput.__dataclass_fields__ = _TaskOutputFields.__dataclass_fields__  # type: ignore[attr-defined]
TaskOutput.__dataclass_params__ = _TaskOutputFields.__dataclass_params__  # type: ignore[attr-defined]
del _TaskOutputFields


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
