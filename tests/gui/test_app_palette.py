"""Adding tasks: palette listing and search, drag and drop, double-click, quick-add."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from taskflow_gui.docks.palette import CALLABLE_MIME, REFERENCE_ROLE

pytest_plugins = ["app_support"]


def palette_references(win) -> list[str]:
    proxy = win.palette_dock.proxy
    found = []
    for row in range(proxy.rowCount()):
        module = proxy.index(row, 0)
        for child in range(proxy.rowCount(module)):
            found.append(proxy.index(child, 0, module).data(REFERENCE_ROLE))
    return found


def test_palette_lists_project_functions_and_filters(opened, qtbot):
    assert palette_references(opened) == ["steps:load", "steps:clean", "steps:report"]
    qtbot.keyClicks(opened.palette_dock.search, "rep")
    assert palette_references(opened) == ["steps:report"]
    opened.palette_dock.search.clear()
    qtbot.keyClicks(opened.palette_dock.search, "drop bad")  # the docstring matches too
    assert palette_references(opened) == ["steps:clean"]


def test_palette_drag_carries_the_reference(opened):
    model = opened.palette_dock.model
    module = model.index(0, 0)
    data = model.mimeData([model.index(1, 0, module)])
    assert bytes(data.data(CALLABLE_MIME)).decode() == "steps:clean"


def drop_callable(win, reference: str, pos: QPoint) -> None:
    """What a drag from the palette delivers to the canvas: enter, move, drop."""
    viewport = win.view.viewport()
    data = QMimeData()
    data.setData(CALLABLE_MIME, reference.encode())
    copy, none = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    plain = Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(viewport, QDragEnterEvent(pos, copy, data, none, plain))
    QApplication.sendEvent(viewport, QDragMoveEvent(pos, copy, data, none, plain))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(pos), copy, data, none, plain))


def test_dropping_a_callable_adds_a_task_named_after_it(opened, qtbot, ui):
    viewport = opened.view.viewport()
    pos = QPoint(viewport.width() // 2, viewport.height() - 60)
    drop_callable(opened, "steps:clean", pos)
    drop_callable(opened, "steps:clean", pos)
    assert ui.names(opened)[-2:] == ["clean_2", "clean_3"]
    added = ui.task(opened, "clean_3")
    assert added.callable == "steps:clean"
    assert opened.scene.selected_tasks() == [added]
    assert opened.inspector.name.text() == "clean_3"
    # Dropped where the cursor was: the card is centred on the drop point.
    centre = opened.scene.item_for(added).sceneBoundingRect().center()
    dropped_at = opened.view.mapToScene(pos)
    assert abs(centre.x() - dropped_at.x()) <= 20 and abs(centre.y() - dropped_at.y()) <= 30


def test_double_clicking_a_palette_entry_adds_it(opened, qtbot, ui):
    tree = opened.palette_dock.tree
    module = opened.palette_dock.proxy.index(0, 0)
    index = opened.palette_dock.proxy.index(2, 0, module)
    rect = tree.visualRect(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ui.names(opened)[-1] == "report_2"
    assert ui.task(opened, "report_2").callable == "steps:report"


def test_quick_add_with_tab_typing_and_enter(opened, qtbot, ui):
    ui.focus_canvas(opened)
    qtbot.mouseMove(opened.view.viewport(), QPoint(200, 150))
    qtbot.keyClick(opened.view, Qt.Key.Key_Tab)
    popup = opened.quick_add
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClicks(popup.search, "clea")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert ui.names(opened)[-1] == "clean_2"
    added = ui.task(opened, "clean_2")
    assert added.callable == "steps:clean"
    expected = opened.view.mapToScene(QPoint(200, 150))
    centre = opened.scene.item_for(added).sceneBoundingRect().center()
    assert abs(centre.x() - expected.x()) <= 20 and abs(centre.y() - expected.y()) <= 30


def test_quick_add_arrow_keys_choose_and_free_text_makes_an_empty_task(opened, qtbot, ui):
    ui.focus_canvas(opened)
    qtbot.keyClick(opened.view, Qt.Key.Key_Tab)
    popup = opened.quick_add
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup.search, Qt.Key.Key_Down)
    chosen = popup.list.currentIndex().data(REFERENCE_ROLE)
    qtbot.keyClick(popup.search, Qt.Key.Key_Enter)
    assert opened.document.workflow.tasks[-1].callable == chosen
    ui.focus_canvas(opened)
    qtbot.keyClick(opened.view, Qt.Key.Key_Tab)
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClicks(popup.search, "notify team")
    qtbot.keyClick(popup.search, Qt.Key.Key_Return)
    assert ui.names(opened)[-1] == "notify_team"
    assert ui.task(opened, "notify_team").callable == ""


def test_escape_closes_quick_add_without_adding(opened, qtbot, ui):
    before = ui.names(opened)
    ui.focus_canvas(opened)
    qtbot.keyClick(opened.view, Qt.Key.Key_Tab)
    qtbot.waitUntil(opened.quick_add.isVisible, timeout=2000)
    qtbot.keyClick(opened.quick_add.search, Qt.Key.Key_Escape)
    assert not opened.quick_add.isVisible()
    assert ui.names(opened) == before


def test_add_python_file_outside_the_paths_offers_its_folder(opened, dialogs, tmp_path):
    extra = tmp_path / "elsewhere"
    extra.mkdir()
    (extra / "more_steps.py").write_text("def notify(message):\n    return message\n")
    dialogs.answer("question", dialogs_yes())
    opened.palette_dock.add_file_path(str(extra / "more_steps.py"))
    assert "more_steps:notify" in palette_references(opened)
    assert "../elsewhere" in opened.document.workflow.python_paths
    # One undoable step, like every other change to the project.
    assert opened.document.is_modified()


def dialogs_yes():
    return QMessageBox.StandardButton.Yes


def test_adding_a_module_by_name_imports_only_after_confirmation(opened, dialogs):
    dialogs.answer("question", dialogs_no())
    opened.palette_dock.add_module_named("json")
    assert "json:dumps" not in palette_references(opened)
    assert "Importing json runs its top-level code" in dialogs.shown[-1][2]
    dialogs.answer("question", dialogs_yes())
    opened.palette_dock.add_module_named("json")
    assert "json:dumps" in palette_references(opened)
    dialogs.answer("question", dialogs_yes())
    dialogs.answer("warning", QMessageBox.StandardButton.Ok)
    opened.palette_dock.add_module_named("no_such_module_here")
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("warning", "Import module")
    assert "no_such_module_here" in text


def dialogs_no():
    return QMessageBox.StandardButton.No
