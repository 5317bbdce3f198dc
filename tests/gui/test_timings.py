"""The Timings dock: table, Gantt chart and totals, from results and live events."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip
from taskflow_core.events import TaskFinished, TaskStarted

from taskflow_gui.docks.timings import GanttChart, RunTimeline, TimingsDock, nice_step
from taskflow_gui.status_style import status_color

T0 = 1_700_000_000.0


def _status(name: str):
    return SimpleNamespace(name=name)


def _task(status, start=None, duration=None, worker=0, attempts=1, **extra):
    finished = None if start is None or duration is None else start + duration
    return SimpleNamespace(
        status=_status(status),
        started_at=start,
        finished_at=finished,
        duration=duration,
        worker=worker,
        attempts=attempts,
        error=extra.get("error"),
        skipped_because=extra.get("skipped_because"),
    )


def _seed_parallel():
    """The seed example's shape: three 2 s fetches on three workers, then 1 s."""
    results = {
        "fetch_users": _task("SUCCESS", T0, 2.0, 0),
        "fetch_products": _task("SUCCESS", T0, 2.0, 1),
        "fetch_orders": _task("SUCCESS", T0, 2.0, 2),
        "calculate_metrics": _task("SUCCESS", T0 + 2.0, 1.0, 0),
    }
    return SimpleNamespace(
        results=results,
        wall_seconds=3.0,
        mode="parallel",
        max_workers=4,
        critical_path=["fetch_users", "calculate_metrics"],
        critical_path_seconds=3.0,
    )


def _etl_with_failure():
    tb = "Traceback (most recent call last):\n  ...\nValueError: bad row 17"
    results = {
        "extract": _task("SUCCESS", T0, 0.8, 0),
        "transform": _task("FAILED", T0 + 0.8, 0.7, 0, attempts=3, error=tb),
        "load": _task("SKIPPED", worker=None, attempts=0, skipped_because="transform"),
        "report": _task("SUCCESS", T0, 2.0, 1),
    }
    return SimpleNamespace(
        results=results,
        wall_seconds=2.0,
        mode="parallel",
        max_workers=2,
        critical_path=["report"],
        critical_path_seconds=2.0,
    )


@pytest.fixture
def dock(qtbot):
    widget = TimingsDock()
    widget.resize(900, 520)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _column(dock: TimingsDock, column: int) -> list[str]:
    proxy = dock.proxy
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def test_result_fills_table_chart_and_totals(dock, qtbot):
    dock.set_result(_seed_parallel())
    names = ["fetch_users", "fetch_products", "fetch_orders", "calculate_metrics"]
    assert _column(dock, 0) == names
    assert _column(dock, 1) == ["Succeeded"] * 4
    assert _column(dock, 2) == ["0.00 s", "0.00 s", "0.00 s", "2.00 s"]
    assert _column(dock, 3) == ["2.00 s", "2.00 s", "2.00 s", "1.00 s"]
    assert _column(dock, 5) == ["1", "2", "3", "1"]
    assert dock.totals() == (
        "Wall time 3.0 s · Sum of task durations 7.0 s · Speedup 2.3x · "
        "Critical path 3.0 s (fetch_users → calculate_metrics) · 4 succeeded"
    )
    gantt = dock.gantt
    assert gantt.timeline.lane_count() == 4  # the idle fourth worker is shown too
    qtbot.waitUntil(lambda: gantt.bar_rect("calculate_metrics") is not None)
    users, metrics = gantt.bar_rect("fetch_users"), gantt.bar_rect("calculate_metrics")
    products = gantt.bar_rect("fetch_products")
    assert users.center().y() == pytest.approx(metrics.center().y())  # same lane
    assert products.top() > users.top()  # next lane
    assert users.width() == pytest.approx(2 * metrics.width(), rel=0.02)
    assert metrics.left() == pytest.approx(users.right(), abs=1.5)


def test_clicking_a_header_sorts(dock, qtbot):
    dock.set_result(_seed_parallel())
    header = dock.table.horizontalHeader()
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _column(dock, 0)[0] == "calculate_metrics"  # shortest first
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _column(dock, 0)[-1] == "calculate_metrics"
    x = header.sectionViewportPosition(0) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert _column(dock, 0) == sorted(_column(dock, 0))


def test_failed_and_skipped_are_shown_as_such(dock, qtbot):
    dock.set_result(_etl_with_failure())
    assert dict(zip(_column(dock, 0), _column(dock, 1), strict=True)) == {
        "extract": "Succeeded",
        "transform": "Failed",
        "load": "Skipped",
        "report": "Succeeded",
    }
    assert dict(zip(_column(dock, 0), _column(dock, 4), strict=True))["transform"] == "3"
    gantt = dock.gantt
    qtbot.waitUntil(lambda: gantt.bar_rect("transform") is not None)
    assert gantt.bar_rect("load") is None  # never ran: no bar
    tip = gantt.tooltip_for("load")
    assert "skipped because transform failed" in tip
    # hovering the failed bar shows its error
    center = gantt.bar_rect("transform").center().toPoint()
    viewport = gantt.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, center, viewport.mapToGlobal(center))
    QApplication.sendEvent(viewport, event)
    assert "ValueError: bad row 17" in QToolTip.text()
    assert "3 attempts" in QToolTip.text()
    # the bar is painted in the failed colour
    image = gantt.grab().toImage()
    pixel = image.pixelColor(
        int(center.x() * image.devicePixelRatio()), int(center.y() * image.devicePixelRatio())
    )
    assert pixel.name() == status_color("failed").name()


def test_critical_path_is_outlined(qtbot):
    chart = GanttChart()
    chart.resize(700, 200)
    qtbot.addWidget(chart)
    chart.set_result(_seed_parallel())
    chart.show()
    qtbot.waitExposed(chart)
    image: QImage = chart.grab().toImage()
    dark = QColor("#1d1f23")

    def edge_is_dark(name: str) -> bool:
        rect = chart.bar_rect(name)
        x, y = int(rect.center().x()), int(rect.top() - 0.5)
        colors = [image.pixelColor(x, y + dy) for dy in (-1, 0, 1)]
        return any(
            abs(c.red() - dark.red()) < 40 and abs(c.green() - dark.green()) < 40 for c in colors
        )

    assert edge_is_dark("fetch_users")
    assert edge_is_dark("calculate_metrics")
    assert not edge_is_dark("fetch_products")


def test_live_events_update_the_table_and_chart(dock, qtbot):
    dock.begin_run("parallel", 2)
    now = time.time()
    dock.on_run_started(SimpleNamespace(time=now))
    dock.on_task_started(TaskStarted("a", 1, 0, now))
    dock.on_task_started(TaskStarted("b", 1, 1, now))
    assert _column(dock, 1) == ["Running", "Running"]
    first = float(_column(dock, 3)[0].split()[0])
    qtbot.wait(450)  # the dock's own tick advances running durations
    assert float(_column(dock, 3)[0].split()[0]) > first
    assert dock.gantt.bar_rect("a") is not None
    done = _task("SUCCESS", now, 0.3, 0)
    dock.on_task_finished(TaskFinished("a", done))
    assert _column(dock, 1) == ["Succeeded", "Running"]
    assert _column(dock, 3)[0] == "0.30 s"
    assert dock.totals().startswith("Wall time")


def test_reused_tasks_after_resume_have_no_bar(dock, qtbot):
    earlier = T0 - 600  # ran in the previous run
    results = {
        "extract": _task("SUCCESS", earlier, 0.8, 0),
        "transform": _task("SUCCESS", T0, 0.5, 0),
        "load": _task("SUCCESS", T0 + 0.5, 0.25, 0),
    }
    result = SimpleNamespace(
        results=results,
        wall_seconds=0.75,
        mode="sequential",
        max_workers=1,
        critical_path=[],
        critical_path_seconds=None,
    )
    dock.set_result(result)
    assert _column(dock, 1) == ["Succeeded (reused)", "Succeeded", "Succeeded"]
    assert _column(dock, 2) == ["", "0.00 s", "0.50 s"]
    qtbot.waitUntil(lambda: dock.gantt.bar_rect("load") is not None)
    assert dock.gantt.bar_rect("extract") is None
    assert dock.totals().startswith("Wall time 0.8 s · Sum of task durations 0.8 s")


def test_clicking_a_bar_selects_the_task(dock, qtbot):
    dock.set_result(_seed_parallel())
    qtbot.waitUntil(lambda: dock.gantt.bar_rect("fetch_orders") is not None)
    center = dock.gantt.bar_rect("fetch_orders").center().toPoint()
    with qtbot.waitSignal(dock.task_selected) as blocker:
        qtbot.mouseClick(dock.gantt.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert blocker.args == ["fetch_orders"]
    rows = dock.table.selectionModel().selectedRows()
    assert [r.data() for r in rows] == ["fetch_orders"]


def test_time_axis_uses_round_steps():
    assert nice_step(3.0, 6) == pytest.approx(0.5)
    assert nice_step(7.0, 8) == pytest.approx(1.0)
    assert nice_step(0.12, 5) == pytest.approx(0.05)
    assert nice_step(95, 5) == pytest.approx(20)


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_gantt_survives_painting_for_seconds(qtbot):
    """Guards against PySide6 releases that abort after thousands of void Qt calls."""
    chart = GanttChart(title="stress")
    chart.resize(800, 260)
    qtbot.addWidget(chart)
    timeline = RunTimeline()
    timeline.reset([f"t{i}" for i in range(40)], mode="parallel", max_workers=4)
    start = time.time()
    timeline.start(start)
    for i in range(40):
        timeline.task_started(TaskStarted(f"t{i}", 1, i % 4, start + i * 0.01))
    chart.set_timeline(timeline)
    chart.show()
    qtbot.waitExposed(chart)
    counter = _PaintCounter()
    chart.viewport().installEventFilter(counter)
    rounds = 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        chart.refresh(force=rounds % 2 == 0)  # rebuilds every item: thousands of void calls
        chart.viewport().repaint()
        QApplication.processEvents()
        rounds += 1
    assert rounds > 50
    assert counter.count >= rounds
    image = chart.grab().toImage()
    rect = chart.bar_rect("t0")
    pixel = image.pixelColor(int(rect.center().x()), int(rect.center().y()))
    assert pixel.name() == status_color("running").name()


def test_status_keys_accept_the_engines_statuses():
    from taskflow_core import TaskStatus

    from taskflow_gui.status_style import STATUS_KEYS, status_key, status_label

    assert [status_key(s) for s in TaskStatus] == [
        "pending",
        "running",
        "succeeded",
        "failed",
        "skipped",
        "cancelled",
    ]
    assert status_key("SUCCESS") == status_key("success") == "succeeded"
    assert status_key(None) == "pending"
    assert status_label(TaskStatus.CANCELLED) == "Cancelled"
    colors = {status_color(k).name() for k in STATUS_KEYS}
    assert len(colors) == len(STATUS_KEYS)  # six distinct colours
