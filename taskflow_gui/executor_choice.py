"""Where runs execute: the run toolbar's Executor box and Run ▸ Dask Scheduler….

The choice belongs to the project (the file's ``"executor"`` and
``"dask_address"`` keys), not to the machine: a CPU-bound workflow should run
on processes for whoever opens it. So a change is an undoable edit of the
document, and undo, redo or opening another project move the box with it.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QComboBox, QInputDialog, QLineEdit, QMenu, QMessageBox
from taskflow_core.workflow import Change, Workflow

from taskflow_gui.actions import make_action
from taskflow_gui.commands import SetExecutor
from taskflow_gui.document import Document
from taskflow_gui.run_actions import RunActions

if TYPE_CHECKING:
    from taskflow_gui.main_window import MainWindow

__all__ = ["CHOICES", "ExecutorChoice", "address_problem", "executor_problem"]

CHOICES: tuple[tuple[str, str, str], ...] = (
    ("threads", "Threads",
     "Threads in this program: lowest overhead, best for tasks that wait on files, "
     "networks or databases"),
    ("processes", "Processes",
     "Worker processes on this machine: CPU-bound Python runs on every core, and a task "
     "past its timeout or a cancelled run is really stopped"),
    ("dask", "Dask",
     "A Dask cluster: the scheduler set in Run ▸ Dask Scheduler…, or a local cluster "
     "started for each run"),
)

_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?[^\s/:]+:\d{1,5}/?$", re.IGNORECASE)


def executor_problem(executor: str) -> str | None:
    """Why runs cannot execute on `executor` on this machine, or None when they can."""
    if executor == "dask" and importlib.util.find_spec("distributed") is None:
        return 'Running on Dask needs the dask extra:\n\npip install "taskflow-gui[dask]"'
    return None


def address_problem(address: str) -> str | None:
    """Why `address` is not a scheduler address like tcp://host:8786, or None when it is."""
    if not address or _ADDRESS.match(address):
        return None
    return (f"“{address}” is not a scheduler address; write it as tcp://host:port "
            "(for example tcp://10.0.0.5:8786)")


class ExecutorChoice(QObject):
    """Keeps the Executor box and the current project's executor in step."""

    def __init__(self, window: MainWindow, actions: RunActions, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.combo = QComboBox()
        self.combo.setObjectName("runExecutor")
        for value, label, tip in CHOICES:
            self.combo.addItem(label, value)
            self.combo.setItemData(self.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.address_action = make_action(
            self, "Dask &Scheduler…",
            tip="Run on an existing Dask cluster, or on a local one started for each run")
        menu.insertAction(actions.run, self.address_action)  # beside Mode, before Run
        menu.insertSeparator(actions.run)
        actions.add_option(self.combo, "Executor")
        self._workflow: Workflow | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.combo.activated.connect(self._chosen)
        self.address_action.triggered.connect(self.ask_address)
        window.documentChanged.connect(self._adopt)

    @property
    def executor(self) -> str:
        return str(self.combo.currentData())

    def choose(self, executor: str, dask_address: str | None = None) -> bool:
        """Make the project run on `executor` (an undoable edit); False when refused."""
        workflow = self.window.document.workflow
        address = workflow.dask_address if dask_address is None else dask_address.strip()
        if (executor, address) == (workflow.executor, workflow.dask_address):
            return True
        missing = executor_problem(executor)
        if missing is not None:
            QMessageBox.warning(self.window, "Dask Is Not Installed", missing)
            self._sync()
            return False
        self.window.document.push(SetExecutor(workflow, executor, address))
        self.window.show_status(f"Runs now execute on {self.describe()}.")
        return True

    def describe(self) -> str:
        """The current choice in words, e.g. "Dask at tcp://host:8786"."""
        workflow = self.window.document.workflow
        if workflow.executor != "dask":
            return workflow.executor
        return f"Dask at {workflow.dask_address}" if workflow.dask_address else \
            "a local Dask cluster"

    def ask_address(self) -> None:
        """Ask for the scheduler's address; empty means a local cluster per run."""
        workflow = self.window.document.workflow
        address = workflow.dask_address
        while True:
            address, ok = QInputDialog.getText(
                self.window, "Dask Scheduler",
                "Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786.\n"
                "Leave it empty to start a local cluster for each run.",
                QLineEdit.EchoMode.Normal, address)
            if not ok:
                return
            address = address.strip()
            problem = address_problem(address)
            if problem is None:
                break
            QMessageBox.warning(self.window, "Dask Scheduler", problem + ".")
        self.choose("dask", address)

    # -- following the document --------------------------------------------------
    def _adopt(self, document: Document) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._workflow = document.workflow
        self._unsubscribe = document.workflow.subscribe(self._changed)
        self._sync()

    def _changed(self, change: Change) -> None:
        if change.kind == "workflow_changed":
            self._sync()

    def _sync(self) -> None:
        workflow = self._workflow
        if workflow is None:
            return
        index = self.combo.findData(workflow.executor)
        blocked = self.combo.blockSignals(True)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(blocked)
        tip = dict((v, t) for v, _, t in CHOICES)[workflow.executor]
        if workflow.executor == "dask":
            where = workflow.dask_address or "a local cluster started for each run"
            tip = f"Runs execute on Dask: {where}.\nChange the scheduler in Run ▸ Dask Scheduler…"
        self.combo.setToolTip(tip)

    def _chosen(self, index: int) -> None:
        self.choose(str(self.combo.itemData(index)))
