"""One execution of a Graph: the loop each lane runs, the driver, and the bookkeeping.

Division of labour:
- `ReadyQueue` (scheduler.py) says which task may start. Lanes use it without
  a lock; `lock` only guards sleeping and waking (idle lanes, the driver).
- Lanes (lanes.py) are the threads; each runs `lane_loop`: take a ready task,
  run its attempts here, settle it, and take the next one, so a chain of
  tasks never changes threads and a busy lane never waits for another.
- The thread that called `run()` is the driver: it enforces timeouts and
  handles `cancel()`. It is not on the path of a task that just runs and
  finishes, so it mostly sleeps.
- Log lines are formatted on the lane and queued to the log writer thread
  (logfile.py); the run waits for them to be written before it returns.

Every task ends exactly once. A task is claimed from the queue by the lane that
runs it, the failure that skips it or the cancellation that closes it. While
it runs, whoever removes its attempt from `live` (the lane when the call
returns, or the driver on timeout or cancellation) owns the outcome; a lane
that finds its attempt gone was abandoned and quietly exits.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from time import time
from typing import Any

from taskflow_core import events as ev
from taskflow_core.capture import (
    Capture,
    TaskFileHandler,
    call_captured,
    capturing,
    dispatch_to_others,
    has_other_handlers,
    reset_current,
    set_current,
)
from taskflow_core.gcfreeze import frozen_heap
from taskflow_core.graph import Graph
from taskflow_core.lanes import Lanes
from taskflow_core.logfile import WRITER, asctime, format_line, format_record
from taskflow_core.logfile import flush as flush_logs
from taskflow_core.logfile import write as write_log
from taskflow_core.results import ProcessResult
from taskflow_core.scheduler import ReadyQueue, parallel_keys, sequential_keys
from taskflow_core.task import TaskResult, TaskStatus

__all__ = ["Run"]

TICK = 0.5  # the driver's longest sleep (it is woken for everything it must do)
CANCEL_GRACE = 0.3  # running tasks get this long to finish after cancel()

INFO, WARNING, ERROR = logging.INFO, logging.WARNING, logging.ERROR
SUCCESS, FAILED = TaskStatus.SUCCESS, TaskStatus.FAILED
SKIPPED, CANCELLED = TaskStatus.SKIPPED, TaskStatus.CANCELLED

_engine_logger = logging.getLogger("taskflow_core")


class Job:
    """One task being run on one lane, across its attempts.

    `id` names the current attempt in `Run.live`; the driver finds a timed-out
    or cancelled attempt there and takes it over.
    """

    __slots__ = (
        "args",
        "capture",
        "first_started",
        "func",
        "id",
        "kwargs",
        "lane",
        "logger",
        "name",
        "node",
        "number",
        "others",
        "path",
        "task",
        "timeout",
    )

    def __init__(self, node: int, lane: int, number: int, first_started: float | None) -> None:
        self.node = node
        self.lane = lane
        self.number = number
        self.first_started = first_started
        self.id = -1
        self.capture: Capture | None = None  # set when an attempt starts


# What `Run.settle()` returns besides a retry delay (>= 0).
DONE = -1.0  # the task has ended
ABANDONED = -2.0  # the driver took the attempt over: the calling thread must stop


class Run:
    """Executes a Graph once; `execute()` returns the ProcessResult."""

    def __init__(
        self,
        graph: Graph,
        *,
        lanes: int,
        parallel: bool,
        on_event: Callable[[Any], Any] | None = None,
        reuse: dict[str, TaskResult] | None = None,
    ) -> None:
        self.graph = graph
        n = len(graph)
        self.mode = "parallel" if parallel else "sequential"
        self.max_workers = lanes
        self.lane_count = max(1, min(lanes, n))
        self.results: list[TaskResult | None] = [None] * n
        self.reused = [graph.index[name] for name in (reuse or {}) if name in graph.index]
        for i in self.reused:
            self.results[i] = reuse[graph.names[i]]  # type: ignore[index]
        keys = parallel_keys(graph) if parallel else sequential_keys(graph)
        self.queue = ReadyQueue(graph, keys, self.reused)
        self.lock = threading.Lock()  # for sleeping and waking, never per task
        self.lane_cond = threading.Condition(self.lock)
        self.driver_cond = threading.Condition(self.lock)
        self.total = n - len(self.reused)
        self.done = itertools.count(1)  # next() is atomic: the task that gets `total` was last
        self.finished = self.total == 0
        self.idle = 0
        self.cancelled = False
        self.cancel_event = threading.Event()
        self.live: dict[int, Job] = {}
        self.deadlines: list[tuple[float, int]] = []
        self.ids = itertools.count()
        self.listener = _Listener(on_event) if on_event is not None else None
        self.emit = self.listener.emitter() if self.listener is not None else None
        self.lanes = Lanes()
        self.crash: BaseException | None = None
        self.root_others = False  # set when the run starts (see _reaches_others)

    # ------------------------------------------------------------------ driver

    def execute(self) -> ProcessResult:
        """Run every task; returns when all have ended (or soon after `cancel()`)."""
        graph, emit = self.graph, self.emit
        started = time()
        with capturing(), frozen_heap():
            if emit is not None:
                names = tuple(graph.names[i] for i in graph.order)
                emit(ev.RunStarted(names, self.mode, self.max_workers, started))
                for i in self.reused:
                    emit(ev.TaskFinished(graph.names[i], self.results[i]))
            self.root_others = has_other_handlers(logging.getLogger())
            try:
                if not self.finished:
                    self.lanes.start(self.lane_loop, self.lane_count)
                    self._drive()
            except BaseException:
                self.cancel()
                self._cancel_rest(grace=0.0)
                raise
            finally:
                flush_logs()
        if self.crash is not None:
            raise RuntimeError("the engine failed while running tasks") from self.crash
        result = self._result(time() - started)
        if emit is not None:
            emit(ev.RunFinished(result))
        return result

    def cancel(self) -> None:
        """No task starts after this; `execute()` returns soon (thread-safe)."""
        with self.lock:
            if self.cancelled:
                return
            self.cancelled = True
            self.cancel_event.set()
            self.lane_cond.notify_all()
            self.driver_cond.notify_all()

    def _drive(self) -> None:
        """Sleep until the run ends, a deadline passes or cancel() is called."""
        lock, deadlines = self.lock, self.deadlines
        while True:
            with lock:
                while not self.finished and not self.cancelled:
                    wait = TICK
                    if deadlines:
                        wait = min(wait, deadlines[0][0] - time())
                        if wait <= 0:
                            break
                    self.driver_cond.wait(wait)
                if self.finished:
                    return
                if self.cancelled:
                    break
                now = time()
                expired = []
                while deadlines and deadlines[0][0] <= now:
                    expired.append(heapq.heappop(deadlines)[1])
            for aid in expired:
                self._time_out(aid)
        self._cancel_rest(CANCEL_GRACE)

    def _time_out(self, aid: int) -> None:
        job = self.live.pop(aid, None)
        if job is None:
            return  # it returned in time
        node, lane = job.node, job.lane
        task, name = self.graph.tasks[node], self.graph.names[node]
        if job.capture is not None:
            job.capture.emit = None  # its late output still goes to its file
        now = time()
        exc = TimeoutError(f"Task {name} timed out after {task.timeout:g} seconds")
        delay = _retry_delay(task, job.number, exc)
        if delay is not None and not self.cancelled:
            self._log_retry(job, task, name, exc, delay, now)
            # The lane's thread is stuck in the call: a new thread takes the lane over.
            self.lanes.spawn(self.lane_loop, lane, (node, job.number + 1, job.first_started, delay))
            return
        self._fail(job, task, name, exc, now)
        self.lanes.spawn(self.lane_loop, lane)

    def _cancel_rest(self, grace: float) -> None:
        """After cancel(): give running tasks `grace` seconds, then close everything."""
        lock = self.lock
        end = time() + grace
        with lock:
            while self.live and not self.finished:
                left = end - time()
                if left <= 0:
                    break
                self.driver_cond.wait(left)
        for aid in list(self.live):
            job = self.live.pop(aid, None)
            if job is not None:
                if job.capture is not None:
                    job.capture.emit = None
                self._end_cancelled(job)
        closed = self.queue.claim_all()
        for i in closed:
            self._finish(i, TaskResult(False, None, None, CANCELLED))
        self._count_done(len(closed))
        with lock:
            while not self.finished and self.crash is None:
                self.driver_cond.wait(TICK)

    def _end_cancelled(self, job: Job) -> None:
        """Close an attempt that was running (or about to run) when the run was cancelled."""
        node, name = job.node, self.graph.names[job.node]
        now = time()
        if job.capture is not None:
            write_log(job.capture.path, format_line(name, "WARNING", f"Cancelled {name}.", now))
        result = TaskResult(
            False,
            None,
            None,
            CANCELLED,
            attempts=job.number,
            started_at=job.first_started,
            finished_at=now if job.first_started is not None else None,
            worker=job.lane if job.first_started is not None else None,
        )
        self._finish(node, result)
        self._count_done(1)

    # ------------------------------------------------------------------- lanes

    def lane_loop(self, lane: int, job: tuple[int, int, float | None, float] | None = None) -> None:
        """What a lane thread runs: take a ready task, run it, repeat."""
        try:
            self._lane(lane, job)
        except BaseException as e:  # an engine bug: stop the run rather than hang it
            self.crash = e
            self.cancel()

    def take(self) -> int:
        """The next ready task, claimed (or -1), for executors that pull without waiting."""
        return -1 if self.cancelled else self.queue.pop()

    def _take(self) -> int:
        """Next ready task for a lane, sleeping until there is one; -1 when it should stop."""
        queue = self.queue
        while True:
            if self.cancelled or self.finished:
                return -1
            i = queue.pop()
            if i >= 0:
                return i
            with self.lock:
                # Count ourselves idle before looking again: a lane that pushes work
                # and then reads `idle` either sees us or we see its work.
                self.idle += 1
                if queue.heap or self.cancelled or self.finished:
                    self.idle -= 1
                    continue
                self.lane_cond.wait()  # whoever wakes us has taken us off `idle`

    def _wake(self) -> None:
        """Tasks became ready: wake idle lanes for all but the one this lane takes."""
        with self.lock:
            extra = min(len(self.queue.heap) - 1, self.idle)
            if extra > 0:
                self.idle -= extra
                self.lane_cond.notify(extra)

    def _count_done(self, count: int) -> None:
        """`count` tasks ended; the one that ends the run wakes everybody."""
        done, total = self.done, self.total
        for _ in range(count):
            if next(done) == total:
                self._end_run()
                return
        if self.cancelled and count:
            with self.lock:
                self.driver_cond.notify_all()

    def _end_run(self) -> None:
        with self.lock:
            self.finished = True
            self.idle = 0
            self.lane_cond.notify_all()
            self.driver_cond.notify_all()

    def _lane(self, lane: int, job: tuple[int, int, float | None, float] | None) -> None:
        """Take a ready task, run its attempts, settle it, take the next one.

        `job` (task, attempt number, first start, delay) resumes a task whose
        previous attempt timed out on a thread that is still stuck in it.
        """
        queue = self.queue
        if job is None:
            node, number, first_started, delay = self._take(), 1, None, 0.0
        else:
            node, number, first_started, delay = job
        while node >= 0:
            current = self.prepare(node, lane, number, first_started)
            while True:  # the attempts of this task
                if delay > 0:
                    self.cancel_event.wait(delay)
                if not self.begin(current):
                    return
                value, exc = self._call(lane, current)
                delay = self.settle(current, value, exc)
                if delay < 0:
                    if delay == ABANDONED:
                        return
                    break
                current.number += 1
            number, first_started, delay = 1, None, 0.0
            node = -1 if self.cancelled or self.finished else queue.pop()
            if node < 0:
                node = self._take()

    def _call(self, lane: int, job: Job) -> tuple[Any, BaseException | None]:
        """Run one attempt on this thread, its output captured (other executors override)."""
        return call_captured(job.func, job.args, job.kwargs, job.capture)

    def prepare(self, node: int, lane: int, number: int = 1, first: float | None = None) -> Job:
        """Read what running task `node` needs (its attributes are read now, per run)."""
        job = Job(node, lane, number, first)
        task = job.task = self.graph.tasks[node]
        job.name = self.graph.names[node]
        job.func, args, kwargs = task.func, task.args, task.kwargs
        binds = self.graph.bindings[node]
        if binds is not None:
            args, kwargs = self._bind(binds, args, kwargs)
        job.args, job.kwargs = args, kwargs
        job.path = _log_path(task)
        job.timeout = task.timeout
        # With handlers outside the engine on the root logger, they see the engine's
        # lines as in 1.x, through the task's logger; otherwise it need not exist.
        logger = task.logger if self.root_others else getattr(task, "_logger", None)
        job.logger = logger
        job.others = logger is not None and _reaches_others(logger, self.root_others)
        return job

    def begin(self, job: Job) -> bool:
        """Start the job's next attempt: register it, log "Starting", announce it.

        Returns False, and closes the task as cancelled, when the run was cancelled.
        """
        live = self.live
        aid = job.id = next(self.ids)
        live[aid] = job
        if self.cancelled:  # checked after registering: cancel() cannot slip between
            if live.pop(aid, None) is not None:
                job.number -= 1  # this attempt never started
                self._end_cancelled(job)
            return False
        t0 = time()
        if job.first_started is None:
            job.first_started = t0
        name, emit = job.name, self.emit
        write_log(job.path, f"{asctime(t0)} - {name} - INFO - Starting {name}.\n")
        if job.others:
            _tell_others(job.logger, name, INFO, f"Starting {name}.", t0)
        listener = self.listener
        if emit is not None and listener is not None:
            emit(ev.TaskStarted(name, job.number, job.lane, t0))
            job.capture = Capture(name, job.path, listener.output_emitter(name))
        else:
            job.capture = Capture(name, job.path, None)
        if job.timeout is not None:
            self._add_deadline(t0 + job.timeout, aid)
        return True

    def settle(self, job: Job, value: Any, exc: BaseException | None) -> float:
        """Record how an attempt ended: the task's result, its log lines, its events
        and its dependants. Returns DONE, ABANDONED, or the delay before a retry."""
        t1 = time()
        if self.live.pop(job.id, None) is None:
            return ABANDONED  # the driver took this attempt over (timeout or cancel)
        node, name = job.node, job.name
        if exc is None:
            write_log(job.path, f"{asctime(t1)} - {name} - INFO - Finished {name}.\n")
            if job.others:
                _tell_others(job.logger, name, INFO, f"Finished {name}.", t1)
            result = _success(value, job.number, job.first_started, t1, job.lane)  # type: ignore[arg-type]
            self.results[node] = result
            if self.emit is not None:
                self.emit(ev.TaskFinished(name, result))
            queue = self.queue
            if queue.succeeded(node) and self.idle and len(queue.heap) > 1:
                self._wake()
            if next(self.done) == self.total:
                self._end_run()
            return DONE
        _trim_traceback(exc)
        task = job.task
        retry_in = _retry_delay(task, job.number, exc)
        if retry_in is not None and not self.cancelled:
            self._log_retry(job, task, name, exc, retry_in, t1)
            return retry_in
        self._fail(job, task, name, exc, t1)
        return DONE

    def _bind(
        self, binds: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The task's own arguments plus its upstream results, as its dependencies say."""
        extra_args = list(args)
        kwargs = dict(kwargs)
        external = self.graph.external
        results = self.results
        for source, positional, keyword in binds:
            value = source if external else results[source].result  # type: ignore[union-attr]
            if positional:
                extra_args.append(value)
            if keyword is not None:
                kwargs[keyword] = value
        return tuple(extra_args), kwargs

    def _add_deadline(self, deadline: float, aid: int) -> None:
        with self.lock:
            earliest = not self.deadlines or deadline < self.deadlines[0][0]
            heapq.heappush(self.deadlines, (deadline, aid))
            if earliest:
                self.driver_cond.notify_all()

    def _log_retry(
        self, job: Job, task: Any, name: str, exc: BaseException, delay: float, t: float
    ) -> None:
        total = task.retries + 1
        message = (
            f"Attempt {job.number} of {total} of {name} failed: "
            f"{type(exc).__name__}: {exc}. Retrying in {delay:g} s."
        )
        write_log(job.path, format_line(name, "WARNING", message, t))

    def _fail(self, job: Job, task: Any, name: str, exc: BaseException, t: float) -> None:
        """Log a failure as 1.x does, then record it and skip the descendants."""
        node = job.node
        text, trace = format_record(name, ERROR, exc, exc, t)
        write_log(job.path, text)
        logger = task.logger
        if isinstance(logger, logging.Logger):
            _tell_others(logger, name, ERROR, exc, t, exc)
        result = TaskResult(
            False,
            None,
            exc,
            FAILED,
            attempts=job.number,
            started_at=job.first_started,
            finished_at=t,
            worker=job.lane,
            error=trace,
        )
        self._finish(node, result)
        skipped = self.queue.failed(node)
        for i in skipped:
            self._finish(i, TaskResult(False, None, None, SKIPPED, skipped_because=name))
        self._count_done(1 + len(skipped))

    def _finish(self, node: int, result: TaskResult) -> None:
        self.results[node] = result
        if self.emit is not None:
            self.emit(ev.TaskFinished(self.graph.names[node], result))

    # ----------------------------------------------------------------- results

    def _result(self, wall: float) -> ProcessResult:
        graph = self.graph
        names = graph.names
        results: dict[str, TaskResult] = {}
        for i in graph.order:
            r = self.results[i]
            if r is None:  # only reachable if a lane died unexpectedly
                r = TaskResult(False, None, None, CANCELLED)
            results[names[i]] = r
        passed = {k: r for k, r in results.items() if r.status is SUCCESS}
        failed = {k for k, r in results.items() if r.status in (FAILED, SKIPPED)}
        return ProcessResult(
            passed,
            failed,
            results=results,
            wall_seconds=wall,
            mode=self.mode,
            max_workers=self.max_workers,
            dependencies=_Upstream(graph),
            reused=[names[i] for i in self.reused],
        )


class _Upstream(Mapping[str, list[str]]):
    """Task name -> upstream task names, read from the graph only when asked."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph

    def __getitem__(self, name: str) -> list[str]:
        g = self._graph
        return [g.names[j] for j in g.upstream[g.index[name]]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._graph.names)

    def __len__(self) -> int:
        return len(self._graph.names)


_new = object.__new__
_CALL_CODE = call_captured.__code__


def _success(value: Any, attempts: int, started: float, finished: float, lane: int) -> TaskResult:
    """A successful TaskResult, built without keyword parsing (once per task)."""
    r = _new(TaskResult)
    r.worked = True
    r.result = value
    r.exception = None
    r.status = SUCCESS
    r.attempts = attempts
    r.started_at = started
    r.finished_at = finished
    r.duration = finished - started
    r.worker = lane
    r.error = None
    r.skipped_because = None
    return r


def _reaches_others(logger: Any, root_others: bool) -> bool:
    """Whether a task logger's records reach handlers that are not the engine's.

    The usual task logger (only its own file handler, directly under the root
    logger) is answered from `root_others`, computed once per lane.
    """
    if type(logger) is not logging.Logger and not isinstance(logger, logging.Logger):
        return False
    handlers = logger.handlers
    if (
        len(handlers) == 1
        and type(handlers[0]) is TaskFileHandler
        and logger.parent is logging.root
        and logger.propagate
    ):
        return root_others
    return has_other_handlers(logger)


def _retry_delay(task: Any, number: int, exc: BaseException) -> float | None:
    """Seconds to wait before attempt `number + 1`, or None when there is none."""
    if number > task.retries or not isinstance(exc, task.retry_on):
        return None
    return float(task.retry_delay) * (2 ** (number - 1))


def _log_path(task: Any) -> str:
    """The task's log path made absolute; cached on the task while `log_path` is unchanged."""
    cached = getattr(task, "_abs_log_path", None)
    if cached is not None and cached[0] is task.log_path:
        return cached[1]
    path = os.path.abspath(os.fspath(task.log_path))
    task._abs_log_path = (task.log_path, path)
    return path


def _trim_traceback(exc: BaseException) -> None:
    """Start the traceback at the task's function, not in the engine."""
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code is _CALL_CODE:
        exc.__traceback__ = tb.tb_next


def _tell_others(
    logger: logging.Logger,
    name: str,
    level: int,
    message: Any,
    t: float,
    exc: BaseException | None = None,
) -> None:
    """Hand an engine line to non-engine handlers, as a 1.x `logger` call would have."""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logger.makeRecord(logger.name, level, __file__, 0, message, (), exc_info)
    record.created = t
    record.msecs = int((t - int(t)) * 1000) + 0.0
    record.name = name
    with contextlib.suppress(Exception):  # a broken user handler must not break the run
        dispatch_to_others(logger, record)


_reported: set[str] = set()
_reported_lock = threading.Lock()


def _report_write_error(path: str, error: OSError) -> None:
    _report_once(path, f"cannot write the log file {path}: {error}")


def _report_once(key: str, message: str) -> None:
    with _reported_lock:
        if key in _reported:
            return
        _reported.add(key)
    record = _engine_logger.makeRecord(_engine_logger.name, WARNING, __file__, 0, message, (), None)
    dispatch_to_others(_engine_logger, record)


class _Listener:
    """The run's `on_event`: its own output is not a task's, and its errors never stop
    the run (the first one is reported, later ones are ignored)."""

    __slots__ = ("failed", "on_event")

    def __init__(self, on_event: Callable[[Any], Any]) -> None:
        self.on_event = on_event
        self.failed = False

    def report(self) -> None:
        """Called in an `except` block: log the listener's first error."""
        if self.failed:
            return
        self.failed = True
        record = _engine_logger.makeRecord(
            _engine_logger.name,
            ERROR,
            __file__,
            0,
            f"on_event listener {self.on_event!r} raised; later errors from it are ignored",
            (),
            sys.exc_info(),
        )
        dispatch_to_others(_engine_logger, record)

    def emitter(self) -> Callable[[Any], None]:
        """A function that sends one event."""
        on_event, report = self.on_event, self.report

        def emit(event: Any) -> None:
            token = set_current(None)
            try:
                on_event(event)
            except Exception:
                report()
            finally:
                reset_current(token)

        return emit

    def output_emitter(self, name: str) -> Callable[[str, int, float], None]:
        """The `Capture.emit` of an attempt of `name`: one `TaskOutput` per log entry.

        It runs for every printed line, so it does `emit`'s work itself instead of
        calling it, and makes the event with `tuple.__new__`, without a Python frame
        (600 ns per line with a frozen dataclass and `emit`, 200 ns like this).
        """
        on_event, report = self.on_event, self.report
        new, task_output = tuple.__new__, ev.TaskOutput

        def output(text: str, level: int, t: float) -> None:
            token = set_current(None)
            try:
                on_event(new(task_output, (name, text, level, t)))
            except Exception:
                report()
            finally:
                reset_current(token)

        return output


WRITER.on_error = _report_write_error
