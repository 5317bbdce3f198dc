"""Auto-layout positions and picture export."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from taskflow_core.workflow import DependencySpec, TaskSpec, Workflow

from taskflow_gui.canvas import WorkflowScene, export_png, export_svg, layered_layout
from taskflow_gui.canvas.export import MARGIN
from taskflow_gui.canvas.layout import LAYER_GAP, ROW_GAP


def diamond() -> Workflow:
    wf = Workflow("diamond")
    for name in ("fetch", "left", "right", "join", "report"):
        wf.add_task(TaskSpec(name, f"pkg.jobs:{name}"))
    wf.connect("fetch", "left")
    wf.connect("fetch", "right", "keyword", "rows")
    wf.connect("left", "join", "positional")
    wf.connect("right", "join", "positional")
    wf.connect("join", "report")
    return wf


def test_layers_run_left_to_right_by_generation():
    wf = diamond()
    pos = {spec.name: xy for spec, xy in layered_layout(wf).items()}
    assert set(pos) == {"fetch", "left", "right", "join", "report"}
    assert pos["fetch"][0] == 0.0
    assert pos["left"][0] == pos["right"][0] == LAYER_GAP
    assert pos["join"][0] == 2 * LAYER_GAP
    assert pos["report"][0] == 3 * LAYER_GAP
    assert abs(pos["left"][1] - pos["right"][1]) == ROW_GAP
    assert pos["fetch"][1] == pos["join"][1] == 0.0  # single cards sit on the centre line
    assert all(v % 20 == 0 for xy in pos.values() for v in xy)  # on the grid


def test_barycentre_pass_uncrosses_edges():
    wf = Workflow("crossed")
    for name in ("a1", "a2", "b1", "b2"):
        wf.add_task(TaskSpec(name, "pkg:x"))
    wf.connect("a2", "b1")
    wf.connect("a1", "b2")
    pos = {spec.name: xy for spec, xy in layered_layout(wf).items()}
    assert (pos["a1"][1] < pos["a2"][1]) == (pos["b2"][1] < pos["b1"][1])


def test_layout_tolerates_cycles_dangling_and_duplicates():
    wf = Workflow("broken")
    a, b = TaskSpec("a", "pkg:a"), TaskSpec("b", "pkg:b")
    wf.add_task(a)
    wf.add_task(b, index=None)
    wf.add_task(TaskSpec("c", "pkg:c", dependencies=[DependencySpec("ghost")]))
    # As a hand-edited file may hold them: a cycle, a self loop.
    a.dependencies.append(DependencySpec("b"))
    b.dependencies.append(DependencySpec("a"))
    b.dependencies.append(DependencySpec("b"))
    positions = layered_layout(wf)
    assert set(positions) == set(wf.tasks)
    assert len(set(positions.values())) == 3
    assert layered_layout(Workflow("empty")) == {}


def test_export_png(qtbot, tmp_path: Path):
    scene = WorkflowScene(diamond())
    for spec, xy in layered_layout(scene.workflow).items():
        scene.workflow.move_task(spec, xy)
    scene.select_tasks(["join"])
    target = tmp_path / "canvas.png"
    assert export_png(scene, target, scale=1.5) == target
    image = QImage(str(target))
    assert not image.isNull()
    rect = scene.items_bounding_rect()
    assert image.width() == pytest.approx((rect.width() + 2 * MARGIN) * 1.5, abs=1)
    assert image.height() == pytest.approx((rect.height() + 2 * MARGIN) * 1.5, abs=1)
    assert image.pixelColor(2, 2).name() == "#ffffff"
    assert len({image.pixel(x, image.height() // 2) for x in range(image.width())}) > 10
    assert [p.name for p in tmp_path.iterdir()] == ["canvas.png"]  # no temp file left
    assert scene.selected_tasks() == [scene.workflow.task("join")]  # untouched by export
    assert not scene.exporting


def test_export_svg(qtbot, tmp_path: Path):
    scene = WorkflowScene(diamond())
    target = tmp_path / "canvas.svg"
    export_svg(scene, target)
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text
    assert "fetch" in text
    assert [p.name for p in tmp_path.iterdir()] == ["canvas.svg"]


def test_failed_export_leaves_nothing(qtbot, tmp_path: Path):
    scene = WorkflowScene(diamond())
    with pytest.raises(OSError):
        export_png(scene, tmp_path / "missing_dir" / "canvas.png")
    assert list(tmp_path.iterdir()) == []
