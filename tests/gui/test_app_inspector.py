"""The inspector: live validation, per-parameter JSON values, bindings, run settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

pytest_plugins = ["app_support"]


def show_task(win, ui, name: str) -> None:
    ui.click_card(win, name)
    assert win.inspector.spec is ui.task(win, name)


def test_name_with_a_space_is_refused_at_the_field(opened, ui, qtbot):
    show_task(opened, ui, "clean")
    count = opened.document.undo_stack.count()
    field = opened.inspector.name
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "clean rows")
    assert field.edit.property("invalid") is True
    assert field.error.isVisibleTo(opened.inspector)
    assert "cannot contain spaces" in field.error.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.names(opened) == ["load", "clean", "report"]  # the model never saw it
    assert opened.document.undo_stack.count() == count
    assert field.text() == "clean rows"  # the user's text stays for fixing
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "clean_rows")
    assert field.edit.property("invalid") is False
    assert not field.error.isVisibleTo(opened.inspector)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.names(opened) == ["load", "clean_rows", "report"]


def test_taken_name_is_refused(opened, ui, qtbot):
    show_task(opened, ui, "clean")
    field = opened.inspector.name
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "report")
    assert "already named report" in field.error.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.names(opened) == ["load", "clean", "report"]


def test_parameter_rows_follow_the_signature(opened, ui):
    show_task(opened, ui, "report")
    rows = opened.inspector.arg_fields
    assert list(rows) == ["title"]  # rows comes from the clean task, by keyword
    label_texts = [
        opened.inspector.args_form.itemAt(i, opened.inspector.args_form.ItemRole.LabelRole)
        .widget().text()
        for i in range(opened.inspector.args_form.rowCount())
    ]
    assert label_texts == ["rows", "title"]
    assert rows["title"].edit.placeholderText() == "default 'Report'"
    show_task(opened, ui, "load")
    assert opened.inspector.arg_fields["path"].text() == '"data.csv"'


def test_invalid_json_is_marked_and_never_reaches_the_model(opened, ui, qtbot):
    show_task(opened, ui, "report")
    field = opened.inspector.arg_fields["title"]
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "Weekly")  # text without quotes is not JSON
    assert field.edit.property("invalid") is True
    assert "Not valid JSON" in field.error.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "report").kwargs == {}
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, '"Weekly"')
    assert field.edit.property("invalid") is False
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "report").kwargs == {"title": "Weekly"}


def test_positional_value_edits_args(opened, ui, qtbot):
    show_task(opened, ui, "load")
    field = opened.inspector.arg_fields["path"]
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, '"other.csv"')
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "load").args == ["other.csv"]
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key.Key_Delete)
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "load").args == []


def test_changing_the_callable_rebuilds_the_rows(opened, ui, qtbot):
    show_task(opened, ui, "load")
    field = opened.inspector.callable
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "steps:report")
    opened.inspector.callable.edit.completer().popup().hide()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "load").callable == "steps:report"
    qtbot.waitUntil(lambda: "title" in opened.inspector.arg_fields, timeout=1000)
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, "no colon")
    assert "module:function" in field.error.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert ui.task(opened, "load").callable == "steps:report"


def test_completer_offers_palette_references(opened, ui):
    show_task(opened, ui, "load")
    model = opened.inspector.callable.edit.completer().model()
    references = [model.index(i, 0).data() for i in range(model.rowCount())]
    assert references == ["steps:load", "steps:clean", "steps:report"]


def test_dependency_rows_offer_the_signature_keywords(opened, ui):
    show_task(opened, ui, "report")
    editor = opened.inspector.dep_editors["clean"]
    assert editor.mode.currentData() == "keyword"
    assert [editor.kwarg.itemText(i) for i in range(editor.kwarg.count())] == ["rows", "title"]
    editor.kwarg.setCurrentIndex(1)
    editor.kwarg.activated.emit(1)
    dep = ui.task(opened, "report").dependencies[0]
    assert (dep.pass_mode, dep.kwarg) == ("keyword", "title")
    editor = opened.inspector.dep_editors["clean"]
    editor.mode.setCurrentIndex(editor.mode.findData("none"))
    editor.mode.activated.emit(editor.mode.currentIndex())
    assert ui.task(opened, "report").dependencies[0].pass_mode == "none"


def test_run_settings_and_notes(opened, ui, qtbot, monkeypatch, project):
    show_task(opened, ui, "clean")
    inspector = opened.inspector
    inspector.timeout.setFocus()
    inspector.timeout.selectAll()
    qtbot.keyClicks(inspector.timeout, "2.5")
    qtbot.keyClick(inspector.timeout, Qt.Key.Key_Return)
    assert ui.task(opened, "clean").timeout == 2.5
    inspector.retry_delay.setValue(4)
    assert ui.task(opened, "clean").retry_delay == 4.0
    chosen = project.parent / "logs" / "cleaning.log"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(chosen), "")))
    inspector._browse_log()
    assert ui.task(opened, "clean").log_path == "logs/cleaning.log"
    inspector.notes.setFocus()
    qtbot.keyClicks(inspector.notes, "Drops rows without an id.")
    inspector.name.edit.setFocus()
    qtbot.waitUntil(lambda: ui.task(opened, "clean").notes == "Drops rows without an id.",
                    timeout=1000)
    inspector.timeout.setValue(0)
    assert ui.task(opened, "clean").timeout is None


def test_several_selected_tasks_show_a_summary(opened, ui):
    opened.scene.select_tasks(["load", "clean"])
    assert opened.inspector.pages.currentIndex() == 0
    assert "2 tasks" in opened.inspector.empty.text()
