"""File ▸ Project Settings…: name, python paths and executor as one undoable edit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QLineEdit
from taskflow_core.projectfile import load_project

from taskflow_gui.project_settings import ProjectSettingsDialog

pytest_plugins = ["app_support"]


def with_dialog(qtbot, act: Callable[[ProjectSettingsDialog], None]) -> list[str]:
    """Run `act` on the dialog once it is open (it is modal); returns failures seen there."""
    failures: list[str] = []

    def poke() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ProjectSettingsDialog):
            QTimer.singleShot(20, poke)
            return
        try:
            act(dialog)
        except AssertionError as exc:  # an assertion in here must not leave the dialog open
            failures.append(str(exc))
            dialog.reject()

    QTimer.singleShot(0, poke)
    return failures


def retype(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def press(qtbot, dialog: ProjectSettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel


def test_name_paths_and_executor_change_together_and_undo_in_one_step(
    opened, ui, qtbot, monkeypatch, project
):
    workflow = opened.document.workflow
    before = (workflow.name, list(workflow.python_paths), workflow.executor)
    libs = project.parent / "libs"
    libs.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(libs)))

    def edit(dialog: ProjectSettingsDialog) -> None:
        retype(qtbot, dialog.name, "Nightly load")
        qtbot.mouseClick(dialog.add_path, Qt.MouseButton.LeftButton)
        assert dialog.python_paths() == [*before[1], "libs"]
        qtbot.mouseClick(dialog.move_up, Qt.MouseButton.LeftButton)
        assert dialog.python_paths()[0] == "libs"
        dialog.executor.setCurrentIndex(dialog.executor.findData("processes"))
        assert not dialog.address.isEnabled()  # the address only matters for Dask
        press(qtbot, dialog, OK)

    failures = with_dialog(qtbot, edit)
    ui.trigger(opened, "File", "Project Settings…")
    assert not failures, failures
    assert workflow.name == "Nightly load"
    assert workflow.python_paths == ["libs", *before[1]]
    assert workflow.executor == "processes"
    assert opened.isWindowModified()
    assert opened.run_toolbar.findChild(object, "runExecutor").currentData() == "processes"

    opened.activateWindow()  # a window manager does this when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is opened, timeout=2000)
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+S")
    saved = load_project(project)
    assert (saved.name, saved.python_paths, saved.executor) == (
        "Nightly load", ["libs", *before[1]], "processes")

    ui.key(opened, "Ctrl+Z")
    assert (workflow.name, workflow.python_paths, workflow.executor) == before


def test_a_bad_scheduler_address_is_shown_in_the_dialog_and_never_reaches_the_project(
    opened, ui, qtbot
):
    workflow = opened.document.workflow
    stack = opened.document.undo_stack
    count = stack.count()
    seen: list[str] = []

    def edit(dialog: ProjectSettingsDialog) -> None:
        dialog.executor.setCurrentIndex(dialog.executor.findData("dask"))
        assert dialog.address.isEnabled()
        retype(qtbot, dialog.address, "not an address")
        press(qtbot, dialog, OK)
        error = dialog.findChild(QLabel, "addressError")
        assert dialog.isVisible(), "OK closed the dialog with a bad address"
        assert error.isVisible()
        seen.append(error.text())
        retype(qtbot, dialog.address, "tcp://10.0.0.5:8786")
        assert not error.isVisible()  # typing clears the complaint
        press(qtbot, dialog, CANCEL)

    failures = with_dialog(qtbot, edit)
    ui.trigger(opened, "File", "Project Settings…")
    assert not failures, failures
    assert "not an address" in seen[0] and "tcp://host:port" in seen[0]
    assert workflow.executor == "threads" and workflow.dask_address == ""
    assert stack.count() == count


def test_ok_without_changes_adds_no_undo_step(opened, ui, qtbot):
    stack = opened.document.undo_stack
    count = stack.count()
    failures = with_dialog(qtbot, lambda dialog: press(qtbot, dialog, OK))
    ui.trigger(opened, "File", "Project Settings…")
    assert not failures, failures
    assert stack.count() == count
    assert not opened.isWindowModified()


def test_removing_a_python_path_empties_the_palette_of_its_modules(opened, ui, qtbot):
    workflow = opened.document.workflow
    assert workflow.python_paths == ["."]
    assert "steps:load" in opened.catalog.references()

    def edit(dialog: ProjectSettingsDialog) -> None:
        dialog.paths.setCurrentRow(0)
        qtbot.mouseClick(dialog.remove_path, Qt.MouseButton.LeftButton)
        assert dialog.python_paths() == []
        press(qtbot, dialog, OK)

    failures = with_dialog(qtbot, edit)
    ui.trigger(opened, "File", "Project Settings…")
    assert not failures, failures
    assert workflow.python_paths == []
    assert "steps:load" not in opened.catalog.references()
    assert opened.palette_dock.tree.model().rowCount() == 0
