"""Engine events mirrored onto the canvas, and the words the status bar uses for a run.

The canvas only draws what it is told (`WorkflowScene.set_task_status`); this
module decides what to tell it: every task pending when a run starts, a running
task's elapsed time ticking on its card, the final duration on a finished one,
the exception type on a failed one and the failed upstream on a skipped one.
It also keeps each task's last `TaskResult` for the Inspector.

Statuses are painted by task name. The engine runs a snapshot of the workflow
(the `Process` built when Run was pressed), so a task renamed or deleted during
a run simply has no card to paint, and nothing breaks.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from taskflow_core.compare import format_seconds

from taskflow_gui.status_style import (
    CANCELLED,
    FAILED,
    RUNNING,
    SKIPPED,
    SUCCEEDED,
    status_key,
)

__all__ = [
    "TICK_MS",
    "RunStatusMirror",
    "finished_detail",
    "outcome_counts",
    "progress_text",
    "running_detail",
    "summary_text",
]

#: How often the elapsed time on running cards is redrawn.
TICK_MS = 250


class StatusCanvas(Protocol):
    """What the mirror needs from the scene."""

    def set_task_status(self, name: str, status: str, detail: str = "") -> None: ...

    def clear_statuses(self) -> None: ...


def running_detail(seconds: float, attempt: int = 1) -> str:
    """Badge text of a running card: "running 1.2 s" (with the attempt on a retry)."""
    text = f"running {max(0.0, seconds):.1f} s"
    return f"attempt {attempt} · {text}" if attempt > 1 else text


def exception_name(result: Any) -> str:
    """The failed task's exception type ("ConnectionError"), read from the traceback if need be."""
    exc = getattr(result, "exception", None)
    if exc is not None:
        return type(exc).__name__
    error = getattr(result, "error", None) or ""
    last = next((ln for ln in reversed(error.splitlines()) if ln.strip()), "")
    name = last.split(":", 1)[0].strip()
    return name.rsplit(".", 1)[-1] if name.replace(".", "").isidentifier() else "failed"


def finished_detail(result: Any, *, reused: bool = False) -> str:
    """Badge text of a finished card: "1.23 s", "ValueError", "skipped: fetch_users", ..."""
    key = status_key(getattr(result, "status", None))
    if key == SUCCEEDED:
        if reused:
            return "reused"
        duration = getattr(result, "duration", None)
        return f"{duration:.2f} s" if duration is not None else "done"
    if key == FAILED:
        return exception_name(result)
    if key == SKIPPED:
        upstream = getattr(result, "skipped_because", None)
        return f"skipped: {upstream}" if upstream else "skipped"
    if key == CANCELLED:
        return "cancelled"
    return ""


def outcome_counts(result: Any) -> dict[str, int]:
    """How many tasks of a `ProcessResult` ended in each status key."""
    counts = {SUCCEEDED: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0}
    for task_result in (getattr(result, "results", None) or {}).values():
        key = status_key(getattr(task_result, "status", None))
        if key in counts:
            counts[key] += 1
    return counts


def _counts_phrase(counts: dict[str, int]) -> str:
    parts = [f"{counts[k]} {k}" for k in (SUCCEEDED, FAILED, SKIPPED, CANCELLED) if counts[k]]
    return ", ".join(parts) or "no tasks"


def _mode_phrase(mode: str, workers: int) -> str:
    if mode == "parallel":
        return f"Parallel run ({workers} worker{'s' * (workers != 1)})"
    return "Sequential run" if mode == "sequential" else "Run"


def progress_text(done: int, total: int, *, mode: str, phase: str = "", workers: int = 1) -> str:
    """The status bar while tasks run: "Running in parallel (4 workers): 3/7 tasks done…"."""
    noun = f"{workers} worker{'s' * (workers != 1)}"
    if mode == "compare":
        which = {"sequential": "sequential run", "parallel": f"parallel run, {noun}"}
        return f"Comparing ({which.get(phase, 'starting')}): {done}/{total} tasks done…"
    how = f"in parallel ({noun})" if mode == "parallel" else "sequentially"
    return f"Running {how}: {done}/{total} tasks done…"


def summary_text(result: Any, *, cancelled: bool = False) -> str:
    """One sentence for the status bar once a run is over."""
    if result is None:
        return "The run ended without a result."
    counts = outcome_counts(result)
    mode = str(getattr(result, "mode", "") or "")
    workers = int(getattr(result, "max_workers", 1) or 1)
    seconds = format_seconds(float(getattr(result, "wall_seconds", 0.0) or 0.0))
    head = _mode_phrase(mode, workers)
    if cancelled or counts[CANCELLED]:
        return f"{head} cancelled after {seconds}: {_counts_phrase(counts)}."
    text = f"{head} took {seconds}: {_counts_phrase(counts)}."
    if counts[FAILED] or counts[SKIPPED]:
        text += " Re-run Failed runs only the failed and skipped tasks again."
    return text


class RunStatusMirror(QObject):
    """Paints one `RunController`'s events onto a canvas and remembers the results.

    `detach()` stops painting until the next run starts (another project was
    opened: its cards must not receive the old run's statuses).
    """

    resultChanged = Signal(str)
    """A task's result arrived (its name), or "" when all results were cleared."""
    progressChanged = Signal()
    """A task started or finished; `done`, `total` and `running` changed."""

    def __init__(self, canvas: StatusCanvas, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.results: dict[str, Any] = {}
        self.total = 0
        self.done = 0
        self._running: dict[str, tuple[float, int]] = {}  # name -> (started at, attempt)
        self._ran: set[str] = set()  # started in this engine run (others were reused)
        self._active = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

    # -- wiring ------------------------------------------------------------------------
    def connect_controller(self, controller: Any) -> None:
        controller.started.connect(self._on_started)
        controller.run_started.connect(self.on_run_started)
        controller.task_started.connect(self.on_task_started)
        controller.task_finished.connect(self.on_task_finished)
        controller.finished.connect(self._on_finished)
        self._controller = controller

    _controller: Any = None

    @property
    def running(self) -> list[str]:
        """Tasks running now, in the order they started."""
        return list(self._running)

    def detach(self) -> None:
        """Stop painting (and forget the results) until the next run starts."""
        self._active = False
        self._timer.stop()
        self._running.clear()
        self.results.clear()
        self.resultChanged.emit("")

    # -- events ------------------------------------------------------------------------
    @Slot(str)
    def _on_started(self, _mode: str) -> None:
        self._active = True
        process = getattr(self._controller, "process", None)
        self.begin(_task_names(process))

    def begin(self, names: Iterable[str]) -> None:
        """A run (or one phase of a comparison) begins: every task pending."""
        names = list(names)
        self.canvas.clear_statuses()
        for name in names:
            self.canvas.set_task_status(name, "pending")
        self.results.clear()
        self._running.clear()
        self._ran.clear()
        self.total = len(names)
        self.done = 0
        self._timer.stop()
        self.resultChanged.emit("")
        self.progressChanged.emit()

    @Slot(object)
    def on_run_started(self, event: Any) -> None:
        if self._active:
            self.begin(getattr(event, "tasks", ()) or ())

    @Slot(object)
    def on_task_started(self, event: Any) -> None:
        if not self._active:
            return
        name = event.task
        attempt = int(getattr(event, "attempt", 1) or 1)
        started = float(getattr(event, "time", None) or time.time())
        self._running[name] = (started, attempt)
        self._ran.add(name)
        self.canvas.set_task_status(name, RUNNING, running_detail(time.time() - started, attempt))
        if not self._timer.isActive():
            self._timer.start()
        self.progressChanged.emit()

    @Slot(object)
    def on_task_finished(self, event: Any) -> None:
        if not self._active:
            return
        name, result = event.task, event.result
        self._running.pop(name, None)
        self.results[name] = result
        self.done += 1
        reused = name not in self._ran
        self.canvas.set_task_status(
            name, status_key(result.status), finished_detail(result, reused=reused)
        )
        if not self._running:
            self._timer.stop()
        self.resultChanged.emit(name)
        self.progressChanged.emit()

    @Slot()
    def tick(self) -> None:
        """Advance the elapsed time shown on every running card."""
        now = time.time()
        for name, (started, attempt) in list(self._running.items()):
            self.canvas.set_task_status(name, RUNNING, running_detail(now - started, attempt))

    @Slot(object)
    def _on_finished(self, _result: Any) -> None:
        self._timer.stop()
        if self._active:  # only if the engine itself broke down: nothing runs any more
            for name in self._running:
                self.canvas.set_task_status(name, CANCELLED, "stopped")
        self._running.clear()


def _task_names(process: Any) -> list[str]:
    tasks = getattr(process, "tasks", None) or ()
    return [str(t.name) for t in tasks if getattr(t, "name", None)]
