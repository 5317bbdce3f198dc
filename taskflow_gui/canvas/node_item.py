"""A task drawn as a card: name, callable, status, an input and an output port.

The card is one item whose ports are painted regions rather than child items:
a thousand-task workflow then costs a thousand items, not three thousand, and
the whole card fits in one device-coordinate cache pixmap. Below
`LOD_THRESHOLD` zoom it paints as a plain rectangle, because text a few pixels
high is unreadable anyway and a rectangle is far cheaper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget
from taskflow_core.workflow import TaskSpec

from taskflow_gui.status_style import status_border_color, status_color, status_key, status_label

if TYPE_CHECKING:
    from taskflow_gui.canvas.edge_item import EdgeItem

NODE_WIDTH = 200.0
NODE_HEIGHT = 56.0
CORNER = 8.0
PORT_RADIUS = 5.0
PORT_HIT_RADIUS = 12.0
"""Ports are grabbed within this distance, generous because they are small on screen."""
LOD_THRESHOLD = 0.4
"""Zoom below which cards and edges drop text, curves and antialiasing."""
GRID_SIZE = 20

CARD_RECT = QRectF(0.0, 0.0, NODE_WIDTH, NODE_HEIGHT)
_MARGIN = 6.0
_BADGE_HEIGHT = 16.0
BOUNDS = QRectF(
    -PORT_HIT_RADIUS,
    -_BADGE_HEIGHT / 2 - 1.0,
    NODE_WIDTH + 2 * PORT_HIT_RADIUS,
    NODE_HEIGHT + _BADGE_HEIGHT / 2 + 1.0 + _MARGIN,
)

# Canvas colours that are not task statuses (those come from status_style).
ACCENT = QColor("#2f6fed")
ACCENT_SOFT = QColor(47, 111, 237, 40)
CARD_FILL = QColor("#ffffff")
CARD_BORDER = QColor("#d3d8e0")
CARD_BORDER_HOVER = QColor("#98a2b3")
SHADOW = QColor(16, 24, 40, 22)
NAME_COLOR = QColor("#1d2433")
CALLABLE_COLOR = QColor("#6b7385")
NEUTRAL_STRIP = QColor("#c3cad5")
PORT_FILL = QColor("#ffffff")
PORT_BORDER = QColor("#8a94a6")
VALID = QColor("#22a06b")
INVALID = QColor("#d93b30")
PROBLEM_FILL = QColor("#fdeceb")
PROBLEM_TEXT = QColor("#b42318")
LOW_DETAIL_FILL = QColor("#ffffff")
LOW_DETAIL_BORDER = QColor("#aab3c2")

NAME_FONT = QFont()
NAME_FONT.setPixelSize(13)
NAME_FONT.setBold(True)
DETAIL_FONT = QFont()
DETAIL_FONT.setPixelSize(11)
BADGE_FONT = QFont()
BADGE_FONT.setPixelSize(10)
BADGE_FONT.setBold(True)
_NAME_METRICS = QFontMetricsF(NAME_FONT)
_DETAIL_METRICS = QFontMetricsF(DETAIL_FONT)
_BADGE_METRICS = QFontMetricsF(BADGE_FONT)

_TEXT_LEFT = 16.0
_TEXT_RIGHT = 12.0
_BADGE_MAX = 160.0  # room for "skipped: <upstream task>"


def _strip_path() -> QPainterPath:
    """The left edge of the card, clipped to its rounded corners: the status strip."""
    card = QPainterPath()
    card.addRoundedRect(CARD_RECT, CORNER, CORNER)
    strip = QPainterPath()
    strip.addRect(QRectF(0.0, 0.0, 5.0, NODE_HEIGHT))
    return card.intersected(strip)


_STRIP = _strip_path()


def _mix(color: QColor, amount: float) -> QColor:
    """`color` laid over white at `amount` opacity, as an opaque colour."""
    return QColor(
        round(255 + (color.red() - 255) * amount),
        round(255 + (color.green() - 255) * amount),
        round(255 + (color.blue() - 255) * amount),
    )


def touch_overview(item: QGraphicsItem) -> None:
    """Repaint the scene's overview layer, which stands in for `item` at low zoom.

    Items flagged to paint nothing get no repaints of their own from Qt.
    """
    scene = item.scene()
    if scene is not None and getattr(scene, "low_detail", False):
        scene.touch(item.sceneBoundingRect())


def snap(value: float) -> float:
    """The nearest grid line, so moved and dropped cards line up."""
    return round(value / GRID_SIZE) * GRID_SIZE


class NodeItem(QGraphicsItem):
    """Mirrors one `TaskSpec`; the scene keeps it in step with the model."""

    Type = QGraphicsItem.UserType + 1

    def __init__(self, spec: TaskSpec) -> None:
        super().__init__()
        self.spec = spec
        self.edges_in: list[EdgeItem] = []
        self.edges_out: list[EdgeItem] = []
        self.status = ""
        self.detail = ""
        self.problem = ""
        self.phase = 0.0
        self._hover = False
        self._hover_port: str | None = None
        self._port_state: dict[str, str | None] = {"in": None, "out": None}
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setPos(QPointF(*spec.position))
        self.refresh()

    # -- geometry ------------------------------------------------------------
    def type(self) -> int:
        return NodeItem.Type

    def boundingRect(self) -> QRectF:
        return BOUNDS

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # port circles overlap the card
        path.addRect(CARD_RECT)
        for port in (self.port_local("in"), self.port_local("out")):
            path.addEllipse(port, PORT_HIT_RADIUS, PORT_HIT_RADIUS)
        return path

    @staticmethod
    def port_local(port: str) -> QPointF:
        return QPointF(0.0 if port == "in" else NODE_WIDTH, NODE_HEIGHT / 2)

    def port_pos(self, port: str) -> QPointF:
        """Scene position of the "in" or "out" port's centre."""
        return self.pos() + self.port_local(port)

    def port_at(self, local: QPointF) -> str | None:
        """Which port a local point grabs, if any."""
        for port in ("out", "in"):
            delta = local - self.port_local(port)
            if delta.x() ** 2 + delta.y() ** 2 <= PORT_HIT_RADIUS**2:
                return port
        return None

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            touch_overview(self)
            for edge in self.edges_in:
                edge.update_geometry()
            for edge in self.edges_out:
                edge.update_geometry()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            touch_overview(self)
            self.setZValue(1.0 if value else 0.0)
            for edge in (*self.edges_in, *self.edges_out):
                edge.update()
        return super().itemChange(change, value)

    # -- state mirrored from the model and the runner -----------------------
    def refresh(self) -> None:
        """Re-read the spec (after a rename or a new callable)."""
        tip = [f"<b>{self.spec.name}</b>", self.spec.callable or "<i>no callable</i>"]
        if self.problem:
            tip.append(f"<span style='color:#b42318'>{self.problem}</span>")
        if self.status:
            tip.append(status_label(self.status) + (f": {self.detail}" if self.detail else ""))
        if self.spec.notes:
            tip.append(self.spec.notes)
        self.setToolTip("<br>".join(tip))
        self.update()
        touch_overview(self)

    def set_status(self, status: str, detail: str = "") -> None:
        self.status = status_key(status) if status else ""
        self.detail = detail
        self.refresh()

    def set_problem(self, message: str) -> None:
        self.problem = message
        self.refresh()

    def set_port_state(self, port: str, state: str | None) -> None:
        """Highlight a port while connecting: "valid", "invalid", "source" or None."""
        if self._port_state.get(port) != state:
            self._port_state[port] = state
            self.update()

    def advance(self, step: float = 1.0) -> None:  # type: ignore[override]
        """Move the running border's dashes along; called by the scene's timer."""
        self.phase = (self.phase + step) % 16.0
        self.update()

    # -- hover ---------------------------------------------------------------
    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self.update()

    def hoverMoveEvent(self, event) -> None:
        port = self.port_at(event.pos())
        if port != self._hover_port:
            self._hover_port = port
            if port:
                self.setCursor(Qt.CursorShape.CrossCursor)
            else:
                self.unsetCursor()
            self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self._hover_port = None
        self.unsetCursor()
        self.update()

    # -- painting ------------------------------------------------------------
    def _plain(self) -> bool:
        """True while exporting: no selection, hover or connection highlights."""
        scene = self.scene()
        return bool(scene is not None and getattr(scene, "exporting", False))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if painter.worldTransform().m11() < LOD_THRESHOLD:  # the view only scales
            self._paint_low_detail(painter)
            return
        plain = self._plain()
        selected = self.isSelected() and not plain

        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ACCENT_SOFT)
            painter.drawRoundedRect(CARD_RECT.adjusted(-4, -4, 4, 4), CORNER + 3, CORNER + 3)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SHADOW)
            painter.drawRoundedRect(CARD_RECT.translated(0, 2), CORNER, CORNER)

        painter.setBrush(PROBLEM_FILL if self.problem else CARD_FILL)
        painter.setPen(self._border_pen(selected, plain))
        painter.drawRoundedRect(CARD_RECT, CORNER, CORNER)

        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._strip_color())
        painter.drawPath(_STRIP)

        self._paint_text(painter)
        self._paint_badge(painter)
        self._paint_port(painter, "in", plain)
        self._paint_port(painter, "out", plain)

    def _strip_color(self) -> QColor:
        if self.problem:
            return INVALID
        if self.status:
            return status_color(self.status)
        return NEUTRAL_STRIP

    def _border_pen(self, selected: bool, plain: bool) -> QPen:
        if self.status == "running" and not plain:
            pen = QPen(status_color("running"), 2.0, Qt.PenStyle.CustomDashLine)
            pen.setDashPattern([4.0, 4.0])
            pen.setDashOffset(-self.phase)
            if selected:
                pen.setColor(ACCENT)
            return pen
        if selected:
            return QPen(ACCENT, 2.0)
        if self.problem:
            pen = QPen(INVALID, 1.5, Qt.PenStyle.DashLine)
            return pen
        if self.status in ("failed",):
            return QPen(status_border_color(self.status), 1.5)
        if self._hover and not plain:
            return QPen(CARD_BORDER_HOVER, 1.2)
        return QPen(CARD_BORDER, 1.0)

    def _badge_text(self) -> str:
        if self.problem:
            return "Unresolved"
        if not self.status:
            return ""
        return self.detail or status_label(self.status)

    def _paint_badge(self, painter: QPainter) -> None:
        """Status pill sitting on the card's top edge, so it never crowds the name."""
        badge = self._badge_text()
        if not badge:
            return
        text = _BADGE_METRICS.elidedText(badge, Qt.TextElideMode.ElideRight, _BADGE_MAX)
        width = _BADGE_METRICS.horizontalAdvance(text) + 14.0
        rect = QRectF(NODE_WIDTH - 12.0 - width, -_BADGE_HEIGHT / 2, width, _BADGE_HEIGHT)
        fill = INVALID if self.problem else status_color(self.status)
        painter.setPen(QPen(_mix(fill, 0.55), 1.0))
        painter.setBrush(_mix(fill, 0.16))
        painter.drawRoundedRect(rect, _BADGE_HEIGHT / 2, _BADGE_HEIGHT / 2)
        painter.setFont(BADGE_FONT)
        painter.setPen(fill.darker(165))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_text(self, painter: QPainter) -> None:
        width = NODE_WIDTH - _TEXT_LEFT - _TEXT_RIGHT
        name = _NAME_METRICS.elidedText(self.spec.name, Qt.TextElideMode.ElideRight, width)
        painter.setFont(NAME_FONT)
        painter.setPen(NAME_COLOR)
        painter.drawText(
            QRectF(_TEXT_LEFT, 9.0, width, 20.0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            name,
        )
        if self.problem:
            second, color = "\u26a0 " + (self.spec.callable or self.problem), PROBLEM_TEXT
        elif self.spec.callable:
            second, color = self.spec.callable, CALLABLE_COLOR
        else:
            second, color = "no callable", CARD_BORDER_HOVER
        second = _DETAIL_METRICS.elidedText(second, Qt.TextElideMode.ElideMiddle, width)
        painter.setFont(DETAIL_FONT)
        painter.setPen(color)
        painter.drawText(
            QRectF(_TEXT_LEFT, 29.0, width, 18.0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            second,
        )

    def _paint_port(self, painter: QPainter, port: str, plain: bool) -> None:
        state = None if plain else self._port_state.get(port)
        hover = not plain and self._hover_port == port
        centre = self.port_local(port)
        radius = PORT_RADIUS
        fill, border = PORT_FILL, PORT_BORDER
        if state == "valid":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(34, 160, 107, 50))
            painter.drawEllipse(centre, PORT_RADIUS + 5, PORT_RADIUS + 5)
            fill, border, radius = VALID, VALID.darker(120), PORT_RADIUS + 1
        elif state == "invalid":
            fill, border, radius = INVALID, INVALID.darker(120), PORT_RADIUS + 1
        elif state == "source" or hover:
            fill, border, radius = ACCENT, ACCENT.darker(120), PORT_RADIUS + 1
        painter.setPen(QPen(border, 1.5))
        painter.setBrush(fill)
        painter.drawEllipse(centre, radius, radius)

    def low_detail_fill(self, selected: bool) -> QColor:
        """The one colour a card keeps when it is too small for text."""
        if selected:
            return ACCENT
        if self.problem:
            return INVALID
        if self.status:
            return status_color(self.status)
        return LOW_DETAIL_FILL

    def _paint_low_detail(self, painter: QPainter) -> None:
        painter.setPen(QPen(LOW_DETAIL_BORDER, 0))
        painter.setBrush(QBrush(self.low_detail_fill(self.isSelected() and not self._plain())))
        painter.drawRect(CARD_RECT)
