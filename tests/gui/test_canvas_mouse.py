"""The canvas driven with mouse and keyboard: gestures become signals, never model edits."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from taskflow_core.workflow import TaskSpec, Workflow

from taskflow_gui.canvas import CALLABLE_MIME, EdgeItem, WorkflowScene, WorkflowView
from taskflow_gui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def canvas(qtbot):
    """fetch -> load, plus an unconnected report, laid out left to right."""
    workflow = Workflow("mouse")
    workflow.add_task(TaskSpec("fetch", "pkg.jobs:fetch", position=(0.0, 0.0)))
    workflow.add_task(TaskSpec("load", "pkg.jobs:load", position=(300.0, 0.0)))
    workflow.add_task(TaskSpec("report", "pkg.jobs:report", position=(300.0, 160.0)))
    workflow.connect("fetch", "load")
    scene = WorkflowScene(workflow)
    view = WorkflowView(scene)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(250.0, 100.0)
    return workflow, scene, view


def vp(view: WorkflowView, x: float, y: float) -> QPoint:
    return view.mapFromScene(QPointF(x, y))


def out_port(scene: WorkflowScene, name: str) -> QPointF:
    return scene.item_for(name).port_pos("out")


def in_port(scene: WorkflowScene, name: str) -> QPointF:
    return scene.item_for(name).port_pos("in")


def drag(view: WorkflowView, start: QPointF, end: QPointF, modifiers=NONE, steps: int = 6) -> None:
    """Press at `start`, move there in steps like a hand would, release at `end`."""
    port = view.viewport()
    QTest.mousePress(port, LEFT, modifiers, vp(view, start.x(), start.y()))
    for i in range(1, steps + 1):
        t = i / steps
        point = start + (end - start) * t
        QTest.mouseMove(port, vp(view, point.x(), point.y()))
    QTest.mouseRelease(port, LEFT, modifiers, vp(view, end.x(), end.y()))


def test_dragging_output_to_input_requests_a_connection(canvas, qtbot):
    workflow, scene, view = canvas
    requests = []

    def connect(upstream: str, downstream: str) -> None:
        requests.append((upstream, downstream))
        workflow.connect(upstream, downstream)

    scene.connectRequested.connect(connect)
    drag(view, out_port(scene, "load"), in_port(scene, "report"))

    assert requests == [("load", "report")]
    edge = scene.edge_for("load", "report")
    assert isinstance(edge, EdgeItem)
    assert edge.scene() is scene
    assert edge.source is scene.item_for("load")
    assert edge.target is scene.item_for("report")
    assert not [i for i in scene.items() if type(i).__name__ == "RubberEdge"]


def test_dropping_on_the_card_body_connects_to_its_input(canvas):
    workflow, scene, view = canvas
    requests = []
    scene.connectRequested.connect(lambda up, down: requests.append((up, down)))
    body = scene.item_for("report").pos() + QPointF(NODE_WIDTH / 2, NODE_HEIGHT / 2)
    drag(view, out_port(scene, "fetch"), body)
    assert requests == [("fetch", "report")]
    assert workflow.task("report").dependencies == []  # the scene itself edits nothing


def test_dragging_from_an_input_port_works_backwards(canvas):
    _, scene, view = canvas
    requests = []
    scene.connectRequested.connect(lambda up, down: requests.append((up, down)))
    drag(view, in_port(scene, "report"), out_port(scene, "fetch"))
    assert requests == [("fetch", "report")]


def test_valid_input_ports_light_up_while_connecting(canvas):
    _, scene, view = canvas
    port = view.viewport()
    start = out_port(scene, "fetch")
    QTest.mousePress(port, LEFT, NONE, vp(view, start.x(), start.y()))
    QTest.mouseMove(port, vp(view, start.x() + 60, start.y() + 80))
    assert scene.item_for("report")._port_state["in"] == "valid"
    assert scene.item_for("load")._port_state["in"] is None  # already connected
    assert scene.item_for("fetch")._port_state["out"] == "source"
    QTest.mouseRelease(port, LEFT, NONE, vp(view, start.x() + 60, start.y() + 80))
    assert all(state is None for n in scene.nodes() for state in n._port_state.values())


def test_a_cycle_is_refused_while_dragging_and_named(canvas):
    workflow, scene, view = canvas
    workflow.connect("load", "report")
    requests, messages = [], []
    scene.connectRequested.connect(lambda up, down: requests.append((up, down)))
    scene.statusMessage.connect(messages.append)

    port = view.viewport()
    start, end = out_port(scene, "report"), in_port(scene, "fetch")
    QTest.mousePress(port, LEFT, NONE, vp(view, start.x(), start.y()))
    for i in range(1, 7):
        point = start + (end - start) * (i / 6)
        QTest.mouseMove(port, vp(view, point.x(), point.y()))
    cycle = "Refused: report -> fetch -> load -> report would be a cycle"
    assert messages[-1] == cycle  # said while still dragging
    assert scene.item_for("fetch")._port_state["in"] == "invalid"
    QTest.mouseRelease(port, LEFT, NONE, vp(view, end.x(), end.y()))

    assert requests == []
    assert messages[-1] == cycle
    assert workflow.edges() == [("fetch", "load"), ("load", "report")]


@pytest.mark.parametrize(
    ("source", "target", "reason"),
    [
        ("fetch", "load", "Refused: load already depends on fetch"),
        ("fetch", "fetch", "Refused: fetch cannot depend on itself"),
    ],
)
def test_existing_edges_and_self_loops_are_refused(canvas, source, target, reason):
    _, scene, view = canvas
    requests, messages = [], []
    scene.connectRequested.connect(lambda up, down: requests.append((up, down)))
    scene.statusMessage.connect(messages.append)
    drag(view, out_port(scene, source), in_port(scene, target))
    assert requests == []
    assert messages[-1] == reason


def test_dragging_a_card_reports_one_snapped_move(canvas):
    workflow, scene, view = canvas
    moves = []

    def apply(payload: dict) -> None:
        moves.append(payload)
        for spec, (_old, new) in payload.items():
            workflow.move_task(spec, new)

    scene.tasksMoved.connect(apply)
    grab = QPointF(100.0, 20.0)
    drag(view, grab, grab + QPointF(47.0, 33.0), steps=8)

    fetch = workflow.task("fetch")
    assert len(moves) == 1
    assert moves[0] == {fetch: ((0.0, 0.0), (40.0, 40.0))}
    assert fetch.position == (40.0, 40.0)
    assert scene.item_for(fetch).pos() == QPointF(40.0, 40.0)
    edge = scene.edge_for("fetch", "load")
    start = scene.item_for(fetch).port_pos("out")
    assert abs(edge.boundingRect().left() - start.x()) < 10  # the curve followed the card
    assert edge.boundingRect().bottom() > start.y()


def test_dragging_a_selection_moves_every_selected_card(canvas):
    workflow, scene, view = canvas
    moves = []
    scene.tasksMoved.connect(moves.append)
    scene.select_tasks(["load", "report"])
    grab = scene.item_for("load").pos() + QPointF(100.0, 20.0)
    drag(view, grab, grab + QPointF(-60.0, 100.0))
    load, report = workflow.task("load"), workflow.task("report")
    assert moves == [
        {load: ((300.0, 0.0), (240.0, 100.0)), report: ((300.0, 160.0), (240.0, 260.0))}
    ]


def test_a_move_nobody_applies_springs_back(canvas):
    _, scene, view = canvas
    grab = QPointF(100.0, 20.0)
    drag(view, grab, grab + QPointF(120.0, 80.0))
    assert scene.item_for("fetch").pos() == QPointF(0.0, 0.0)


def test_a_click_selects_without_moving(canvas):
    _, scene, view = canvas
    moves = []
    scene.tasksMoved.connect(moves.append)
    QTest.mouseClick(view.viewport(), LEFT, NONE, vp(view, 100, 20))
    assert [s.name for s in scene.selected_tasks()] == ["fetch"]
    assert moves == []


def test_ctrl_click_toggles_selection(canvas):
    _, scene, view = canvas
    port = view.viewport()
    QTest.mouseClick(port, LEFT, NONE, vp(view, 100, 20))
    QTest.mouseClick(port, LEFT, CTRL, vp(view, 400, 180))
    assert [s.name for s in scene.selected_tasks()] == ["fetch", "report"]
    QTest.mouseClick(port, LEFT, CTRL, vp(view, 100, 20))
    assert [s.name for s in scene.selected_tasks()] == ["report"]
    QTest.mouseClick(port, LEFT, NONE, vp(view, 400, 20))
    assert [s.name for s in scene.selected_tasks()] == ["load"]


def test_rubber_band_selects_the_cards_it_touches(canvas):
    _, scene, view = canvas
    changes = []
    scene.selectionChanged.connect(lambda: changes.append(len(scene.selectedItems())))
    drag(view, QPointF(260.0, -40.0), QPointF(420.0, 240.0))
    assert [s.name for s in scene.selected_tasks()] == ["load", "report"]
    assert scene.selected_edges() == []
    assert not [i for i in scene.items() if type(i).__name__ == "QGraphicsRectItem"]

    drag(view, QPointF(-40.0, -40.0), QPointF(60.0, 30.0), modifiers=CTRL)
    assert [s.name for s in scene.selected_tasks()] == ["fetch", "load", "report"]

    QTest.mouseClick(view.viewport(), LEFT, NONE, vp(view, 150, 330))
    assert scene.selected_tasks() == []


def test_clicking_an_edge_selects_it(canvas):
    _, scene, view = canvas
    middle = (out_port(scene, "fetch") + in_port(scene, "load")) / 2
    QTest.mouseClick(view.viewport(), LEFT, NONE, vp(view, middle.x(), middle.y()))
    assert scene.selected_edges() == [("fetch", "load")]
    assert scene.selected_tasks() == []


def test_double_clicks_activate_a_task_or_ask_for_quick_add(canvas):
    workflow, scene, view = canvas
    activated, quick = [], []
    scene.taskActivated.connect(activated.append)
    scene.quickAddRequested.connect(quick.append)
    QTest.mouseDClick(view.viewport(), LEFT, NONE, vp(view, 100, 20))
    assert activated == [workflow.task("fetch")]
    QTest.mouseDClick(view.viewport(), LEFT, NONE, vp(view, 100, 300))
    assert len(quick) == 1
    assert (quick[0] - QPointF(100, 300)).manhattanLength() < 2


def test_delete_and_backspace_ask_for_deletion(canvas):
    _, scene, view = canvas
    asked = []
    scene.deleteRequested.connect(lambda: asked.append(True))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    QTest.keyClick(view, Qt.Key.Key_Backspace)
    assert asked == [True, True]


def test_tab_asks_for_quick_add_under_the_cursor(canvas):
    _, scene, view = canvas
    quick = []
    scene.quickAddRequested.connect(quick.append)
    QTest.mouseMove(view.viewport(), vp(view, 120, 320))
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert len(quick) == 1
    assert (quick[0] - QPointF(120, 320)).manhattanLength() < 2


def test_escape_cancels_a_connection_drag(canvas):
    _, scene, view = canvas
    requests = []
    scene.connectRequested.connect(lambda up, down: requests.append((up, down)))
    port = view.viewport()
    start, end = out_port(scene, "load"), in_port(scene, "report")
    QTest.mousePress(port, LEFT, NONE, vp(view, start.x(), start.y()))
    QTest.mouseMove(port, vp(view, end.x(), end.y()))
    QTest.keyClick(view, Qt.Key.Key_Escape)
    QTest.mouseRelease(port, LEFT, NONE, vp(view, end.x(), end.y()))
    assert requests == []


def _send_drag(view: WorkflowView, point: QPoint, mime: QMimeData) -> bool:
    action, buttons = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(point, action, mime, buttons, NONE)
    QApplication.sendEvent(view.viewport(), enter)
    move = QDragMoveEvent(point, action, mime, buttons, NONE)
    QApplication.sendEvent(view.viewport(), move)
    drop = QDropEvent(QPointF(point), action, mime, buttons, NONE)
    QApplication.sendEvent(view.viewport(), drop)
    return enter.isAccepted()


def test_dropping_a_palette_callable_reports_reference_and_position(canvas):
    _, scene, view = canvas
    drops = []
    scene.callableDropped.connect(lambda ref, pos: drops.append((ref, pos)))
    mime = QMimeData()
    mime.setData(CALLABLE_MIME, QByteArray("pkg.jobs:transform_ü".encode()))
    assert _send_drag(view, vp(view, 80, 300), mime)
    assert len(drops) == 1
    reference, pos = drops[0]
    assert reference == "pkg.jobs:transform_ü"
    assert (pos - QPointF(80, 300)).manhattanLength() < 2
    assert scene.drop_position(pos) == (-20.0, 280.0)


def test_other_drops_are_refused(canvas):
    _, scene, view = canvas
    drops = []
    scene.callableDropped.connect(lambda ref, pos: drops.append(ref))
    mime = QMimeData()
    mime.setText("not a callable")
    assert not _send_drag(view, vp(view, 80, 300), mime)
    assert drops == []
