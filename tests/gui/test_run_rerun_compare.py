"""Re-run Failed runs only what did not succeed; Compare shows the engine's own numbers."""

from __future__ import annotations

import json
import math

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from run_helpers import badge, open_project, wait_finished
from taskflow_core.compare import compare_results, format_seconds

pytest_plugins = ["app_support", "run_support"]

Yes = QMessageBox.StandardButton.Yes


def test_rerun_failed_runs_only_the_failed_and_skipped_tasks(
    window, dialogs, qtbot, new_project, stop_runs, ui
):
    project = new_project()
    project.add("source", "source").add("checked", "checked", "source")
    project.add("after", "after", "checked").add("double", "double", "source")
    project.set_flag(True)
    open_project(window, project.save(), stop_runs)
    runs = window.runs
    assert not runs.actions.rerun_failed.isEnabled()  # no run yet

    dialogs.answer("question", Yes)
    ui.trigger(window, "Run", "Run")
    wait_finished(qtbot, window)
    assert badge(window, "checked")[0] == "failed"
    assert badge(window, "after")[0] == "skipped"
    assert runs.actions.rerun_failed.isEnabled()

    project.set_flag(False)  # the cause is fixed
    started: list[str] = []
    runs.controller.task_started.connect(lambda event: started.append(event.task))
    ui.trigger(window, "Run", "Re-run Failed")
    wait_finished(qtbot, window)

    assert sorted(started) == ["after", "checked"]
    for name in ("source", "checked", "after", "double"):
        assert badge(window, name)[0] == "succeeded", name
    assert badge(window, "source")[1] == badge(window, "double")[1] == "reused"
    assert badge(window, "after")[1].endswith(" s")
    result = runs.controller.last_result
    assert result.worked
    assert result.passed_tasks_results["after"].result == "after 3"  # 2 from source, + 1
    assert runs.last_ok
    assert not runs.actions.rerun_failed.isEnabled()  # nothing left to re-run
    ui.click_card(window, "after")
    assert window.inspector.result_text.toPlainText() == "'after 3'"


@pytest.fixture
def naps(new_project):
    """Three independent naps, then their total: parallel clearly beats sequential."""
    project = new_project()
    for name in ("nap_a", "nap_b", "nap_c"):
        project.add(name, "nap", args=[0.2])
    project.add("sum", "total", "nap_a", "nap_b", "nap_c")
    return project


def test_compare_shows_the_engines_own_numbers_and_exports_them(
    window, dialogs, qtbot, naps, stop_runs, ui, monkeypatch, isolated
):
    open_project(window, naps.save(), stop_runs)
    runs = window.runs
    runs.actions.workers_spin.setValue(3)
    assert not runs.actions.export_json.isEnabled()
    phases: list = []
    runs.controller.run_finished.connect(phases.append)
    dialogs.answer("question", Yes)
    ui.trigger(window, "Run", "Compare Sequential vs Parallel")
    assert runs.is_running
    qtbot.waitUntil(lambda: "Comparing (sequential run)" in window.statusBar().currentMessage(),
                    timeout=3000)
    wait_finished(qtbot, window)

    sequential, parallel = phases
    assert (sequential.mode, parallel.mode) == ("sequential", "parallel")
    assert parallel.max_workers == 3
    view = runs.compare_dock.view
    report = view.report
    engine = compare_results(sequential, parallel)
    assert report.sequential_seconds == sequential.wall_seconds
    assert report.parallel_seconds == parallel.wall_seconds
    assert report.speedup == pytest.approx(sequential.wall_seconds / parallel.wall_seconds)
    assert report.sentence == engine.sentence
    assert report.best_possible_speedup == engine.best_possible_speedup
    assert math.isclose(report.work_seconds, sum(
        r.duration for r in sequential.results.values()))
    assert parallel.wall_seconds < sequential.wall_seconds  # 0.2 s naps overlap (0.6 s vs 0.2 s)
    assert view.sequential_metric.value.text() == format_seconds(sequential.wall_seconds)
    assert view.parallel_metric.value.text() == format_seconds(parallel.wall_seconds)
    assert window.statusBar().currentMessage() == engine.sentence + "."
    assert runs.compare_dock.isVisible() and not runs.compare_dock.visibleRegion().isEmpty()
    assert runs.last_ok
    # The canvas shows the parallel run, the last one.
    assert {badge(window, n)[0] for n in ("nap_a", "nap_b", "nap_c", "sum")} == {"succeeded"}

    # Exports, from the Run menu and from the dock's buttons.
    assert runs.actions.export_json.isEnabled() and runs.actions.export_png.isEnabled()
    target = isolated / "out"
    target.mkdir()
    answers = iter([str(target / "report"), str(target / "charts.png")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (next(answers), "")))
    ui.trigger(window, "Run", "Export Comparison Report (JSON)…")
    data = json.loads((target / "report.json").read_text(encoding="utf-8"))
    assert data["sequential_seconds"] == sequential.wall_seconds
    assert data["workers"] == 3
    assert "saved to" in window.statusBar().currentMessage()
    view.export_png_button.click()
    image = QImage(str(target / "charts.png"))
    assert image.width() > 200 and image.height() > 100


def test_an_export_that_cannot_be_written_is_a_message(
    window, dialogs, qtbot, naps, stop_runs, ui, monkeypatch, isolated
):
    open_project(window, naps.save(), stop_runs)
    dialogs.answer("question", Yes)
    window.runs.compare()
    wait_finished(qtbot, window)
    missing = isolated / "no" / "such" / "folder" / "report.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(missing), "")))
    window.runs.actions.export_json.trigger()
    assert window.statusBar().currentMessage().startswith("Could not export the comparison")
