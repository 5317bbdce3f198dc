"""Run the engine off the GUI thread and bring its events back as Qt signals.

The engine's ``Process.run`` blocks and calls ``on_event`` from its worker threads.
A ``QRunnable`` on a private ``QThreadPool`` calls it; the callback only appends
to a thread-safe queue, and the GUI thread drains that queue on a short timer.
This keeps three promises: no widget is ever touched from a worker thread; a
flood of log lines arrives as a few batched ``output`` signals rather than one
signal per line; and events keep their order (a task's last lines arrive before
its ``task_finished``).

Typical wiring::

    controller = RunController(parent)
    log_dock.connect_controller(controller)
    timings_dock.connect_controller(controller)
    controller.start(process, parallel=True, max_workers=4)
    ...
    controller.cancel()
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from taskflow_core.events import RunStarted, TaskFinished, TaskOutput, TaskStarted

__all__ = ["BATCH_INTERVAL_MS", "LINE_ROW", "MAX_LINES_PER_DELIVERY", "RunController"]

#: ``TaskOutput`` -> ``(time, task, level, line)``, done in C on the engine's thread: the
#: GUI thread then does no work per line, and tuples of plain values are not scanned by
#: the garbage collector once it has seen them (a long log would slow every collection).
LINE_ROW = attrgetter("time", "task", "level", "line")

#: How often queued events reach the GUI: often enough to feel live, rarely enough to batch.
BATCH_INTERVAL_MS = 50
#: A GUI thread that has not run Python for this long is starved of the GIL by chatty
#: tasks; those then pause for YIELD_SECONDS after a line so that it gets a turn. The GUI
#: thread says it is alive every HEARTBEAT_MS, so starvation is seen within
#: STARVED_AFTER rather than only when a delivery is overdue.
STARVED_AFTER = 0.03
YIELD_SECONDS = 0.001
HEARTBEAT_MS = 10
#: The interpreter's GIL switch interval while a run goes on (Python's default is 5 ms):
#: a thread that asks for the GIL waits about this long before the holder lets go, and
#: the GUI thread asks every time Qt calls into Python.
RUN_SWITCH_INTERVAL = 0.001
#: Lines handed to the views per delivery at most; the rest waits for the next one, so
#: that falling behind never turns into one long freeze.
MAX_LINES_PER_DELIVERY = 20_000


# Markers the job puts in the event queue around each engine run.
@dataclass(frozen=True)
class _PhaseStart:
    mode: str
    max_workers: int


@dataclass(frozen=True)
class _PhaseDone:
    mode: str
    result: Any


@dataclass(frozen=True)
class _JobError:
    text: str


@dataclass(frozen=True)
class _JobDone:
    results: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _Phase:
    mode: str
    kwargs: dict[str, Any]


class _Wake(QObject):
    """Lives in the GUI thread; the job emits ``wake`` (queued) to request a drain."""

    wake = Signal()


class _EventStream:
    """Events of one job: written by the engine's threads, read by the GUI thread.

    Log lines are most of the traffic, so they cost the writer one ``list.append``
    and the reader one slice per batch: no Python work per line on the GUI thread,
    which matters because the GUI thread shares the GIL with every task. Every
    other event is queued with the number of lines written before it, which is
    how the reader keeps the engine's order.

    The GIL is not fair: a thread that waits in an event loop and needs it for a
    moment at a time (the GUI) can be kept waiting for hundreds of milliseconds by
    threads that never stop running Python (tasks printing in a loop). So the
    GUI thread stamps ``delivered_at`` on every delivery and heartbeat, and a writer
    that sees the stamp grow old sleeps a millisecond after its line, leaving the GIL
    to the GUI.
    Tasks slow down only while the GUI is starved, never otherwise.
    """

    COMPACT_AT = 50_000

    def __init__(self) -> None:
        self.lines: list[Any] = []
        self.others: deque[tuple[int, Any]] = deque()
        self.lock = threading.Lock()
        self.read = 0  # lines[:read] have been delivered
        self.delivered_at = time.monotonic()  # last time the GUI thread ran Python

    def put(self, event: Any) -> None:
        """Queue a non-line event (any thread)."""
        with self.lock:
            self.others.append((len(self.lines), event))

    def writer(self, process: Any, cancelled: threading.Event) -> Any:
        """The ``on_event`` callback handed to ``Process.run``."""
        lines_append = self.lines.append
        line_row = LINE_ROW
        put = self.put
        clock, sleep = time.monotonic, time.sleep

        def on_event(event: Any) -> None:
            if type(event) is TaskOutput:
                lines_append(line_row(event))
                if clock() - self.delivered_at > STARVED_AFTER:
                    sleep(YIELD_SECONDS)  # let the starved GUI thread have the GIL
                return
            put(event)
            if type(event) is RunStarted and cancelled.is_set():
                # A cancel that raced with the start of run() must still win.
                process.cancel()

        return on_event

    def take(self, max_lines: int) -> tuple[list[tuple[int, Any]], int]:
        """Events ready for delivery, and up to where lines may be delivered with them."""
        available = min(len(self.lines), self.read + max_lines)
        ready: list[tuple[int, Any]] = []
        with self.lock:
            others = self.others
            while others and others[0][0] <= available:
                ready.append(others.popleft())
        return ready, available

    def compact(self) -> None:
        """Forget delivered lines so a long run does not keep them all."""
        with self.lock:
            done = self.read
            del self.lines[:done]
            others = self.others
            for i in range(len(others)):
                position, event = others[i]
                others[i] = (position - done, event)
            self.read = 0


class _RunJob(QRunnable):
    """Calls ``Process.run`` once per phase; never touches a widget."""

    def __init__(
        self,
        process: Any,
        phases: list[_Phase],
        stream: _EventStream,
        wake: _Wake,
        cancelled: threading.Event,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._process = process
        self._phases = phases
        self._stream = stream
        self._wake = wake
        self._cancelled = cancelled

    def run(self) -> None:  # worker thread
        results: list[Any] = []
        stream = self._stream
        on_event = stream.writer(self._process, self._cancelled)
        try:
            for phase in self._phases:
                if self._cancelled.is_set():
                    break
                workers = int(phase.kwargs.get("max_workers") or 1)
                stream.put(_PhaseStart(phase.mode, workers))
                result = self._process.run(on_event=on_event, **phase.kwargs)
                results.append(result)
                stream.put(_PhaseDone(phase.mode, result))
        except BaseException:  # the GUI must hear about any failure, not just Exception
            stream.put(_JobError(traceback.format_exc()))
        finally:
            stream.put(_JobDone(results))
            self._wake.wake.emit()


class RunController(QObject):
    """Owns one run (or one sequential-then-parallel comparison) at a time.

    Signals are emitted in the GUI thread, in the engine's event order:

    - ``started(str)``: once per :meth:`start` / :meth:`start_compare`, with
      ``"sequential"``, ``"parallel"``, ``"auto"`` or ``"compare"``.
    - ``phase_started(str, int)``: before each engine run: mode and max_workers.
    - ``run_started(object)``: the engine's ``RunStarted`` event.
    - ``task_started(object)``: ``TaskStarted(task, attempt, worker, time)``.
    - ``output(object)``: a list of log lines, each a ``(time, task, level, line)`` tuple
      (the fields of ``TaskOutput``, see :data:`LINE_ROW`). Declared ``object``: a
      ``Signal(list)`` would convert every element on each emit.
    - ``task_finished(object)``: ``TaskFinished(task, result)``.
    - ``run_finished(object)``: the ``ProcessResult`` of each engine run (each phase).
    - ``compare_finished(object, object)``: sequential and parallel ``ProcessResult``.
    - ``delivered()``: after each delivery of one or more events, so views can redraw
      once per delivery instead of once per event.
    - ``error(str)``: ``Process.run`` raised; the traceback text.
    - ``finished(object)``: the last ``ProcessResult`` (``None`` if none); always last.
    - ``running_changed(bool)``.
    """

    started = Signal(str)
    phase_started = Signal(str, int)
    run_started = Signal(object)
    task_started = Signal(object)
    output = Signal(object)
    task_finished = Signal(object)
    run_finished = Signal(object)
    compare_finished = Signal(object, object)
    delivered = Signal()
    error = Signal(str)
    finished = Signal(object)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._stream = _EventStream()
        self._wake = _Wake(self)
        self._wake.wake.connect(self._drain)
        self._timer = QTimer(self)
        self._timer.setInterval(BATCH_INTERVAL_MS)
        self._timer.timeout.connect(self._drain)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(HEARTBEAT_MS)
        self._heartbeat.timeout.connect(self._beat)
        self._switch_interval = sys.getswitchinterval()
        self._cancelled = threading.Event()
        self._job: _RunJob | None = None
        self._process: Any = None
        self._running = False
        self._mode = ""
        self._phase = ""
        self._compare = False
        self._last_result: Any = None
        self._started_at: float | None = None
        self._dispatch = {
            TaskStarted: self.task_started,
            TaskFinished: self.task_finished,
            RunStarted: self.run_started,
        }

    # -- public API -------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """True from :meth:`start` until ``finished`` has been emitted."""
        return self._running

    @property
    def is_cancelling(self) -> bool:
        """True once :meth:`cancel` was called during the current run."""
        return self._running and self._cancelled.is_set()

    @property
    def mode(self) -> str:
        """What the current or last start asked for (``"compare"`` for a comparison)."""
        return self._mode

    @property
    def phase(self) -> str:
        """``"sequential"`` or ``"parallel"`` while an engine run is going on."""
        return self._phase

    @property
    def process(self) -> Any:
        """The engine Process of the current or last run."""
        return self._process

    @property
    def last_result(self) -> Any:
        """The last ``ProcessResult`` delivered, for "Re-run failed" (``resume_from``)."""
        return self._last_result

    @property
    def started_at(self) -> float | None:
        """Epoch seconds at which the current or last run was started."""
        return self._started_at

    def start(
        self,
        process: Any,
        *,
        parallel: bool | None,
        max_workers: int = 4,
        resume_from: Any = None,
        executor: str = "threads",
        dask_address: str | None = None,
    ) -> None:
        """Start ``process.run(...)`` in the background; returns at once."""
        kwargs: dict[str, Any] = {"parallel": parallel, "max_workers": max_workers}
        kwargs.update(_where(executor, dask_address))
        if resume_from is not None:
            kwargs["resume_from"] = resume_from
        if parallel is None:
            mode = "auto"
        else:
            mode = "parallel" if parallel and max_workers > 1 else "sequential"
        self._launch(process, [_Phase(mode, kwargs)], mode, compare=False)

    def start_compare(
        self,
        process: Any,
        *,
        max_workers: int = 4,
        executor: str = "threads",
        dask_address: str | None = None,
    ) -> None:
        """Run ``process`` sequentially, then in parallel; ``compare_finished`` gets both."""
        where = _where(executor, dask_address)
        phases = [
            _Phase("sequential", {"parallel": False, "max_workers": 1, **where}),
            _Phase("parallel", {"parallel": True, "max_workers": max_workers, **where}),
        ]
        self._launch(process, phases, "compare", compare=True)

    @Slot()
    def cancel(self) -> None:
        """Ask the engine to stop: no task starts after this; ``finished`` follows soon."""
        if not self._running or self._process is None:
            return
        self._cancelled.set()
        self._process.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel and wait for the background run to end (window closing); True if it did."""
        self.cancel()
        done = self._pool.waitForDone(timeout_ms)
        self._drain()
        return done

    # -- internals --------------------------------------------------------------------

    def _launch(self, process: Any, phases: list[_Phase], mode: str, *, compare: bool) -> None:
        if self._running:
            raise RuntimeError("A run is already in progress; cancel it or wait for it to end")
        self._stream = _EventStream()
        self._cancelled = threading.Event()
        self._process = process
        self._mode = mode
        self._phase = ""
        self._compare = compare
        self._running = True
        self._started_at = time.time()
        self._job = _RunJob(process, phases, self._stream, self._wake, self._cancelled)
        self.started.emit(mode)
        self.running_changed.emit(True)
        self._timer.start()
        self._heartbeat.start()
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, RUN_SWITCH_INTERVAL))
        self._pool.start(self._job)

    @Slot()
    def _beat(self) -> None:
        self._stream.delivered_at = time.monotonic()

    @Slot()
    def _drain(self) -> None:
        """Deliver what the engine sent since the last call, in the engine's order."""
        stream = self._stream
        stream.delivered_at = time.monotonic()
        ready, available = stream.take(MAX_LINES_PER_DELIVERY)
        lines = stream.lines
        position = stream.read
        dispatch = self._dispatch
        for before, event in ready:
            if before > position:
                self.output.emit(lines[position:before])
                position = stream.read = before
            signal = dispatch.get(type(event))
            if signal is not None:
                signal.emit(event)
            elif isinstance(event, _PhaseStart):
                self._phase = event.mode
                self.phase_started.emit(event.mode, event.max_workers)
            elif isinstance(event, _PhaseDone):
                self._last_result = event.result
                self.run_finished.emit(event.result)
            elif isinstance(event, _JobError):
                self.error.emit(event.text)
            elif isinstance(event, _JobDone):
                self.delivered.emit()
                # A handler of ``finished`` may start the next run, with a new stream;
                # a thread stuck in a cancelled task can only write to the old one.
                self._finish(event)
                return
            # RunFinished: the ProcessResult arrives with _PhaseDone, after run() returned
        if available > position:
            self.output.emit(lines[position:available])
            stream.read = available
        if ready or available > position:
            self.delivered.emit()
        if stream.read >= stream.COMPACT_AT:
            stream.compact()

    def _finish(self, done: _JobDone) -> None:
        self._timer.stop()
        self._heartbeat.stop()
        sys.setswitchinterval(self._switch_interval)
        self._running = False
        self._phase = ""
        self._job = None
        results = list(done.results)
        if self._compare and len(results) == 2:
            self.compare_finished.emit(results[0], results[1])
        self.running_changed.emit(False)
        self.finished.emit(results[-1] if results else None)


def _where(executor: str, dask_address: str | None) -> dict[str, Any]:
    """The executor arguments of ``process.run``; none for threads, the engine's default."""
    if executor == "threads":
        return {}
    return {"executor": executor, "dask_address": dask_address or None}
