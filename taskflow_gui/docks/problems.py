"""The Problems dock: what would stop the workflow from running, kept live.

It lists the model's `problems()` (re-evaluated a moment after each change, so
a burst of edits costs one evaluation), plus findings the model cannot make on
its own without importing: callables known to be missing (read from the
project's sources) and the results of the last "Resolve callables".
Double-clicking a row selects its task on the canvas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDockWidget,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QStyle,
    QTreeView,
    QWidget,
)
from taskflow_core.workflow import Change, Problem, Workflow

DEBOUNCE_MS = 150
TASK_ROLE = Qt.ItemDataRole.UserRole + 1

KIND_LABELS = {
    "invalid_name": "Invalid name",
    "duplicate_name": "Duplicate name",
    "duplicate_dependency": "Duplicate dependency",
    "self_dependency": "Depends on itself",
    "missing_upstream": "Missing upstream",
    "bad_binding": "Bad binding",
    "missing_kwarg": "Missing keyword",
    "no_callable": "No callable",
    "cycle": "Cycle",
    "unresolved_callable": "Unresolved callable",
    "signature_mismatch": "Signature mismatch",
    "missing_callable": "Missing callable",
}


class ProblemsDock(QDockWidget):
    """A table of problems; `taskActivated(name)` on double-click."""

    taskActivated = Signal(str)
    countChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("ProblemsDock")
        self.workflow: Workflow | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        self._extra: dict[str, list[Problem]] = {}
        self.problems: list[Problem] = []

        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Task", "Problem", "Details"])
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(0, 180)
        self.view.setColumnWidth(1, 170)
        self.view.doubleClicked.connect(self._activated)
        self.all_clear = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.all_clear.setStyleSheet("color: palette(placeholder-text);")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.all_clear)
        self.pages.addWidget(self.view)
        self.setWidget(self.pages)

        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)

    def set_workflow(self, workflow: Workflow) -> None:
        self._unsubscribe()
        self.workflow = workflow
        self._extra.clear()
        self._unsubscribe = workflow.subscribe(self._on_change)
        self.refresh()

    def set_extra(self, source: str, problems: Iterable[Problem]) -> None:
        """Add findings from outside the model (replacing earlier ones of `source`)."""
        self._extra[source] = list(problems)
        self.refresh()

    def _on_change(self, _change: Change) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Re-evaluate now (normally called by the debounce timer)."""
        self._timer.stop()
        found = self.workflow.problems() if self.workflow is not None else []
        for extra in self._extra.values():
            found.extend(extra)
        self.problems = found
        self.model.removeRows(0, self.model.rowCount())
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for problem in found:
            task = QStandardItem(icon, problem.task or "(workflow)")
            task.setData(problem.task, TASK_ROLE)
            kind = QStandardItem(KIND_LABELS.get(problem.kind, problem.kind.replace("_", " ")))
            message = QStandardItem(problem.message)
            message.setToolTip(problem.message)
            self.model.appendRow([task, kind, message])
        if self.workflow is not None and len(self.workflow):
            self.all_clear.setText("No problems found. Run > Resolve Callables also checks "
                                   "that every function can be imported.")
        else:
            self.all_clear.setText("Problems that would stop a run are listed here.")
        self.pages.setCurrentIndex(1 if found else 0)
        title = f"Problems ({len(found)})" if found else "Problems"
        self.setWindowTitle(title)
        self.countChanged.emit(len(found))

    def _activated(self, index: QModelIndex) -> None:
        name = self.model.index(index.row(), 0).data(TASK_ROLE)
        if name:
            self.taskActivated.emit(name)
