"""Running from the designer: Run, Cancel, Re-run Failed and Compare, wired to the window.

`RunFlow` owns the `RunController` (the engine on a worker thread), the Log,
Timings and Compare docks, and the canvas mirror; the main window only creates
it and asks it before closing.

Before a run the callables are resolved (asking first about modules whose
top-level code has not run in this process yet) and `problems(resolve=True)` is
checked; a workflow with problems does not start, and the Problems dock says why.

Edits during a run: the engine runs a snapshot, the `Process` built from the
workflow when Run was pressed. Editing stays allowed and never reaches the
running tasks; statuses are painted by name, so a task renamed or deleted
meanwhile just has no card to paint. Opening another project cancels the run.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDockWidget, QLabel
from taskflow_core.discovery import modules_to_import
from taskflow_core.resolve import ResolveError
from taskflow_core.workflow import WorkflowError

from taskflow_gui import dialogs
from taskflow_gui.compare import CompareDock
from taskflow_gui.docks.log import LogDock
from taskflow_gui.docks.timings import TimingsDock
from taskflow_gui.executor_choice import ExecutorChoice
from taskflow_gui.run_actions import RunActions
from taskflow_gui.run_status import (
    RunStatusMirror,
    outcome_counts,
    progress_text,
    summary_text,
)
from taskflow_gui.runner import RunController
from taskflow_gui.status_style import (
    CANCELLED,
    FAILED,
    SKIPPED,
    SUCCEEDED,
    status_color,
    status_key,
)

if TYPE_CHECKING:
    from taskflow_gui.document import Document
    from taskflow_gui.main_window import MainWindow

__all__ = ["RUN_MODES", "NotStarted", "RunFlow"]

RUN_MODES = ("sequential", "parallel", "compare")
SHUTDOWN_TIMEOUT_MS = 5000
PROGRESS_TICK_MS = 250
OUTPUT_DOCK_HEIGHT = 260
MIN_PANEL_WIDTH = 200


class NotStarted(Exception):
    """Why a run did not start, in words for the status bar (never a traceback)."""


class RunFlow(QObject):
    """Everything a run needs in the window; one run at a time."""

    runFinished = Signal(bool)
    """A run or comparison ended: True when every task succeeded."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = RunController(self)
        self.actions = RunActions(self)
        self.actions.install(window.run_menu, window.run_toolbar)
        self.executor = ExecutorChoice(window, self.actions, window.run_menu)

        self.log_dock = LogDock(window)
        self.timings_dock = TimingsDock(window)
        self.compare_dock = CompareDock(window)
        for dock in (self.log_dock, self.timings_dock, self.compare_dock):
            window.add_bottom_dock(dock)
        self.compare_dock.hide()  # shows itself with the first comparison
        # The log's filter bar would otherwise set the window's minimum width (about
        # 1130 px with the side docks); on a narrow window its right end is clipped.
        self.log_dock.widget().setMinimumWidth(MIN_PANEL_WIDTH)
        for dock in (self.log_dock, self.timings_dock, self.compare_dock):
            dock.connect_controller(self.controller)
        self.mirror = RunStatusMirror(window.scene, self)
        self.mirror.connect_controller(self.controller)

        self.state_label = QLabel()
        self.state_label.setObjectName("runState")
        self.state_label.setContentsMargins(8, 0, 8, 0)
        window.statusBar().insertPermanentWidget(0, self.state_label)
        self._tick = QTimer(self)
        self._tick.setInterval(PROGRESS_TICK_MS)
        self._tick.timeout.connect(self._show_progress)

        self.last_ok = False
        self.message = ""
        self._cancel_requested = False
        self._error = ""
        self._report: Any = None
        self._result_document: Document | None = None
        self._sized_output = False
        self._selecting = False
        self._workers = 1
        self._connect()
        self._update_actions()

    def _connect(self) -> None:
        a, c, w = self.actions, self.controller, self.window
        a.run.triggered.connect(self.run)
        a.cancel.triggered.connect(self.cancel)
        a.rerun_failed.triggered.connect(self.rerun_failed)
        a.compare.triggered.connect(self.compare)
        a.export_json.triggered.connect(self.export_json)
        a.export_png.triggered.connect(self.export_png)
        view = self.compare_dock.view
        for button, slot in ((view.export_json_button, self.export_json),
                             (view.export_png_button, self.export_png)):
            button.clicked.disconnect()  # one export path, with the errors handled
            button.clicked.connect(slot)

        c.running_changed.connect(self._update_actions)
        c.compare_finished.connect(self._compared)
        c.error.connect(self._engine_error)
        c.finished.connect(self._finished)
        self.mirror.progressChanged.connect(self._show_progress)
        self.mirror.resultChanged.connect(w.inspector.refresh_result)
        w.inspector.set_result_lookup(self.mirror.results.get)

        w.scene.selectionChanged.connect(self._canvas_selection_changed)
        self.timings_dock.task_selected.connect(self.select_task)
        self.log_dock.task_activated.connect(self.select_task)
        for chart in (view.sequential_chart, view.parallel_chart):
            chart.task_clicked.connect(self.select_task)
        w.documentChanged.connect(self._document_changed)

    # -- state -------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self.controller.is_running

    def rerun_source(self) -> Any:
        """The last result, when it belongs to this project and has tasks to run again."""
        last = self.controller.last_result
        if last is None or self._result_document is not self.window.document:
            return None
        if not (getattr(last, "failed_tasks", None) or getattr(last, "cancelled_tasks", None)):
            return None
        return last

    @Slot()
    def _update_actions(self, *_: object) -> None:
        running = self.controller.is_running
        self.actions.set_state(
            running=running,
            cancelling=self.controller.is_cancelling,
            can_rerun=self.rerun_source() is not None,
            can_export=self.compare_dock.view.report is not None,
        )
        self.window.actions.resolve.setEnabled(not running)

    # -- starting ----------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Run with the toolbar's mode and workers."""
        self.start(self.actions.mode)

    @Slot()
    def compare(self) -> None:
        """Sequential, then parallel with the toolbar's workers."""
        self.start("compare")

    @Slot()
    def rerun_failed(self) -> None:
        """Run the failed, skipped and cancelled tasks again; reuse the others' results."""
        last = self.rerun_source()
        if last is None:
            self._say("Nothing to re-run: every task of the last run succeeded.")
            return
        self.start(self.actions.mode, resume_from=last)

    def start(self, mode: str, *, ask: bool = True, resume_from: Any = None) -> bool:
        """Check, build and start a run ("sequential", "parallel" or "compare").

        `ask=False` imports without the question (the user asked on the command
        line). Returns False, with the reason in `message` and the status bar,
        when the run did not start.
        """
        if mode not in RUN_MODES:
            raise ValueError(f"mode must be one of {RUN_MODES}. Got {mode!r}")
        if self.controller.is_running:
            return False
        try:
            process = self.prepare(ask=ask)
        except NotStarted as exc:
            self.last_ok = False
            self._say(str(exc))
            self._set_state_label("Not started", FAILED)
            return False
        self._launch(process, mode, resume_from)
        return True

    def prepare(self, *, ask: bool = True) -> Any:
        """The engine Process for the current workflow, or NotStarted saying why not."""
        window = self.window
        workflow = window.document.workflow
        if not len(workflow):
            raise NotStarted("Nothing to run: add a task first.")
        pending = [m for m in modules_to_import(workflow) if m not in sys.modules] if ask else []
        if window.checker.resolve(window, ask_about=pending) is None:
            raise NotStarted("Not started: nothing was imported.")
        problems = workflow.problems(resolve=True)
        if problems:
            window.problems.show()
            window.problems.raise_()
            count = len(problems)
            raise NotStarted(
                f"Not started: {count} problem{'s' * (count != 1)} "
                f"{'stop' if count != 1 else 'stops'} the workflow from "
                f"running (first: {problems[0].task or 'workflow'}: {problems[0].message}). "
                "See Problems."
            )
        for spec in workflow.tasks:
            folder = workflow.resolved_path(spec.log_path).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise NotStarted(
                    f"Not started: cannot create the log folder {folder} for {spec.name}: "
                    f"{exc.strerror or exc}."
                ) from None
        try:
            return workflow.to_process()
        except (WorkflowError, ResolveError, ValueError, LookupError, TypeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise NotStarted(f"Not started: {first}") from None

    def _launch(self, process: Any, mode: str, resume_from: Any) -> None:
        self._cancel_requested = False
        self._error = ""
        self._report = None
        self._result_document = self.window.document
        self._bring_output_forward()
        workers = self._workers = self.actions.workers
        workflow = self.window.document.workflow
        where = {"executor": workflow.executor, "dask_address": workflow.dask_address or None}
        if mode == "compare":
            self.controller.start_compare(process, max_workers=workers, **where)
        elif mode == "parallel":
            self.controller.start(process, parallel=True, max_workers=workers,
                                  resume_from=resume_from, **where)
        else:
            self.controller.start(process, parallel=False, max_workers=1,
                                  resume_from=resume_from, **where)
        self._tick.start()
        self._show_progress()
        self._update_actions()

    def _bring_output_forward(self) -> None:
        """Show the Log (unless a run panel is already in front), tall enough to read."""
        in_front = [d for d in (self.log_dock, self.timings_dock, self.compare_dock)
                    if d.isVisible() and not d.visibleRegion().isEmpty()]
        if not in_front:
            self.log_dock.show()
            self.log_dock.raise_()
        if not self._sized_output:
            self._sized_output = True
            dock = in_front[0] if in_front else self.log_dock
            if dock.height() < OUTPUT_DOCK_HEIGHT:
                self.window.resizeDocks([dock], [OUTPUT_DOCK_HEIGHT], Qt.Orientation.Vertical)

    # -- during a run ------------------------------------------------------------------
    @Slot()
    def cancel(self) -> None:
        """Stop the run: nothing starts any more; running tasks get a moment to finish."""
        if not self.controller.is_running:
            return
        self._cancel_requested = True
        self.controller.cancel()
        self._say("Cancelling: no task starts any more; running tasks get a moment to finish.")
        self._show_progress()
        self._update_actions()

    @Slot()
    def _show_progress(self) -> None:
        c = self.controller
        if not c.is_running:
            return
        seconds = time.time() - (c.started_at or time.time())
        if c.is_cancelling:
            self._set_state_label(f"Cancelling… {seconds:.1f} s", CANCELLED)
            return
        done, total = self.mirror.done, self.mirror.total
        text = progress_text(done, total, mode=c.mode, phase=c.phase, workers=self._workers)
        self._set_state_label(f"▶ {done}/{total} done · {seconds:.1f} s", "running")
        if self.window.statusBar().currentMessage() != text:
            self.window.show_status(text, 0)

    @Slot(object, object)
    def _compared(self, sequential: Any, parallel: Any) -> None:
        self._report = self.compare_dock.view.report

    @Slot(str)
    def _engine_error(self, text: str) -> None:
        last = next((ln for ln in reversed(text.splitlines()) if ln.strip()), "unknown error")
        self._error = f"The run stopped because of an error in the engine: {last}. See the Log."
        self.log_dock.add_traceback("", text)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        self._tick.stop()
        process = self.controller.process
        if process is not None:
            # A task's own handler failing to close is not the run's fault.
            with contextlib.suppress(Exception):
                process.close_loggers()
        comparing = self.controller.mode == "compare"
        if comparing:
            report = self._report
            ok = report is not None and report.sequential_ok and report.parallel_ok
        else:
            ok = result is not None and not (result.failed_tasks or result.cancelled_tasks)
        self.last_ok = bool(ok and not self._error and not self._cancel_requested)
        if self._result_document is not self.window.document:
            message = "The previous project's run was cancelled when this one was opened."
        elif self._error:
            message = self._error
        elif comparing and self._report is not None:
            message = self._report.sentence + "."
        elif comparing and result is not None:
            message = "Comparison cancelled. " + summary_text(result, cancelled=True)
        else:
            message = summary_text(result, cancelled=self._cancel_requested)
        self._say(message)
        if self._result_document is not self.window.document:
            self._set_state_label("", CANCELLED)
        else:
            self._show_outcome(result)
        self._update_actions()
        self.runFinished.emit(self.last_ok)

    def _show_outcome(self, result: Any) -> None:
        if result is None:
            self._set_state_label("Stopped", FAILED)
            return
        counts = outcome_counts(result)
        seconds = f"{float(getattr(result, 'wall_seconds', 0.0) or 0.0):.1f} s"
        total = sum(counts.values())
        if self._cancel_requested or counts[CANCELLED]:
            self._set_state_label(f"■ Cancelled · {counts[SUCCEEDED]}/{total} done · {seconds}",
                                  CANCELLED)
        elif counts[FAILED] or counts[SKIPPED]:
            parts = [f"{counts[k]} {k}" for k in (FAILED, SKIPPED) if counts[k]]
            self._set_state_label(f"✗ {' · '.join(parts)} · {seconds}", FAILED)
        else:
            self._set_state_label(f"✓ {counts[SUCCEEDED]} succeeded · {seconds}", SUCCEEDED)

    # -- selection between canvas, log, timings and compare --------------------------
    @Slot()
    def _canvas_selection_changed(self) -> None:
        scene = self.window.scene
        if not shiboken6.isValid(scene):  # the window is being destroyed, scene first
            return
        names = [spec.name for spec in scene.selected_tasks()]
        self.log_dock.set_task_filter(names or None)
        if not self._selecting:
            self.timings_dock.select_task(names[0] if len(names) == 1 else None)

    @Slot(str)
    def select_task(self, name: str) -> None:
        """Select a task's card (from a timings row, a Gantt bar or a log line)."""
        item = self.window.scene.item_for(name) if name else None
        if item is None:
            if name:
                self._say(f"No task named {name} on the canvas.")
            return
        self._selecting = True
        try:
            self.window.scene.select_tasks([name])
        finally:
            self._selecting = False
        self.window.view.ensureVisible(item, 60, 60)

    # -- exports -----------------------------------------------------------------------
    @Slot()
    def export_json(self) -> None:
        self._export("json")

    @Slot()
    def export_png(self) -> None:
        self._export("png")

    def _export(self, kind: str) -> None:
        view = self.compare_dock.view
        if view.report is None:
            self._say("Nothing to export yet: run Compare first.")
            return
        document = self.window.document
        folder = document.path.parent if document.path is not None else Path.home()
        suggestion = folder / f"{document.display_name}-comparison.{kind}"
        path = dialogs.ask_report_path(self.window, str(suggestion), kind)
        if path is None:
            return
        try:
            written = view.export_json(path) if kind == "json" else view.export_png(path)
        except (OSError, RuntimeError) as exc:
            self._say(f"Could not export the comparison: {exc}")
            return
        what = "report" if kind == "json" else "charts"
        self._say(f"Comparison {what} saved to {written}.")

    # -- the window's life -------------------------------------------------------------
    @Slot(object)
    def _document_changed(self, _document: Document) -> None:
        if self.controller.is_running:
            self._cancel_requested = True
            self.controller.cancel()
            self._say("Cancelling the run: another project was opened.")
        self.mirror.detach()
        self._update_actions()

    def confirm_close(self) -> bool:
        """While a run goes on, ask whether to cancel it (nothing is cancelled yet)."""
        return not self.controller.is_running or dialogs.confirm_stop_run(self.window)

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel a run in progress and wait for the engine to return; True when it did."""
        if not self.controller.is_running:
            return True
        self._cancel_requested = True
        return self.controller.shutdown(timeout_ms)

    def run_to_end(self, mode: str) -> bool:
        """Start without asking and wait (event loop running) until the run is over.

        For `taskflow-gui FILE --run MODE`; True when every task succeeded. The
        summary, or why the run did not start, is in `message`.
        """
        if not self.start(mode, ask=False):
            return False
        loop = QEventLoop()
        self.controller.finished.connect(loop.quit)
        try:
            if self.controller.is_running:
                loop.exec()
        finally:
            self.controller.finished.disconnect(loop.quit)
        return self.last_ok

    def arrange_for_picture(self) -> None:
        """Tell the last run's story in one picture (`--run ... --screenshot`).

        The panel that matters goes in front with room to read it (the comparison,
        else the timings), and the task worth a look is selected so the Inspector
        shows its result: the first failure, else the last task to run.
        """
        dock: QDockWidget = self.timings_dock
        share = 0.42
        if self.compare_dock.view.report is not None and self.controller.mode == "compare":
            dock, share = self.compare_dock, 0.58
        dock.show()
        dock.raise_()
        self.window.resizeDocks([dock], [int(self.window.height() * share)],
                                Qt.Orientation.Vertical)
        results = self.mirror.results
        failed = [name for name, r in results.items() if status_key(r.status) == FAILED]
        chosen = failed[0] if failed else next(reversed(results), None)
        if chosen is not None:
            self.select_task(chosen)

    # -- words -------------------------------------------------------------------------
    def _say(self, message: str) -> None:
        self.message = message
        self.window.show_status(message, 0)

    def _set_state_label(self, text: str, status: str) -> None:
        color = status_color(status).darker(160).name()
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {color}; font-weight: 600;")
