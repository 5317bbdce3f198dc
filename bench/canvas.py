"""How fast the canvas opens, repaints and drags a big workflow, beside a plain QGraphicsView.

A generated 1,000-task, 1,500-edge workflow, auto-laid out, in a 1400x900 view
rendered offscreen. Targets: build the scene from the
model in under 1 s, repaint the fitted view in at most 30 ms, and repaint at
most 50 ms a frame while dragging 50 selected cards. The baseline draws the
same cards and curves with stock QGraphicsItems in a stock view. A drag frame
is the CPU time from the mouse move to the end of its repaint: the wall time
also holds the few milliseconds Qt waits to pace repaints, printed beside it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/canvas.py [--tasks 1000] [--edges 1500]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)
from taskflow_core.workflow import DependencySpec, TaskSpec, Workflow

from taskflow_gui.canvas import WorkflowScene, WorkflowView, layered_layout
from taskflow_gui.canvas.edge_item import curve
from taskflow_gui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH

VIEW_SIZE = (1400, 900)


def generate(tasks: int, edges: int, seed: int = 7) -> Workflow:
    """A random layered DAG (about 40 tasks a layer), most edges joining adjacent layers."""
    rng = random.Random(seed)
    width = 40

    def upstream_of(down: int) -> int:
        back = 1 if rng.random() < 0.8 else rng.randint(2, 3)
        layer = max(0, down // width - back)
        return rng.randrange(layer * width, min(tasks, (layer + 1) * width))

    # Every task past the first layer gets one upstream, then extra edges at random.
    pairs = {(upstream_of(down), down) for down in range(width, tasks)}
    while len(pairs) < edges:
        down = rng.randrange(width, tasks)
        pairs.add((upstream_of(down), down))
    deps: dict[int, list[DependencySpec]] = {}
    for up, down in sorted(pairs):
        mode = rng.choice(("none", "positional", "keyword"))
        deps.setdefault(down, []).append(
            DependencySpec(f"task_{up:04d}", mode, f"in_{up}" if mode == "keyword" else "")
        )
    specs = [
        TaskSpec(
            f"task_{i:04d}",
            f"bench.pipeline.module_{i % 20}:transform_step_{i % 7}",
            dependencies=deps.get(i, []),
        )
        for i in range(tasks)
    ]
    return Workflow.from_specs(specs, f"{tasks} tasks")


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
    return samples


class PaintCounter(QObject):
    """Counts paint events, to be sure a timed frame really painted."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def wait_for_paint(app: QApplication, counter: PaintCounter, before: int) -> None:
    """Deliver the posted repaint (the platform paces it with a short timer)."""
    deadline = time.perf_counter() + 1.0
    while counter.count == before and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0005)


def plain_scene(workflow: Workflow) -> QGraphicsScene:
    """The same picture from stock items: what a first QGraphicsView version would do."""
    scene = QGraphicsScene()
    ports = {}
    for spec in workflow.tasks:
        x, y = spec.position
        card = QPainterPath()
        card.addRoundedRect(QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT), 8, 8)
        item = scene.addPath(card, QPen(QColor("#d3d8e0")), QBrush(QColor("#ffffff")))
        item.setPos(x, y)
        item.setFlag(item.GraphicsItemFlag.ItemIsSelectable)
        name = QGraphicsSimpleTextItem(spec.name, item)
        name.setPos(16, 10)
        callable_text = QGraphicsSimpleTextItem(spec.callable, item)
        callable_text.setPos(16, 30)
        for px in (0.0, NODE_WIDTH):
            port = QGraphicsEllipseItem(-5, -5, 10, 10, item)
            port.setPos(px, NODE_HEIGHT / 2)
        ports[spec.name] = (QPointF(x + NODE_WIDTH, y + NODE_HEIGHT / 2), QPointF(x, y + 28))
    for spec in workflow.tasks:
        for dep in spec.dependencies:
            path = curve(ports[dep.task][0], ports[spec.name][1])
            scene.addPath(path, QPen(QColor("#9aa3b2"), 1.5))
    return scene


def show(view: QGraphicsView, app: QApplication) -> None:
    view.resize(*VIEW_SIZE)
    view.show()
    app.processEvents()


def repaint_samples(view: QGraphicsView, repeat: int) -> list[float]:
    view.viewport().repaint()  # warm caches, as after the first paint on screen
    return timed(view.viewport().repaint, repeat)


def drag_samples(view: WorkflowView, scene: WorkflowScene, app: QApplication, frames: int):
    """Press on one of 50 selected cards and move it frame by frame, like a hand."""
    workflow = scene.workflow
    chosen = workflow.tasks[400:450]
    scene.select_tasks(chosen)
    rect = QRectF()
    for spec in chosen:
        rect = rect.united(scene.item_for(spec).sceneBoundingRect())
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    grab = view.mapFromScene(scene.item_for(chosen[0]).pos() + QPointF(NODE_WIDTH / 2, 12))
    port = view.viewport()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab)
    app.processEvents()
    samples: list[float] = []
    walls: list[float] = []
    painted = 0
    for i in range(1, frames + 1):
        before = counter.count
        t0, wall = time.process_time(), time.perf_counter()
        QTest.mouseMove(port, grab + QPoint(13 * i, 7 * i))  # screen pixels, like a hand
        wait_for_paint(app, counter, before)
        samples.append(time.process_time() - t0)
        walls.append(time.perf_counter() - wall)
        painted += counter.count > before
    moves: list[dict] = []
    scene.tasksMoved.connect(moves.append)
    scene.tasksMoved.connect(
        lambda payload: [workflow.move_task(s, new) for s, (_, new) in payload.items()]
    )
    end = grab + QPoint(13 * frames, 7 * frames)
    t0 = time.perf_counter()
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    app.processEvents()
    release = time.perf_counter() - t0
    view.viewport().removeEventFilter(counter)
    assert len(moves) == 1 and len(moves[0]) == 50, "the drag did not move 50 cards"
    return samples, walls, painted, release, view.zoom()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--edges", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=30)
    options = parser.parse_args()
    app = QApplication.instance() or QApplication([])

    workflow = generate(options.tasks, options.edges)
    t0 = time.perf_counter()
    positions = layered_layout(workflow)
    layout_s = time.perf_counter() - t0
    for spec, xy in positions.items():
        spec.position = xy
    print(
        f"{len(workflow)} tasks, {len(workflow.edges())} edges, {VIEW_SIZE[0]}x{VIEW_SIZE[1]} "
        f"view, Qt platform {app.platformName()}"
    )
    print(f"layered_layout:                      {layout_s * 1000:7.1f} ms")

    builds = []
    for _ in range(5):
        t0 = time.perf_counter()
        scene = WorkflowScene(workflow)
        builds.append(time.perf_counter() - t0)
        scene.set_workflow(None)
        scene.deleteLater()
    t0 = time.perf_counter()
    scene = WorkflowScene(workflow)
    view = WorkflowView(scene)
    show(view, app)
    view.fit_all()
    view.viewport().repaint()
    opened = time.perf_counter() - t0
    print(f"build scene from model (target < 1 s): {summary(builds)}")
    print(f"open: build + show + fit + first paint: {opened * 1000:7.1f} ms")

    ours = repaint_samples(view, options.repeat)
    stock = plain_scene(workflow)
    plain = QGraphicsView(stock)
    plain.setRenderHint(QPainter.RenderHint.Antialiasing)
    show(plain, app)
    plain.fitInView(stock.itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    baseline = repaint_samples(plain, options.repeat)
    print(f"fit-to-view repaint at zoom {view.zoom():.3f} (target <= 30 ms)")
    print(f"  WorkflowView:                      {summary(ours)}")
    print(f"  plain QGraphicsView (baseline):    {summary(baseline)}")
    plain.close()

    for label, zoom in (("fitted", None), ("100 %", 1.0)):
        if zoom is None:
            view.fit_all()
        else:
            view.set_zoom(zoom)
            view.centerOn(scene.item_for(workflow.tasks[400]).pos())
        app.processEvents()
        samples, walls, painted, release, at = drag_samples(view, scene, app, options.repeat)
        print(f"drag 50 selected cards, {label} (zoom {at:.3f}; target < 50 ms a frame)")
        print(
            f"  per frame, CPU (move + repaint):   {summary(samples)}  "
            f"({painted}/{len(samples)} frames painted)"
        )
        print(f"  per frame, wall (with Qt's paint pacing): {summary(walls)}")
        print(f"  release (tasksMoved + 50 model moves): {release * 1000:.1f} ms")
    view.close()


if __name__ == "__main__":
    main()
