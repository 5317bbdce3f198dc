"""A task that never returns: the window stays responsive, Cancel ends the run, closing asks."""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from run_helpers import badge, open_project, press, wait_finished

from taskflow_gui.commands import RenameTask

pytest_plugins = ["app_support", "run_support"]

Button = QMessageBox.StandardButton


def hanging(new_project):
    project = new_project()
    project.add("stuck", "hang").add("quick", "source").add("then", "after", "stuck")
    return project


def start(window, dialogs, qtbot):
    dialogs.answer("question", Button.Yes)
    press(qtbot, window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: badge(window, "stuck")[0] == "running", timeout=5000)


def test_a_hanging_task_leaves_the_window_responsive_and_cancel_works(
    window, dialogs, qtbot, new_project, stop_runs, ui
):
    project = hanging(new_project)
    open_project(window, project.save(), stop_runs)
    start(window, dialogs, qtbot)
    qtbot.waitUntil(lambda: badge(window, "quick")[0] == "succeeded", timeout=5000)

    # The event loop keeps turning while the task hangs: timers fire, clicks land.
    ticks = []
    probe = QTimer(interval=10)
    probe.timeout.connect(lambda: ticks.append(time.monotonic()))
    probe.start()
    qtbot.wait(400)
    probe.stop()
    assert len(ticks) >= 5
    ui.click_card(window, "quick")
    assert [t.name for t in window.scene.selected_tasks()] == ["quick"]
    assert window.runs.log_dock.model.task_filter == frozenset({"quick"})
    assert window.runs.is_running and badge(window, "stuck")[0] == "running"

    began = time.monotonic()
    press(qtbot, window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert window.runs.state_label.text().startswith("Cancelling")
    wait_finished(qtbot, window, timeout=5000)
    assert time.monotonic() - began < 5  # generous: the engine returns within a second
    assert badge(window, "stuck") == ("cancelled", "cancelled")
    assert badge(window, "then")[0] == "cancelled"
    assert badge(window, "quick")[0] == "succeeded"
    result = window.runs.controller.last_result
    assert result.cancelled_tasks == {"stuck", "then"}
    assert window.runs.state_label.text().startswith("■ Cancelled")
    assert window.runs.actions.run.isEnabled()


def test_closing_during_a_run_asks_then_cancels_cleanly(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = hanging(new_project)
    open_project(window, project.save(), stop_runs)
    start(window, dialogs, qtbot)

    dialogs.answer("question", Button.No)
    window.close()
    assert dialogs.titles("question")[-1] == "Stop the run?"
    assert window.isVisible() and window.runs.is_running  # nothing was cancelled

    controller = window.runs.controller
    finished = []
    controller.finished.connect(finished.append)
    dialogs.answer("question", Button.Yes)
    window.document.undo_stack.setClean()
    began = time.monotonic()
    assert window.close()
    assert time.monotonic() - began < 5
    assert not window.isVisible()
    assert not controller.is_running
    assert len(finished) == 1 and finished[0].cancelled_tasks == {"stuck", "then"}
    QApplication.processEvents()
    assert shiboken6.isValid(window)  # closed, not crashed; the fixture deletes it


def test_opening_another_project_cancels_the_run(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = hanging(new_project)
    open_project(window, project.save(), stop_runs)
    start(window, dialogs, qtbot)
    other = new_project("other")
    other.add("stuck", "source")
    assert window.files.open_path(other.save())
    wait_finished(qtbot, window, timeout=5000)
    assert window.statusBar().currentMessage() == (
        "The previous project's run was cancelled when this one was opened.")
    assert window.runs.state_label.text() == ""
    # The new project's card of the same name is not painted by the old run.
    assert badge(window, "stuck") == ("", "")
    assert not window.runs.actions.rerun_failed.isEnabled()


def test_editing_during_a_run_is_allowed_and_does_not_reach_the_run(
    window, dialogs, qtbot, new_project, stop_runs, ui
):
    project = hanging(new_project)
    open_project(window, project.save(), stop_runs)
    start(window, dialogs, qtbot)

    ui.click_card(window, "then")
    ui.key(window, "Delete")  # a structural edit while "then" waits for "stuck"
    assert "then" not in ui.names(window)
    window.document.push(RenameTask(window.document.workflow, ui.task(window, "quick"), "fast"))
    assert window.runs.is_running

    window.runs.cancel()
    wait_finished(qtbot, window, timeout=5000)
    result = window.runs.controller.last_result
    assert set(result.results) == {"stuck", "quick", "then"}  # the snapshot that ran
    assert window.scene.item_for("then") is None
    assert badge(window, "stuck")[0] == "cancelled"
    ui.key(window, "Ctrl+Z")
    ui.key(window, "Ctrl+Z")
    assert sorted(ui.names(window)) == ["quick", "stuck", "then"]
