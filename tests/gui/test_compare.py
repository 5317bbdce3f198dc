"""Compare: one click runs sequential then parallel; the view's numbers are the engine's."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog
from taskflow_core import Process, Task, TaskDependency
from taskflow_core.compare import total_work

from taskflow_gui.compare import CompareDock, CompareView
from taskflow_gui.runner import RunController

UNIT = 0.1  # the seed example's 2 s / 1 s sleeps, shortened


def fetch(count: int) -> int:
    time.sleep(2 * UNIT)
    return count


def calculate(users: int, products: int, orders: int) -> dict[str, int]:
    time.sleep(UNIT)
    return {"users": users, "products": products, "orders": orders}


def seed_tasks(folder) -> list[Task]:
    return [
        Task("fetch_users", str(folder / "fetch_users.log"), fetch, args=(1000,)),
        Task("fetch_products", str(folder / "fetch_products.log"), fetch, args=(5000,)),
        Task("fetch_orders", str(folder / "fetch_orders.log"), fetch, args=(15000,)),
        Task(
            "calculate_metrics",
            str(folder / "calculate_metrics.log"),
            calculate,
            dependencies=[
                TaskDependency("fetch_users", use_result_as_additional_args=True),
                TaskDependency("fetch_products", use_result_as_additional_args=True),
                TaskDependency("fetch_orders", use_result_as_additional_args=True),
            ],
        ),
    ]


@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory, qapp):
    """Sequential and parallel results of the seed example, through the controller."""
    folder = tmp_path_factory.mktemp("seed")
    controller = RunController()
    view = CompareView()
    view.connect_controller(controller)
    phases: list[tuple[str, int]] = []
    controller.phase_started.connect(lambda mode, n: phases.append((mode, n)))
    got: dict[str, object] = {}
    controller.compare_finished.connect(lambda s, p: got.update(seq=s, par=p))
    process = Process(seed_tasks(folder))
    controller.start_compare(process, max_workers=4)
    deadline = time.monotonic() + 30
    while controller.is_running and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.005)
    process.close_loggers()
    assert not controller.is_running
    return got["seq"], got["par"], view, phases


def test_compare_runs_sequential_then_parallel(seed_runs):
    seq, par, _view, phases = seed_runs
    assert phases == [("sequential", 1), ("parallel", 4)]
    assert seq.mode == "sequential" and par.mode == "parallel"
    assert par.max_workers == 4
    assert (
        set(seq.passed_tasks_results)
        == set(par.passed_tasks_results)
        == {
            "fetch_users",
            "fetch_products",
            "fetch_orders",
            "calculate_metrics",
        }
    )
    # 7 units against 3: the target is parallel/sequential at most 0.45; 0.6 leaves room for load
    assert par.wall_seconds / seq.wall_seconds <= 0.6


def test_compare_numbers_equal_the_engines_own(seed_runs):
    seq, par, view, _ = seed_runs
    report = view.report
    assert report.sequential_seconds == seq.wall_seconds
    assert report.parallel_seconds == par.wall_seconds
    assert report.workers == par.max_workers == 4
    assert report.work_seconds == pytest.approx(sum(r.duration for r in seq.results.values()))
    assert report.work_seconds == pytest.approx(total_work(seq))
    assert report.critical_path == list(seq.critical_path)
    assert report.critical_path_seconds == seq.critical_path_seconds
    assert report.speedup == pytest.approx(seq.wall_seconds / par.wall_seconds)
    assert report.efficiency == pytest.approx(report.speedup / 4)
    expected_best = report.work_seconds / max(seq.critical_path_seconds, report.work_seconds / 4)
    assert report.best_possible_speedup == pytest.approx(expected_best)
    # and that is what the user reads
    assert view.sentence_label.text() == report.sentence + "."
    assert view.sequential_metric.value.text() == f"{seq.wall_seconds:.1f} s"
    assert view.parallel_metric.value.text() == f"{par.wall_seconds:.1f} s"
    assert view.speedup_metric.value.text() == f"{report.speedup:.1f}x"
    assert view.efficiency_metric.value.text() == f"{report.efficiency * 100:.0f} %"
    assert view.best_metric.value.text() == f"{expected_best:.1f}x"
    assert report.sentence.startswith(
        f"Parallel took {par.wall_seconds:.1f} s against {seq.wall_seconds:.1f} s sequential: "
    )


def test_both_charts_share_one_time_scale(seed_runs, qtbot):
    seq, par, _, _ = seed_runs
    view = CompareView()
    view.resize(900, 600)
    qtbot.addWidget(view)
    view.set_results(seq, par)
    view.show()
    qtbot.waitExposed(view)
    a, b = view.sequential_chart, view.parallel_chart
    qtbot.waitUntil(lambda: a.bar_rect("fetch_users") is not None)
    qtbot.waitUntil(lambda: b.bar_rect("fetch_users") is not None)
    assert a.time_span() == b.time_span() == pytest.approx(seq.wall_seconds, rel=0.05)
    assert a.label_width() == b.label_width()
    # the same task, about the same duration, is drawn the same length in both
    seq_bar, par_bar = a.bar_rect("fetch_users"), b.bar_rect("fetch_users")
    assert seq_bar.left() == pytest.approx(par_bar.left(), abs=2)
    assert seq_bar.width() == pytest.approx(par_bar.width(), rel=0.25)
    # the parallel chart has a lane per worker, the sequential one a single lane
    assert a.timeline.lane_count() == 1
    assert b.timeline.lane_count() == 4
    assert "Sequential: " in a.title() and "Parallel, 4 workers: " in b.title()


def test_export_json_and_png_from_the_buttons(seed_runs, qtbot, tmp_path, monkeypatch):
    seq, par, _, _ = seed_runs
    view = CompareView()
    view.resize(900, 600)
    qtbot.addWidget(view)
    view.show()
    assert not view.export_json_button.isEnabled()  # nothing to export yet
    view.set_results(seq, par)
    assert view.export_json_button.isEnabled()
    json_path, png_path = tmp_path / "report.json", tmp_path / "charts.png"
    answers = iter([(str(json_path), "JSON (*.json)"), (str(png_path), "PNG image (*.png)")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    with qtbot.waitSignal(view.exported) as blocker:
        qtbot.mouseClick(view.export_json_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(json_path)]
    data = json.loads(json_path.read_text())
    assert data["sequential_seconds"] == seq.wall_seconds
    assert data["parallel_seconds"] == par.wall_seconds
    assert data["sentence"] == view.report.sentence
    assert data["runs"]["parallel"] == json.loads(json.dumps(par.to_dict(), default=repr))
    with qtbot.waitSignal(view.exported):
        qtbot.mouseClick(view.export_png_button, Qt.MouseButton.LeftButton)
    image = QImage(str(png_path))
    assert not image.isNull()
    assert image.width() >= view.charts.width() and image.height() >= view.charts.height()


def test_compare_dock_shows_itself_when_a_comparison_ends(seed_runs, qtbot):
    seq, par, _, _ = seed_runs
    controller = RunController()
    dock = CompareDock()
    qtbot.addWidget(dock)
    dock.connect_controller(controller)
    dock.hide()
    controller.compare_finished.emit(seq, par)
    assert dock.isVisible()
    assert dock.view.report.parallel_seconds == par.wall_seconds
