"""Shared fixtures for the designer's application tests (imported by tests/gui/test_app_*.py).

Every test gets its own HOME, settings folder and AppData (recovery files),
and every dialog is answered by the test: an unexpected one fails instead of
blocking the run.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QPointF, QSettings, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from taskflow_core.projectfile import save_project
from taskflow_core.workflow import TaskSpec, Workflow

from taskflow_gui.app import configure_application
from taskflow_gui.main_window import MainWindow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

Button = QMessageBox.StandardButton
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"

STEPS_MODULE = textwrap.dedent(
    '''
    """Steps for the test project."""


    def load(path: str) -> list:
        """Read rows."""
        return [1, 2, 3]


    def clean(rows: list, *, strict: bool = False) -> list:
        """Drop bad rows."""
        return rows


    def report(rows: list, title: str = "Report") -> str:
        """Summarise."""
        return f"{title}: {len(rows)}"
    '''
)


class Dialogs:
    """Records the message boxes shown and answers them with queued replies."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.replies: dict[str, list[Any]] = {}

    def answer(self, kind: str, *replies: Any) -> None:
        self.replies.setdefault(kind, []).extend(replies)

    def _box(self, kind: str) -> Callable[..., Any]:
        def show(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            self.shown.append((kind, title, text))
            queued = self.replies.get(kind)
            if queued:
                return queued.pop(0)
            if kind in ("critical", "information", "about"):
                return Button.Ok
            raise AssertionError(f"unexpected {kind} dialog: {title}: {text}")

        return show

    def titles(self, kind: str | None = None) -> list[str]:
        return [title for k, title, _ in self.shown if kind is None or k == kind]


@pytest.fixture
def isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: QApplication
) -> Iterator[Path]:
    """A private HOME, settings and AppData for one test; the app's look is put back after."""
    look = (qapp.style().name(), qapp.palette(), qapp.styleSheet(),
            qapp.organizationName(), qapp.applicationName())
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    QStandardPaths.setTestModeEnabled(True)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    configure_application(qapp)
    QSettings().clear()
    yield tmp_path
    style, palette, sheet, organization, application = look
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setOrganizationName(organization)
    qapp.setApplicationName(application)
    QStandardPaths.setTestModeEnabled(False)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    """Message boxes answered by the test; file dialogs cancelled unless patched."""
    recorder = Dialogs()
    for kind in ("warning", "question", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder._box(kind)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    return recorder


@pytest.fixture
def project(isolated: Path) -> Path:
    """A saved project next to its module: load -> clean -> report."""
    folder = isolated / "project"
    folder.mkdir()
    (folder / "steps.py").write_text(STEPS_MODULE, encoding="utf-8")
    wf = Workflow("Test project", base_dir=folder)
    wf.add_task(TaskSpec("load", "steps:load", args=["data.csv"], position=(0, 0)))
    wf.add_task(TaskSpec("clean", "steps:clean", position=(260, 0)))
    wf.add_task(TaskSpec("report", "steps:report", position=(520, 0)))
    wf.connect("load", "clean", "positional")
    wf.connect("clean", "report", "keyword", "rows")
    path = folder / "test.taskflow.json"
    save_project(wf, path)
    return path


def make_window(qtbot: Any, *, restore: bool = True) -> MainWindow:
    """A shown, active window; close it with `close_window` (not registered with qtbot,
    whose teardown would close it before the test could discard its changes)."""
    window = MainWindow(restore=restore)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    return window


@pytest.fixture
def window(isolated: Path, dialogs: Dialogs, qtbot: Any) -> Iterator[MainWindow]:
    """The designer with an empty workflow, shown and active."""
    win = make_window(qtbot)
    yield win
    close_window(win)


def close_window(win: MainWindow) -> None:
    """Close without the unsaved-changes prompt (again is fine)."""
    if not shiboken6.isValid(win):
        return
    win.document.undo_stack.setClean()
    win.quick_add.close()
    win.close()
    win.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def opened(window: MainWindow, project: Path, qtbot: Any) -> MainWindow:
    """The window with the test project open and fitted."""
    assert window.files.open_path(project)
    QApplication.processEvents()
    window.view.fit_all()
    Ui(qtbot).focus_canvas(window)
    return window


class Ui:
    """Helpers that drive a window like a user would (the `ui` fixture)."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot

    def focus_canvas(self, window: MainWindow) -> None:
        window.view.setFocus()
        self.qtbot.waitUntil(window.view.hasFocus, timeout=2000)

    def mouse_away(self, window: MainWindow) -> None:
        """Move the pointer off the canvas (pastes then go next to the originals)."""
        self.qtbot.mouseMove(window.palette_dock.tree.viewport(), QPoint(5, 5))

    def menu_action(self, window: MainWindow, menu: str, text: str) -> Any:
        """The action `text` of the menu bar's `menu` (texts without the & markers)."""
        for top in window.menuBar().actions():
            if top.text().replace("&", "") == menu:
                for action in top.menu().actions():
                    if action.text().replace("&", "") == text:
                        return action
        raise AssertionError(f"no {menu} > {text}")

    def trigger(self, window: MainWindow, menu: str, text: str) -> None:
        action = self.menu_action(window, menu, text)
        assert action.isEnabled(), f"{menu} > {text} is disabled"
        action.trigger()

    def names(self, window: MainWindow) -> list[str]:
        return [t.name for t in window.document.workflow.tasks]

    def task(self, window: MainWindow, name: str) -> TaskSpec:
        return window.document.workflow.task(name)

    def view_point(self, window: MainWindow, scene_point: QPointF) -> QPoint:
        return window.view.mapFromScene(scene_point)

    def port(self, window: MainWindow, name: str, which: str) -> QPoint:
        """Viewport position of a task card's "in" or "out" port."""
        item = window.scene.item_for(name)
        assert item is not None, name
        return self.view_point(window, item.port_pos(which))

    def card_centre(self, window: MainWindow, name: str) -> QPoint:
        item = window.scene.item_for(name)
        assert item is not None, name
        return self.view_point(window, item.sceneBoundingRect().center())

    def drag(self, window: MainWindow, start: QPoint, end: QPoint, steps: int = 6) -> None:
        """A left-button drag on the canvas, in small moves like a hand would."""
        viewport = window.view.viewport()
        self.qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
        for i in range(1, steps + 1):
            point = start + (end - start) * (i / steps)
            self.qtbot.mouseMove(viewport, point)
        self.qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)

    def click_card(self, window: MainWindow, name: str) -> None:
        self.qtbot.mouseClick(
            window.view.viewport(), Qt.MouseButton.LeftButton, pos=self.card_centre(window, name)
        )

    def key(self, window: MainWindow, sequence: str) -> None:
        """Press a shortcut on the canvas, e.g. "Ctrl+Z" or "Ctrl+Shift+Z"."""
        combo = QKeySequence(sequence)[0]
        self.qtbot.keyClick(window.view, combo.key(), combo.keyboardModifiers())


@pytest.fixture
def ui(qtbot: Any) -> Ui:
    return Ui(qtbot)
