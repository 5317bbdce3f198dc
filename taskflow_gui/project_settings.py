"""File ▸ Project Settings…: the project's name, where its modules are found, where it runs.

Everything the dialog changes is one undoable edit (`SetProjectSettings`), and
nothing reaches the model until OK: a bad scheduler address keeps the dialog
open with the problem shown beside the field.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from taskflow_core.workflow import Workflow

from taskflow_gui.commands import SetProjectSettings
from taskflow_gui.executor_choice import CHOICES, address_problem, executor_problem

__all__ = ["ProjectSettingsDialog", "path_entry"]


def path_entry(workflow: Workflow, folder: str) -> str:
    """How `folder` is written in the project's python paths: relative to its file if it has one."""
    if workflow.base_dir is None:
        return folder
    try:
        return Path(os.path.relpath(folder, workflow.base_dir)).as_posix()
    except ValueError:  # another drive: keep it absolute
        return folder


class ProjectSettingsDialog(QDialog):
    """Edits a copy of the project's settings; `command()` turns them into one edit."""

    def __init__(self, workflow: Workflow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Project Settings")
        self.setObjectName("ProjectSettingsDialog")
        self.workflow = workflow

        self.name = QLineEdit(workflow.name)
        self.name.setObjectName("projectName")
        self.name.setPlaceholderText("Untitled")

        self.paths = QListWidget()
        self.paths.setObjectName("pythonPaths")
        self.paths.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.paths.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        for entry in workflow.python_paths:
            self._append_path(entry)
        self.add_path = QPushButton("Add Folder…")
        self.add_path.setObjectName("addPythonPath")
        self.remove_path = QPushButton("Remove")
        self.remove_path.setObjectName("removePythonPath")
        self.move_up = QPushButton("Move Up")
        self.move_down = QPushButton("Move Down")
        buttons = QVBoxLayout()
        for button in (self.add_path, self.remove_path, self.move_up, self.move_down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        path_row = QHBoxLayout()
        path_row.addWidget(self.paths, 1)
        path_row.addLayout(buttons)
        where = ("the project's folder" if workflow.base_dir is not None
                 else "the project's folder, once it is saved")
        paths_hint = QLabel("Folders put first on sys.path to resolve and run callables; "
                            f"earlier folders win. Relative paths start at {where}.")
        paths_hint.setWordWrap(True)
        paths_hint.setStyleSheet("color: palette(placeholder-text);")

        self.executor = QComboBox()
        self.executor.setObjectName("projectExecutor")
        for value, label, tip in CHOICES:
            self.executor.addItem(label, value)
            self.executor.setItemData(self.executor.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.executor.setCurrentIndex(max(0, self.executor.findData(workflow.executor)))
        self.address = QLineEdit(workflow.dask_address)
        self.address.setObjectName("daskAddress")
        self.address.setPlaceholderText("empty: a local cluster for each run")
        self.address_error = QLabel()
        self.address_error.setObjectName("addressError")
        self.address_error.setWordWrap(True)
        self.address_error.setStyleSheet("color: #b3261e;")
        self.address_error.hide()

        form = QFormLayout()
        form.addRow("&Name", self.name)
        paths_label = QLabel("&Python paths")
        paths_label.setBuddy(self.paths)
        form.addRow(paths_label, path_row)
        form.addRow("", paths_hint)
        form.addRow("&Executor", self.executor)
        form.addRow("Dask &scheduler", self.address)
        form.addRow("", self.address_error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 0)

        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.add_path.clicked.connect(self.ask_folder)
        self.remove_path.clicked.connect(self._remove_selected)
        self.move_up.clicked.connect(lambda: self._move_selected(-1))
        self.move_down.clicked.connect(lambda: self._move_selected(1))
        self.paths.currentRowChanged.connect(self._update_buttons)
        self.executor.currentIndexChanged.connect(self._update_buttons)
        self.address.textChanged.connect(lambda _text: self._show_address_problem(False))
        self._update_buttons()

    # -- python paths ------------------------------------------------------------
    def python_paths(self) -> list[str]:
        return [self.paths.item(row).text() for row in range(self.paths.count())]

    def add_folder(self, folder: str) -> None:
        """Add `folder`, stored relative to the project file where it has one."""
        entry = path_entry(self.workflow, folder)
        if entry in self.python_paths():
            self.paths.setCurrentRow(self.python_paths().index(entry))
            return
        self._append_path(entry)
        self.paths.setCurrentRow(self.paths.count() - 1)

    def ask_folder(self) -> None:
        start = str(self.workflow.base_dir or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of modules", start)
        if folder:
            self.add_folder(folder)

    def _append_path(self, entry: str) -> None:
        item = QListWidgetItem(entry)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.paths.addItem(item)

    def _remove_selected(self) -> None:
        row = self.paths.currentRow()
        if row >= 0:
            self.paths.takeItem(row)
        self._update_buttons()

    def _move_selected(self, step: int) -> None:
        row = self.paths.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.paths.count():
            return
        item = self.paths.takeItem(row)
        self.paths.insertItem(target, item)
        self.paths.setCurrentRow(target)

    def _update_buttons(self) -> None:
        row = self.paths.currentRow()
        self.remove_path.setEnabled(row >= 0)
        self.move_up.setEnabled(row > 0)
        self.move_down.setEnabled(0 <= row < self.paths.count() - 1)
        self.address.setEnabled(self.executor.currentData() == "dask")

    # -- result ---------------------------------------------------------------------
    def _show_address_problem(self, show: bool) -> None:
        problem = address_problem(self.address.text().strip()) if show else None
        self.address_error.setText(f"{problem}." if problem else "")
        self.address_error.setVisible(bool(problem))

    def accept(self) -> None:
        missing = executor_problem(str(self.executor.currentData()))
        if missing is not None:
            self.address_error.setText(missing.replace("\n\n", " "))
            self.address_error.show()
            return
        if address_problem(self.address.text().strip()) is not None:
            self._show_address_problem(True)
            self.address.setFocus()
            return
        super().accept()

    def command(self) -> SetProjectSettings:
        """The edit that applies what the dialog shows (it may change nothing)."""
        paths = [p.strip() for p in self.python_paths() if p.strip()]
        return SetProjectSettings(
            self.workflow,
            name=self.name.text().strip(),
            python_paths=list(dict.fromkeys(paths)),
            executor=str(self.executor.currentData()),
            dask_address=self.address.text().strip(),
        )
