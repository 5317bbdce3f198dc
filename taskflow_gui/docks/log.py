"""The Log dock: every line of every task, live, filterable, smooth at 100,000 lines.

Lines arrive in batches (see :mod:`taskflow_gui.runner`) and are appended with a
single ``beginInsertRows`` per batch. Filtering is done by the model itself on a
list of row indices rather than by a ``QSortFilterProxyModel``: a proxy calls
back into Python once per row on every insert, which is what makes large logs
stutter. Rows have a fixed height and columns fixed widths, so the view never
measures content.
"""

from __future__ import annotations

import logging
import time as _time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from operator import itemgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from taskflow_gui.runner import LINE_ROW
from taskflow_gui.status_style import CANCELLED, FAILED, SKIPPED, status_key

__all__ = [
    "DEFAULT_MAX_LINES",
    "LogDock",
    "LogModel",
    "message_of",
    "open_url",
    "strip_log_prefix",
]

#: Oldest lines are dropped past this many (10 % at a time, so trims are rare).
DEFAULT_MAX_LINES = 500_000

# A row is a plain tuple (time, task, level, line) made from a TaskOutput event in
# C (operator.attrgetter), so a batch costs no Python work per line on the GUI
# thread (which shares the GIL with every running task), and tuples of plain
# values drop out of the garbage collector's scans, which a 500,000-line log
# would otherwise slow down. Rows the dock adds itself (skip notes, tracebacks)
# carry a fifth field, their kind, and come one per line of text so that every
# line shows at a fixed row height.
KIND_LINE, KIND_CONT, KIND_STATUS, KIND_TRACEBACK = range(4)

COLUMNS = ("Time", "Task", "Level", "Message")
COL_TIME, COL_TASK, COL_LEVEL, COL_MESSAGE = range(4)

LEVEL_CHOICES: tuple[tuple[str, int], ...] = (
    ("All levels", logging.NOTSET),
    ("Info and above", logging.INFO),
    ("Warnings and above", logging.WARNING),
    ("Errors only", logging.ERROR),
)

_LEVEL_CACHE: dict[Any, tuple[str, int]] = {}


def _level(level: Any) -> tuple[str, int]:
    """Normalise a level given as a name or a number to ``(NAME, number)``."""
    cached = _LEVEL_CACHE.get(level)
    if cached is not None:
        return cached
    if isinstance(level, int):
        name = logging.getLevelName(level)
        result = (name if isinstance(name, str) else f"LEVEL{level}", level)
    elif level is None:
        result = ("INFO", logging.INFO)
    else:
        name = str(getattr(level, "name", level)).upper()
        if name == "WARN":
            name = "WARNING"
        number = logging.getLevelName(name)
        result = (name, number if isinstance(number, int) else logging.INFO)
    _LEVEL_CACHE[level] = result
    return result


def strip_log_prefix(line: str, task: str) -> str:
    """The message of a line as the engine writes it to the log file.

    The engine sends lines formatted ``asctime - name - LEVEL - message``; the
    dock has its own time, task and level columns, so only the message stays,
    prefixed with the logger's name when that is not the task's own.
    """
    # "2026-01-31 12:00:00,123 - " is 26 characters; check cheaply before slicing
    if len(line) < 27 or line[4] != "-" or line[23:26] != " - ":
        return line
    name_end = line.find(" - ", 26)
    if name_end < 0:
        return line
    level_end = line.find(" - ", name_end + 3)
    if level_end < 0 or not line[name_end + 3 : level_end].isupper():
        return line
    name = line[26:name_end]
    message = line[level_end + 3 :]
    return message if name == task else f"{name}: {message}"


TIME, TASK, LEVEL, LINE, KIND = range(5)

#: TaskOutput event -> row, in C (the runner already delivers rows made this way).
row_of_event = LINE_ROW


def _kind(row: tuple) -> int:
    return row[KIND] if len(row) > KIND else KIND_LINE


def message_of(row: tuple) -> str:
    """The text a row shows in the Message column (all its lines)."""
    if len(row) > KIND:
        return row[LINE]
    return strip_log_prefix(row[LINE], row[TASK])


def _format_time(t: float) -> str:
    return _time.strftime("%H:%M:%S", _time.localtime(t)) + f".{int((t % 1) * 1000):03d}"


def open_url(url: QUrl) -> bool:
    """Open a file with the desktop's default application (a seam for tests)."""
    return QDesktopServices.openUrl(url)


class LogModel(QAbstractTableModel):
    """All log rows, and the indices of those the current filter lets through."""

    def __init__(self, parent: QObject | None = None, *, max_lines: int = DEFAULT_MAX_LINES):
        super().__init__(parent)
        self._rows: list[Any] = []
        self._view: list[int] | None = None  # None: no filter, every row is visible
        self._tasks: frozenset[str] | None = None
        self._min_level = logging.NOTSET
        self._text = ""
        self.max_lines = max_lines
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._note_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._note_font.setItalic(True)
        self._level_colors = {
            "WARNING": QColor("#9a6700"),
            "ERROR": QColor("#b3261e"),
            "CRITICAL": QColor("#b3261e"),
        }
        self._note_color = QColor("#8a5a00")

    # -- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._rows) if self._view is None else len(self._view)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_MESSAGE:
                text = message_of(row)
                if "\n" in text:
                    first, _, rest = text.partition("\n")
                    return f"{first}  (+{rest.count(chr(10)) + 1} lines)"
                return text
            if column == COL_TIME:
                return _format_time(row[TIME])
            if column == COL_TASK:
                return row[TASK]
            return _level(row[LEVEL])[0]
        if role == Qt.ItemDataRole.ForegroundRole:
            if _kind(row) == KIND_STATUS:
                return self._note_color
            return self._level_colors.get(_level(row[LEVEL])[0])
        if role == Qt.ItemDataRole.FontRole and column == COL_MESSAGE:
            return self._note_font if _kind(row) == KIND_STATUS else self._mono
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_MESSAGE:
            text = message_of(row)
            return text if len(text) < 4000 else text[:4000] + "…"
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    # -- rows -------------------------------------------------------------------------

    def row(self, visible_row: int) -> Any:
        """The stored row ``(time, task, level, line[, kind])`` of a visible row."""
        return self._rows[visible_row if self._view is None else self._view[visible_row]]

    @property
    def total_count(self) -> int:
        """Rows held, visible or not."""
        return len(self._rows)

    def tasks(self) -> list[str]:
        """Task names present, in order of first appearance."""
        return list(dict.fromkeys(r[TASK] for r in self._rows))

    def append_rows(self, rows: list[Any]) -> None:
        """Append rows (see :data:`row_of_event`) with one insert notification."""
        if not rows:
            return
        store = self._rows
        start = len(store)
        if self._view is None:
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            store.extend(rows)
            self.endInsertRows()
        else:
            accept = self._predicate()
            new = [start + i for i, r in enumerate(rows) if accept(r)]
            store.extend(rows)
            if new:
                first = len(self._view)
                self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
                self._view.extend(new)
                self.endInsertRows()
        if len(store) > self.max_lines:
            self._trim(len(store) - int(self.max_lines * 0.9))

    def append_events(self, events: Iterable[Any]) -> None:
        """Append ``TaskOutput(task, line, level, time)`` events."""
        self.append_rows(list(map(row_of_event, events)))

    @staticmethod
    def make_notes(
        t: float, task: str, level: Any, message: str, kind: int = KIND_STATUS
    ) -> list[tuple]:
        """Rows for a message of the dock's own, one per line of text."""
        lines = message.rstrip("\n").split("\n")
        notes = [(t, task, level, lines[0], kind)]
        notes.extend((t, task, level, line, KIND_CONT) for line in lines[1:])
        return notes

    def block(self, visible_row: int) -> list[Any]:
        """The rows of the whole message a visible row belongs to."""
        store = self._rows
        i = visible_row if self._view is None else self._view[visible_row]
        while i > 0 and _kind(store[i]) == KIND_CONT:
            i -= 1
        rows = [store[i]]
        i += 1
        while i < len(store) and _kind(store[i]) == KIND_CONT:
            rows.append(store[i])
            i += 1
        return rows

    def recent(self, count: int) -> list[Any]:
        """The last ``count`` rows held (filtered or not), newest last."""
        return self._rows[-count:]

    def clear(self) -> None:
        """Forget every row (filters stay)."""
        self.beginResetModel()
        self._rows = []
        self._view = None if self._filter_inactive() else []
        self.endResetModel()

    def _trim(self, count: int) -> None:
        if self._view is None:
            self.beginRemoveRows(QModelIndex(), 0, count - 1)
            del self._rows[:count]
            self.endRemoveRows()
            return
        gone = bisect_left(self._view, count)
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
        del self._rows[:count]
        self._view = [i - count for i in self._view[gone:]]
        if gone:
            self.endRemoveRows()

    # -- filtering --------------------------------------------------------------------

    def set_filter(
        self,
        *,
        tasks: Iterable[str] | None = None,
        min_level: int = logging.NOTSET,
        text: str = "",
    ) -> None:
        """Show only rows of ``tasks`` (None: all), at ``min_level`` or above, containing
        ``text`` (case-insensitive, in the message or the task name)."""
        new_tasks = None if tasks is None else frozenset(tasks)
        new_text = text.strip().lower()
        if (new_tasks, min_level, new_text) == (self._tasks, self._min_level, self._text):
            return
        self.beginResetModel()
        self._tasks, self._min_level, self._text = new_tasks, min_level, new_text
        if self._filter_inactive():
            self._view = None
        else:
            accept = self._predicate()
            self._view = [i for i, r in enumerate(self._rows) if accept(r)]
        self.endResetModel()

    @property
    def task_filter(self) -> frozenset[str] | None:
        return self._tasks

    @property
    def min_level(self) -> int:
        return self._min_level

    @property
    def text_filter(self) -> str:
        return self._text

    def _filter_inactive(self) -> bool:
        return self._tasks is None and self._min_level <= logging.NOTSET and not self._text

    def _predicate(self) -> Callable[[Any], bool]:
        tasks, level, text = self._tasks, self._min_level, self._text
        if tasks is not None and level <= logging.NOTSET and not text:
            return lambda r: r[TASK] in tasks

        def accept(r: Any) -> bool:
            if tasks is not None and r[TASK] not in tasks:
                return False
            if level > logging.NOTSET and _level(r[LEVEL])[1] < level:
                return False
            return not text or text in message_of(r).lower() or text in r[TASK].lower()

        return accept


_STALE = object()


class _PageTable(QTableView):
    """The on-screen page. Only key, wheel and resize events reach Python (no event
    filter, no paint override: every call into Python must first win the GIL)."""

    def __init__(self, owner: LogView) -> None:
        super().__init__(owner)
        self._owner = owner

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._owner._key(event):
            super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._owner._wheel(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._owner._resize_page()


class LogView(QWidget):
    """A fixed-height-row table over a :class:`LogModel`, painted without Python.

    A ``QTableView`` on a Python model calls back into Python for every cell and
    role on every repaint, and each call has to win the GIL from the running
    tasks: with a busy run that is what freezes a GUI. Here the table shows a
    small ``QStandardItemModel`` holding only the rows on screen; scrolling or a
    new batch refreshes those few items (a few hundred C++ calls) and painting
    stays entirely in C++. The scroll bar is ours and spans the whole model.
    """

    #: The current row (a row of the model, after filtering) changed; -1 for none.
    current_row_changed = Signal(int)
    #: A row was double-clicked or Enter was pressed on it.
    row_activated = Signal(int)

    def __init__(self, model: LogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self._model = model
        self._page = QStandardItemModel(0, len(COLUMNS), self)
        self._page.setHorizontalHeaderLabels(list(COLUMNS))
        self._items: list[list[QStandardItem]] = []
        # the row on each page row (None: blank), to skip unchanged ones; _STALE forces
        # a rewrite
        self._shown: list[Any] = []
        self._first = 0
        self._current = -1
        self._follow = True
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._note_font = QFont(self._mono)
        self._note_font.setItalic(True)
        self._brushes = {
            "WARNING": QBrush(QColor("#9a6700")),
            "ERROR": QBrush(QColor("#b3261e")),
            "CRITICAL": QBrush(QColor("#b3261e")),
            "note": QBrush(QColor("#8a5a00")),
        }

        table = self.table = _PageTable(self)
        table.setModel(self._page)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vheader = table.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._row_height = table.fontMetrics().height() + 6
        vheader.setDefaultSectionSize(self._row_height)
        vheader.setMinimumSectionSize(self._row_height)
        hheader = table.horizontalHeader()
        hheader.setHighlightSections(False)
        hheader.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hheader.setStretchLastSection(True)
        hheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fm = table.fontMetrics()
        table.setColumnWidth(COL_TIME, fm.horizontalAdvance("00:00:00.000") + 18)
        table.setColumnWidth(COL_TASK, fm.horizontalAdvance("M" * 12))
        table.setColumnWidth(COL_LEVEL, fm.horizontalAdvance("WARNING") + 18)

        self.scrollbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.scrollbar.setObjectName("logScrollBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(table, 1)
        layout.addWidget(self.scrollbar)

        model.rowsInserted.connect(self._on_rows_inserted)
        model.rowsRemoved.connect(self._on_rows_removed)
        model.modelReset.connect(self._on_reset)
        self.scrollbar.valueChanged.connect(self._on_scrolled)
        table.pressed.connect(self._on_pressed)
        table.doubleClicked.connect(self._on_double_clicked)
        self._resize_page()

    # -- public API -------------------------------------------------------------------

    def model(self) -> LogModel:
        return self._model

    def viewport(self) -> QWidget:
        """The widget the rows are painted on (for mouse positions)."""
        return self.table.viewport()

    def first_visible_row(self) -> int:
        return self._first

    def visible_row_count(self) -> int:
        """Rows that fit entirely on screen."""
        return max(1, self.table.viewport().height() // self._row_height)

    def current_row(self) -> int:
        """The selected row of the model, -1 if none."""
        return self._current

    def set_current_row(self, row: int) -> None:
        """Select ``row`` and scroll it into view."""
        count = self._model.rowCount()
        row = -1 if count == 0 else max(-1, min(row, count - 1))
        if row >= 0:
            self._ensure_visible(row)
        if row != self._current:
            self._current = row
            self._refresh()
            self.current_row_changed.emit(row)
        else:
            self._refresh()

    def row_rect(self, row: int) -> QRect | None:
        """Where ``row`` is drawn, in :meth:`viewport` coordinates (None if off screen)."""
        page_row = row - self._first
        if not 0 <= page_row < len(self._items):
            return None
        return self.table.visualRect(self._page.index(page_row, 0)).united(
            self.table.visualRect(self._page.index(page_row, len(COLUMNS) - 1))
        )

    def row_at(self, pos: QPoint) -> int:
        """The model row under ``pos`` (viewport coordinates), -1 if none."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return -1
        row = self._first + index.row()
        return row if row < self._model.rowCount() else -1

    def at_bottom(self) -> bool:
        """Whether the last row is on screen (new rows then keep it in view)."""
        return self._first >= self._max_first()

    def scroll_to_bottom(self) -> None:
        self._follow = True
        self._scroll_to(self._max_first())

    # -- internals --------------------------------------------------------------------

    def _max_first(self) -> int:
        return max(0, self._model.rowCount() - self.visible_row_count())

    def _scroll_to(self, first: int) -> None:
        first = max(0, min(first, self._max_first()))
        bar = self.scrollbar
        bar.blockSignals(True)
        bar.setRange(0, self._max_first())
        bar.setPageStep(self.visible_row_count())
        bar.setValue(first)
        bar.blockSignals(False)
        self._first = first
        self._refresh()

    def _ensure_visible(self, row: int) -> None:
        if row < self._first:
            self._scroll_to(row)
        elif row >= self._first + self.visible_row_count():
            self._scroll_to(row - self.visible_row_count() + 1)
        self._follow = self.at_bottom()

    def _resize_page(self) -> None:
        rows = self.table.viewport().height() // self._row_height + 1
        if rows == len(self._items):
            return
        page = self._page
        if rows > len(self._items):
            for _ in range(rows - len(self._items)):
                items = [QStandardItem() for _ in COLUMNS]
                items[COL_MESSAGE].setFont(self._mono)
                page.appendRow(items)
                self._items.append(items)
                self._shown.append(_STALE)
        else:
            page.removeRows(rows, len(self._items) - rows)
            del self._items[rows:]
            del self._shown[rows:]
        self._scroll_to(self._max_first() if self._follow else self._first)

    def _refresh(self) -> None:
        """Put the rows on screen into the page's items (only those that changed)."""
        model, first = self._model, self._first
        count = model.rowCount()
        brushes, shown = self._brushes, self._shown
        for r, items in enumerate(self._items):
            i = first + r
            row = model.row(i) if i < count else None
            if shown[r] is row:
                continue
            shown[r] = row
            if row is None:
                for item in items:
                    item.setText("")
                    item.setData(None, Qt.ItemDataRole.ForegroundRole)
                items[COL_MESSAGE].setToolTip("")
                continue
            level = _level(row[LEVEL])[0]
            text = message_of(row)
            shown_text = text
            if "\n" in text:
                head, _, rest = text.partition("\n")
                shown_text = f"{head}  (+{rest.count(chr(10)) + 1} lines)"
            items[COL_TIME].setText(_format_time(row[TIME]))
            items[COL_TASK].setText(row[TASK])
            items[COL_LEVEL].setText(level)
            message = items[COL_MESSAGE]
            message.setText(shown_text)
            message.setToolTip(text if len(text) < 4000 else text[:4000] + "…")
            note = _kind(row) == KIND_STATUS
            brush = brushes["note"] if note else brushes.get(level)
            for item in items:
                item.setData(brush, Qt.ItemDataRole.ForegroundRole)
            message.setFont(self._note_font if note else self._mono)
        current = self._current - first
        selection = self.table.selectionModel()
        if 0 <= current < len(self._items) and self._current < count:
            if self.table.currentIndex().row() != current or not selection.hasSelection():
                self.table.setCurrentIndex(self._page.index(current, 0))
                self.table.selectRow(current)
        elif selection.hasSelection():
            selection.clear()

    @Slot(QModelIndex, int, int)
    def _on_rows_inserted(self, _parent: QModelIndex, _start: int, _end: int) -> None:
        self._scroll_to(self._max_first() if self._follow else self._first)

    @Slot(QModelIndex, int, int)
    def _on_rows_removed(self, _parent: QModelIndex, start: int, end: int) -> None:
        gone = end - start + 1
        if start == 0:  # trimmed from the top: what is on screen moves up
            self._first = max(0, self._first - gone)
            if self._current >= 0:
                self._current = self._current - gone if self._current >= gone else -1
        self._shown = [_STALE] * len(self._items)
        self._scroll_to(self._max_first() if self._follow else self._first)

    @Slot()
    def _on_reset(self) -> None:
        changed = self._current != -1
        self._current = -1
        self._shown = [_STALE] * len(self._items)
        self._scroll_to(self._max_first() if self._follow else 0)
        if changed:
            self.current_row_changed.emit(-1)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        self._first = value
        self._follow = value >= self._max_first()
        self._refresh()

    @Slot(QModelIndex)
    def _on_pressed(self, index: QModelIndex) -> None:
        row = self._first + index.row()
        if row < self._model.rowCount():
            self.set_current_row(row)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        row = self._first + index.row()
        if row < self._model.rowCount():
            self.row_activated.emit(row)

    def _wheel(self, event: QWheelEvent) -> None:
        steps = -event.angleDelta().y() // 40  # three rows per notch
        if steps:
            self._follow = False
            self._scroll_to(self._first + steps)
            self._follow = self.at_bottom()

    def _key(self, event: QKeyEvent) -> bool:
        key, page = event.key(), self.visible_row_count()
        count = self._model.rowCount()
        current = self._current if self._current >= 0 else self._first
        moves = {
            Qt.Key.Key_Up: current - 1,
            Qt.Key.Key_Down: current + 1,
            Qt.Key.Key_PageUp: current - page,
            Qt.Key.Key_PageDown: current + page,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: count - 1,
        }
        if key in moves:
            if count:
                self.set_current_row(max(0, min(count - 1, moves[key])))
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._current >= 0:
            self.row_activated.emit(self._current)
            return True
        return False


class LogDock(QDockWidget):
    """Dock showing the run's log lines with task / level / text filters.

    Wiring: ``dock.connect_controller(run_controller)``; the canvas selection calls
    :meth:`set_task_filter`; :meth:`set_log_paths` enables "Open log file".
    """

    #: A row was double-clicked: the task's name (e.g. to select its node).
    task_activated = Signal(str)

    ALL_TASKS = "All tasks"

    def __init__(self, parent: QWidget | None = None, *, max_lines: int = DEFAULT_MAX_LINES):
        super().__init__("Log", parent)
        self.setObjectName("LogDock")
        self._model = LogModel(self, max_lines=max_lines)
        self._log_paths: dict[str, str] = {}
        self._known_tasks: set[str] = set()

        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.task_combo = QComboBox(panel)
        self.task_combo.setObjectName("logTaskFilter")
        self.task_combo.setMinimumContentsLength(14)
        self.task_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.task_combo.addItem(self.ALL_TASKS, None)
        self.level_combo = QComboBox(panel)
        self.level_combo.setObjectName("logLevelFilter")
        for label, number in LEVEL_CHOICES:
            self.level_combo.addItem(label, number)
        self.filter_edit = QLineEdit(panel)
        self.filter_edit.setObjectName("logTextFilter")
        self.filter_edit.setPlaceholderText("Filter text…")
        self.filter_edit.setClearButtonEnabled(True)
        self.open_button = QPushButton("Open log file", panel)
        self.open_button.setObjectName("logOpenFile")
        self.open_button.setToolTip("Open the selected task's log file")
        self.clear_button = QPushButton("Clear", panel)
        self.count_label = QLabel(panel)
        self.count_label.setObjectName("logCount")
        self.count_label.setMinimumWidth(120)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.task_combo)
        bar.addWidget(self.level_combo)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.count_label)
        bar.addWidget(self.open_button)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)

        self.view = LogView(self._model, panel)

        self.detail = QPlainTextEdit(panel)
        self.detail.setObjectName("logDetail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Select a line to see it in full (tracebacks included).")
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        splitter = QSplitter(Qt.Orientation.Vertical, panel)
        splitter.addWidget(self.view)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 90])
        layout.addWidget(splitter, 1)
        self.setWidget(panel)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(150)
        self._text_timer.timeout.connect(self._apply_filter)

        self.task_combo.currentIndexChanged.connect(self._apply_filter)
        self.level_combo.currentIndexChanged.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._text_timer.start)
        self.filter_edit.returnPressed.connect(self._apply_filter)
        self.open_button.clicked.connect(self.open_log_file)
        self.clear_button.clicked.connect(self.clear)
        self.view.current_row_changed.connect(self._on_current_changed)
        self.view.row_activated.connect(self._on_row_activated)
        self._model.modelReset.connect(self._update_count)
        self._update_count()
        self._update_open_button()

    # -- public API -------------------------------------------------------------------

    @property
    def model(self) -> LogModel:
        return self._model

    def connect_controller(self, controller: Any) -> None:
        """Listen to a :class:`~taskflow_gui.runner.RunController`: clear on start,
        append batches, add tracebacks and skip notes when tasks finish."""
        controller.started.connect(self._on_started)
        controller.run_started.connect(self._on_run_started)
        controller.output.connect(self.append_outputs)
        controller.task_started.connect(self.on_task_started)
        controller.task_finished.connect(self.on_task_finished)
        controller.phase_started.connect(self._on_phase_started)
        self._controller = controller

    @Slot(object)
    def append_outputs(self, lines: list) -> None:
        """Append a batch of log lines: ``(time, task, level, line)`` rows as the runner
        delivers them, or ``TaskOutput`` events."""
        if not lines:
            return
        if type(lines[0]) is not tuple:
            lines = list(map(row_of_event, lines))
        if not self._tasks_complete:  # else RunStarted named them all
            known = self._known_tasks
            for name in dict.fromkeys(map(_task_of_row, lines)):  # C speed, keeps order
                if name not in known:
                    self._add_task(name)
        self._model.append_rows(lines)
        self._after_append()

    def append_line(self, task: str, message: str, level: Any = "INFO", t: float | None = None):
        """Append one line that did not come from the engine (e.g. a note from the shell)."""
        self._append_rows(LogModel.make_notes(t or _time.time(), task, level, message, KIND_LINE))

    def add_traceback(self, task: str, text: str, t: float | None = None) -> None:
        """Show a failed task's traceback, one row per line, in red."""
        text = "\n".join(ln for ln in text.rstrip("\n").splitlines() if ln.strip()) or text
        when = t or _time.time()
        self._append_rows(LogModel.make_notes(when, task, "ERROR", text, KIND_TRACEBACK))

    @Slot(object)
    def on_task_started(self, event: Any) -> None:
        """Mark retries, so a task's second round of output is not mistaken for the first."""
        attempt = int(getattr(event, "attempt", 1) or 1)
        if attempt > 1:
            when = getattr(event, "time", None) or _time.time()
            self._append_rows(
                LogModel.make_notes(when, event.task, "WARNING", f"Attempt {attempt} (retry)")
            )

    @Slot(object)
    def on_task_finished(self, event: Any) -> None:
        """Show a failure's traceback (unless the task's output already has it) and
        a note for skipped and cancelled tasks."""
        result = event.result
        key = status_key(getattr(result, "status", None))
        when = getattr(result, "finished_at", None) or _time.time()
        task = event.task
        if key == FAILED:
            text = getattr(result, "error", None) or repr(getattr(result, "exception", None))
            tail = next((ln for ln in reversed(text.splitlines()) if ln.strip()), "")
            if not self._already_logged(task, tail):
                self.add_traceback(task, text, when)
        elif key == SKIPPED:
            upstream = getattr(result, "skipped_because", None)
            why = f"because {upstream} failed" if upstream else "because an upstream task failed"
            self._append_rows(LogModel.make_notes(when, task, "WARNING", f"Skipped {why}"))
        elif key == CANCELLED:
            self._append_rows(LogModel.make_notes(when, task, "WARNING", "Cancelled"))

    def set_task_filter(self, tasks: str | Iterable[str] | None) -> None:
        """Show only these tasks' lines (a name, several names, or None for all)."""
        if isinstance(tasks, str):
            tasks = [tasks]
        names = None if tasks is None else list(dict.fromkeys(tasks))
        combo = self.task_combo
        combo.blockSignals(True)
        try:
            multi = combo.findData("__multi__")
            if multi >= 0:
                combo.removeItem(multi)
            if not names:
                combo.setCurrentIndex(0)
            elif len(names) == 1:
                if names[0] not in self._known_tasks:
                    self._add_task(names[0])
                combo.setCurrentIndex(combo.findData(names[0]))
            else:
                combo.addItem(f"{len(names)} selected tasks", "__multi__")
                combo.setCurrentIndex(combo.count() - 1)
        finally:
            combo.blockSignals(False)
        self._multi = names if names and len(names) > 1 else None
        self._apply_filter()

    def set_level_filter(self, min_level: int) -> None:
        """Show lines at ``min_level`` (``logging.INFO``, ...) and above."""
        index = max(0, self.level_combo.findData(min_level))
        self.level_combo.setCurrentIndex(index)

    def set_text_filter(self, text: str) -> None:
        """Show lines containing ``text`` (applied at once, without the typing delay)."""
        self.filter_edit.setText(text)
        self._apply_filter()

    def set_tasks(self, names: Iterable[str]) -> None:
        """Offer these task names in the task filter before any of them has logged."""
        for name in names:
            if name not in self._known_tasks:
                self._add_task(name)

    def set_log_paths(self, paths: Mapping[str, str]) -> None:
        """Task name -> log file path, for "Open log file"."""
        self._log_paths = {k: str(v) for k, v in paths.items() if v}
        self._update_open_button()

    def selected_task(self) -> str | None:
        """Task of the selected row, else the single task of the task filter."""
        row = self.view.current_row()
        if row >= 0:
            return self._model.row(row)[TASK]
        tasks = self._model.task_filter
        if tasks is not None and len(tasks) == 1:
            return next(iter(tasks))
        return None

    @Slot()
    def open_log_file(self) -> bool:
        """Open the selected task's log file with the desktop's default viewer."""
        task = self.selected_task()
        path = self._log_paths.get(task) if task else None
        if not path:
            return False
        return bool(open_url(QUrl.fromLocalFile(path)))

    @Slot()
    def clear(self) -> None:
        """Remove every line."""
        self._tasks_complete = False
        self._model.clear()
        self.detail.clear()
        self._update_count()

    # -- internals --------------------------------------------------------------------

    _multi: list[str] | None = None
    _controller: Any = None
    _tasks_complete = False  # every task of the run is in the task filter already

    def _already_logged(self, task: str, tail: str) -> bool:
        """Whether the task's recent output holds an error line containing ``tail``."""
        if not tail:
            return False
        for row in reversed(self._model.recent(5000)):
            if row[TASK] == task and _level(row[LEVEL])[1] >= logging.ERROR and tail in row[LINE]:
                return True
        return False

    def _append_rows(self, rows: list[Any]) -> None:
        for name in dict.fromkeys(r[TASK] for r in rows):
            if name not in self._known_tasks:
                self._add_task(name)
        self._model.append_rows(rows)
        self._after_append()

    def _after_append(self) -> None:
        # the view follows the tail by itself (see LogView)
        self._update_count()

    def _add_task(self, name: str) -> None:
        self._known_tasks.add(name)
        self.task_combo.addItem(name, name)

    @Slot(str)
    def _on_started(self, _mode: str) -> None:
        self.clear()
        process = getattr(self._controller, "process", None)
        paths = _log_paths_of(process)
        if paths:
            self.set_log_paths(paths)
            self.set_tasks(paths)

    @Slot(object)
    def _on_run_started(self, event: Any) -> None:
        tasks = getattr(event, "tasks", None)
        if tasks:
            self.set_tasks(tasks)
            self._tasks_complete = True

    @Slot(str, int)
    def _on_phase_started(self, mode: str, workers: int) -> None:
        if getattr(self._controller, "mode", "") == "compare":
            what = "sequential run" if mode == "sequential" else f"parallel run, {workers} workers"
            self._append_rows(
                LogModel.make_notes(_time.time(), "", "INFO", f"— {what} —", KIND_LINE)
            )

    @Slot()
    def _apply_filter(self) -> None:
        self._text_timer.stop()
        data = self.task_combo.currentData()
        if data is None:
            tasks = None
        elif data == "__multi__":
            tasks = self._multi
        else:
            tasks = [data]
        self._model.set_filter(
            tasks=tasks,
            min_level=int(self.level_combo.currentData() or 0),
            text=self.filter_edit.text(),
        )
        self.view.scroll_to_bottom()
        self._update_open_button()

    @Slot()
    def _update_count(self) -> None:
        shown, total = self._model.rowCount(), self._model.total_count
        text = f"{total:,} lines" if shown == total else f"{shown:,} of {total:,} lines"
        self.count_label.setText(text)

    def _update_open_button(self) -> None:
        task = self.selected_task()
        self.open_button.setEnabled(bool(task and self._log_paths.get(task)))

    @Slot(int)
    def _on_current_changed(self, row: int) -> None:
        self._update_open_button()
        if row < 0:
            self.detail.clear()
            return
        block = self._model.block(row)
        first = block[0]
        self.detail.setPlainText(
            f"{_format_time(first[TIME])}  {first[TASK]}  {_level(first[LEVEL])[0]}\n"
            + "\n".join(message_of(r) for r in block)
        )

    @Slot(int)
    def _on_row_activated(self, row: int) -> None:
        task = self._model.row(row)[TASK]
        if task:
            self.task_activated.emit(task)

    def select_row(self, visible_row: int) -> None:
        """Make ``visible_row`` current (as a click would)."""
        self.view.set_current_row(visible_row)


_task_of_row = itemgetter(TASK)


def _log_paths_of(process: Any) -> dict[str, str]:
    """Task name -> log path of an engine Process, whatever its container's shape."""
    if process is None:
        return {}
    tasks = getattr(process, "tasks", None)
    if isinstance(tasks, Mapping):
        tasks = tasks.values()
    paths: dict[str, str] = {}
    for task in tasks or ():
        name, path = getattr(task, "name", None), getattr(task, "log_path", None)
        if name and path:
            paths[str(name)] = str(path)
    return paths
