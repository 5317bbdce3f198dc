"""The canvas widget: pan, zoom, fit, keyboard, and the speed settings.

Painting a large workflow fast comes from a handful of settings (the ones
NodeGraphQt uses): cards cache themselves as device pixmaps, the dot grid is
cached, Qt skips saving painter state and antialiasing adjustments, and below
`LOD_THRESHOLD` zoom the view stops antialiasing while items draw plain shapes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QWidget

from taskflow_gui.canvas.node_item import GRID_SIZE, LOD_THRESHOLD
from taskflow_gui.canvas.scene import WorkflowScene

BACKGROUND = QColor("#f4f5f7")
DOT = QColor("#c9ced6")
HINT_COLOR = QColor("#8a93a3")
HINT_TEXT = "Drag a callable from the Palette, or press Tab to add a task"

MIN_ZOOM = 0.02
MAX_ZOOM = 3.0
ZOOM_STEP = 1.2
_WORLD = 1_000_000.0
"""Half-size of the scrollable area, so the canvas pans freely past the items."""
_FIT_MARGIN = 40.0
_MIN_DOT_SPACING = 12.0
"""Screen pixels between dots below which the grid thins out (every 5th line)."""


class WorkflowView(QGraphicsView):
    """Shows a `WorkflowScene`; keys and wheel are handled here, gestures in the scene."""

    def __init__(self, scene: QGraphicsScene | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pan_from: QPointF | None = None
        self._space_held = False
        self._cursor: QPoint | None = None
        self.hint_text = HINT_TEXT
        """Drawn on an empty canvas; empty while something else (the start panel) says it."""
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setSceneRect(QRectF(-_WORLD, -_WORLD, 2 * _WORLD, 2 * _WORLD))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        if scene is not None:
            self.setScene(scene)
        self.centerOn(0.0, 0.0)

    def setScene(self, scene: QGraphicsScene | None) -> None:
        old = self.scene()
        if isinstance(old, WorkflowScene):
            old.emptyChanged.disconnect(self._empty_changed)
        super().setScene(scene)
        if isinstance(scene, WorkflowScene):
            scene.emptyChanged.connect(self._empty_changed)
            scene.set_low_detail(self.zoom() < LOD_THRESHOLD)

    def _empty_changed(self, _empty: bool) -> None:
        self.viewport().update()

    # -- zoom ---------------------------------------------------------------------
    def zoom(self) -> float:
        """Current scale (1.0 = one scene unit per pixel)."""
        return self.transform().m11()

    def set_zoom(self, zoom: float, anchor: QPoint | None = None) -> None:
        """Scale to `zoom`, keeping the scene point under `anchor` (view coords) in place."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if anchor is None:
            anchor = self.viewport().rect().center()
        fixed = self.mapToScene(anchor)
        self.setTransform(QTransform.fromScale(zoom, zoom))
        drift = self.mapFromScene(fixed) - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + drift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + drift.y())
        self._zoom_changed()

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom() / ZOOM_STEP)

    def fit_all(self) -> None:
        """Show every card, never magnified past 100 %."""
        scene = self.scene()
        if scene is None:
            return
        if isinstance(scene, WorkflowScene):
            rect = scene.items_bounding_rect()
        else:
            rect = scene.itemsBoundingRect()
        if rect.isEmpty():
            self.setTransform(QTransform())
            self.centerOn(0.0, 0.0)
            self._zoom_changed()
            return
        rect = rect.adjusted(-_FIT_MARGIN, -_FIT_MARGIN, _FIT_MARGIN, _FIT_MARGIN)
        port = self.viewport().rect()
        zoom = min(port.width() / rect.width(), port.height() / rect.height(), 1.0)
        self.setTransform(QTransform.fromScale(max(zoom, MIN_ZOOM), max(zoom, MIN_ZOOM)))
        self.centerOn(rect.center())
        self._zoom_changed()

    def _zoom_changed(self) -> None:
        detailed = self.zoom() >= LOD_THRESHOLD
        self.setRenderHint(QPainter.RenderHint.Antialiasing, detailed)
        scene = self.scene()
        if isinstance(scene, WorkflowScene):
            scene.set_low_detail(not detailed)
        self.resetCachedContent()
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps:
            super().wheelEvent(event)
            return
        self.set_zoom(self.zoom() * ZOOM_STEP**steps, event.position().toPoint())
        event.accept()

    # -- pan ------------------------------------------------------------------------
    def _pan_button(self, event: QMouseEvent) -> bool:
        button = event.button()
        return button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space_held
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pan_button(event):
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._cursor = event.position().toPoint()
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            bar_x, bar_y = self.horizontalScrollBar(), self.verticalScrollBar()
            bar_x.setValue(bar_x.value() - round(delta.x()))
            bar_y.setValue(bar_y.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and self._pan_button(event):
            self._pan_from = None
            self._restore_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._cursor = None
        super().leaveEvent(event)

    def _restore_cursor(self) -> None:
        if self._space_held:
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    # -- keyboard -------------------------------------------------------------------
    def cursor_scene_pos(self) -> QPointF:
        """Scene point under the mouse, or the centre of the view when it is elsewhere."""
        point = self._cursor
        if point is None or not self.viewport().rect().contains(point):
            point = self.viewport().rect().center()
        return self.mapToScene(point)

    def event(self, event: QEvent) -> bool:
        # Tab would move keyboard focus before keyPressEvent sees it.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            scene = self.scene()
            if isinstance(scene, WorkflowScene):
                scene.quickAddRequested.emit(self.cursor_scene_pos())
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        scene = self.scene()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and isinstance(scene, WorkflowScene):
            scene.deleteRequested.emit()
        elif key == Qt.Key.Key_F and plain:
            self.fit_all()
        elif key == Qt.Key.Key_Space and plain:
            if not event.isAutoRepeat():
                self._space_held = True
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif key == Qt.Key.Key_Escape and isinstance(scene, WorkflowScene):
            scene.cancel_interaction()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self._pan_from is None:
                self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- painting ---------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        """A dot every grid step; thinned out when zoomed out so it stays calm and cheap."""
        painter.fillRect(rect, BACKGROUND)
        zoom = self.zoom()
        step = float(GRID_SIZE)
        while step * zoom < _MIN_DOT_SPACING:
            step *= 5.0
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        columns = int((rect.right() - left) / step) + 1
        rows = int((rect.bottom() - top) / step) + 1
        xs = [left + i * step for i in range(columns)]
        points = QPolygonF([QPointF(x, top + j * step) for j in range(rows) for x in xs])
        pen = QPen(DOT, 2.0 if step * zoom >= 18 else 1.5)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawPoints(points)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        scene = self.scene()
        if not isinstance(scene, WorkflowScene) or not scene.is_empty() or not self.hint_text:
            return
        painter.save()
        painter.resetTransform()
        font = QFont()
        font.setPointSizeF(11.0)
        painter.setFont(font)
        painter.setPen(HINT_COLOR)
        painter.drawText(QRectF(self.viewport().rect()), Qt.AlignmentFlag.AlignCenter,
                         self.hint_text)
        painter.restore()
