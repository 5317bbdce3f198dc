"""What a run shows: statuses on the cards, the log and timings following the canvas, results."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from run_helpers import badge, open_project, wait_finished

from taskflow_gui.docks.timings import NAME_ROLE
from taskflow_gui.status_style import status_color

pytest_plugins = ["app_support", "run_support"]

Yes = QMessageBox.StandardButton.Yes


def failing(new_project):
    """source -> checked (fails while the flag is set) -> after -> last; source -> double."""
    project = new_project()
    project.add("source", "source").add("checked", "checked", "source")
    project.add("after", "after", "checked").add("last", "after", "after")
    project.add("double", "double", "source")
    project.set_flag(True)
    return project


def run_once(window, dialogs, qtbot, mode="parallel"):
    actions = window.runs.actions
    actions.mode_combo.setCurrentIndex(actions.mode_combo.findData(mode))
    dialogs.answer("question", Yes)
    actions.run.trigger()
    assert window.runs.is_running, window.statusBar().currentMessage()
    wait_finished(qtbot, window)


def test_a_failure_and_its_skipped_dependants_on_the_canvas(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = failing(new_project)
    open_project(window, project.save(), stop_runs)
    run_once(window, dialogs, qtbot)

    assert badge(window, "checked") == ("failed", "ValueError")
    assert badge(window, "after") == ("skipped", "skipped: checked")
    assert badge(window, "last") == ("skipped", "skipped: checked")  # the failure, not "after"
    assert badge(window, "source")[0] == badge(window, "double")[0] == "succeeded"
    assert re.match(r"^\d+\.\d\d s$", badge(window, "double")[1])
    failed = window.scene.item_for("checked")
    assert failed._strip_color() == status_color("failed")
    assert window.scene.item_for("after")._strip_color() == status_color("skipped")
    assert "skipped: checked" in window.scene.item_for("after").toolTip()
    message = window.statusBar().currentMessage()
    assert "2 succeeded, 1 failed, 2 skipped" in message
    assert window.runs.state_label.text().startswith("✗ 1 failed · 2 skipped")
    assert not window.runs.last_ok
    # The log has the failure's traceback.
    lines = [window.runs.log_dock.model.row(i)[3] for i in range(
        window.runs.log_dock.model.rowCount())]
    assert any("the flag file says fail" in line for line in lines)


def test_running_cards_count_their_time_and_statuses_reset_on_the_next_run(
    window, dialogs, qtbot, new_project, stop_runs
):
    project = new_project()
    project.add("slow", "nap", args=[0.6]).add("sum", "total", "slow")
    open_project(window, project.save(), stop_runs)
    dialogs.answer("question", Yes)
    window.runs.actions.run.trigger()
    qtbot.waitUntil(lambda: badge(window, "slow")[0] == "running", timeout=3000)
    assert badge(window, "sum") == ("pending", "")
    first = badge(window, "slow")[1]
    assert re.match(r"^running \d+\.\d s$", first), first
    qtbot.waitUntil(lambda: badge(window, "slow")[1] != first, timeout=2000)  # it ticks
    assert window.statusBar().currentMessage() == (
        "Running in parallel (4 workers): 0/2 tasks done…")
    assert window.runs.state_label.text().startswith("▶ 0/2 done")
    wait_finished(qtbot, window)
    assert badge(window, "slow")[0] == "succeeded"
    assert float(badge(window, "slow")[1].split()[0]) >= 0.5

    window.runs.actions.run.trigger()
    assert badge(window, "sum") == ("pending", "")
    assert badge(window, "slow")[0] in ("pending", "running")
    wait_finished(qtbot, window)


def test_the_log_and_timings_follow_the_canvas_and_back(
    window, dialogs, qtbot, new_project, stop_runs, ui
):
    project = failing(new_project)
    open_project(window, project.save(), stop_runs)
    run_once(window, dialogs, qtbot)
    log, timings = window.runs.log_dock, window.runs.timings_dock
    assert log.model.task_filter is None

    ui.click_card(window, "checked")
    assert log.model.task_filter == frozenset({"checked"})
    shown = {log.model.row(i)[1] for i in range(log.model.rowCount())}
    assert shown == {"checked"}
    assert log.task_combo.currentText() == "checked"
    current = timings.table.currentIndex()
    assert current.isValid() and current.data(NAME_ROLE) == "checked"

    window.scene.select_tasks(["source", "double"])
    assert log.model.task_filter == frozenset({"source", "double"})
    window.scene.select_tasks([])
    assert log.model.task_filter is None

    # A timings row selects its card (and the log follows).
    timings.show()
    timings.raise_()
    proxy = timings.proxy
    row = next(r for r in range(proxy.rowCount())
               if proxy.index(r, 0).data(NAME_ROLE) == "double")
    rect = timings.table.visualRect(proxy.index(row, 0))
    qtbot.mouseClick(timings.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [t.name for t in window.scene.selected_tasks()] == ["double"]
    assert log.model.task_filter == frozenset({"double"})

    # So does a bar of the Gantt chart.
    bar = timings.gantt.bar_rect("source")
    point = timings.gantt.mapFromScene(bar.center())
    qtbot.mouseClick(timings.gantt.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert [t.name for t in window.scene.selected_tasks()] == ["source"]


def test_the_inspector_shows_the_result_or_the_error(
    window, dialogs, qtbot, new_project, stop_runs, ui
):
    project = failing(new_project)
    open_project(window, project.save(), stop_runs)
    inspector = window.inspector
    ui.click_card(window, "double")
    assert not inspector.result_box.isVisibleTo(inspector)  # nothing has run yet
    run_once(window, dialogs, qtbot)

    assert inspector.result_box.isVisibleTo(inspector)  # the selected task's result arrived
    assert "Succeeded in" in inspector.result_status.text()
    assert inspector.result_text.toPlainText() == "4"
    assert inspector.result_text.isReadOnly()

    ui.click_card(window, "checked")
    assert "Failed" in inspector.result_status.text()
    assert "ValueError" in inspector.result_status.text()
    trace = inspector.result_text.toPlainText()
    assert "Traceback" in trace and "the flag file says fail" in trace

    ui.click_card(window, "after")
    assert "Skipped: checked failed" in inspector.result_status.text()
    assert not inspector.result_text.isVisibleTo(inspector)
