"""The scene mirrors the Workflow: every model change shows up, nothing else does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from taskflow_core.workflow import DependencySpec, TaskSpec, Workflow

from taskflow_gui.canvas import EdgeItem, NodeItem, WorkflowScene
from taskflow_gui.status_style import status_color


@pytest.fixture
def workflow() -> Workflow:
    wf = Workflow("mirror")
    wf.add_task(TaskSpec("fetch", "pkg.jobs:fetch", position=(0.0, 0.0)))
    wf.add_task(TaskSpec("clean", "pkg.jobs:clean", position=(280.0, 0.0)))
    wf.add_task(TaskSpec("load", "pkg.jobs:load", position=(560.0, 0.0)))
    wf.connect("fetch", "clean", "keyword", "rows")
    wf.connect("clean", "load", "positional")
    return wf


@pytest.fixture
def scene(qtbot, workflow) -> WorkflowScene:
    return WorkflowScene(workflow)


def edge_names(scene: WorkflowScene) -> set[tuple[str, str]]:
    return {e.names for e in scene.items() if isinstance(e, EdgeItem)}


def node_names(scene: WorkflowScene) -> set[str]:
    return {n.spec.name for n in scene.items() if isinstance(n, NodeItem)}


def test_building_from_the_model(scene, workflow):
    assert node_names(scene) == {"fetch", "clean", "load"}
    assert edge_names(scene) == {("fetch", "clean"), ("clean", "load")}
    for spec in workflow.tasks:
        assert scene.item_for(spec).pos() == QPointF(*spec.position)
    assert scene.edge_for("fetch", "clean").label == "rows"
    assert scene.edge_for("clean", "load").label == "#1"


def test_added_task_with_its_dependencies_appears(scene, workflow):
    spec = TaskSpec("report", "pkg.jobs:report", position=(840.0, 40.0))
    spec.dependencies.append(DependencySpec("load", "positional"))
    workflow.add_task(spec)
    node = scene.item_for(spec)
    assert node is not None and node.pos() == QPointF(840.0, 40.0)
    assert ("load", "report") in edge_names(scene)


def test_rename_keeps_the_item_and_its_edges(scene, workflow):
    node = scene.item_for("clean")
    workflow.rename_task("clean", "tidy")
    assert scene.item_for("tidy") is node
    assert scene.item_for("clean") is None
    assert edge_names(scene) == {("fetch", "tidy"), ("tidy", "load")}
    assert "tidy" in node.toolTip()


def test_remove_and_restore(scene, workflow):
    removed = workflow.remove_task("clean")
    assert node_names(scene) == {"fetch", "load"}
    assert edge_names(scene) == set()
    workflow.restore_task(removed)
    assert node_names(scene) == {"fetch", "clean", "load"}
    assert edge_names(scene) == {("fetch", "clean"), ("clean", "load")}
    assert scene.edge_for("fetch", "clean").label == "rows"


def test_dependency_edits(scene, workflow):
    workflow.connect("fetch", "load", "positional", index=0)
    assert scene.edge_for("fetch", "load").label == "#1"
    assert scene.edge_for("clean", "load").label == "#2"  # positions shift with siblings
    workflow.set_dependency("fetch", "load", "keyword", "source")
    assert scene.edge_for("fetch", "load").label == "source"
    assert scene.edge_for("clean", "load").label == "#1"
    workflow.set_dependency("fetch", "load", "none")
    assert scene.edge_for("fetch", "load").label == ""
    workflow.disconnect("fetch", "load")
    assert edge_names(scene) == {("fetch", "clean"), ("clean", "load")}


def test_move_and_field_changes(scene, workflow):
    workflow.move_task("load", (600.0, 120.0))
    node = scene.item_for("load")
    assert node.pos() == QPointF(600.0, 120.0)
    edge = scene.edge_for("clean", "load")
    assert edge.boundingRect().bottom() >= node.port_pos("in").y()
    workflow.set_field("load", "callable", "pkg.other:store")
    assert "pkg.other:store" in node.toolTip()


def test_dangling_dependency_connects_when_its_task_arrives(scene, workflow):
    spec = TaskSpec("late", "pkg:late", dependencies=[DependencySpec("missing")])
    workflow.add_task(spec)
    assert ("missing", "late") not in edge_names(scene)
    workflow.add_task(TaskSpec("missing", "pkg:missing"))
    assert ("missing", "late") in edge_names(scene)


def test_switching_workflows_lets_go_of_the_old_one(scene, workflow):
    other = Workflow("other")
    other.add_task(TaskSpec("solo", "pkg:solo"))
    emptied = []
    scene.emptyChanged.connect(emptied.append)
    scene.set_workflow(other)
    assert node_names(scene) == {"solo"}
    workflow.add_task(TaskSpec("ignored", "pkg:x"))
    assert node_names(scene) == {"solo"}
    scene.set_workflow(None)
    assert scene.is_empty() and emptied == [True]
    other.add_task(TaskSpec("also_ignored", "pkg:x"))
    assert node_names(scene) == set()


def test_selection_helpers(scene, workflow):
    changes = []
    scene.selectionChanged.connect(lambda: changes.append(1))
    scene.select_tasks(["load", workflow.task("fetch"), "nope"])
    assert scene.selected_tasks() == [workflow.task("fetch"), workflow.task("load")]
    assert changes == [1]  # one notification for the whole selection
    scene.edge_for("clean", "load").setSelected(True)
    assert scene.selected_edges() == [("clean", "load")]


def test_statuses_paint_and_animate(qtbot, scene):
    node = scene.item_for("fetch")
    scene.set_task_status("fetch", "success", "0.4 s")
    assert (node.status, node.detail) == ("succeeded", "0.4 s")
    scene.set_task_status("clean", "running", "1.2 s")
    running = scene.item_for("clean")
    assert scene._timer.isActive()
    phase = running.phase
    qtbot.waitUntil(lambda: running.phase != phase, timeout=2000)
    scene.set_task_status("clean", "skipped", "skipped: fetch")
    assert not scene._timer.isActive()
    assert "skipped: fetch" in running.toolTip()
    scene.set_task_status("unknown", "failed")  # ignored, not an error
    scene.clear_statuses()
    assert all(n.status == "" for n in scene.nodes())


def test_status_colours_the_card(qtbot, scene):
    from PySide6.QtGui import QImage, QPainter

    def strip_colour() -> tuple[int, int, int]:
        node = scene.item_for("fetch")
        rect = node.sceneBoundingRect()
        image = QImage(int(rect.width() * 2), int(rect.height() * 2), QImage.Format.Format_RGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        scene.render(painter, QRectF(image.rect()), rect, Qt.AspectRatioMode.IgnoreAspectRatio)
        painter.end()
        x = (node.pos().x() + 2.5 - rect.left()) * 2
        y = (node.pos().y() + 12 - rect.top()) * 2
        colour = image.pixelColor(int(x), int(y))
        return colour.red(), colour.green(), colour.blue()

    before = strip_colour()
    scene.set_task_status("fetch", "failed")
    failed = status_color("failed")
    assert strip_colour() == (failed.red(), failed.green(), failed.blue())
    assert before != strip_colour()


def test_problem_placeholder(scene):
    node = scene.item_for("load")
    scene.set_task_problem("load", "No module named 'pkg'")
    assert node.problem == "No module named 'pkg'"
    assert "No module named" in node.toolTip()
    scene.set_task_problem("load", "")
    assert node.problem == ""


def test_connection_rules(scene):
    assert scene.connection_refusal("load", "fetch") == (
        "Refused: load -> fetch -> clean -> load would be a cycle"
    )
    assert scene.connection_refusal("fetch", "clean") == "Refused: clean already depends on fetch"
    assert scene.connection_refusal("fetch", "load") is None
    assert scene.connection_blockers("load", forward=True) == {"fetch", "clean", "load"}
    assert scene.connection_blockers("fetch", forward=False) == {"fetch", "clean", "load"}


def test_items_bounding_rect_covers_cards_only(scene):
    rect = scene.items_bounding_rect()
    for node in scene.nodes():
        assert rect.contains(node.sceneBoundingRect())
    scene.addRect(5000, 5000, 10, 10)  # something transient
    assert not rect.contains(QPointF(5005, 5005))
    assert scene.items_bounding_rect() == rect
