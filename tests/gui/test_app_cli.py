"""The `taskflow-gui` command: --screenshot, --size, --quit, bad input; painting for a while."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

pytest_plugins = ["app_support"]

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def run_gui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".share")}
    return subprocess.run(
        [sys.executable, "-m", "taskflow_gui", *args],
        env=env, capture_output=True, text=True, timeout=120,
    )


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step)
                for y in range(0, image.height(), step)})


def test_screenshot_flag_writes_a_real_picture(tmp_path):
    out = tmp_path / "shot.png"
    done = run_gui(str(EXAMPLES / "etl_diamond.taskflow.json"), "--screenshot", str(out),
                   "--size", "1200x800", "--quit", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
    assert distinct_colours(image) > 40  # text, cards, docks: not a blank window
    # The canvas shows the cards: the middle of the picture is not just background.
    middle = image.copy(300, 150, 500, 450)
    assert distinct_colours(middle, step=3) > 10
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob("shot.png.*"))


def test_installed_command_runs_too(tmp_path):
    command = Path(sys.executable).parent / "taskflow-gui"
    if not command.exists():
        pytest.skip("the taskflow-gui script is not installed in this environment")
    out = tmp_path / "empty.png"
    env = {**os.environ, "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([str(command), "--screenshot", str(out), "--quit"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert QImage(str(out)).width() == 1400


def test_a_bad_file_with_quit_reports_on_stderr_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.taskflow.json"
    bad.write_text("{ not json")
    done = run_gui(str(bad), "--quit", home=tmp_path)
    assert done.returncode == 1
    assert "bad.taskflow.json" in done.stderr and "line 1" in done.stderr
    assert "Traceback" not in done.stderr
    missing = run_gui(str(tmp_path / "nowhere.taskflow.json"), "--quit", home=tmp_path)
    assert missing.returncode == 1
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr


def test_a_bad_size_is_a_usage_error(tmp_path):
    done = run_gui("--size", "huge", "--quit", home=tmp_path)
    assert done.returncode == 2
    assert "WIDTHxHEIGHT" in done.stderr


def test_main_in_process_with_a_screenshot(isolated, qapp):
    from taskflow_gui.app import main

    out = isolated / "inprocess.png"
    status = main([str(EXAMPLES / "seed_example.taskflow.json"), "--screenshot", str(out),
                   "--size", "900x600", "--quit"])
    assert status == 0
    assert QImage(str(out)).size().width() == 900


def test_painting_for_a_while_stays_alive(window):
    """Hundreds of paints in a row: PySide6 6.12 aborted within seconds of this."""
    assert window.files.open_path(EXAMPLES / "fanout_50.taskflow.json")
    QApplication.processEvents()
    window.view.fit_all()
    viewport = window.view.viewport()
    frames = 0
    start = time.monotonic()
    while time.monotonic() - start < 2.0 or frames < 300:
        if frames % 50 == 0:
            window.grab()  # the whole window now and then: docks, toolbar, status bar
            names = [t.name for t in window.document.workflow.tasks[frames % 7::7]]
            window.scene.select_tasks(names)
        viewport.repaint()
        frames += 1
        if frames >= 2000:
            break
    assert frames >= 300
    assert window.isVisible()
