"""The Executor box: where runs execute is part of the project, undoable and saved."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from run_helpers import open_project, press, wait_finished
from taskflow_core.projectfile import load_project

pytest_plugins = ["app_support", "run_support"]

PID = "\n\ndef pid():\n    print('hello from', os.getpid())\n    return os.getpid()\n"


def pid_project(new_project):
    project = new_project()
    module = project.folder / f"{project.module}.py"
    module.write_text("import os\n" + module.read_text() + PID, encoding="utf-8")
    project.add("one", "pid").add("two", "pid")
    return project


def test_choosing_processes_runs_out_of_process_and_is_saved(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = pid_project(new_project)
    path = project.save()
    open_project(window, path, stop_runs)
    combo = window.runs.executor.combo
    assert combo.currentData() == "threads" and combo.isEnabled()
    assert not window.isWindowModified()

    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Threads -> Processes, as a user would
    assert window.document.workflow.executor == "processes"
    assert window.isWindowModified()
    assert window.document.undo_stack.undoText() == "Run on processes"

    dialogs.answer("question", QMessageBox.StandardButton.Yes)  # import the module
    press(qtbot, window, Qt.Key.Key_F5)
    assert not combo.isEnabled()  # no change of executor mid-run
    wait_finished(qtbot, window, timeout=30_000)
    result = window.runs.controller.last_result
    assert not result.failed_tasks
    pids = {r.result for r in result.results.values()}
    assert os.getpid() not in pids
    log = (project.folder / "logs" / "one.log").read_text(encoding="utf-8")
    assert f"hello from {result.results['one'].result}" in log  # shipped back to the file
    assert combo.isEnabled()

    press(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert load_project(path).executor == "processes"

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.workflow.executor == "threads"
    assert combo.currentData() == "threads"  # the box follows undo


def test_dask_scheduler_address_is_checked_and_stored(
    window, dialogs, qtbot, new_project, stop_runs, monkeypatch
):
    project = pid_project(new_project)
    open_project(window, project.save(), stop_runs)
    replies = [("my laptop", True), ("tcp://10.0.0.5:8786", True)]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: replies.pop(0)))

    dialogs.answer("warning", QMessageBox.StandardButton.Ok)
    window.runs.executor.address_action.trigger()
    assert dialogs.titles("warning") == ["Dask Scheduler"]
    assert "not a scheduler address" in dialogs.shown[0][2]
    workflow = window.document.workflow
    assert (workflow.executor, workflow.dask_address) == ("dask", "tcp://10.0.0.5:8786")
    combo = window.runs.executor.combo
    assert combo.currentData() == "dask"
    assert "tcp://10.0.0.5:8786" in combo.toolTip()
    assert window.document.undo_stack.undoText() == "Set Dask scheduler"


def test_cancelling_the_scheduler_dialog_changes_nothing(
    window, dialogs, new_project, stop_runs, monkeypatch
):
    project = pid_project(new_project)
    open_project(window, project.save(), stop_runs)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    window.runs.executor.address_action.trigger()
    assert window.document.workflow.executor == "threads"
    assert not window.isWindowModified()


def test_opening_a_project_shows_its_executor(window, new_project, stop_runs):
    project = pid_project(new_project)
    project.workflow.set_properties(executor="dask")
    open_project(window, project.save(), stop_runs)
    assert window.runs.executor.combo.currentData() == "dask"
    assert "local cluster" in window.runs.executor.combo.toolTip()
