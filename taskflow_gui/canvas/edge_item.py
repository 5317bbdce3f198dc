"""A dependency drawn as a curve from an output port to an input port.

The edge mirrors one `DependencySpec` (kept by identity, so a rename of either
end needs no rebuild). Its geometry is recomputed only when an end moves; at
low zoom it degrades to a straight line without arrow or label.
"""

from __future__ import annotations

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

from taskflow_gui.canvas.node_item import ACCENT, INVALID, LOD_THRESHOLD, PORT_RADIUS, NodeItem

EDGE_COLOR = QColor("#9aa3b2")
EDGE_HOVER = QColor("#667085")
LABEL_FILL = QColor("#ffffff")
LABEL_TEXT = QColor("#475467")
ARROW_LENGTH = 9.0
ARROW_HALF_WIDTH = 4.5

LABEL_FONT = QFont()
LABEL_FONT.setPixelSize(10)
_LABEL_METRICS = QFontMetricsF(LABEL_FONT)


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal-tangent cubic, looping outwards when the target is behind the source."""
    dx = end.x() - start.x()
    reach = max(abs(dx) * 0.5, 40.0) if dx >= 0 else max(80.0, min(-dx * 0.5, 200.0))
    path = QPainterPath(start)
    path.cubicTo(start + QPointF(reach, 0.0), end - QPointF(reach, 0.0), end)
    return path


def _midpoint(path: QPainterPath) -> QPointF:
    """Point at t=0.5 of the single cubic in `path`, without Qt's arc-length search."""
    p0, c1, c2, p3 = (path.elementAt(i) for i in range(4))
    return QPointF(
        0.125 * p0.x + 0.375 * c1.x + 0.375 * c2.x + 0.125 * p3.x,
        0.125 * p0.y + 0.375 * c1.y + 0.375 * c2.y + 0.125 * p3.y,
    )


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
        self._hover = False
        self._path = QPainterPath()
        self._line = QLineF()
        self._tip = QPointF()
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
            self.update_geometry()

    def update_geometry(self) -> None:
        """Recompute the curve after an end moved."""
        self.prepareGeometryChange()
        start = self.source.port_pos("out") + QPointF(PORT_RADIUS, 0.0)
        self._tip = self.target.port_pos("in") - QPointF(PORT_RADIUS + 1.0, 0.0)
        end = self._tip - QPointF(ARROW_LENGTH - 1.0, 0.0)
        self._path = curve(start, end)
        self._line = QLineF(start, self._tip)
        rect = self._path.controlPointRect().united(arrow_head(self._tip).boundingRect())
        if self.label:
            width = _LABEL_METRICS.horizontalAdvance(self.label) + 16.0
            centre = _midpoint(self._path)
            self._label_rect = QRectF(centre.x() - width / 2, centre.y() - 8.0, width, 16.0)
            rect = rect.united(self._label_rect)
        else:
            self._label_rect = QRectF()
        self._rect = rect.adjusted(-3.0, -3.0, 3.0, 3.0)
        self._shape = None

    def boundingRect(self) -> QRectF:
        return self._rect

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
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_THRESHOLD:
            painter.setPen(QPen(color, 0))
            painter.drawLine(self._line)
            return
        width = 2.5 if self.isSelected() else 1.8 if self._hover else 1.5
        painter.setPen(QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawPolygon(arrow_head(self._tip))
        if self.label:
            painter.setPen(QPen(color, 1.0))
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
