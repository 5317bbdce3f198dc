"""Run and Cancel from the toolbar and the keyboard; what stops a run from starting."""

from __future__ import annotations

import re
import sys

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from run_helpers import badge, open_project, press, wait_finished
from taskflow_core.workflow import TaskSpec

from taskflow_gui.run_actions import RunActions
from taskflow_gui.status_style import status_color

pytest_plugins = ["app_support", "run_support"]

Button = QMessageBox.StandardButton
Yes = Button.Yes
DURATION = re.compile(r"^\d+\.\d\d s$")


def chain(new_project):
    project = new_project()
    project.add("first", "source").add("second", "double", "first")
    project.add("third", "nap", args=[0.05])
    return project


def test_f5_runs_with_the_chosen_mode_and_paints_the_outcome(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = chain(new_project)
    open_project(window, project.save(), stop_runs)
    runs = window.runs
    runs.actions.mode_combo.setCurrentIndex(runs.actions.mode_combo.findData("sequential"))
    assert runs.actions.run.isEnabled() and not runs.actions.cancel.isEnabled()
    dialogs.answer("question", Yes)  # import the project's module

    press(qtbot, window, Qt.Key.Key_F5)
    assert runs.is_running
    assert dialogs.titles("question") == ["Import modules?"]
    assert project.module in dialogs.shown[0][2]
    assert not runs.actions.run.isEnabled() and runs.actions.cancel.isEnabled()
    assert not runs.actions.mode_combo.isEnabled()
    assert not window.actions.resolve.isEnabled()
    wait_finished(qtbot, window)

    assert runs.controller.last_result.mode == "sequential"
    for name in ("first", "second", "third"):
        status, detail = badge(window, name)
        assert status == "succeeded"
        assert DURATION.match(detail), detail
        card = window.scene.item_for(name)
        assert card._strip_color() == status_color("succeeded")
    assert runs.last_ok
    assert "took" in window.statusBar().currentMessage()
    assert "3 succeeded" in window.statusBar().currentMessage()
    assert runs.state_label.text().startswith("✓ 3 succeeded")
    assert runs.actions.run.isEnabled() and not runs.actions.cancel.isEnabled()
    assert not runs.actions.rerun_failed.isEnabled()  # nothing failed

    # A second run asks nothing more: the module is imported already.
    window.runs.actions.run.trigger()
    assert runs.is_running
    assert dialogs.titles("question") == ["Import modules?"]
    # Every card goes back to pending as the new run begins.
    assert {badge(window, n)[0] for n in ("first", "second", "third")} <= {"pending", "running"}
    wait_finished(qtbot, window)


def test_shift_f5_and_escape_cancel_a_run(window, dialogs, qtbot, new_project, stop_runs):
    project = new_project()
    project.add("stuck", "hang").add("next", "after", "stuck")
    open_project(window, project.save(), stop_runs)
    runs = window.runs
    dialogs.answer("question", Yes)
    press(qtbot, window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: badge(window, "stuck")[0] == "running", timeout=5000)
    press(qtbot, window, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert runs.controller.is_cancelling
    assert not runs.actions.cancel.isEnabled()
    wait_finished(qtbot, window, timeout=5000)
    assert badge(window, "stuck") == ("cancelled", "cancelled")
    assert badge(window, "next")[0] == "cancelled"
    assert "cancelled" in window.statusBar().currentMessage()
    assert not runs.last_ok
    assert runs.actions.rerun_failed.isEnabled()  # the cancelled tasks can run again

    project.loaded().RELEASE.set()  # let the first stuck call end
    project.loaded().RELEASE.clear()
    window.runs.actions.run.trigger()
    qtbot.waitUntil(lambda: badge(window, "stuck")[0] == "running", timeout=5000)
    press(qtbot, window, Qt.Key.Key_Escape)
    wait_finished(qtbot, window, timeout=5000)
    assert badge(window, "stuck")[0] == "cancelled"


def test_escape_still_cancels_a_canvas_gesture_when_nothing_runs(opened, ui, qtbot):
    window = opened
    assert not window.runs.actions.cancel.isEnabled()
    viewport = window.view.viewport()
    start, end = ui.port(window, "load", "out"), ui.port(window, "report", "in")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + (end - start) / 2)
    qtbot.mouseMove(viewport, end)
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert ui.task(window, "report").dependency_on("load") is None
    assert not window.runs.is_running


def test_mode_and_workers_are_remembered(window, qtbot):
    actions = window.runs.actions
    actions.mode_combo.setCurrentIndex(actions.mode_combo.findData("sequential"))
    actions.workers_spin.setValue(7)
    assert actions.sequential.isChecked() and actions.mode == "sequential"
    assert QSettings().value("run/mode") == "sequential"
    again = RunActions(None)
    assert (again.mode, again.workers) == ("sequential", 7)
    actions.parallel.trigger()  # the menu's radio item moves the combo too
    assert actions.mode_combo.currentData() == "parallel"
    assert RunActions(None).mode == "parallel"
    assert (actions.workers_spin.minimum(), actions.workers_spin.maximum()) == (1, 64)


def test_problems_stop_a_run_and_say_why(window, dialogs, qtbot, new_project, stop_runs):
    project = new_project()
    project.add("fine", "source").add("empty", "")  # a task without a callable
    open_project(window, project.save(), stop_runs)
    window.problems.hide()
    window.runs.log_dock.raise_()
    dialogs.answer("question", Yes)
    press(qtbot, window, Qt.Key.Key_F5)
    assert not window.runs.is_running
    assert window.runs.controller.last_result is None
    message = window.statusBar().currentMessage()
    assert message.startswith("Not started: 1 problem")
    assert "empty" in message and "See Problems" in message
    assert window.problems.isVisible() and not window.problems.visibleRegion().isEmpty()
    assert window.runs.state_label.text() == "Not started"


def test_an_unresolvable_callable_is_a_message_not_a_traceback(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = new_project()
    project.add("fine", "source")
    project.workflow.add_task(TaskSpec("ghost", "no_such_module_for_tests:run", position=(0, 200)))
    open_project(window, project.save(), stop_runs)
    dialogs.answer("question", Yes)
    window.runs.actions.run.trigger()
    assert not window.runs.is_running
    message = window.statusBar().currentMessage()
    assert "Not started" in message and "ghost" in message
    assert "Traceback" not in message
    assert window.scene.item_for("ghost").problem  # marked red on the canvas
    assert [p.task for p in window.problems.problems] == ["ghost"]


def test_declining_the_import_starts_nothing(window, dialogs, qtbot, new_project, stop_runs):
    project = new_project()
    project.add("fine", "source")
    open_project(window, project.save(), stop_runs)
    dialogs.answer("question", Button.No)
    window.runs.actions.run.trigger()
    assert not window.runs.is_running
    assert project.module not in sys.modules
    assert window.statusBar().currentMessage() == "Not started: nothing was imported."


def test_an_empty_workflow_has_nothing_to_run(window, qtbot):
    window.runs.actions.run.trigger()
    assert not window.runs.is_running
    assert "Nothing to run" in window.statusBar().currentMessage()
