"""A dependency drawn as a curve from an output port to an input port.

The edge mirrors one `DependencySpec` (kept by identity, so a rename of either
end needs no rebuild). Its geometry is recomputed only when an end moves; at
low zoom it degrades to a straight line without arrow or label.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget
from taskflow_core.workflow import DependencySpec

from taskflow_gui.canvas.node_item import (
    ACCENT,
    INVALID,
    LOD_THRESHOLD,
    NODE_HEIGHT,
    NODE_WIDTH,
    PORT_RADIUS,
    NodeItem,
    touch_overview,
)

EDGE_COLOR = QColor("#8f99ab")
EDGE_HOVER = QColor("#667085")
LABEL_FILL = QColor("#ffffff")
LABEL_TEXT = QColor("#475467")
ARROW_LENGTH = 9.0
ARROW_HALF_WIDTH = 4.5

LABEL_FONT = QFont()
LABEL_FONT.setPixelSize(10)
_LABEL_METRICS = QFontMetricsF(LABEL_FONT)


def _reach(dx: float) -> float:
    """How far the control points stick out: looser when the target is behind the source."""
    return max(dx * 0.5, 40.0) if dx >= 0 else max(80.0, min(-dx * 0.5, 200.0))


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A cubic leaving and arriving horizontally, as edges between side ports do."""
    reach = _reach(end.x() - start.x())
    path = QPainterPath(start)
    path.cubicTo(start + QPointF(reach, 0.0), end - QPointF(reach, 0.0), end)
    return path


@lru_cache(maxsize=64)
def _pen(rgba: int, width: float) -> QPen:
    """Shared pens: edges are painted by the thousand."""
    return QPen(QColor.fromRgba(rgba), width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)


def arrow_head(tip: QPointF) -> QPolygonF:
    """A right-pointing triangle ending at `tip` (curves arrive horizontally)."""
    return QPolygonF(
        [
            tip,
            QPointF(tip.x() - ARROW_LENGTH, tip.y() - ARROW_HALF_WIDTH),
            QPointF(tip.x() - ARROW_LENGTH, tip.y() + ARROW_HALF_WIDTH),
        ]
    )


class EdgeItem(QGraphicsItem):
    """Mirrors one dependency: `source` passes its result to `target`."""

    Type = QGraphicsItem.UserType + 2

    def __init__(self, source: NodeItem, target: NodeItem, dependency: DependencySpec) -> None:
        super().__init__()
        self.source = source
        self.target = target
        self.dependency = dependency
        self.label = ""
        self._label_width = 0.0
        self._hover = False
        self._path = QPainterPath()
        self.line = QLineF()
        self._arrow = QPolygonF()
        self._label_rect = QRectF()
        self._rect = QRectF()
        self._shape: QPainterPath | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1.0)
        source.edges_out.append(self)
        target.edges_in.append(self)
        self.update_geometry()

    def type(self) -> int:
        return EdgeItem.Type

    @property
    def names(self) -> tuple[str, str]:
        """(upstream, downstream) task names."""
        return self.source.spec.name, self.target.spec.name

    def detach(self) -> None:
        """Forget both ends before the scene drops this item."""
        if self in self.source.edges_out:
            self.source.edges_out.remove(self)
        if self in self.target.edges_in:
            self.target.edges_in.remove(self)

    def set_label(self, label: str) -> None:
        if label != self.label:
            self.label = label
            self._label_width = _LABEL_METRICS.horizontalAdvance(label) + 16.0
            self.update_geometry()

    def update_geometry(self) -> None:
        """Recompute the curve after an end moved (runs for every edge of a dragged card)."""
        self.prepareGeometryChange()
        source, target = self.source.pos(), self.target.pos()
        sx, sy = source.x() + NODE_WIDTH + PORT_RADIUS, source.y() + NODE_HEIGHT / 2
        tx, ty = target.x() - PORT_RADIUS - 1.0, target.y() + NODE_HEIGHT / 2
        ex = tx - ARROW_LENGTH + 1.0
        reach = _reach(ex - sx)
        self._path = QPainterPath(QPointF(sx, sy))
        self._path.cubicTo(sx + reach, sy, ex - reach, ty, ex, ty)
        self.line = QLineF(sx, sy, tx, ty)
        self._arrow = arrow_head(QPointF(tx, ty))
        left, right = min(sx, ex - reach), max(sx + reach, tx)
        top, bottom = min(sy, ty) - ARROW_HALF_WIDTH, max(sy, ty) + ARROW_HALF_WIDTH
        if self.label:
            # The curve is point-symmetric, so its middle is the middle of its ends.
            cx, cy = (sx + ex) / 2, (sy + ty) / 2
            half = self._label_width / 2
            self._label_rect = QRectF(cx - half, cy - 8.0, 2 * half, 16.0)
            left, right = min(left, cx - half), max(right, cx + half)
            top, bottom = min(top, cy - 8.0), max(bottom, cy + 8.0)
        else:
            self._label_rect = QRectF()
        self._rect = QRectF(left - 3.0, top - 3.0, right - left + 6.0, bottom - top + 6.0)
        self._shape = None

    def boundingRect(self) -> QRectF:
        return self._rect

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            touch_overview(self)
        return super().itemChange(change, value)

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10.0)
            shape = stroker.createStroke(self._path)
            if self.label:
                shape.addRect(self._label_rect)
            self._shape = shape
        return self._shape

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self.update()

    def _color(self) -> QColor:
        scene = self.scene()
        if scene is not None and getattr(scene, "exporting", False):
            return EDGE_COLOR
        if self.isSelected() or self.source.isSelected() or self.target.isSelected():
            return ACCENT
        return EDGE_HOVER if self._hover else EDGE_COLOR

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        color = self._color()
        if painter.worldTransform().m11() < LOD_THRESHOLD:  # the view only scales
            painter.setPen(_pen(color.rgba(), 0.0))
            painter.drawLine(self.line)
            return
        # One device pixel keeps Qt on its fast cosmetic stroker at 100 % and below.
        width = 2.0 if self.isSelected() else 1.6 if self._hover else 1.0
        painter.setPen(_pen(color.rgba(), width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(self._arrow)
        if self.label:
            painter.setPen(_pen(color.rgba(), 1.0))
            painter.setBrush(LABEL_FILL)
            painter.drawRoundedRect(self._label_rect, 8.0, 8.0)
            painter.setFont(LABEL_FONT)
            painter.setPen(LABEL_TEXT if color == EDGE_COLOR else color)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)


class RubberEdge(QGraphicsItem):
    """The curve that follows the cursor while a connection is being dragged."""

    def __init__(self, anchor: QPointF, forward: bool) -> None:
        super().__init__()
        self._anchor = anchor
        self._forward = forward
        self._valid = True
        self._path = QPainterPath()
        self._rect = QRectF()
        self.setZValue(10.0)
        self.set_end(anchor, True)

    def set_end(self, point: QPointF, valid: bool) -> None:
        self.prepareGeometryChange()
        self._valid = valid
        start, end = (self._anchor, point) if self._forward else (point, self._anchor)
        self._path = curve(start, end)
        self._rect = self._path.controlPointRect().adjusted(-4.0, -4.0, 4.0, 4.0)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pen = QPen(ACCENT if self._valid else INVALID, 2.0, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
