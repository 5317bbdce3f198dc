"""Copy, cut, paste and duplicate through the keyboard, with the clipboard as JSON."""

from __future__ import annotations

import json

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication

pytest_plugins = ["app_support"]


def select(win, ui, *names: str) -> None:
    win.scene.select_tasks(list(names))
    ui.mouse_away(win)
    ui.focus_canvas(win)


def test_copy_puts_project_json_with_internal_edges_only(opened, ui):
    select(opened, ui, "clean", "report")
    ui.key(opened, "Ctrl+C")
    data = json.loads(QGuiApplication.clipboard().text())
    assert data["format"] == "taskflow"
    tasks = {t["name"]: t for t in data["tasks"]}
    assert set(tasks) == {"clean", "report"}
    assert tasks["clean"]["dependencies"] == []  # load was not copied
    assert tasks["report"]["dependencies"] == [{"task": "clean", "pass": "keyword",
                                                "kwarg": "rows"}]


def test_paste_makes_names_unique_keeps_internal_edges_and_is_one_step(opened, ui):
    select(opened, ui, "clean", "report")
    ui.key(opened, "Ctrl+C")
    count = opened.document.undo_stack.count()
    ui.key(opened, "Ctrl+V")
    assert ui.names(opened) == ["load", "clean", "report", "clean_2", "report_2"]
    clean2, report2 = ui.task(opened, "clean_2"), ui.task(opened, "report_2")
    assert clean2.dependencies == []
    assert [(d.task, d.pass_mode, d.kwarg) for d in report2.dependencies] == [
        ("clean_2", "keyword", "rows")
    ]
    assert clean2.log_path == "logs/clean_2.log"
    original = ui.task(opened, "clean").position
    assert clean2.position != original
    assert opened.scene.selected_tasks() == [clean2, report2]
    assert opened.document.undo_stack.count() == count + 1
    ui.key(opened, "Ctrl+V")  # a second paste lands further along, names keep counting
    assert ui.names(opened)[-2:] == ["clean_3", "report_3"]
    assert ui.task(opened, "clean_3").position != clean2.position
    ui.key(opened, "Ctrl+Z")
    ui.key(opened, "Ctrl+Z")
    assert ui.names(opened) == ["load", "clean", "report"]


def test_paste_under_the_mouse_centres_the_copies_there(opened, ui, qtbot):
    select(opened, ui, "load")
    ui.key(opened, "Ctrl+C")
    spot = QPoint(150, opened.view.viewport().height() - 80)
    qtbot.mouseMove(opened.view.viewport(), spot)
    assert opened.view.underMouse()
    ui.key(opened, "Ctrl+V")
    item = opened.scene.item_for("load_2")
    centre = item.mapToScene(item.boundingRect().center())
    target = opened.view.mapToScene(spot)
    assert abs(centre.x() - target.x()) <= 20 and abs(centre.y() - target.y()) <= 20


def test_cut_then_paste_puts_tasks_back_in_place(opened, ui):
    select(opened, ui, "report")
    position = ui.task(opened, "report").position
    ui.key(opened, "Ctrl+X")
    assert ui.names(opened) == ["load", "clean"]
    ui.key(opened, "Ctrl+V")
    assert ui.names(opened) == ["load", "clean", "report"]
    assert ui.task(opened, "report").position == position
    assert ui.task(opened, "report").dependencies == []  # its upstream was not cut along


def test_duplicate_with_ctrl_d(opened, ui):
    select(opened, ui, "load", "clean")
    ui.key(opened, "Ctrl+D")
    assert ui.names(opened)[-2:] == ["load_2", "clean_2"]
    assert [d.task for d in ui.task(opened, "clean_2").dependencies] == ["load_2"]
    assert ui.task(opened, "load_2").args == ["data.csv"]


def test_pasting_foreign_text_changes_nothing(opened, ui):
    QGuiApplication.clipboard().setText("just some words")
    before = ui.names(opened)
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+V")
    assert ui.names(opened) == before
    assert "no TaskFlow tasks" in opened.statusBar().currentMessage()
