"""Editing on the canvas with mouse and keyboard, and undo/redo of every kind of edit."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from taskflow_core.workflow import TaskSpec

pytest_plugins = ["app_support"]


def snapshot(win) -> list[tuple]:
    """Everything an edit could change, to compare before/after undo."""
    return [
        (
            t.name, t.callable, list(t.args), dict(t.kwargs), t.log_path, t.timeout, t.retries,
            t.retry_delay, tuple(t.position), t.notes,
            [(d.task, d.pass_mode, d.kwarg) for d in t.dependencies],
        )
        for t in win.document.workflow.tasks
    ]


def undo_redo_round_trip(win, ui, before, after) -> None:
    """Ctrl+Z restores `before` exactly; Ctrl+Shift+Z brings `after` back."""
    ui.focus_canvas(win)
    ui.key(win, "Ctrl+Z")
    assert snapshot(win) == before
    ui.key(win, "Ctrl+Shift+Z")
    assert snapshot(win) == after


def edge_midpoint(win, ui, up: str, down: str) -> QPoint:
    start, end = ui.port(win, up, "out"), ui.port(win, down, "in")
    return (start + end) / 2


def test_connect_by_dragging_from_output_to_input_port(opened, ui):
    before = snapshot(opened)
    ui.drag(opened, ui.port(opened, "load", "out"), ui.port(opened, "report", "in"))
    report = ui.task(opened, "report")
    assert [d.task for d in report.dependencies] == ["clean", "load"]
    assert opened.scene.edge_for("load", "report") is not None
    assert opened.document.undo_stack.undoText() == "Connect load → report"
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_connection_closing_a_cycle_is_refused_and_named(opened, ui):
    before = snapshot(opened)
    count = opened.document.undo_stack.count()
    ui.drag(opened, ui.port(opened, "report", "out"), ui.port(opened, "load", "in"))
    assert snapshot(opened) == before
    assert opened.document.undo_stack.count() == count
    message = opened.statusBar().currentMessage()
    assert "cycle" in message and "report" in message and "load" in message


def test_delete_restores_task_and_edges_exactly_on_undo(opened, ui):
    before = snapshot(opened)
    ui.click_card(opened, "clean")
    assert opened.scene.selected_tasks() == [ui.task(opened, "clean")]
    ui.key(opened, "Delete")
    assert ui.names(opened) == ["load", "report"]
    assert ui.task(opened, "report").dependencies == []
    after = snapshot(opened)
    undo_redo_round_trip(opened, ui, before, after)
    ui.key(opened, "Ctrl+Z")
    assert opened.scene.edge_for("load", "clean") is not None
    assert opened.scene.edge_for("clean", "report") is not None


def test_deleting_a_selected_edge_disconnects_and_undo_reconnects(opened, ui, qtbot):
    before = snapshot(opened)
    qtbot.mouseClick(opened.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=edge_midpoint(opened, ui, "clean", "report"))
    assert opened.scene.selected_edges() == [("clean", "report")]
    ui.key(opened, "Delete")
    assert ui.task(opened, "report").dependencies == []
    assert ui.names(opened) == ["load", "clean", "report"]
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_moving_a_card_is_one_undo_step(opened, ui):
    before = snapshot(opened)
    count = opened.document.undo_stack.count()
    start = ui.card_centre(opened, "report")
    ui.drag(opened, start, start + QPoint(0, 120), steps=10)
    moved = ui.task(opened, "report").position
    assert moved[1] > 60 and moved[0] == 520
    assert opened.document.undo_stack.count() == count + 1
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_adding_is_undoable(opened, ui):
    before = snapshot(opened)
    opened.edit.add_callable("steps:report")
    assert ui.names(opened)[-1] == "report_2"
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_auto_layout_with_l_is_one_step(opened, ui):
    for spec in opened.document.workflow.tasks:  # put everything on one spot first
        opened.document.workflow.move_task(spec, (0, 0))
    opened.document.undo_stack.setClean()
    before = snapshot(opened)
    ui.focus_canvas(opened)
    ui.key(opened, "L")
    xs = [t.position[0] for t in opened.document.workflow.tasks]
    assert xs[0] < xs[1] < xs[2]  # one column per dependency generation
    assert opened.document.undo_stack.undoText() == "Auto layout"
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_rename_through_the_inspector_is_undoable(opened, ui, qtbot):
    before = snapshot(opened)
    ui.click_card(opened, "clean")
    field = opened.inspector.name.edit
    field.selectAll()
    qtbot.keyClicks(field, "scrub")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert ui.names(opened) == ["load", "scrub", "report"]
    assert ui.task(opened, "report").dependencies[0].task == "scrub"
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_field_edits_through_the_inspector_are_undoable(opened, ui, qtbot):
    before = snapshot(opened)
    ui.click_card(opened, "report")
    title = opened.inspector.arg_fields["title"].edit
    title.setFocus()
    qtbot.keyClicks(title, '"Weekly"')
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert ui.task(opened, "report").kwargs == {"title": "Weekly"}
    undo_redo_round_trip(opened, ui, before, snapshot(opened))
    retries = opened.inspector.retries
    retries.setFocus()
    retries.selectAll()
    qtbot.keyClicks(retries, "3")
    qtbot.keyClick(retries, Qt.Key.Key_Return)
    assert ui.task(opened, "report").retries == 3
    assert opened.document.undo_stack.undoText() == "Change retries of report"


def test_binding_change_of_a_selected_edge_is_undoable(opened, ui, qtbot):
    before = snapshot(opened)
    qtbot.mouseClick(opened.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=edge_midpoint(opened, ui, "load", "clean"))
    assert opened.inspector.pages.currentIndex() == 2
    editor = opened.inspector.edge_binding
    assert editor.mode.currentData() == "positional"
    editor.mode.setCurrentIndex(editor.mode.findData("keyword"))
    editor.mode.activated.emit(editor.mode.currentIndex())
    dep = ui.task(opened, "clean").dependencies[0]
    assert (dep.pass_mode, dep.kwarg) == ("keyword", "rows")  # the first fitting parameter
    undo_redo_round_trip(opened, ui, before, snapshot(opened))


def test_refused_edits_leave_no_undo_step(opened, ui):
    from taskflow_gui.commands import AddTasks

    count = opened.document.undo_stack.count()
    before = snapshot(opened)
    ok = opened.edit.push(AddTasks(opened.document.workflow, [TaskSpec("load")]))
    assert not ok
    assert "Duplicate task name" in opened.statusBar().currentMessage()
    assert opened.document.undo_stack.count() == count
    assert snapshot(opened) == before


def test_quick_repeated_moves_of_the_same_tasks_merge(opened, ui):
    from taskflow_gui.commands import MoveTasks

    workflow = opened.document.workflow
    load = ui.task(opened, "load")
    count = opened.document.undo_stack.count()
    opened.edit.move_tasks({load: ((0.0, 0.0), (20.0, 0.0))})
    opened.edit.move_tasks({load: ((20.0, 0.0), (40.0, 0.0))})
    assert opened.document.undo_stack.count() == count + 1
    assert load.position == (40.0, 0.0)
    other = {ui.task(opened, "clean"): ((260.0, 0.0), (280.0, 0.0))}
    opened.document.push(MoveTasks(workflow, other))
    assert opened.document.undo_stack.count() == count + 2  # another set: its own step
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+Z")
    ui.key(opened, "Ctrl+Z")
    assert load.position == (0.0, 0.0)


def test_history_lists_every_step_and_clicking_one_goes_back(opened, ui, qtbot):
    opened.edit.add_callable("steps:clean")
    opened.edit.add_callable("steps:report")
    ui.trigger(opened, "Edit", "History")
    assert opened.history_dock.isVisible()
    view = opened.history_view
    texts = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert texts == ["Opened", "Add clean_2", "Add report_2"]
    rect = view.visualRect(view.model().index(1, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ui.names(opened) == ["load", "clean", "report", "clean_2"]
