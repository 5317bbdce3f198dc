"""Helpers for the run tests: open a project, press keys, wait, read a card's badge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from taskflow_gui.main_window import MainWindow


def open_project(window: MainWindow, path: Path, stop_runs: list[MainWindow]) -> MainWindow:
    """Open a saved project in the window, ready to run."""
    assert window.files.open_path(path)
    QApplication.processEvents()
    window.view.fit_all()
    stop_runs.append(window)
    return window


def press(qtbot: Any, window: MainWindow, key: Qt.Key,
          modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key press on the window, as a user would do it (shortcuts included)."""
    qtbot.keyClick(window, key, modifiers)


def wait_finished(qtbot: Any, window: MainWindow, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: not window.runs.is_running, timeout=timeout)


def badge(window: MainWindow, name: str) -> tuple[str, str]:
    """(status, detail) painted on a task's card."""
    item = window.scene.item_for(name)
    assert item is not None, name
    return item.status, item.detail
