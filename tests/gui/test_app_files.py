"""File menu: save/open round trip, the unsaved-changes prompt, recent files, examples."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from taskflow_core.projectfile import load_project

pytest_plugins = ["app_support"]

Button = QMessageBox.StandardButton


def answer_file_dialogs(monkeypatch, *, open_path: Path | None = None,
                        save_path: Path | None = None) -> None:
    if open_path is not None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(open_path), "")))
    if save_path is not None:
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *a, **k: (str(save_path), "")))


def test_save_as_and_open_round_trip_through_the_file_menu(window, ui, monkeypatch, isolated):
    window.edit.add_callable("", name="first")
    window.edit.add_callable("", name="second")
    window.edit.connect_tasks("first", "second")
    assert window.isWindowModified()
    assert window.windowTitle() == "Untitled[*] — TaskFlow"
    target = isolated / "saved" / "pipeline.taskflow.json"
    target.parent.mkdir()
    answer_file_dialogs(monkeypatch, save_path=target)
    ui.trigger(window, "File", "Save As…")
    assert target.exists()
    assert not window.isWindowModified()
    assert window.windowTitle() == "pipeline[*] — TaskFlow"
    saved = load_project(target)
    assert [t.name for t in saved.tasks] == ["first", "second"]
    assert saved.edges() == [("first", "second")]

    ui.trigger(window, "File", "New")
    assert len(window.document.workflow) == 0
    answer_file_dialogs(monkeypatch, open_path=target)
    ui.trigger(window, "File", "Open…")
    assert ui.names(window) == ["first", "second"]
    assert window.document.path == target.resolve()
    assert window.scene.item_for("second") is not None
    recent = ui.menu_action(window, "File", "Open Recent").menu()
    recent.aboutToShow.emit()
    assert any(a.toolTip() == str(target.resolve()) for a in recent.actions())


def test_save_writes_in_place_once_the_project_has_a_file(opened, ui, project, monkeypatch):
    opened.edit.add_callable("steps:report")
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+S")
    assert [t.name for t in load_project(project).tasks][-1] == "report_2"
    assert not opened.document.is_modified()
    ui.key(opened, "Ctrl+Z")
    assert opened.isWindowModified()  # undoing past the save makes it unsaved again


def test_unsaved_changes_prompt_cancel_keeps_everything(opened, ui, dialogs):
    opened.edit.add_callable("steps:clean")
    dialogs.answer("warning", Button.Cancel)
    ui.trigger(opened, "File", "New")
    assert dialogs.titles("warning") == ["Unsaved changes"]
    assert ui.names(opened)[-1] == "clean_2"
    assert opened.isWindowModified()
    dialogs.answer("warning", Button.Cancel)
    assert not opened.close()
    assert opened.isVisible()


def test_unsaved_changes_prompt_discard_and_save(opened, ui, dialogs, project):
    opened.edit.add_callable("steps:clean")
    dialogs.answer("warning", Button.Discard)
    ui.trigger(opened, "File", "New")
    assert len(opened.document.workflow) == 0
    assert [t.name for t in load_project(project).tasks] == ["load", "clean", "report"]

    assert opened.files.open_path(project)
    opened.edit.add_callable("steps:clean")
    dialogs.answer("warning", Button.Save)
    ui.trigger(opened, "File", "New")
    assert [t.name for t in load_project(project).tasks][-1] == "clean_2"


def test_a_bad_file_is_reported_and_the_current_project_stays(opened, ui, dialogs, isolated,
                                                              monkeypatch):
    bad = isolated / "broken.taskflow.json"
    bad.write_text('{"format": "taskflow", "version": 1, "tasks": [{"callable": 3}]}')
    answer_file_dialogs(monkeypatch, open_path=bad)
    ui.trigger(opened, "File", "Open…")
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("critical", "Cannot open project")
    assert "broken.taskflow.json" in text and "tasks[0]" in text
    assert ui.names(opened) == ["load", "clean", "report"]


@pytest.mark.parametrize("example", ["seed_example", "etl_diamond", "fanout_50"])
def test_examples_open_and_saving_them_asks_for_a_new_place(window, ui, monkeypatch, isolated,
                                                           example):
    menu = ui.menu_action(window, "Help", "Examples").menu()
    menu.aboutToShow.emit()
    entries = {a.statusTip().split()[3]: a for a in menu.actions()}
    entries[f"{example}.taskflow.json"].trigger()
    assert len(window.document.workflow) > 0
    original = window.document.path
    original_text = original.read_text()
    window.edit.add_callable("", name="extra")
    target = isolated / f"my_{example}.taskflow.json"
    answer_file_dialogs(monkeypatch, save_path=target)
    ui.trigger(window, "File", "Save")
    assert original.read_text() == original_text  # the bundled file is untouched
    assert window.document.path == target.resolve()
    saved = load_project(target)
    assert saved.tasks[-1].name == "extra"
    # Its python path still reaches the example's modules from the new folder.
    roots = [(target.parent / p).resolve() for p in saved.python_paths]
    assert original.parent.resolve() in roots


def test_layout_and_geometry_are_restored(window, qtbot, isolated):
    from app_support import close_window, make_window

    window.resize(720, 540)  # the offscreen screen is 800x600
    window.problems.hide()
    close_window(window)  # closing saves the layout
    again = make_window(qtbot)
    try:
        assert (again.width(), again.height()) == (720, 540)
        assert not again.problems.isVisible()
        assert again.palette_dock.isVisible()
    finally:
        close_window(again)


def test_export_png_and_svg(opened, ui, monkeypatch, isolated):
    for kind in ("png", "svg"):
        target = isolated / f"canvas.{kind}"
        answer_file_dialogs(monkeypatch, save_path=target)
        ui.trigger(opened, "File", f"Export Canvas as {kind.upper()}…")
        assert target.exists() and target.stat().st_size > 500
