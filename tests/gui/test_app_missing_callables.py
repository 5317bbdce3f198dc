"""Tasks whose callable is missing: red placeholders, listed in Problems, never dropped."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from taskflow_core.projectfile import load_project, save_project
from taskflow_core.workflow import TaskSpec

pytest_plugins = ["app_support"]

Button = QMessageBox.StandardButton


@pytest.fixture
def broken_project(project):
    """The test project plus a task from a module that does not exist and one with a typo."""
    wf = load_project(project)
    wf.add_task(TaskSpec("ghost", "nosuchmodule_xyz:run", position=(0, 160)))
    wf.add_task(TaskSpec("typo", "steps:reprot", position=(260, 160)))
    wf.connect("load", "ghost")
    save_project(wf, project)
    return project


@pytest.fixture
def forget_imports():
    """Resolving imports the project's module; later tests must import their own copy."""
    path = list(sys.path)
    yield
    sys.modules.pop("steps", None)
    sys.path[:] = path


def problem_rows(win) -> list[tuple[str, str]]:
    model = win.problems.model
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def test_missing_module_loads_as_a_red_placeholder(window, broken_project, ui, qtbot):
    assert window.files.open_path(broken_project)
    assert ui.names(window) == ["load", "clean", "report", "ghost", "typo"]
    ghost = window.scene.item_for("ghost")
    qtbot.waitUntil(lambda: bool(ghost.problem), timeout=2000)
    assert "nosuchmodule_xyz" in ghost.problem
    assert window.scene.item_for("typo").problem == ""  # only an import can tell
    qtbot.waitUntil(lambda: ("ghost", "Missing callable") in problem_rows(window), timeout=2000)
    assert "problem" in window.problems_label.text()


def test_resolve_asks_first_then_marks_what_does_not_resolve(
    window, broken_project, ui, dialogs, qtbot, forget_imports
):
    assert window.files.open_path(broken_project)
    dialogs.answer("question", Button.No)
    ui.trigger(window, "Run", "Resolve Callables…")
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("question", "Import modules?")
    assert "steps" in text and "nosuchmodule_xyz" in text
    assert "nothing was imported" in window.statusBar().currentMessage()
    assert window.scene.item_for("typo").problem == ""

    dialogs.answer("question", Button.Yes)
    ui.trigger(window, "Run", "Resolve Callables…")
    typo = window.scene.item_for("typo")
    assert "reprot" in typo.problem
    assert "nosuchmodule_xyz" in window.scene.item_for("ghost").problem
    window.problems.refresh()
    rows = problem_rows(window)
    assert ("typo", "Unresolved callable") in rows
    assert ("ghost", "Unresolved callable") in rows
    assert window.scene.item_for("report").problem == ""

    # Fixing the reference in the inspector clears the mark; nothing was dropped.
    ui.click_card(window, "typo")
    field = window.inspector.callable.edit
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "steps:report")
    field.completer().popup().hide()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: typo.problem == "", timeout=2000)
    assert len(window.document.workflow) == 5


def test_double_clicking_a_problem_selects_its_task(window, broken_project, qtbot):
    assert window.files.open_path(broken_project)
    window.problems.refresh()
    window.checker.refresh()
    view = window.problems.view
    row = next(r for r, (task, _) in enumerate(problem_rows(window)) if task == "ghost")
    rect = view.visualRect(window.problems.model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [t.name for t in window.scene.selected_tasks()] == ["ghost"]
    assert window.inspector.spec.name == "ghost"


def test_saving_keeps_placeholders(window, broken_project, ui, monkeypatch):
    assert window.files.open_path(broken_project)
    window.edit.add_callable("steps:clean")
    assert window.files.save()
    assert [t.callable for t in load_project(broken_project).tasks][3:5] == [
        "nosuchmodule_xyz:run", "steps:reprot"
    ]


def test_problems_follow_edits_live(opened, ui, qtbot):
    assert problem_rows(opened) == []
    opened.edit.add_callable("", name="empty")
    qtbot.waitUntil(lambda: ("empty", "No callable") in problem_rows(opened), timeout=2000)
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+Z")
    qtbot.waitUntil(lambda: problem_rows(opened) == [], timeout=2000)
