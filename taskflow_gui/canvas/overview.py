"""The whole workflow in a handful of paint calls, for zoom levels where detail is invisible.

Below `LOD_THRESHOLD` the cards and edges keep their geometry (so clicks, drags
and rubber bands work as usual) but are flagged to paint nothing; this single
item draws them all as grouped lines and rectangles instead. A thousand-task
workflow then costs a few C++ calls per frame rather than a Python paint call
per item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from taskflow_gui.canvas.edge_item import EDGE_COLOR, EdgeItem
from taskflow_gui.canvas.node_item import ACCENT, CARD_RECT, LOW_DETAIL_BORDER, NodeItem

_MARGIN = 1000.0
"""Room to grow before the layer must resize, so a drag rarely changes its geometry."""


class OverviewLayer(QGraphicsItem):
    """Paints every card and edge of a scene as plain shapes; receives no events."""

    def __init__(
        self,
        nodes: Callable[[], Iterable[NodeItem]],
        edges: Callable[[], Iterable[EdgeItem]],
        selected: Callable[[], list[QGraphicsItem]],
    ) -> None:
        super().__init__()
        self._nodes = nodes
        self._edges = edges
        self._selected = selected
        self._rect = QRectF()
        self.setZValue(-10.0)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def cover(self, rect: QRectF) -> None:
        """Grow (with a margin) so that `rect` is painted too."""
        if not self._rect.contains(rect):
            self.prepareGeometryChange()
            self._rect = self._rect.united(rect).adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never hit: clicks go to the real items

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        selected = set(self._selected())
        plain: list[QLineF] = []
        marked: list[QLineF] = []
        for edge in self._edges():
            active = edge in selected or edge.source in selected or edge.target in selected
            (marked if active else plain).append(edge.line)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for lines, color in ((plain, EDGE_COLOR), (marked, ACCENT)):
            if lines:
                painter.setPen(QPen(color, 0))
                painter.drawLines(lines)

        groups: dict[int, list[QRectF]] = {}
        for node in self._nodes():
            fill = node.low_detail_fill(node in selected).rgba()
            groups.setdefault(fill, []).append(CARD_RECT.translated(node.pos()))
        painter.setPen(QPen(LOW_DETAIL_BORDER, 0))
        for fill, rects in groups.items():
            painter.setBrush(QColor.fromRgba(fill))
            painter.drawRects(rects)
