"""The units of work: `Task`, `TaskDependency`, and what running one gives, `TaskResult`.

Signatures and error texts follow `processes` 1.x so its scripts run unchanged;
timeouts and retries are keyword-only additions.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from taskflow_core.capture import TaskFileHandler

if TYPE_CHECKING:
    from taskflow_core.process import Process

__all__ = ["Task", "TaskDependency", "TaskResult", "TaskStatus"]


class TaskStatus(StrEnum):
    """Where a task stands. PENDING and RUNNING exist for live views only."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class TaskResult:
    """The outcome of one task in one run.

    `worked`, `result` and `exception` are the 1.x fields; the rest describe the
    run for reports and Gantt charts: epoch times, the 0-based worker lane, the
    formatted traceback, and for a skipped task the failed upstream task.
    """

    __slots__ = (
        "attempts",
        "duration",
        "error",
        "exception",
        "finished_at",
        "result",
        "skipped_because",
        "started_at",
        "status",
        "worked",
        "worker",
    )

    def __init__(
        self,
        worked: bool,
        result: Any = None,
        exception: BaseException | None = None,
        status: TaskStatus | None = None,
        *,
        attempts: int = 0,
        started_at: float | None = None,
        finished_at: float | None = None,
        worker: int | None = None,
        error: str | None = None,
        skipped_because: str | None = None,
    ) -> None:
        self.worked = worked
        self.result = result
        self.exception = exception
        if status is None:
            status = TaskStatus.SUCCESS if worked else TaskStatus.FAILED
        self.status = status
        self.attempts = attempts
        self.started_at = started_at
        self.finished_at = finished_at
        self.duration = (
            finished_at - started_at if started_at is not None and finished_at is not None else None
        )
        self.worker = worker
        self.error = error
        self.skipped_because = skipped_because

    def __repr__(self) -> str:
        extra = f", exception={self.exception!r}" if self.exception is not None else ""
        return (
            f"TaskResult(status={self.status.value}, worked={self.worked}, "
            f"result={self.result!r}{extra}, attempts={self.attempts})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe view; values JSON cannot hold become their `repr`."""
        from taskflow_core.results import jsonable

        return {
            "status": self.status.value,
            "worked": self.worked,
            "result": jsonable(self.result),
            "exception": None if self.exception is None else repr(self.exception),
            "error": self.error,
            "attempts": self.attempts,
            "started_at": jsonable(self.started_at),
            "finished_at": jsonable(self.finished_at),
            "duration": jsonable(self.duration),
            "worker": self.worker,
            "skipped_because": self.skipped_because,
        }


def _type_error(what: str, expected: str, value: Any) -> TypeError:
    return TypeError(f"{what} must be {expected}. Got {type(value)}")


class TaskDependency:
    """A link to an upstream task, and how its result is handed over.

    No flag set means order only. Positional results are appended after the
    task's own `args`, in the order the dependencies are listed.
    """

    def __init__(
        self,
        task_name: str,
        use_result_as_additional_args: bool = False,
        use_result_as_additional_kwargs: bool = False,
        additional_kwarg_name: str = "",
    ) -> None:
        self.task_name = task_name
        self.use_result_as_additional_args = use_result_as_additional_args
        self.use_result_as_additional_kwargs = use_result_as_additional_kwargs
        self.additional_kwarg_name = additional_kwarg_name
        self.validate()

    def validate(self) -> None:
        """Raise TypeError naming the first bad attribute (texts as in 1.x)."""
        if (
            type(self.task_name) is str
            and self.use_result_as_additional_args is False
            and self.use_result_as_additional_kwargs is False
            and type(self.additional_kwarg_name) is str
        ):
            return  # the common, order-only dependency
        if not isinstance(self.task_name, str):
            raise _type_error("task_name", "of type str", self.task_name)
        if not isinstance(self.use_result_as_additional_args, bool):
            raise _type_error(
                "use_result_as_additional_args", "of type bool", self.use_result_as_additional_args
            )
        if not isinstance(self.use_result_as_additional_kwargs, bool):
            raise _type_error(
                "use_result_as_additional_kwargs",
                "of type bool",
                self.use_result_as_additional_kwargs,
            )
        if not isinstance(self.additional_kwarg_name, str):
            raise _type_error("additional_kwarg_name", "of type str", self.additional_kwarg_name)
        if self.use_result_as_additional_kwargs and self.additional_kwarg_name == "":
            raise TypeError(
                "If use_result_as_additional_kwargs is True, additional_kwarg_name"
                " must be a non-empty string."
            )

    def __hash__(self) -> int:
        return hash(self.task_name)

    def __repr__(self) -> str:
        flags = []
        if self.use_result_as_additional_args:
            flags.append("use_result_as_additional_args=True")
        if self.use_result_as_additional_kwargs:
            flags.append("use_result_as_additional_kwargs=True")
            flags.append(f"additional_kwarg_name={self.additional_kwarg_name!r}")
        return f"TaskDependency({', '.join([repr(self.task_name), *flags])})"


_RETRY_ON_DEFAULT: tuple[type[BaseException], ...] = (Exception,)
_WHITESPACE = re.compile(r"\s")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _valid_retry_on(value: Any) -> bool:
    def is_exc(v: Any) -> bool:
        return isinstance(v, type) and issubclass(v, BaseException)

    return is_exc(value) or (
        isinstance(value, tuple) and len(value) > 0 and all(is_exc(v) for v in value)
    )


class Task:
    """A named callable with its arguments, upstream dependencies and log file.

    Attributes are plain and may be changed after construction; a `Process`
    reads them (and checks them again) when it is built. `logger` is the
    `logging.Logger` named after the task with a file handler on `log_path`,
    as in 1.x; it is made on first use and its handler opens the file only
    when something is written.
    """

    kwargs: dict[str, Any]
    dependencies: list[TaskDependency]

    def __init__(
        self,
        name: str,
        log_path: str | os.PathLike[str],
        func: Callable[..., Any],
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        dependencies: list[TaskDependency] | None = None,
        *,
        timeout: float | None = None,
        retries: int = 0,
        retry_delay: float = 0.0,
        retry_on: type[BaseException] | tuple[type[BaseException], ...] = _RETRY_ON_DEFAULT,
    ) -> None:
        self.name = name
        self.log_path = log_path
        self.func = func
        self.args = args
        self.kwargs = {} if kwargs is None else kwargs
        self.dependencies = [] if dependencies is None else dependencies
        self.timeout = timeout
        self.retries = retries
        self.retry_delay = retry_delay
        self.retry_on = retry_on
        self.validate()
        self._logger: logging.Logger | None = None
        # The absolute path as of now, as 1.x's FileHandler had it: runs reuse it
        # while `log_path` is unchanged, so a later chdir() does not move the log.
        self._abs_log_path = (log_path, os.path.abspath(os.fspath(log_path)))

    @property
    def logger(self) -> logging.Logger:
        """The `logging.Logger` named after the task, with a file handler on
        `log_path` (as in 1.x). Made on first use: a run that nobody listens to
        through logging does not need ten thousand loggers."""
        logger = self._logger
        if logger is None:
            logger = self._logger = self._make_logger()
        return logger

    @logger.setter
    def logger(self, value: logging.Logger) -> None:
        self._logger = value

    def validate(self) -> None:
        """Check every attribute; raise TypeError/ValueError with the 1.x texts.

        Runs for every task each time a Process is built, so the common case
        (plain types, default retry settings) is kept to a few cheap checks.
        """
        name = self.name
        if type(name) is not str and not isinstance(name, str):
            raise _type_error("name", "of type str", name)
        log_path = self.log_path
        if type(log_path) is not str and not isinstance(log_path, str | os.PathLike):
            raise _type_error("log_path", "str or os.PathLike", log_path)
        if not callable(self.func):
            raise TypeError(f"func must be callable. Got {type(self.func)}")
        if not isinstance(self.args, tuple):
            raise _type_error("args", "tuple", self.args)
        if not isinstance(self.kwargs, dict):
            raise _type_error("kwargs", "dict", self.kwargs)
        dependencies = self.dependencies
        if not isinstance(dependencies, list):
            raise _type_error("dependencies", "list", dependencies)
        for dependency in dependencies:
            if not isinstance(dependency, TaskDependency):
                raise _type_error("dependency", "of type TaskDependency", dependency)
            dependency.validate()
        timeout, retries, retry_delay = self.timeout, self.retries, self.retry_delay
        if timeout is not None and not _is_number(timeout):
            raise _type_error("timeout", "a number or None", timeout)
        if type(retries) is not int and (not isinstance(retries, int) or isinstance(retries, bool)):
            raise _type_error("retries", "int", retries)
        if type(retry_delay) is not float and not _is_number(retry_delay):
            raise _type_error("retry_delay", "a number", retry_delay)
        if self.retry_on is not _RETRY_ON_DEFAULT and not _valid_retry_on(self.retry_on):
            raise _type_error(
                "retry_on", "an exception class or a tuple of exception classes", self.retry_on
            )
        if not name:
            raise ValueError("Task name cannot be empty.")
        if _WHITESPACE.search(name):
            raise ValueError(f"Task name cannot contain spaces. Got {name}")
        if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
            raise ValueError(f"timeout must be a positive number of seconds. Got {timeout}")
        if retries < 0:
            raise ValueError(f"retries cannot be negative. Got {retries}")
        if not (retry_delay >= 0 and math.isfinite(retry_delay)):
            raise ValueError(f"retry_delay cannot be negative. Got {retry_delay}")
        if dependencies:
            seen: set[str] = set()
            for dependency in dependencies:
                dep = dependency.task_name
                if dep in seen:
                    raise ValueError(f"Duplicate dependency name: {dep}")
                seen.add(dep)
                if dep == name:
                    raise ValueError(
                        f"Got dependency with same name as Task. Task: {name}. Dependency: {dep}"
                    )

    def _make_logger(self) -> logging.Logger:
        logger = logging.getLogger(self.name)
        if logger.level != logging.DEBUG:
            # Logger.setLevel() clears the cache of every logger there is, which
            # makes building N tasks O(N^2); only this logger's cache can be stale.
            logger.level = logging.DEBUG
            getattr(logger, "_cache", {}).clear()
        for handler in list(logger.handlers):
            if isinstance(handler, TaskFileHandler):
                handler.close()
            logger.removeHandler(handler)
        cached, absolute = self._abs_log_path
        logger.addHandler(TaskFileHandler(absolute if cached is self.log_path else self.log_path))
        return logger

    def get_dependencies_names(self) -> set[str]:
        """Names of the tasks this one depends on."""
        return {dependency.task_name for dependency in self.dependencies}

    def run(self, executing_process: Process | None = None) -> TaskResult:
        """Run this task alone, logging to its file, and return its result; never raises.

        Dependency results are not injected, as in 1.x, unless `executing_process`
        is given: then the results of that Process's last run are passed on.
        Timeout and retries apply as in a Process run.
        """
        from taskflow_core.graph import Graph
        from taskflow_core.run import Run

        upstream: dict[str, TaskResult] = {}
        if executing_process is not None:
            last = executing_process.last_result
            if last is not None:
                upstream = last.passed_tasks_results
        self.validate()
        graph = Graph.single(self, upstream)
        return Run(graph, lanes=1, parallel=False).execute().results[self.name]

    def __repr__(self) -> str:
        deps = [d.task_name for d in self.dependencies]
        return f"Task({self.name!r}, {os.fspath(self.log_path)!r}, dependencies={deps})"
