"""Toolbar and menu icons, drawn with QPainter so the designer needs no image files.

Each icon is a few strokes on a 24x24 grid in one calm line style, rendered at
several sizes so it stays crisp on high-DPI screens.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

INK = QColor("#3b4452")
ACCENT = QColor("#2f6fdd")
DANGER = QColor("#c0392b")
GOOD = QColor("#2e8b57")
SIZES = (16, 20, 24, 32, 48)

Painter = Callable[[QPainter], None]


def _pen(color: QColor = INK, width: float = 1.7) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _render(draw: Painter) -> QIcon:
    """Normal and (faded) disabled pixmaps at every size in `SIZES`."""
    icon = QIcon()
    for size in SIZES:
        for mode, opacity in ((QIcon.Mode.Normal, 1.0), (QIcon.Mode.Disabled, 0.35)):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            p = QPainter(pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setOpacity(opacity)
            p.scale(size / 24.0, size / 24.0)
            draw(p)
            p.end()
            icon.addPixmap(pixmap, mode)
    return icon


def _doc(p: QPainter) -> None:
    path = QPainterPath(QPointF(6, 3))
    path.lineTo(14, 3)
    path.lineTo(19, 8)
    path.lineTo(19, 21)
    path.lineTo(6, 21)
    path.closeSubpath()
    p.setPen(_pen())
    p.setBrush(QColor("#ffffff"))
    p.drawPath(path)
    p.drawPolyline([QPointF(14, 3), QPointF(14, 8), QPointF(19, 8)])


def draw_new(p: QPainter) -> None:
    _doc(p)
    p.setPen(_pen(ACCENT, 1.9))
    p.drawLine(QPointF(12.5, 11), QPointF(12.5, 18))
    p.drawLine(QPointF(9, 14.5), QPointF(16, 14.5))


def draw_open(p: QPainter) -> None:
    p.setPen(_pen())
    p.setBrush(QColor("#fdf3d8"))
    back = QPainterPath(QPointF(3, 6))
    back.lineTo(9, 6)
    back.lineTo(11, 8)
    back.lineTo(19, 8)
    back.lineTo(19, 11)
    back.lineTo(3, 11)
    back.closeSubpath()
    p.drawPath(back)
    front = QPainterPath(QPointF(3, 19))
    front.lineTo(5.5, 11)
    front.lineTo(21.5, 11)
    front.lineTo(19, 19)
    front.closeSubpath()
    p.setBrush(QColor("#f6d77b"))
    p.drawPath(front)


def draw_save(p: QPainter) -> None:
    p.setPen(_pen())
    p.setBrush(QColor("#ffffff"))
    body = QPainterPath(QPointF(4, 4))
    body.lineTo(17, 4)
    body.lineTo(20, 7)
    body.lineTo(20, 20)
    body.lineTo(4, 20)
    body.closeSubpath()
    p.drawPath(body)
    p.setBrush(ACCENT)
    p.setPen(_pen(ACCENT, 1.2))
    p.drawRect(QRectF(7.5, 4.5, 8, 5))
    p.setPen(_pen())
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(7, 13, 10, 7), 1, 1)


def _curved_arrow(p: QPainter, mirror: bool) -> None:
    if mirror:
        p.translate(24, 0)
        p.scale(-1, 1)
    p.setPen(_pen(INK, 1.9))
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(6, 10))
    path.lineTo(15, 10)
    path.cubicTo(QPointF(22, 10), QPointF(22, 19), QPointF(15, 19))
    path.lineTo(10, 19)
    p.drawPath(path)
    p.drawPolyline([QPointF(10, 5.5), QPointF(5.5, 10), QPointF(10, 14.5)])


def draw_undo(p: QPainter) -> None:
    _curved_arrow(p, mirror=False)


def draw_redo(p: QPainter) -> None:
    _curved_arrow(p, mirror=True)


def draw_delete(p: QPainter) -> None:
    p.setPen(_pen())
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(4.5, 6.5), QPointF(19.5, 6.5))
    p.drawPolyline([QPointF(9.5, 6.5), QPointF(9.5, 4), QPointF(14.5, 4), QPointF(14.5, 6.5)])
    body = QPainterPath(QPointF(6.5, 6.5))
    body.lineTo(7.5, 20)
    body.lineTo(16.5, 20)
    body.lineTo(17.5, 6.5)
    p.drawPath(body)
    p.setPen(_pen(DANGER, 1.5))
    p.drawLine(QPointF(10.3, 10), QPointF(10.6, 17))
    p.drawLine(QPointF(13.7, 10), QPointF(13.4, 17))


def _magnifier(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.9))
    p.setBrush(QColor("#ffffff"))
    p.drawEllipse(QPointF(10.5, 10.5), 6.5, 6.5)
    p.setPen(_pen(INK, 2.6))
    p.drawLine(QPointF(15.5, 15.5), QPointF(20.5, 20.5))


def draw_zoom_in(p: QPainter) -> None:
    _magnifier(p)
    p.setPen(_pen(ACCENT, 1.8))
    p.drawLine(QPointF(10.5, 7.5), QPointF(10.5, 13.5))
    p.drawLine(QPointF(7.5, 10.5), QPointF(13.5, 10.5))


def draw_zoom_out(p: QPainter) -> None:
    _magnifier(p)
    p.setPen(_pen(ACCENT, 1.8))
    p.drawLine(QPointF(7.5, 10.5), QPointF(13.5, 10.5))


def draw_fit(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.9))
    for x, y, dx, dy in ((4, 4, 1, 1), (20, 4, -1, 1), (4, 20, 1, -1), (20, 20, -1, -1)):
        p.drawPolyline([QPointF(x, y + 5 * dy), QPointF(x, y), QPointF(x + 5 * dx, y)])
    p.setPen(_pen(ACCENT, 1.5))
    p.setBrush(QColor("#dbe7fb"))
    p.drawRoundedRect(QRectF(8.5, 9.5, 7, 5), 1.2, 1.2)


def draw_layout(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.4))
    p.drawLine(QPointF(8, 6.5), QPointF(12, 12))
    p.drawLine(QPointF(8, 17.5), QPointF(12, 12))
    p.drawLine(QPointF(12, 12), QPointF(17, 12))
    p.setPen(_pen(ACCENT, 1.5))
    p.setBrush(QColor("#dbe7fb"))
    for x, y in ((3, 4), (3, 15), (15, 9.5)):
        p.drawRoundedRect(QRectF(x, y, 6, 5), 1.2, 1.2)


def draw_resolve(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.6))
    p.setBrush(Qt.BrushStyle.NoBrush)
    font = p.font()
    font.setPixelSize(11)
    font.setBold(True)
    p.setFont(font)
    p.drawText(QRectF(1, 2, 15, 13), Qt.AlignmentFlag.AlignCenter, "ƒ")
    p.setPen(_pen(GOOD, 2.2))
    p.drawPolyline([QPointF(11, 16), QPointF(14, 19.5), QPointF(21, 11)])


def draw_export(p: QPainter) -> None:
    p.setPen(_pen())
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(3, 5, 14, 12), 1.5, 1.5)
    p.setPen(_pen(GOOD, 1.4))
    p.drawPolyline([QPointF(5, 15), QPointF(9, 10.5), QPointF(12, 13.5), QPointF(15, 11)])
    p.setPen(_pen(ACCENT, 1.9))
    p.drawLine(QPointF(14, 20), QPointF(21, 20))
    p.drawLine(QPointF(17.5, 12), QPointF(17.5, 19))
    p.drawPolyline([QPointF(15, 16.5), QPointF(17.5, 19), QPointF(20, 16.5)])


def draw_add_task(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.6))
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(3, 6, 14, 10), 2, 2)
    p.setPen(_pen(ACCENT, 2.0))
    p.drawLine(QPointF(18, 13), QPointF(18, 21))
    p.drawLine(QPointF(14, 17), QPointF(22, 17))


def draw_run(p: QPainter) -> None:
    path = QPainterPath(QPointF(7, 4.5))
    path.lineTo(19.5, 12)
    path.lineTo(7, 19.5)
    path.closeSubpath()
    p.setPen(_pen(GOOD, 1.6))
    p.setBrush(QColor("#3fa66b"))
    p.drawPath(path)


def draw_stop(p: QPainter) -> None:
    p.setPen(_pen(DANGER, 1.6))
    p.setBrush(QColor("#d9534f"))
    p.drawRoundedRect(QRectF(6, 6, 12, 12), 2, 2)


def draw_compare(p: QPainter) -> None:
    p.setPen(_pen(INK, 1.4))
    p.drawLine(QPointF(3.5, 20.5), QPointF(20.5, 20.5))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#a3aab5"))
    p.drawRoundedRect(QRectF(5, 5, 5, 14), 1, 1)
    p.setBrush(ACCENT)
    p.drawRoundedRect(QRectF(13, 11, 5, 8), 1, 1)


def draw_rerun(p: QPainter) -> None:
    """A circular arrow around a small play mark: run again."""
    p.setPen(_pen(GOOD, 1.9))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(4, 4, 16, 16), 100 * 16, 290 * 16)
    p.drawPolyline([QPointF(9.5, 1.8), QPointF(12.6, 4.2), QPointF(9.8, 7.0)])
    tri = QPainterPath(QPointF(10, 9))
    tri.lineTo(15.5, 12)
    tri.lineTo(10, 15)
    tri.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#3fa66b"))
    p.drawPath(tri)


_DRAWINGS: dict[str, Painter] = {
    "new": draw_new,
    "open": draw_open,
    "save": draw_save,
    "undo": draw_undo,
    "redo": draw_redo,
    "delete": draw_delete,
    "zoom_in": draw_zoom_in,
    "zoom_out": draw_zoom_out,
    "fit": draw_fit,
    "layout": draw_layout,
    "resolve": draw_resolve,
    "export": draw_export,
    "add_task": draw_add_task,
    "run": draw_run,
    "stop": draw_stop,
    "compare": draw_compare,
    "rerun": draw_rerun,
}


@cache
def icon(name: str) -> QIcon:
    """The icon called `name` (one of the drawings above); cached per process."""
    return _render(_DRAWINGS[name])
