"""The start panel on an empty canvas: the examples, Open, and drops that go through it."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton

from taskflow_gui.docks.palette import CALLABLE_MIME

pytest_plugins = ["app_support"]


def test_an_empty_window_offers_the_examples_and_one_opens_with_a_click(window, ui, qtbot):
    panel = window.start_panel
    assert panel.isVisible()
    names = [b.text() for b in panel.example_buttons]
    assert names == ["ETL diamond", "Fan-out 50", "Seed example"]
    assert window.view.hint_text == ""  # the panel says it; the canvas does not repeat it
    seed = panel.findChild(QPushButton, "example:seed_example.taskflow.json")
    qtbot.mouseClick(seed, Qt.MouseButton.LeftButton)
    assert ui.names(window) == ["fetch_users", "fetch_products", "fetch_orders",
                                "calculate_metrics"]
    assert not panel.isVisible()

    ui.trigger(window, "File", "New")
    assert len(window.document.workflow) == 0
    assert panel.isVisible()


def test_the_panel_sits_in_the_middle_of_the_canvas_and_follows_resizes(window, qtbot):
    panel, viewport = window.start_panel, window.view.viewport()
    centre = panel.geometry().center()
    assert abs(centre.x() - viewport.width() // 2) <= 2
    assert abs(centre.y() - viewport.height() // 2) <= 2
    window.resize(window.width() - 200, window.height() - 100)
    qtbot.waitUntil(lambda: abs(panel.geometry().center().x() - viewport.width() // 2) <= 2,
                    timeout=2000)
    window.view.horizontalScrollBar().setValue(window.view.horizontalScrollBar().value() + 300)
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().value() + 200)
    centre = panel.geometry().center()  # scrolling the canvas does not carry the panel off
    assert abs(centre.x() - viewport.width() // 2) <= 2
    assert abs(centre.y() - viewport.height() // 2) <= 2


def test_a_callable_dropped_on_the_panel_lands_on_the_canvas_and_the_panel_goes(window, ui):
    panel = window.start_panel
    data = QMimeData()
    data.setData(CALLABLE_MIME, b"steps:clean")
    copy, none = Qt.DropAction.CopyAction, Qt.MouseButton.NoButton
    plain = Qt.KeyboardModifier.NoModifier
    pos = QPoint(panel.width() // 2, panel.height() // 2)
    # What the drag manager does: the widget under the cursor gets the events first.
    QApplication.sendEvent(panel, QDragEnterEvent(pos, copy, data, none, plain))
    QApplication.sendEvent(panel, QDragMoveEvent(pos, copy, data, none, plain))
    QApplication.sendEvent(panel, QDropEvent(QPointF(pos), copy, data, none, plain))
    assert ui.names(window) == ["clean"]
    assert not panel.isVisible()
    ui.key(window, "Ctrl+Z")
    assert panel.isVisible()


def test_open_on_the_panel_is_file_open(window, monkeypatch, project, ui, qtbot):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(project), "")))
    qtbot.mouseClick(window.start_panel.open_button, Qt.MouseButton.LeftButton)
    assert ui.names(window) == ["load", "clean", "report"]
    assert not window.start_panel.isVisible()


def test_recent_projects_are_offered_first_and_open_with_a_click(window, project, ui, qtbot):
    panel = window.start_panel
    assert panel.recent_buttons == []  # a fresh settings folder: nothing recent yet
    assert window.files.open_path(project)
    ui.trigger(window, "File", "New")
    assert panel.isVisible()
    assert [b.toolTip() for b in panel.recent_buttons] == [str(project.resolve())]
    assert panel.recent_buttons[0].text().startswith("test — ")
    qtbot.mouseClick(panel.recent_buttons[0], Qt.MouseButton.LeftButton)
    assert ui.names(window) == ["load", "clean", "report"]


def test_a_recent_project_that_was_deleted_is_not_offered(window, project, ui):
    assert window.files.open_path(project)
    project.unlink()
    ui.trigger(window, "File", "New")
    assert window.start_panel.isVisible()
    assert window.start_panel.recent_buttons == []
