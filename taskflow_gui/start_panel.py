"""The card on an empty canvas: how to add a first task, recent projects, examples, Open.

A new user sees a blank canvas first; this turns it into the three ways to
begin. It floats over the view's centre and hides itself once the canvas has a
task, so it never covers work.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFrame,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from taskflow_gui.document import PROJECT_SUFFIX

__all__ = ["StartPanel"]

_STYLE = """
#StartPanel { background: #ffffff; border: 1px solid #d5d9e0; border-radius: 8px; }
#StartPanel QLabel#startTitle { font-size: 15pt; font-weight: 600; color: #1f2430; }
#StartPanel QLabel { color: #4a5262; }
#StartPanel QPushButton { text-align: left; padding: 6px 10px; }
"""


MAX_RECENT_SHOWN = 5


def _recent_label(path: Path) -> str:
    """"pipeline — ~/work/etl": the project's name, then where it is."""
    name = path.name[: -len(PROJECT_SUFFIX)] if path.name.endswith(PROJECT_SUFFIX) else path.name
    folder = str(path.parent)
    home = str(Path.home())
    if folder == home or folder.startswith(home + os.sep):
        folder = "~" + folder[len(home):]
    return f"{name} — {folder}"


class StartPanel(QFrame):
    """Centred over `view`'s viewport; its buttons call `open_path(path)` (a recent
    project or an example) and `open_project()` (File ▸ Open)."""

    def __init__(
        self,
        view: QAbstractScrollArea,
        examples: list[tuple[str, Path]],
        open_path: Callable[[Path], object],
        open_project: Callable[[], object],
    ) -> None:
        viewport = view.viewport()
        super().__init__(viewport)
        self.setObjectName("StartPanel")
        self.setStyleSheet(_STYLE)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        title = QLabel("Start a workflow")
        title.setObjectName("startTitle")
        how = QLabel("Drag a function from the Palette onto the canvas, or press Tab "
                     "here to search for one.")
        how.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(how)
        self._open_path = open_path
        self.recent_buttons: list[QPushButton] = []
        self._recent = QWidget()
        self._recent_box = QVBoxLayout(self._recent)
        self._recent_box.setContentsMargins(0, 4, 0, 0)
        self._recent_box.setSpacing(6)
        self._recent_box.addWidget(QLabel("Pick up where you left off:"))
        layout.addWidget(self._recent)
        self._recent.hide()
        self.example_buttons: list[QPushButton] = []
        if examples:
            layout.addSpacing(4)
            layout.addWidget(QLabel("Or open a ready-made example:"))
            for name, path in examples:
                button = QPushButton(name)
                button.setObjectName(f"example:{path.name}")
                button.setToolTip(str(path))
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.clicked.connect(lambda _checked=False, p=path: open_path(p))
                layout.addWidget(button)
                self.example_buttons.append(button)
        layout.addSpacing(4)
        self.open_button = QPushButton("Open a project…")
        self.open_button.setObjectName("startOpen")
        self.open_button.clicked.connect(lambda _checked=False: open_project())
        layout.addWidget(self.open_button)
        self.setFixedWidth(380)
        viewport.installEventFilter(self)
        self.adjustSize()
        self._place()

    def set_recent(self, paths: list[str]) -> None:
        """Show the most recent projects that still exist (File ▸ Open Recent's list)."""
        for button in self.recent_buttons:
            self._recent_box.removeWidget(button)
            button.deleteLater()
        self.recent_buttons = []
        existing = [Path(p) for p in paths if Path(p).is_file()][:MAX_RECENT_SHOWN]
        for path in existing:
            button = QPushButton()
            label = _recent_label(path)  # a long path loses its middle
            button.setText(button.fontMetrics().elidedText(
                label, Qt.TextElideMode.ElideMiddle, self.width() - 70))
            button.setObjectName(f"recent:{path}")
            button.setToolTip(str(path))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _checked=False, p=path: self._open_path(p))
            self._recent_box.addWidget(button)
            self.recent_buttons.append(button)
        self._recent.setVisible(bool(existing))
        self.adjustSize()
        self._place()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if visible:
            self.adjustSize()
            self._place()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()  # its height settles once styled and shown

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self._place()  # scrolling the canvas scrolls the viewport's children too: stay put

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        x = max(0, (parent.width() - self.width()) // 2)
        y = max(0, (parent.height() - self.height()) // 2)
        if (self.x(), self.y()) != (x, y):
            self.move(x, y)
