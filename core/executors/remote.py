"""A run whose attempts execute elsewhere: worker processes, Dask, or any Executor.

`RemoteRun` is the engine's `Run` with one thing changed: where a lane thread
calls the task's function, it sends the attempt to a backend and waits. The
scheduling, dependency results, skipping, retries (each attempt is sent
again), timeouts, cancellation, events, results and the engine's own log lines
are the thread executor's, because they are the same code. While a lane waits
it watches whether the driver abandoned the attempt (timeout, cancel) so the
backend can stop it.

The lines a task printed or logged in its worker come back with the outcome
and are written to the task's log and sent as `TaskOutput` events before
"Finished", exactly as the thread executor writes them.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
import time
from collections.abc import Callable
from typing import Any

from taskflow_core.executors.worker import LINE, RemoteTaskError, dumps_call
from taskflow_core.logfile import format_line
from taskflow_core.logfile import write as write_log
from taskflow_core.run import Job, Run

__all__ = ["Backend", "RemoteRun"]

_LEVELNAMES: dict[int, str] = {}


class Backend:
    """Where attempts run. `call` blocks until the outcome bytes are back.

    `call` returns None when `abandoned()` became true while waiting (the
    attempt was given up by the run) and raises for a failure of the transport.
    `in_process` backends get the function itself and call it with the run's
    capture instead (a ThreadPoolExecutor needs no pickling).
    """

    name = "backend"
    in_process = False

    def start(self, lanes: int) -> None:
        """Get ready for `lanes` concurrent attempts (start processes, connect)."""

    def call(self, lane: int, job: Job, blob: bytes, abandoned: Callable[[], bool]) -> bytes | None:
        raise NotImplementedError

    def call_local(
        self, job: Job, abandoned: Callable[[], bool]
    ) -> tuple[Any, BaseException | None]:
        raise NotImplementedError

    def close(self) -> None:
        """Release what `start` took; called once the run is over."""


class RemoteRun(Run):
    """A `Run` whose lanes hand each attempt to a `Backend`."""

    def __init__(self, graph: Any, backend: Backend, **options: Any) -> None:
        super().__init__(graph, **options)
        self.backend = backend
        self.startup_seconds = 0.0

    def execute(self) -> Any:
        """Start the backend (not counted in the run's wall time), run, release it."""
        t0 = time.perf_counter()
        try:
            if not self.finished:
                self.backend.start(self.lane_count)
            self.startup_seconds = time.perf_counter() - t0
            result = super().execute()
        finally:
            self.backend.close()
        result.executor = self.backend.name  # type: ignore[attr-defined]
        result.startup_seconds = self.startup_seconds  # type: ignore[attr-defined]
        return result

    def _call(self, lane: int, job: Job) -> tuple[Any, BaseException | None]:
        """Run one attempt on the backend; its captured lines join the task's log."""
        live, aid = self.live, job.id

        def abandoned() -> bool:
            return aid not in live

        backend = self.backend
        if backend.in_process:
            return backend.call_local(job, abandoned)
        try:
            blob = dumps_call(job.func, job.args, job.kwargs)
        except Exception as e:
            return None, TypeError(
                f"{job.name}: its arguments cannot be sent to another process: "
                f"{type(e).__name__}: {e}"
            )
        try:
            data = backend.call(lane, job, blob, abandoned)
        except Exception as e:
            return None, RemoteTaskError(f"{job.name}: {e}")
        if data is None:
            return None, RemoteTaskError(f"{job.name}: abandoned")  # settle() ignores it
        try:
            worked, value, trace, entries = pickle.loads(data)
        except Exception as e:
            return None, RemoteTaskError(
                f"{job.name}: what the worker sent back cannot be read here: "
                f"{type(e).__name__}: {e}"
            )
        if entries:
            self._replay(job, entries)
        if worked:
            return value, None
        if trace is not None:
            # An exception type that refuses attributes just logs without its traceback.
            with contextlib.suppress(Exception):
                value.__taskflow_traceback__ = trace
        return None, value

    def _replay(self, job: Job, entries: list[tuple[int, int, str, float]]) -> None:
        """Write the worker's lines to the task's log and send them as events."""
        name = job.name
        texts = []
        for kind, level, text, t in entries:
            if kind == LINE:
                levelname = _LEVELNAMES.get(level)
                if levelname is None:
                    levelname = _LEVELNAMES[level] = logging.getLevelName(level)
                entry = format_line(name, levelname, text, t)
                texts.append(entry)
            else:
                texts.append(text + "\n")
        write_log(job.path, "".join(texts))
        capture = job.capture
        emit = capture.emit if capture is not None else None
        if emit is not None:
            for (_, level, _, t), text in zip(entries, texts, strict=True):
                emit(text[:-1], level, t)
