"""The view: fit, zoom, pan, hint, level of detail, and painting for a while."""

from __future__ import annotations

import random
import time

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest
from taskflow_core.workflow import TaskSpec, Workflow

from taskflow_gui.canvas import LOD_THRESHOLD, WorkflowScene, WorkflowView, layered_layout


def spread_workflow(count: int) -> Workflow:
    wf = Workflow("spread")
    for i in range(count):
        wf.add_task(TaskSpec(f"t{i}", f"pkg.mod:job_{i}", position=(i * 280.0, (i % 7) * 120.0)))
    for i in range(1, count):
        wf.connect(f"t{(i - 1) // 2}", f"t{i}", "keyword" if i % 3 else "positional", f"k{i}")
    return wf


@pytest.fixture
def shown(qtbot):
    def make(workflow: Workflow, size: tuple[int, int] = (800, 500)) -> WorkflowView:
        view = WorkflowView(WorkflowScene(workflow))
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


def visible_rect(view: WorkflowView) -> QRectF:
    return view.mapToScene(view.viewport().rect()).boundingRect()


def test_fit_all_shows_every_item(shown):
    view = shown(spread_workflow(40))
    view.fit_all()
    assert visible_rect(view).contains(view.scene().items_bounding_rect())
    assert view.zoom() < LOD_THRESHOLD
    assert not view.renderHints() & QPainter.RenderHint.Antialiasing


def test_f_key_fits_and_small_workflows_are_not_magnified(shown):
    view = shown(spread_workflow(2))
    view.set_zoom(0.1)
    QTest.keyClick(view, Qt.Key.Key_F)
    assert view.zoom() == 1.0
    assert visible_rect(view).contains(view.scene().items_bounding_rect())
    assert view.renderHints() & QPainter.RenderHint.Antialiasing


def test_wheel_zoom_keeps_the_point_under_the_cursor(shown, qtbot):
    view = shown(spread_workflow(5))
    view.set_zoom(1.0)
    view.centerOn(0.0, 0.0)
    cursor = QPoint(200, 150)
    before = view.mapToScene(cursor)
    for _ in range(3):
        QTest.mouseMove(view.viewport(), cursor)
        qtbot.wait(1)
        view.wheelEvent(_wheel(cursor, 120))
    assert view.zoom() == pytest.approx(1.2**3)
    after = view.mapToScene(cursor)
    assert (after - before).manhattanLength() < 2.0


def _wheel(point: QPoint, delta: int):
    from PySide6.QtGui import QWheelEvent

    return QWheelEvent(
        QPointF(point),
        QPointF(point),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )


def test_zoom_in_and_out_are_bounded(shown):
    view = shown(spread_workflow(3))
    view.set_zoom(1.0)
    view.zoom_in()
    assert view.zoom() == pytest.approx(1.2)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom() == pytest.approx(1 / 1.2)
    for _ in range(60):
        view.zoom_in()
    assert view.zoom() == pytest.approx(3.0)


@pytest.mark.parametrize("how", ["middle", "space"])
def test_panning(shown, how):
    view = shown(spread_workflow(3))
    view.set_zoom(1.0)
    view.centerOn(0.0, 0.0)
    before = view.mapToScene(QPoint(400, 250))
    port = view.viewport()
    button = Qt.MouseButton.MiddleButton if how == "middle" else Qt.MouseButton.LeftButton
    if how == "space":
        QTest.keyPress(view, Qt.Key.Key_Space)
    QTest.mousePress(port, button, Qt.KeyboardModifier.NoModifier, QPoint(400, 250))
    for x in range(400, 299, -20):
        QTest.mouseMove(port, QPoint(x, 250 - (400 - x) // 2))
    QTest.mouseRelease(port, button, Qt.KeyboardModifier.NoModifier, QPoint(300, 200))
    if how == "space":
        QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.mapToScene(QPoint(400, 250))
    assert after.x() - before.x() == pytest.approx(100, abs=2)
    assert after.y() - before.y() == pytest.approx(50, abs=2)
    assert view.scene().selectedItems() == []  # a pan is not a rubber band


def test_empty_canvas_shows_the_hint(shown):
    workflow = Workflow("empty")
    view = shown(workflow)
    empty = view.viewport().grab().toImage()
    workflow.add_task(TaskSpec("first", "pkg:first", position=(2000.0, 2000.0)))
    view.viewport().repaint()
    filled = view.viewport().grab().toImage()
    centre = QRectF(200, 230, 400, 40).toRect()
    assert empty.copy(centre) != filled.copy(centre)  # the hint text went away


def test_low_zoom_draws_plain_cards(shown):
    view = shown(spread_workflow(6))
    scene = view.scene()
    node = scene.item_for("t0")
    scene.set_task_status("t0", "failed")

    def render(zoom: float) -> QImage:
        view.set_zoom(zoom)
        view.centerOn(node.sceneBoundingRect().center())
        return view.viewport().grab().toImage()

    near, far = render(1.0), render(0.3)
    assert near.size() == far.size()
    assert len({far.pixel(x, y) for x in range(0, 800, 4) for y in range(0, 500, 4)}) < len(
        {near.pixel(x, y) for x in range(0, 800, 4) for y in range(0, 500, 4)}
    )


def test_painting_for_a_while_with_running_tasks(shown, qtbot):
    """Guards against crashes while painting for a long time (PySide6 6.12's none_dealloc)."""
    rng = random.Random(4)
    workflow = Workflow("busy")
    for i in range(300):
        spec = TaskSpec(f"task_{i}", f"pkg.busy:work_{i}")
        workflow.add_task(spec)
        if i:
            workflow.connect(f"task_{rng.randrange(i)}", spec.name, "keyword", f"p{i}")
    for spec, position in layered_layout(workflow).items():
        workflow.move_task(spec, position)
    view = shown(workflow, (1000, 700))
    scene = view.scene()
    for i in range(0, 300, 2):
        scene.set_task_status(f"task_{i}", "running", f"{i / 10:.1f} s")
    scene.set_task_status("task_1", "failed", "boom")
    image = QImage(800, 600, QImage.Format.Format_ARGB32_Premultiplied)
    zooms = [1.0, 0.6, 0.3, 0.15]
    frames = 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        view.set_zoom(zooms[frames % len(zooms)])
        view.centerOn(scene.item_for(f"task_{frames % 300}").pos())
        assert not view.viewport().grab().isNull()
        painter = QPainter(image)
        scene.render(painter)
        painter.end()
        scene.set_task_status(f"task_{frames % 300}", "running", f"{frames} s")
        qtbot.wait(5)
        frames += 1
    assert frames > 5
    assert scene._timer.isActive()


def _pixel(view: WorkflowView, point: QPointF) -> str:
    image = view.viewport().grab().toImage()
    return image.pixelColor(view.mapFromScene(point)).name()


def test_low_zoom_overview_follows_every_change(shown, qtbot):
    from taskflow_gui.canvas.node_item import ACCENT, LOW_DETAIL_FILL
    from taskflow_gui.status_style import status_color

    workflow = spread_workflow(6)
    view = shown(workflow)
    scene = view.scene()
    view.set_zoom(0.25)
    view.centerOn(scene.items_bounding_rect().center())
    assert scene.low_detail
    node = scene.item_for("t2")
    inside = node.sceneBoundingRect().center()
    assert _pixel(view, inside) == LOW_DETAIL_FILL.name()

    scene.select_tasks(["t2"])
    assert _pixel(view, inside) == ACCENT.name()
    scene.select_tasks([])
    scene.set_task_status("t2", "failed")
    assert _pixel(view, inside) == status_color("failed").name()

    workflow.move_task("t2", (node.x(), node.y() + 400))
    assert _pixel(view, inside) != status_color("failed").name()
    assert _pixel(view, inside + QPointF(0, 400)) == status_color("failed").name()

    moves = []
    scene.tasksMoved.connect(moves.append)
    port = view.viewport()
    start = view.mapFromScene(inside + QPointF(0, 400))
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 6):
        QTest.mouseMove(port, start + QPoint(0, 8 * step))
    QTest.mouseRelease(
        port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(0, 40)
    )
    assert len(moves) == 1
    (old, new), *_ = moves[0].values()
    assert new[1] - old[1] == pytest.approx(160, abs=20)


def test_export_is_detailed_even_when_zoomed_out(shown, tmp_path):
    from taskflow_gui.canvas import export_svg

    view = shown(spread_workflow(4))
    view.set_zoom(0.1)
    scene = view.scene()
    assert scene.low_detail
    export_svg(scene, tmp_path / "out.svg")
    text = (tmp_path / "out.svg").read_text(encoding="utf-8")
    assert "t3" in text and "pkg.mod:job_3" in text
    assert scene.low_detail
