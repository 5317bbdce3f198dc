"""Saving the canvas as a picture: PNG for chats and docs, SVG for print.

Only the items are drawn (no dot grid, selection or hover marks) on white,
with a margin around their bounding box. Files are written beside the target
and moved into place, so a failed export never leaves half a picture behind.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

MARGIN = 40.0
NO_CACHE = QGraphicsItem.CacheMode.NoCache


def _source_rect(scene: QGraphicsScene, margin: float) -> QRectF:
    bounds = getattr(scene, "items_bounding_rect", scene.itemsBoundingRect)()
    if bounds.isEmpty():
        bounds = QRectF(0.0, 0.0, 1.0, 1.0)
    return bounds.adjusted(-margin, -margin, margin, margin)


@contextmanager
def _plain(scene: QGraphicsScene) -> Iterator[None]:
    """Paint items afresh, as vectors, without selection and hover marks.

    Cached items would otherwise be copied from their screen pixmaps: blurry
    in a PNG, bitmaps in an SVG, and showing whatever was selected.
    """
    previous = getattr(scene, "exporting", False)
    scene.exporting = True  # type: ignore[attr-defined]
    low_detail = getattr(scene, "low_detail", False)
    if low_detail:
        scene.set_low_detail(False)  # type: ignore[attr-defined]
    cached = [(i, i.cacheMode()) for i in scene.items() if i.cacheMode() != NO_CACHE]
    for item, _ in cached:
        item.setCacheMode(NO_CACHE)
    try:
        yield
    finally:
        scene.exporting = previous  # type: ignore[attr-defined]
        for item, mode in cached:
            item.setCacheMode(mode)
        if low_detail:
            scene.set_low_detail(True)  # type: ignore[attr-defined]


def _render(scene: QGraphicsScene, painter: QPainter, target: QRectF, source: QRectF) -> None:
    painter.setRenderHints(
        QPainter.RenderHint.Antialiasing
        | QPainter.RenderHint.TextAntialiasing
        | QPainter.RenderHint.SmoothPixmapTransform
    )
    painter.fillRect(target, Qt.GlobalColor.white)
    with _plain(scene):
        scene.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)


def _atomic_write(path: Path, write: Callable[[str], None]) -> Path:
    """Call write(temp_path) beside `path`, then move the result into place."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return path


def export_png(scene: QGraphicsScene, path: str | os.PathLike[str], scale: float = 2.0) -> Path:
    """Write the whole canvas as a PNG at `scale` pixels per scene unit."""
    source = _source_rect(scene, MARGIN)
    size = QSize(math.ceil(source.width() * scale), math.ceil(source.height() * scale))
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        _render(scene, painter, QRectF(image.rect()), source)
    finally:
        painter.end()

    def write(temp: str) -> None:
        if not image.save(temp, "PNG"):
            raise OSError(f"Could not write the PNG image {path}")

    return _atomic_write(Path(path), write)


def export_svg(scene: QGraphicsScene, path: str | os.PathLike[str]) -> Path:
    """Write the whole canvas as an SVG, one scene unit per SVG pixel."""
    source = _source_rect(scene, MARGIN)
    target = QRectF(0.0, 0.0, source.width(), source.height())

    def write(temp: str) -> None:
        generator = QSvgGenerator()
        generator.setFileName(temp)
        generator.setSize(QSize(math.ceil(target.width()), math.ceil(target.height())))
        generator.setViewBox(target)
        generator.setTitle(Path(path).stem)
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"Could not write the SVG image {path}")
        try:
            _render(scene, painter, target, source)
        finally:
            painter.end()

    return _atomic_write(Path(path), write)
