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

import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

__all__ = ["BATCH_INTERVAL_MS", "RunController"]

#: How often queued events reach the GUI: often enough to feel live, rarely enough to batch.
BATCH_INTERVAL_MS = 60
#: Upper bound of events handled per delivery, so one delivery never freezes the GUI.
MAX_EVENTS_PER_DRAIN = 50_000


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


class _RunJob(QRunnable):
    """Calls ``Process.run`` once per phase; never touches a widget."""

    def __init__(
        self,
        process: Any,
        phases: list[_Phase],
        events: deque[Any],
        wake: _Wake,
        cancelled: threading.Event,
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._process = process
        self._phases = phases
        self._events = events
        self._wake = wake
        self._cancelled = cancelled

    def _on_event(self, event: Any) -> None:
        # Called from the engine's threads: append only (deque.append is atomic).
        self._events.append(event)
        if type(event).__name__ == "RunStarted" and self._cancelled.is_set():
            # A cancel that raced with the start of run() must still win.
            self._process.cancel()

    def run(self) -> None:  # worker thread
        results: list[Any] = []
        try:
            for phase in self._phases:
                if self._cancelled.is_set():
                    break
                workers = int(phase.kwargs.get("max_workers") or 1)
                self._events.append(_PhaseStart(phase.mode, workers))
                result = self._process.run(on_event=self._on_event, **phase.kwargs)
                results.append(result)
                self._events.append(_PhaseDone(phase.mode, result))
        except BaseException:  # the GUI must hear about any failure, not just Exception
            self._events.append(_JobError(traceback.format_exc()))
        finally:
            self._events.append(_JobDone(results))
            self._wake.wake.emit()


class RunController(QObject):
    """Owns one run (or one sequential-then-parallel comparison) at a time.

    Signals are emitted in the GUI thread, in the engine's event order:

    - ``started(str)``: once per :meth:`start` / :meth:`start_compare`, with
      ``"sequential"``, ``"parallel"``, ``"auto"`` or ``"compare"``.
    - ``phase_started(str, int)``: before each engine run: mode and max_workers.
    - ``run_started(object)``: the engine's ``RunStarted`` event.
    - ``task_started(object)``: ``TaskStarted(task, attempt, worker, time)``.
    - ``output(list)``: a batch of ``TaskOutput(task, line, level, time)`` events.
    - ``task_finished(object)``: ``TaskFinished(task, result)``.
    - ``run_finished(object)``: the ``ProcessResult`` of each engine run (each phase).
    - ``compare_finished(object, object)``: sequential and parallel ``ProcessResult``.
    - ``error(str)``: ``Process.run`` raised; the traceback text.
    - ``finished(object)``: the last ``ProcessResult`` (``None`` if none); always last.
    - ``running_changed(bool)``.
    """

    started = Signal(str)
    phase_started = Signal(str, int)
    run_started = Signal(object)
    task_started = Signal(object)
    output = Signal(list)
    task_finished = Signal(object)
    run_finished = Signal(object)
    compare_finished = Signal(object, object)
    error = Signal(str)
    finished = Signal(object)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._events: deque[Any] = deque()
        self._wake = _Wake(self)
        self._wake.wake.connect(self._drain)
        self._timer = QTimer(self)
        self._timer.setInterval(BATCH_INTERVAL_MS)
        self._timer.timeout.connect(self._drain)
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
            "TaskOutput": None,  # batched, handled inline
            "TaskStarted": self.task_started,
            "TaskFinished": self.task_finished,
            "RunStarted": self.run_started,
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
    ) -> None:
        """Start ``process.run(...)`` in the background; returns at once."""
        kwargs: dict[str, Any] = {"parallel": parallel, "max_workers": max_workers}
        if resume_from is not None:
            kwargs["resume_from"] = resume_from
        if parallel is None:
            mode = "auto"
        else:
            mode = "parallel" if parallel and max_workers > 1 else "sequential"
        self._launch(process, [_Phase(mode, kwargs)], mode, compare=False)

    def start_compare(self, process: Any, *, max_workers: int = 4) -> None:
        """Run ``process`` sequentially, then in parallel; ``compare_finished`` gets both."""
        phases = [
            _Phase("sequential", {"parallel": False, "max_workers": 1}),
            _Phase("parallel", {"parallel": True, "max_workers": max_workers}),
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
        self._events = deque()
        self._cancelled = threading.Event()
        self._process = process
        self._mode = mode
        self._phase = ""
        self._compare = compare
        self._phase_results: list[Any] = []
        self._running = True
        self._started_at = time.time()
        self._job = _RunJob(process, phases, self._events, self._wake, self._cancelled)
        self.started.emit(mode)
        self.running_changed.emit(True)
        self._timer.start()
        self._pool.start(self._job)

    @Slot()
    def _drain(self) -> None:
        """Deliver queued events in order, coalescing runs of TaskOutput into batches."""
        events = self._events
        batch: list[Any] = []
        dispatch = self._dispatch
        for _ in range(min(len(events), MAX_EVENTS_PER_DRAIN)):
            event = events.popleft()
            name = type(event).__name__
            if name == "TaskOutput":
                batch.append(event)
                continue
            if batch:
                self.output.emit(batch)
                batch = []
            signal = dispatch.get(name)
            if signal is not None:
                signal.emit(event)
            elif isinstance(event, _PhaseStart):
                self._phase = event.mode
                self.phase_started.emit(event.mode, event.max_workers)
            elif isinstance(event, _PhaseDone):
                self._phase_results.append(event.result)
                self._last_result = event.result
                self.run_finished.emit(event.result)
            elif isinstance(event, _JobError):
                self.error.emit(event.text)
            elif isinstance(event, _JobDone):
                if batch:
                    self.output.emit(batch)
                    batch = []
                # A handler of ``finished`` may start the next run, with a new queue;
                # a thread stuck in a cancelled task can only write to the old one.
                self._finish(event)
                return
            # RunFinished and unknown events: the ProcessResult arrives via _PhaseDone
        if batch:
            self.output.emit(batch)

    def _finish(self, done: _JobDone) -> None:
        self._timer.stop()
        self._running = False
        self._phase = ""
        self._job = None
        results = list(done.results)
        if self._compare and len(results) == 2:
            self.compare_finished.emit(results[0], results[1])
        self.running_changed.emit(False)
        self.finished.emit(results[-1] if results else None)
