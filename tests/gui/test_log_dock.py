"""The Log dock: batched appends, filters driven by the user, tracebacks, log files."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from taskflow_core.events import TaskFinished, TaskOutput, TaskStarted

from taskflow_gui.docks import log as log_module
from taskflow_gui.docks.log import LogDock


def _outputs(task: str, count: int, level: str = "INFO", start: int = 0) -> list:
    now = time.time()
    return [TaskOutput(task, f"{task} line {i}", level, now) for i in range(start, start + count)]


@pytest.fixture
def dock(qtbot):
    widget = LogDock()
    widget.resize(900, 500)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _messages(dock: LogDock) -> list[str]:
    model = dock.model
    return [model.index(r, 3).data() for r in range(model.rowCount())]


def _on_screen(dock: LogDock) -> list[str]:
    """The messages the view actually shows (blank page rows left out)."""
    page = dock.view.table.model()
    return [text for r in range(page.rowCount()) if (text := page.index(r, 3).data())]


def test_hundred_thousand_lines_in_batches(dock):
    inserts = []
    dock.model.rowsInserted.connect(lambda *_: inserts.append(1))
    for batch in range(100):
        task = f"task_{batch % 8}"
        dock.append_outputs(_outputs(task, 1000, start=batch * 1000))
    assert dock.model.rowCount() == 100_000
    assert len(inserts) == 100  # one insert notification per batch, not per line
    names = [dock.task_combo.itemText(i) for i in range(dock.task_combo.count())]
    assert names == ["All tasks"] + [f"task_{i}" for i in range(8)]
    # follows the tail while the user has not scrolled away
    view = dock.view
    assert view.at_bottom()
    rect = view.row_rect(99_999)
    assert rect is not None and rect.bottom() <= view.viewport().height()
    assert view.row_at(rect.center()) == 99_999
    page = view.table.model()  # what is on screen
    last = rect.center().y() // rect.height()
    assert page.index(last, 3).data() == "task_3 line 99999"
    assert page.index(last, 1).data() == "task_3"
    dock._update_count()
    assert dock.count_label.text() == "100,000 lines"


def test_typing_in_the_filter_box_filters_by_text(dock, qtbot):
    dock.append_outputs(_outputs("extract", 50) + _outputs("load", 50))
    dock.append_outputs([TaskOutput("load", "wrote 17 rows to orders", "INFO", time.time())])
    qtbot.mouseClick(dock.filter_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dock.filter_edit, "ORDERS")
    qtbot.waitUntil(lambda: dock.model.rowCount() == 1, timeout=2000)
    assert _messages(dock) == ["wrote 17 rows to orders"]
    assert dock.count_label.text() == "1 of 101 lines"
    # new lines that match appear, the others stay hidden
    dock.append_outputs(
        [
            TaskOutput("extract", "read orders.csv", "INFO", time.time()),
            TaskOutput("extract", "unrelated", "INFO", time.time()),
        ]
    )
    assert _messages(dock) == ["wrote 17 rows to orders", "read orders.csv"]
    # clearing the box shows everything again
    dock.filter_edit.clear()
    qtbot.waitUntil(lambda: dock.model.rowCount() == 103, timeout=2000)


def test_level_filter_with_the_keyboard(dock, qtbot):
    dock.append_outputs(
        _outputs("a", 3, "DEBUG") + _outputs("a", 4, "INFO") + _outputs("a", 2, "WARNING")
    )
    dock.append_outputs([TaskOutput("a", "boom", logging.ERROR, time.time())])
    dock.level_combo.setFocus()
    qtbot.keyClick(dock.level_combo, Qt.Key.Key_Down)  # Info and above
    assert dock.model.rowCount() == 7
    qtbot.keyClick(dock.level_combo, Qt.Key.Key_Down)  # Warnings and above
    assert dock.model.rowCount() == 3
    qtbot.keyClick(dock.level_combo, Qt.Key.Key_Down)  # Errors only
    assert _messages(dock) == ["boom"]
    assert dock.model.index(0, 2).data() == "ERROR"


def test_task_filter_from_outside_and_from_the_combo(dock, qtbot):
    dock.append_outputs(_outputs("a", 5) + _outputs("b", 3) + _outputs("c", 2))
    dock.set_task_filter("b")  # what selecting a node on the canvas does
    assert dock.task_combo.currentText() == "b"
    assert {dock.model.index(r, 1).data() for r in range(dock.model.rowCount())} == {"b"}
    assert _on_screen(dock) == ["b line 0", "b line 1", "b line 2"]  # and nothing else
    dock.set_task_filter(["a", "c"])
    assert dock.task_combo.currentText() == "2 selected tasks"
    assert dock.model.rowCount() == 7
    dock.set_task_filter(None)
    assert dock.model.rowCount() == 10
    # and the user picks a task in the combo
    dock.task_combo.setFocus()
    qtbot.keyClick(dock.task_combo, Qt.Key.Key_Down)
    assert dock.task_combo.currentText() == "a"
    assert dock.model.rowCount() == 5
    # a task not seen yet can be filtered on before it logs anything
    dock.set_task_filter("later")
    assert dock.model.rowCount() == 0
    dock.append_outputs(_outputs("later", 2))
    assert dock.model.rowCount() == 2


def _failed(error: str):
    return SimpleNamespace(
        status=SimpleNamespace(name="FAILED"),
        error=error,
        exception=ValueError("bad row 17"),
        finished_at=time.time(),
        skipped_because=None,
    )


TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "etl.py", line 12, in transform\n'
    "    raise ValueError('bad row 17')\n"
    "ValueError: bad row 17\n"
)


def test_failed_task_traceback_and_skipped_dependants_are_visible(dock, qtbot):
    dock.append_outputs(_outputs("transform", 2))
    dock.on_task_finished(TaskFinished("transform", _failed(TRACEBACK)))
    skipped = SimpleNamespace(
        status=SimpleNamespace(name="SKIPPED"),
        skipped_because="transform",
        finished_at=time.time(),
        error=None,
    )
    dock.on_task_finished(TaskFinished("load", skipped))
    messages = _messages(dock)
    assert messages[:2] == ["transform line 0", "transform line 1"]
    assert messages[2:6] == [
        "Traceback (most recent call last):",
        '  File "etl.py", line 12, in transform',
        "    raise ValueError('bad row 17')",
        "ValueError: bad row 17",
    ]
    assert messages[6] == "Skipped because transform failed"
    assert dock.model.index(5, 3).data(Qt.ItemDataRole.ForegroundRole).name() == "#b3261e"
    # clicking a traceback line shows the whole traceback below the table
    rect = dock.view.row_rect(3)
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dock.detail.toPlainText().endswith("\n" + TRACEBACK.rstrip("\n"))
    assert "  transform  ERROR\n" in dock.detail.toPlainText()


def test_traceback_not_repeated_when_the_task_already_logged_it(dock):
    dock.append_outputs([TaskOutput("t", TRACEBACK.rstrip(), "ERROR", time.time())])
    # a record with its traceback is one row; the detail pane shows it whole
    assert _messages(dock) == ["Traceback (most recent call last):  (+3 lines)"]
    dock.on_task_finished(TaskFinished("t", _failed(TRACEBACK)))
    assert dock.model.rowCount() == 1


def test_open_log_file_for_the_selected_row(dock, qtbot, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(log_module, "open_url", lambda url: opened.append(url) or True)
    path = tmp_path / "b.log"
    path.write_text("x\n")
    dock.set_log_paths({"b": str(path)})
    dock.append_outputs(_outputs("a", 2) + _outputs("b", 2))
    assert not dock.open_button.isEnabled()  # nothing selected yet
    rect = dock.view.row_rect(3)
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dock.open_button.isEnabled()
    qtbot.mouseClick(dock.open_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(path)]
    # a task without a known log file cannot be opened
    rect = dock.view.row_rect(0)
    qtbot.mouseClick(dock.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not dock.open_button.isEnabled()


def test_line_cap_drops_the_oldest_lines(qtbot):
    dock = LogDock(max_lines=1000)
    qtbot.addWidget(dock)
    dock.set_task_filter("b")
    for i in range(12):
        dock.append_outputs(_outputs("a", 100, start=i * 100) + _outputs("b", 100, start=i * 100))
    assert dock.model.total_count <= 1000
    visible = _messages(dock)
    assert visible[-1] == "b line 1199"
    assert all(m.startswith("b line") for m in visible)
    dock.set_task_filter(None)
    assert _messages(dock)[-1] == "b line 1199"
    assert dock.model.rowCount() == dock.model.total_count


def test_clear_button_empties_the_log(dock, qtbot):
    dock.append_outputs(_outputs("a", 10))
    qtbot.mouseClick(dock.clear_button, Qt.MouseButton.LeftButton)
    assert dock.model.rowCount() == 0
    assert dock.count_label.text() == "0 lines"


def test_scrolling_up_stops_following_and_end_resumes(dock, qtbot):
    dock.append_outputs(_outputs("a", 500))
    view = dock.view
    assert view.at_bottom()
    # the user scrolls up with the mouse wheel: new lines no longer move the view
    center = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(
        center,
        QPointF(view.viewport().mapToGlobal(center.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * 5),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), wheel)
    first = view.first_visible_row()
    assert first == 500 - view.visible_row_count() - 15
    dock.append_outputs(_outputs("a", 100, start=500))
    assert view.first_visible_row() == first
    assert view.table.model().index(0, 3).data() == f"a line {first}"
    # keyboard: Home selects the first line, End the last and follows again
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Home)
    assert view.current_row() == 0 and view.first_visible_row() == 0
    assert dock.detail.toPlainText().endswith("a line 0")
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.current_row() == 1
    qtbot.keyClick(view.table, Qt.Key.Key_End)
    assert view.current_row() == 599 and view.at_bottom()
    dock.append_outputs(_outputs("a", 10, start=600))
    assert view.at_bottom()
    assert view.row_rect(609) is not None


def test_retries_are_marked(dock):
    dock.on_task_started(TaskStarted("flaky", 1, 0, time.time()))
    dock.append_outputs(_outputs("flaky", 1))
    dock.on_task_started(TaskStarted("flaky", 2, 0, time.time()))
    dock.append_outputs(_outputs("flaky", 1))
    assert _messages(dock) == ["flaky line 0", "Attempt 2 (retry)", "flaky line 0"]
