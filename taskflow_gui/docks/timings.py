"""The Timings dock: a sortable per-task table, a Gantt chart and the run's totals.

Both views read one :class:`RunTimeline`, a plain-Python record of the run that
is updated from the engine's events while the run goes on and replaced by the
final ``ProcessResult`` when it ends (the result is authoritative: it carries
the critical path). The Gantt chart is also used by the comparison view, which
is why it takes a timeline and an optional fixed time span.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPoint,
    QRectF,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFrame,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from taskflow_core.compare import format_seconds, iter_task_results

from taskflow_gui.status_style import (
    CANCELLED,
    FAILED,
    PENDING,
    RUNNING,
    SKIPPED,
    STATUS_KEYS,
    SUCCEEDED,
    is_finished,
    status_border_color,
    status_color,
    status_key,
    status_label,
    status_text_color,
)

__all__ = ["GanttChart", "RunTimeline", "TaskTiming", "TimingsDock", "TimingsModel"]

#: How often running tasks' bars and durations advance (each tick is a call into Python,
#: which must win the GIL from the running tasks, so not more often than needed).
TICK_MS = 200

# A task that started this long before the run did was reused by ``resume_from``.
_REUSE_TOLERANCE = 0.05


@dataclass
class TaskTiming:
    """What the views know about one task of the run."""

    name: str
    status: str = PENDING
    started_at: float | None = None
    finished_at: float | None = None
    duration: float | None = None
    attempts: int = 0
    worker: int | None = None
    error: str | None = None
    skipped_because: str | None = None
    reused: bool = False

    def end_at(self, now: float) -> float | None:
        """Finish time, or ``now`` while running."""
        if self.finished_at is not None:
            return self.finished_at
        if self.started_at is not None and self.status == RUNNING:
            return now
        if self.started_at is not None and self.duration is not None:
            return self.started_at + self.duration
        return None

    def elapsed(self, now: float) -> float | None:
        """Measured duration, or time so far while running."""
        if self.duration is not None and self.status != RUNNING:
            return self.duration
        if self.started_at is not None and self.status == RUNNING:
            return max(0.0, now - self.started_at)
        return self.duration


class RunTimeline:
    """One run as the Timings views see it; fed by events, then by the result."""

    def __init__(self) -> None:
        self.tasks: dict[str, TaskTiming] = {}
        self.run_start: float | None = None
        self.run_end: float | None = None
        self.wall_seconds: float | None = None
        self.mode = ""
        self.max_workers = 1
        self.critical_path: list[str] = []
        self.critical_path_seconds: float | None = None
        self.finished = False

    @classmethod
    def from_result(cls, result: Any) -> RunTimeline:
        """A finished timeline from a ``ProcessResult``."""
        timeline = cls()
        timeline.set_result(result)
        return timeline

    # -- updates ----------------------------------------------------------------------

    def reset(self, names: Iterable[str] = (), *, mode: str = "", max_workers: int = 1) -> None:
        """Start over with ``names`` pending."""
        self.tasks = {n: TaskTiming(n) for n in names}
        self.run_start = self.run_end = self.wall_seconds = None
        self.mode, self.max_workers = mode, max(1, int(max_workers or 1))
        self.critical_path, self.critical_path_seconds = [], None
        self.finished = False

    def start(self, t: float | None = None) -> None:
        """The run began at ``t`` (epoch seconds)."""
        self.run_start = t if t is not None else time.time()
        self.finished = False

    def task_started(self, event: Any) -> TaskTiming:
        """Apply a ``TaskStarted(task, attempt, worker, time)`` event."""
        timing = self.tasks.get(event.task) or self.tasks.setdefault(
            event.task, TaskTiming(event.task)
        )
        t = float(getattr(event, "time", None) or time.time())
        if timing.status != RUNNING or timing.started_at is None:
            timing.started_at = t  # a retry keeps the first attempt's start
        timing.status = RUNNING
        timing.finished_at = timing.duration = None
        timing.attempts = int(getattr(event, "attempt", 1) or 1)
        worker = getattr(event, "worker", None)
        timing.worker = int(worker) if worker is not None else timing.worker
        if self.run_start is None or t < self.run_start:
            self.run_start = t
        return timing

    def task_finished(self, event: Any) -> TaskTiming:
        """Apply a ``TaskFinished(task, result)`` event."""
        timing = self.tasks.get(event.task) or self.tasks.setdefault(
            event.task, TaskTiming(event.task)
        )
        self._apply(timing, event.result)
        timing.reused = bool(
            self.run_start is not None
            and timing.started_at is not None
            and timing.started_at < self.run_start - _REUSE_TOLERANCE
        )
        return timing

    def set_result(self, result: Any) -> None:
        """Replace everything with a finished ``ProcessResult``."""
        pairs = list(iter_task_results(result))
        self.tasks = {name: self.tasks.get(name) or TaskTiming(name) for name, _ in pairs}
        for name, task_result in pairs:
            self._apply(self.tasks[name], task_result)
        self.mode = str(getattr(result, "mode", self.mode) or self.mode)
        self.max_workers = int(getattr(result, "max_workers", self.max_workers) or 1)
        wall = getattr(result, "wall_seconds", None)
        self.wall_seconds = float(wall) if wall is not None else None
        self.critical_path = list(getattr(result, "critical_path", None) or [])
        cp = getattr(result, "critical_path_seconds", None)
        self.critical_path_seconds = float(cp) if cp is not None else None
        self.run_start = self._result_start(result)
        if self.run_start is not None and self.wall_seconds is not None:
            self.run_end = self.run_start + self.wall_seconds
        for timing in self.tasks.values():
            timing.reused = bool(
                self.run_start is not None
                and timing.started_at is not None
                and timing.started_at < self.run_start - _REUSE_TOLERANCE
            )
        self.finished = True

    def _result_start(self, result: Any) -> float | None:
        explicit = getattr(result, "started_at", None)
        if isinstance(explicit, (int, float)):
            return float(explicit)
        starts = [t.started_at for t in self.tasks.values() if t.started_at is not None]
        ends = [t.finished_at for t in self.tasks.values() if t.finished_at is not None]
        if not starts:
            return self.run_start
        fresh = starts
        if ends and self.wall_seconds is not None:
            # Reused tasks (resume_from) carry the earlier run's times: leave them out.
            earliest = max(ends) - self.wall_seconds - _REUSE_TOLERANCE
            fresh = [s for s in starts if s >= earliest] or starts
        first = min(fresh)
        if self.run_start is not None and first - 1.0 <= self.run_start <= first:
            return self.run_start  # measured live (RunStarted)
        return first

    @staticmethod
    def _apply(timing: TaskTiming, result: Any) -> None:
        timing.status = status_key(getattr(result, "status", None))
        started = getattr(result, "started_at", None)
        finished = getattr(result, "finished_at", None)
        timing.started_at = float(started) if started is not None else timing.started_at
        timing.finished_at = float(finished) if finished is not None else None
        duration = getattr(result, "duration", None)
        if duration is None and timing.started_at is not None and timing.finished_at is not None:
            duration = timing.finished_at - timing.started_at
        timing.duration = float(duration) if duration is not None else None
        attempts = getattr(result, "attempts", None)
        timing.attempts = int(attempts) if attempts is not None else timing.attempts
        worker = getattr(result, "worker", None)
        timing.worker = int(worker) if worker is not None else timing.worker
        timing.error = getattr(result, "error", None)
        timing.skipped_because = getattr(result, "skipped_because", None)
        if timing.status in (SKIPPED,) or (
            timing.status == CANCELLED and timing.started_at is None
        ):
            timing.worker = None

    # -- derived ----------------------------------------------------------------------

    def offset(self, t: float | None) -> float | None:
        """Seconds from the start of the run to ``t``."""
        if t is None or self.run_start is None:
            return None
        return t - self.run_start

    def elapsed(self, now: float | None = None) -> float:
        """Wall time: final once finished, counting while running."""
        if self.wall_seconds is not None and self.finished:
            return self.wall_seconds
        if self.run_start is None:
            return 0.0
        return max(0.0, (now if now is not None else time.time()) - self.run_start)

    def is_live(self) -> bool:
        return self.run_start is not None and not self.finished

    def bars(self) -> list[TaskTiming]:
        """Tasks that ran in this run (and so have a bar)."""
        return [
            t
            for t in self.tasks.values()
            if t.started_at is not None and not t.reused and t.status != PENDING
        ]

    def lane_count(self) -> int:
        """Lanes to draw: every worker used, and idle ones up to max_workers."""
        used = max((t.worker for t in self.bars() if t.worker is not None), default=-1) + 1
        runnable = sum(1 for t in self.tasks.values() if not t.reused) or 1
        return max(1, used, min(self.max_workers, runnable))

    def work_seconds(self, now: float | None = None) -> float:
        """Sum of task durations measured in this run (reused tasks excluded)."""
        now = now if now is not None else time.time()
        return sum(t.elapsed(now) or 0.0 for t in self.tasks.values() if not t.reused)

    def span(self, now: float | None = None) -> float:
        """Seconds the chart must cover."""
        now = now if now is not None else time.time()
        ends = [self.offset(t.end_at(now)) or 0.0 for t in self.bars()]
        return max([self.elapsed(now), *ends, 0.0])

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_KEYS, 0)
        for t in self.tasks.values():
            counts[t.status] += 1
        return counts


# ---------------------------------------------------------------------------------------
# Table


COLUMNS = ("Task", "Status", "Start", "Duration", "Attempts", "Worker")
COL_TASK, COL_STATUS, COL_START, COL_DURATION, COL_ATTEMPTS, COL_WORKER = range(6)
SORT_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def _swatch(key: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(status_color(key))
    painter.setPen(QPen(status_border_color(key), 1))
    painter.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 3, 3)
    painter.end()
    return QIcon(pixmap)


class TimingsModel(QStandardItemModel):
    """One row per task of a :class:`RunTimeline`; sort keys in ``SORT_ROLE``.

    The cells are ``QStandardItem``s, so painting and sorting (through a
    ``QSortFilterProxyModel``) happen in C++; Python only writes the cells of a
    task when it changes. A model that answered ``data()`` in Python would be
    called for every cell and role of every repaint, each call first waiting for
    the GIL held by the running tasks.
    """

    def __init__(self, timeline: RunTimeline, parent: QObject | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self._timeline = timeline
        self._rows: dict[str, int] = {}
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        for column, title in enumerate(COLUMNS):
            header = QStandardItem(title)
            if column >= COL_START:
                header.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                header.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.setHorizontalHeaderItem(column, header)
        self.reload()

    def set_timeline(self, timeline: RunTimeline) -> None:
        self._timeline = timeline
        self.reload()

    def reload(self) -> None:
        """The timeline's task list changed: rebuild every row."""
        self.removeRows(0, self.rowCount())
        self._rows = {}
        now = time.time()
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for name, timing in self._timeline.tasks.items():
            items = [QStandardItem() for _ in COLUMNS]
            for column, item in enumerate(items):
                item.setEditable(False)
                if column >= COL_START:
                    item.setTextAlignment(right)
            items[COL_TASK].setData(name, NAME_ROLE)
            self._rows[name] = self.rowCount()
            self.appendRow(items)
            self._fill(self._rows[name], timing, now)

    def task_changed(self, name: str) -> None:
        """One task's timing changed."""
        row = self._rows.get(name)
        if row is None:
            self.reload()
            return
        self._fill(row, self._timeline.tasks[name], time.time())

    def tick(self, now: float) -> None:
        """Refresh the durations of running tasks."""
        for name, row in self._rows.items():
            timing = self._timeline.tasks[name]
            if timing.status == RUNNING:
                elapsed = timing.elapsed(now) or 0.0
                item = self.item(row, COL_DURATION)
                item.setText(f"{elapsed:.2f} s")
                item.setData(elapsed, SORT_ROLE)

    def refresh_all(self) -> None:
        """Every row again (after the final result replaced the live values)."""
        now = time.time()
        for name, row in self._rows.items():
            self._fill(row, self._timeline.tasks[name], now)

    def _icon(self, key: str) -> QIcon:
        icon = self._icons.get(key)
        if icon is None:
            icon = self._icons[key] = _swatch(key)
        return icon

    def _fill(self, row: int, timing: TaskTiming, now: float) -> None:
        timeline = self._timeline
        items = [self.item(row, column) for column in range(len(COLUMNS))]
        offset = None if timing.reused else timeline.offset(timing.started_at)
        elapsed = timing.elapsed(now)
        label = status_label(timing.status)
        values = (
            (timing.name, timing.name.lower()),
            (f"{label} (reused)" if timing.reused else label, STATUS_KEYS.index(timing.status)),
            ("" if offset is None else f"{offset:.2f} s", math.inf if offset is None else offset),
            ("" if elapsed is None else f"{elapsed:.2f} s", -1.0 if elapsed is None else elapsed),
            (str(timing.attempts) if timing.attempts else "", timing.attempts),
            (
                "" if timing.worker is None or timing.reused else str(timing.worker + 1),
                math.inf if timing.worker is None else float(timing.worker),
            ),
        )
        tip = _tooltip(timing, timeline)
        critical = timing.name in timeline.critical_path
        for item, (text, key) in zip(items, values, strict=True):
            item.setText(text)
            item.setData(key, SORT_ROLE)
            item.setToolTip(tip)
            item.setData(self._bold if critical else None, Qt.ItemDataRole.FontRole)
        items[COL_STATUS].setIcon(self._icon(timing.status))


def _tooltip(timing: TaskTiming, timeline: RunTimeline) -> str:
    now = time.time()
    lines = [f"<b>{timing.name}</b>: {status_label(timing.status)}"]
    if timing.reused:
        lines.append("reused from the previous run")
    offset = timeline.offset(timing.started_at)
    if offset is not None and not timing.reused:
        lines.append(f"start {offset:.2f} s")
    elapsed = timing.elapsed(now)
    if elapsed is not None:
        lines.append(f"duration {elapsed:.2f} s")
    if timing.attempts > 1:
        lines.append(f"{timing.attempts} attempts")
    if timing.worker is not None and not timing.reused:
        lines.append(f"worker {timing.worker + 1}")
    if timing.name in timeline.critical_path:
        lines.append("on the critical path")
    if timing.skipped_because:
        lines.append(f"skipped because {timing.skipped_because} failed")
    if timing.error and timing.status == FAILED:
        last = next((ln for ln in reversed(timing.error.splitlines()) if ln.strip()), "")
        lines.append(_escape(last[:200]))
    return "<br>".join(lines)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------
# Gantt chart


def nice_step(span: float, max_ticks: int) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most ``max_ticks``."""
    if span <= 0 or max_ticks <= 0:
        return 1.0
    raw = span / max_ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _nice_ceiling(value: float) -> float:
    """The next round number (1, 1.5, 2, 3, 5, 7.5 times a power of ten) at or above."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 1.5, 2, 3, 5, 7.5, 10):
        if factor * power >= value - 1e-12:
            return factor * power
    return 10 * power


def _tick_label(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{decimals}f} s"


def _rounded(rect: QRectF, radius: float) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    return path


class _Bar:
    """The scene items of one task: body, label, critical-path outline."""

    __slots__ = ("body", "key", "label", "outline", "rect")

    def __init__(self, scene: QGraphicsScene, font: QFont) -> None:
        self.body = QGraphicsPathItem()
        self.body.setZValue(2)
        self.label = QGraphicsSimpleTextItem(self.body)
        self.label.setFont(font)
        self.label.setAcceptHoverEvents(False)
        self.outline = QGraphicsPathItem()
        self.outline.setZValue(3)
        self.outline.setBrush(Qt.BrushStyle.NoBrush)
        self.outline.setPen(QPen(QColor(CRITICAL_OUTLINE), 2.4))
        self.outline.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.outline.setVisible(False)
        scene.addItem(self.body)
        scene.addItem(self.outline)
        self.key: tuple = ()
        self.rect = QRectF()

    def remove(self, scene: QGraphicsScene) -> None:
        scene.removeItem(self.body)
        scene.removeItem(self.outline)


#: The critical path's outline colour (also in the legend).
CRITICAL_OUTLINE = "#1d1f23"


class GanttChart(QGraphicsView):
    """One lane per worker, one bar per task, coloured by status.

    The critical path is outlined in black; hovering a bar shows its details and
    clicking it emits ``task_clicked``. ``set_time_span`` fixes the x-axis so two
    charts can share one time scale, and ``set_label_width`` their left edge.

    Built on a ``QGraphicsScene`` so that painting is done by Qt alone: during a
    busy run, a Python ``paintEvent`` would have to win the GIL from the tasks on
    every repaint. Python only moves items when something changed.
    """

    #: A bar was clicked: the task's name.
    task_clicked = Signal(str)

    LANE_HEIGHT = 30
    BAR_HEIGHT = 20

    def __init__(self, parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("ganttChart")
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(240)
        self.setBackgroundBrush(self.palette().base())
        self._timeline = RunTimeline()
        self._span: float | None = None
        self._shown_span = 1.0
        self._title = title
        self._selected: str | None = None
        self._fixed_label_width: int | None = None
        self._bars: dict[str, _Bar] = {}
        self._static: list[QGraphicsItem] = []
        self._static_key: tuple = ()
        self.show_legend = True
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.9))
        self._small = small
        bold = QFont(self.font())
        bold.setBold(True)
        self._bold = bold
        self._selection = QGraphicsPathItem()
        self._selection.setZValue(4)
        self._selection.setPen(QPen(self.palette().highlight().color(), 2, Qt.PenStyle.DashLine))
        self._selection.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._selection.setVisible(False)
        self._scene.addItem(self._selection)
        self._now_line = QGraphicsLineItem()
        self._now_line.setZValue(5)
        self._now_line.setPen(QPen(status_color(RUNNING), 1, Qt.PenStyle.DashLine))
        self._now_line.setVisible(False)
        self._scene.addItem(self._now_line)

    # -- API --------------------------------------------------------------------------

    @property
    def timeline(self) -> RunTimeline:
        return self._timeline

    def set_timeline(self, timeline: RunTimeline) -> None:
        """Show ``timeline`` (kept by reference: call :meth:`refresh` after changing it)."""
        self._timeline = timeline
        self.refresh(force=True)

    def set_result(self, result: Any) -> None:
        """Show a finished ``ProcessResult``."""
        self.set_timeline(RunTimeline.from_result(result))

    def set_time_span(self, seconds: float | None) -> None:
        """Fix the x-axis to ``seconds`` (None: fit the run)."""
        self._span = seconds
        self.refresh(force=True)

    def time_span(self) -> float:
        """Seconds the x-axis covers right now."""
        return self._shown_span

    def set_title(self, title: str) -> None:
        self._title = title
        self.refresh(force=True)

    def title(self) -> str:
        return self._title

    def set_selected(self, name: str | None) -> None:
        """Highlight one task's bar."""
        self._selected = name
        self._place_selection()

    def label_width(self) -> int:
        """Pixels left of the plot (lane labels); equal widths align two charts."""
        fm = QFontMetrics(self.font())
        natural = fm.horizontalAdvance(f"Worker {self._timeline.lane_count()}") + 20
        return max(natural, self._fixed_label_width or 0)

    def set_label_width(self, pixels: int | None) -> None:
        """Use at least ``pixels`` for the lane labels (None: just what they need)."""
        self._fixed_label_width = pixels
        self.refresh(force=True)

    def bar_rect(self, name: str) -> QRectF | None:
        """Where a task's bar is drawn, in viewport coordinates (None: no bar)."""
        bar = self._bars.get(name)
        if bar is None or not bar.body.isVisible():
            return None
        return self.mapFromScene(bar.rect).boundingRect().toRectF()

    def task_at(self, pos: QPoint) -> str | None:
        """The task whose bar is under ``pos`` (viewport coordinates)."""
        point = self.mapToScene(pos)
        for name, bar in self._bars.items():
            if bar.body.isVisible() and bar.rect.adjusted(-2, -2, 2, 2).contains(point):
                return name
        return None

    def tooltip_for(self, name: str) -> str:
        """The tooltip text of a task's bar (what hovering shows)."""
        timing = self._timeline.tasks.get(name)
        return _tooltip(timing, self._timeline) if timing else ""

    # -- geometry ---------------------------------------------------------------------

    def _header_height(self) -> int:
        return QFontMetrics(self._bold).height() + 12

    def _axis_height(self) -> int:
        return QFontMetrics(self._small).height() + 12

    def wanted_height(self) -> int:
        """Height that shows every lane, the title and the time axis."""
        lanes = self._timeline.lane_count()
        return self._header_height() + lanes * self.LANE_HEIGHT + self._axis_height() + 8

    def _fit_height(self) -> None:
        # A fixed height rather than a sizeHint() override: layouts ask for size hints
        # often, and each call into Python would first have to win the GIL.
        height = self.wanted_height()
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refresh(force=True)

    def _plot_rect(self) -> QRectF:
        left = self.label_width()
        width = max(10.0, self.viewport().width() - left - 16)
        lanes = self._timeline.lane_count()
        return QRectF(left, self._header_height(), width, lanes * self.LANE_HEIGHT)

    def _wanted_span(self, now: float) -> float:
        needed = self._timeline.span(now)
        if self._span is not None:
            return max(self._span, needed, 1e-3)
        if self._timeline.is_live():
            # leave room ahead so finished bars do not move on every tick
            if needed <= self._shown_span and self._static_key:
                return self._shown_span
            return _nice_ceiling(max(needed * 1.25, 1.0))
        return needed if needed > 0 else 1.0

    # -- building the scene -----------------------------------------------------------

    def refresh(self, *, force: bool = False) -> None:
        """Bring the scene up to date with the timeline (cheap when little changed)."""
        now = time.time()
        timeline = self._timeline
        span = self._wanted_span(now)
        plot = self._plot_rect()
        counts = timeline.counts()
        legend = tuple(k for k in (SUCCEEDED, RUNNING, FAILED, SKIPPED, CANCELLED) if counts[k])
        static_key = (
            span,
            plot.left(),
            plot.width(),
            plot.height(),
            self._title,
            legend,
            bool(timeline.critical_path),
            self.show_legend,
            self.viewport().width(),
            self.viewport().height(),
        )
        if force or static_key != self._static_key:
            self._fit_height()
            self._shown_span = span
            self._build_static(plot, span, legend)
            self._static_key = static_key
            self._scene.setSceneRect(
                QRectF(0, 0, self.viewport().width(), max(self.viewport().height(), 1))
            )
        self._place_bars(plot, span, now, force=force)
        self._place_selection()
        if timeline.is_live():
            x = plot.left() + min(timeline.elapsed(now), span) * plot.width() / span
            self._now_line.setLine(x, plot.top(), x, plot.bottom())
            self._now_line.setVisible(True)
        else:
            self._now_line.setVisible(False)

    def _build_static(self, plot: QRectF, span: float, legend: tuple[str, ...]) -> None:
        scene = self._scene
        for item in self._static:
            scene.removeItem(item)
        self._static = static = []
        palette = self.palette()
        text_color = palette.text().color()
        faint = QColor(text_color)
        faint.setAlphaF(0.6)
        no_pen = QPen(Qt.PenStyle.NoPen)

        def text(value: str, font: QFont, color: QColor) -> QGraphicsSimpleTextItem:
            item = QGraphicsSimpleTextItem(value)
            item.setFont(font)
            item.setBrush(color)
            item.setZValue(1)
            scene.addItem(item)
            static.append(item)
            return item

        header_mid = self._header_height() / 2
        if self._title:
            title = text(self._title, self._bold, text_color)
            title.setPos(8, header_mid - title.boundingRect().height() / 2)
        if self.show_legend:
            self._build_legend(legend, header_mid, text_color, text)

        lane_fill = QColor(text_color)
        lane_fill.setAlphaF(0.035)
        fm = QFontMetrics(self.font())
        for lane in range(self._timeline.lane_count()):
            y = plot.top() + lane * self.LANE_HEIGHT
            if lane % 2 == 0:
                stripe = scene.addRect(
                    QRectF(plot.left(), y, plot.width(), self.LANE_HEIGHT), no_pen, lane_fill
                )
                stripe.setZValue(0)
                static.append(stripe)
            label = text(f"Worker {lane + 1}", self.font(), faint)
            width = fm.horizontalAdvance(label.text())
            label.setPos(plot.left() - 10 - width, y + (self.LANE_HEIGHT - fm.height()) / 2)

        fm_small = QFontMetrics(self._small)
        max_ticks = max(2, int(plot.width() / (fm_small.horizontalAdvance("00.00 s") + 24)))
        step = nice_step(span, max_ticks)
        grid = QColor(text_color)
        grid.setAlphaF(0.12)
        grid_pen, tick_pen = QPen(grid, 1), QPen(faint, 1)
        scale = plot.width() / span
        for i in range(math.floor(span / step + 1e-9) + 1):
            value = i * step
            x = plot.left() + value * scale
            static.append(scene.addLine(x, plot.top(), x, plot.bottom(), grid_pen))
            static.append(scene.addLine(x, plot.bottom(), x, plot.bottom() + 4, tick_pen))
            label = text(_tick_label(value, step), self._small, faint)
            label.setPos(x - fm_small.horizontalAdvance(label.text()) / 2, plot.bottom() + 5)
        static.append(
            scene.addLine(plot.left(), plot.bottom(), plot.right(), plot.bottom(), tick_pen)
        )

    def _build_legend(self, legend: tuple[str, ...], mid: float, color: QColor, text: Any) -> None:
        keys = list(legend) or [SUCCEEDED, FAILED]
        entries: list[tuple[str, str | None]] = [(status_label(k), k) for k in keys]
        if self._timeline.critical_path:
            entries.append(("Critical path", None))
        fm = QFontMetrics(self._small)
        box = fm.height() - 4
        x = self.viewport().width() - 8
        for label, key in reversed(entries):
            x -= fm.horizontalAdvance(label)
            item = text(label, self._small, color)
            item.setPos(x, mid - fm.height() / 2)
            x -= box + 5
            if key is None:
                pen, brush = QPen(QColor(CRITICAL_OUTLINE), 2), QBrush(Qt.BrushStyle.NoBrush)
            else:
                pen, brush = QPen(status_border_color(key), 1), QBrush(status_color(key))
            swatch = self._scene.addPath(
                _rounded(QRectF(x, mid - box / 2, box, box), 2), pen, brush
            )
            swatch.setZValue(1)
            self._static.append(swatch)
            x -= 14

    def _place_bars(self, plot: QRectF, span: float, now: float, *, force: bool) -> None:
        timeline = self._timeline
        scene = self._scene
        scale = plot.width() / span
        inset = (self.LANE_HEIGHT - self.BAR_HEIGHT) / 2
        critical = set(timeline.critical_path)
        bars = self._bars
        seen: set[str] = set()
        fm = QFontMetrics(self._small)
        for timing in timeline.bars():
            start = timeline.offset(timing.started_at)
            end = timeline.offset(timing.end_at(now))
            if start is None or end is None:
                continue
            name = timing.name
            seen.add(name)
            lane = timing.worker if timing.worker is not None else 0
            x = plot.left() + max(0.0, start) * scale
            w = max(2.0, (min(end, span) - max(0.0, start)) * scale)
            on_path = name in critical and is_finished(timing.status)
            key = (round(x, 1), round(w, 1), lane, timing.status, on_path, plot.top())
            bar = bars.get(name)
            if bar is None:
                bar = bars[name] = _Bar(scene, self._small)
            elif not force and bar.key == key:
                continue
            bar.key = key
            rect = QRectF(x, plot.top() + lane * self.LANE_HEIGHT + inset, w, self.BAR_HEIGHT)
            bar.rect = rect
            bar.body.setPath(_rounded(rect, 3))
            bar.body.setBrush(status_color(timing.status))
            bar.body.setPen(QPen(status_border_color(timing.status), 1))
            bar.body.setToolTip(_tooltip(timing, timeline))
            bar.body.setVisible(True)
            label = fm.elidedText(name, Qt.TextElideMode.ElideRight, int(w - 8)) if w > 24 else ""
            bar.label.setText("" if label == "…" else label)
            bar.label.setBrush(status_text_color(timing.status))
            bar.label.setPos(x + 4, rect.center().y() - fm.height() / 2)
            bar.outline.setPath(_rounded(rect.adjusted(-1, -1, 1, 1), 4))
            bar.outline.setVisible(on_path)
        for name in [n for n in bars if n not in seen]:
            bars.pop(name).remove(scene)

    def _place_selection(self) -> None:
        bar = self._bars.get(self._selected) if self._selected else None
        if bar is None:
            self._selection.setVisible(False)
            return
        self._selection.setPath(_rounded(bar.rect.adjusted(-3, -3, 3, 3), 5))
        self._selection.setVisible(True)

    # -- interaction ------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        name = self.task_at(event.position().toPoint())
        if name is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(name)
            self.task_clicked.emit(name)
        super().mousePressEvent(event)


# ---------------------------------------------------------------------------------------
# Dock


def totals_text(timeline: RunTimeline, now: float | None = None) -> str:
    """The one-line totals: wall time, sum of durations, speedup, critical path."""
    now = now if now is not None else time.time()
    wall = timeline.elapsed(now)
    work = timeline.work_seconds(now)
    parts = [f"<b>Wall time</b> {format_seconds(wall)}"]
    parts.append(f"<b>Sum of task durations</b> {format_seconds(work)}")
    if wall > 0 and work > 0:
        parts.append(f"<b>Speedup</b> {work / wall:.1f}x")
    if timeline.critical_path_seconds is not None:
        path = " → ".join(timeline.critical_path)
        if len(path) > 80:
            path = path[:79] + "…"
        text = f"<b>Critical path</b> {format_seconds(timeline.critical_path_seconds)}"
        parts.append(f"{text} ({_escape(path)})" if path else text)
    counts = timeline.counts()
    done = [f"{counts[k]} {status_label(k).lower()}" for k in STATUS_KEYS if counts[k]]
    if done:
        parts.append(", ".join(done))
    return " &nbsp;·&nbsp; ".join(parts)


class TimingsDock(QDockWidget):
    """Per-task timings (sortable), the Gantt chart and the totals of the current run.

    Wiring: ``dock.connect_controller(run_controller)``; ``task_selected`` fires
    when the user picks a task in the table or the chart.
    """

    task_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Timings", parent)
        self.setObjectName("TimingsDock")
        self.timeline = RunTimeline()
        self.model = TimingsModel(self.timeline, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setDynamicSortFilter(True)

        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.totals_label = QLabel(panel)
        self.totals_label.setObjectName("timingsTotals")
        self.totals_label.setTextFormat(Qt.TextFormat.RichText)
        self.totals_label.setWordWrap(True)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.totals_label)

        self.gantt = GanttChart(panel)
        self.gantt.set_timeline(self.timeline)
        scroll = QScrollArea(panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.gantt)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.table = QTableView(panel)
        self.table.setObjectName("timingsTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TASK, QHeaderView.ResizeMode.Stretch)
        fm = self.table.fontMetrics()
        for column, sample in (
            (COL_STATUS, "Succeeded (reused)"),
            (COL_START, "0000.00 s"),
            (COL_DURATION, "0000.00 s"),
            (COL_ATTEMPTS, "Attempts"),
            (COL_WORKER, "Worker"),
        ):
            self.table.setColumnWidth(column, fm.horizontalAdvance(sample) + 30)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)

        splitter = QSplitter(Qt.Orientation.Vertical, panel)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(scroll)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self._scroll = scroll
        self._splitter = splitter
        self._lanes = -1
        self.setWidget(panel)

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.gantt.task_clicked.connect(self.select_task)
        self.gantt.task_clicked.connect(self.task_selected)
        self._refresh_totals()
        self._fit_chart()

    # -- public API -------------------------------------------------------------------

    def connect_controller(self, controller: Any) -> None:
        """Follow a :class:`~taskflow_gui.runner.RunController` live.

        The chart and the totals are then redrawn once per delivery of events
        (``controller.delivered``), not once per event.
        """
        controller.phase_started.connect(self.begin_run)
        controller.run_started.connect(self.on_run_started)
        controller.task_started.connect(self.on_task_started)
        controller.task_finished.connect(self.on_task_finished)
        controller.run_finished.connect(self.set_result)
        controller.delivered.connect(self.flush)
        controller.finished.connect(self._on_controller_finished)
        self._controller = controller

    @Slot(str, int)
    def begin_run(self, mode: str = "", max_workers: int = 1) -> None:
        """A new run begins (its ``RunStarted`` event then lists the tasks)."""
        self.timeline.mode = mode
        self.timeline.max_workers = max(1, int(max_workers or 1))

    def set_tasks(self, names: Iterable[str]) -> None:
        """Show these tasks as pending (before any run)."""
        self.timeline.reset(names, mode=self.timeline.mode, max_workers=self.timeline.max_workers)
        self.model.reload()
        self._changed()

    @Slot(object)
    def on_run_started(self, event: Any) -> None:
        """``RunStarted``: every task pending, in the run's (topological) order."""
        tasks = getattr(event, "tasks", None)
        if tasks:
            names = [str(t) for t in tasks]
        else:
            process = getattr(self._controller, "process", None)
            names = _task_names_of(process) or list(self.timeline.tasks)
        self.timeline.reset(
            names,
            mode=str(getattr(event, "mode", "") or self.timeline.mode),
            max_workers=int(getattr(event, "max_workers", 0) or self.timeline.max_workers),
        )
        t = getattr(event, "time", None)
        self.timeline.start(float(t) if isinstance(t, (int, float)) else time.time())
        self.model.reload()
        self._tick.start()
        self._changed(layout=True)

    @Slot(object)
    def on_task_started(self, event: Any) -> None:
        known = event.task in self.timeline.tasks
        self.timeline.task_started(event)
        self.model.task_changed(event.task) if known else self.model.reload()
        self._changed()

    @Slot(object)
    def on_task_finished(self, event: Any) -> None:
        known = event.task in self.timeline.tasks
        self.timeline.task_finished(event)
        self.model.task_changed(event.task) if known else self.model.reload()
        self._changed()

    @Slot(object)
    def set_result(self, result: Any) -> None:
        """Show a finished run (also usable without any controller)."""
        if result is None:
            return
        names_before = list(self.timeline.tasks)
        self.timeline.set_result(result)
        self._tick.stop()
        if list(self.timeline.tasks) != names_before:
            self.model.reload()
        else:
            self.model.refresh_all()
        self._changed(layout=True)
        self.flush()

    @Slot()
    def flush(self) -> None:
        """Redraw the chart and the totals if anything changed since the last time."""
        if not self._dirty:
            return
        layout, self._dirty, self._relayout = self._relayout, False, False
        self.gantt.refresh(force=layout)
        self._refresh_totals()

    def select_task(self, name: str | None) -> None:
        """Select a task in the table and highlight its bar (e.g. from the canvas)."""
        self.gantt.set_selected(name)
        if not name:
            self.table.clearSelection()
            return
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(NAME_ROLE) == name:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return

    def totals(self) -> str:
        """The totals line as plain text."""
        return (
            self.totals_label.text()
            .replace("<b>", "")
            .replace("</b>", "")
            .replace(" &nbsp;·&nbsp; ", " · ")
        )

    # -- internals --------------------------------------------------------------------

    @Slot(object)
    def _on_controller_finished(self, _result: Any) -> None:
        self._tick.stop()
        self._refresh_totals()

    _controller: Any = None
    _dirty = False
    _relayout = False

    def _changed(self, *, layout: bool = False) -> None:
        """Note a change; redraw now unless a controller's delivery will flush it."""
        self._dirty = True
        self._relayout = self._relayout or layout
        if self._controller is None:
            self.flush()

    @Slot()
    def _on_tick(self) -> None:
        now = time.time()
        self.model.tick(now)
        self.gantt.refresh()
        self._refresh_totals(now)

    def _fit_chart(self) -> None:
        """Give the chart the height its lanes need (up to a point) when that changes."""
        lanes = self.timeline.lane_count()
        if lanes == self._lanes:
            return
        self._lanes = lanes
        wanted = self.gantt.wanted_height() + 2
        self._scroll.setMinimumHeight(min(wanted, 320))
        total = sum(self._splitter.sizes()) or self.height()
        self._splitter.setSizes([min(wanted, 320), max(120, total - min(wanted, 320))])

    def _refresh_totals(self, now: float | None = None) -> None:
        self._fit_chart()
        if not self.timeline.tasks:
            self.totals_label.setText("No run yet.")
            return
        self.totals_label.setText(totals_text(self.timeline, now))

    @Slot(QModelIndex, QModelIndex)
    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        name = current.data(NAME_ROLE) if current.isValid() else None
        self.gantt.set_selected(name)
        if name:
            self.task_selected.emit(name)


def _task_names_of(process: Any) -> list[str]:
    if process is None:
        return []
    tasks = getattr(process, "tasks", None)
    if isinstance(tasks, dict):
        return [str(k) for k in tasks]
    return [str(t.name) for t in tasks or () if getattr(t, "name", None)]
