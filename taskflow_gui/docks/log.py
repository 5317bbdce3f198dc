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
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QDesktopServices, QFontDatabase
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
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from taskflow_gui.status_style import CANCELLED, FAILED, SKIPPED, status_key

__all__ = ["DEFAULT_MAX_LINES", "LogDock", "LogModel", "open_url", "strip_log_prefix"]

#: Oldest lines are dropped past this many (10 % at a time, so trims are rare).
DEFAULT_MAX_LINES = 500_000

# Row layout: plain tuples are the cheapest thing to keep 100,000s of.
TIME, TASK, LEVEL, LEVELNO, MESSAGE, KIND = range(6)
# A message spanning several lines (a record with its traceback) is stored as one
# KIND_LINE row followed by KIND_CONT rows, so every line is visible at a fixed height.
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


def _format_time(t: float) -> str:
    return _time.strftime("%H:%M:%S", _time.localtime(t)) + f".{int((t % 1) * 1000):03d}"


def open_url(url: QUrl) -> bool:
    """Open a file with the desktop's default application (a seam for tests)."""
    return QDesktopServices.openUrl(url)


class LogModel(QAbstractTableModel):
    """All log rows, and the indices of those the current filter lets through."""

    def __init__(self, parent: QObject | None = None, *, max_lines: int = DEFAULT_MAX_LINES):
        super().__init__(parent)
        self._rows: list[tuple] = []
        self._view: list[int] | None = None  # None: no filter, every row is visible
        self._tasks: frozenset[str] | None = None
        self._min_level = logging.NOTSET
        self._text = ""
        self.max_lines = max_lines
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._level_colors = {
            "WARNING": QColor("#9a6700"),
            "ERROR": QColor("#b3261e"),
            "CRITICAL": QColor("#b3261e"),
        }
        self._status_color = QColor("#8a5a00")
        self._status_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._status_font.setItalic(True)

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
                return row[MESSAGE]
            if column == COL_TIME:
                return _format_time(row[TIME])
            if column == COL_TASK:
                return row[TASK]
            return row[LEVEL]
        if role == Qt.ItemDataRole.ForegroundRole:
            if row[KIND] == KIND_STATUS:
                return self._status_color
            return self._level_colors.get(row[LEVEL])
        if role == Qt.ItemDataRole.FontRole and column == COL_MESSAGE:
            return self._status_font if row[KIND] == KIND_STATUS else self._mono
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_MESSAGE:
            return row[MESSAGE] if len(row[MESSAGE]) < 4000 else row[MESSAGE][:4000] + "…"
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    # -- rows -------------------------------------------------------------------------

    def row(self, visible_row: int) -> tuple:
        """The stored tuple ``(time, task, level, levelno, message, kind)`` of a visible row."""
        return self._rows[visible_row if self._view is None else self._view[visible_row]]

    @property
    def total_count(self) -> int:
        """Rows held, visible or not."""
        return len(self._rows)

    def tasks(self) -> list[str]:
        """Task names present, in order of first appearance."""
        return list(dict.fromkeys(r[TASK] for r in self._rows))

    def append_rows(self, rows: list[tuple]) -> None:
        """Append rows (as built by :meth:`make_rows`) with one insert notification."""
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

    @staticmethod
    def make_rows(t: float, task: str, level: Any, message: str, kind: int = KIND_LINE) -> list:
        """Build the stored rows of one message (one per line of text)."""
        name, number = _level(level)
        if "\n" not in message:
            return [(t, task, name, number, message, kind)]
        lines = message.rstrip("\n").split("\n")
        rows = [(t, task, name, number, lines[0], kind)]
        rows.extend((t, task, name, number, line, KIND_CONT) for line in lines[1:])
        return rows

    def append_events(self, events: Iterable[Any]) -> None:
        """Append ``TaskOutput(task, line, level, time)`` events."""
        level_of = _level
        rows: list[tuple] = []
        add = rows.append
        strip = strip_log_prefix
        for e in events:
            name, number = level_of(e.level)
            line = strip(e.line, e.task)
            if "\n" in line:
                rows.extend(self.make_rows(e.time, e.task, e.level, line))
            else:
                add((e.time, e.task, name, number, line, KIND_LINE))
        self.append_rows(rows)

    def block(self, visible_row: int) -> list[tuple]:
        """The rows of the whole message a visible row belongs to."""
        store = self._rows
        i = visible_row if self._view is None else self._view[visible_row]
        while i > 0 and store[i][KIND] == KIND_CONT:
            i -= 1
        rows = [store[i]]
        i += 1
        while i < len(store) and store[i][KIND] == KIND_CONT:
            rows.append(store[i])
            i += 1
        return rows

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

    def _predicate(self):
        tasks, level, text = self._tasks, self._min_level, self._text
        if tasks is not None and level <= logging.NOTSET and not text:
            return lambda r: r[TASK] in tasks
        if tasks is None and not text:
            return lambda r: r[LEVELNO] >= level

        def accept(r: tuple) -> bool:
            if tasks is not None and r[TASK] not in tasks:
                return False
            if r[LEVELNO] < level:
                return False
            return not text or text in r[MESSAGE].lower() or text in r[TASK].lower()

        return accept


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
        self._error_lines: dict[str, list[str]] = {}

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

        self.view = QTableView(panel)
        self.view.setObjectName("logView")
        self.view.setModel(self._model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vheader = self.view.verticalHeader()
        vheader.setVisible(False)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        hheader = self.view.horizontalHeader()
        hheader.setHighlightSections(False)
        hheader.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hheader.setStretchLastSection(True)
        hheader.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        fm = self.view.fontMetrics()
        self.view.setColumnWidth(COL_TIME, fm.horizontalAdvance("00:00:00.000") + 18)
        self.view.setColumnWidth(COL_TASK, fm.horizontalAdvance("M" * 12))
        self.view.setColumnWidth(COL_LEVEL, fm.horizontalAdvance("WARNING") + 18)

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
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(200)
        self._count_timer.timeout.connect(self._update_count)

        self.task_combo.currentIndexChanged.connect(self._apply_filter)
        self.level_combo.currentIndexChanged.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._text_timer.start)
        self.filter_edit.returnPressed.connect(self._apply_filter)
        self.open_button.clicked.connect(self.open_log_file)
        self.clear_button.clicked.connect(self.clear)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.view.doubleClicked.connect(self._on_double_clicked)
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
        controller.output.connect(self.append_outputs)
        controller.task_finished.connect(self.on_task_finished)
        controller.phase_started.connect(self._on_phase_started)
        self._controller = controller

    @Slot(list)
    def append_outputs(self, events: list) -> None:
        """Append a batch of ``TaskOutput`` events."""
        if not events:
            return
        follow = self._at_bottom()
        tasks = self._known_tasks
        for name in {e.task for e in events} - tasks:
            self._add_task(name)
        for e in events:
            if _level(e.level)[1] >= logging.ERROR:
                self._error_lines.setdefault(e.task, []).append(e.line)
        self._model.append_events(events)
        self._after_append(follow)

    def append_line(self, task: str, message: str, level: Any = "INFO", t: float | None = None):
        """Append one line that did not come from the engine (e.g. a note from the shell)."""
        self._append_rows(LogModel.make_rows(t or _time.time(), task, level, message))

    def add_traceback(self, task: str, text: str, t: float | None = None) -> None:
        """Show a failed task's traceback, one row per line, in red."""
        text = "\n".join(ln for ln in text.rstrip("\n").splitlines() if ln.strip()) or text
        self._append_rows(
            LogModel.make_rows(t or _time.time(), task, "ERROR", text, KIND_TRACEBACK)
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
            seen = self._error_lines.get(task, ())
            if not any(tail and tail in line for line in seen):
                self.add_traceback(task, text, when)
        elif key == SKIPPED:
            upstream = getattr(result, "skipped_because", None)
            why = f"because {upstream} failed" if upstream else "because an upstream task failed"
            self._append_rows(
                LogModel.make_rows(when, task, "WARNING", f"Skipped {why}", KIND_STATUS)
            )
        elif key == CANCELLED:
            self._append_rows(LogModel.make_rows(when, task, "WARNING", "Cancelled", KIND_STATUS))

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
        index = self.view.currentIndex()
        if index.isValid():
            return self._model.row(index.row())[TASK]
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
        self._model.clear()
        self._error_lines.clear()
        self.detail.clear()
        self._update_count()

    # -- internals --------------------------------------------------------------------

    _multi: list[str] | None = None
    _controller: Any = None

    def _append_rows(self, rows: list[tuple]) -> None:
        follow = self._at_bottom()
        for name in {r[TASK] for r in rows} - self._known_tasks:
            self._add_task(name)
        self._model.append_rows(rows)
        self._after_append(follow)

    def _at_bottom(self) -> bool:
        bar = self.view.verticalScrollBar()
        return bar.value() >= bar.maximum() - 1

    def _after_append(self, follow: bool) -> None:
        if follow:
            self.view.scrollToBottom()
        if not self._count_timer.isActive():
            self._count_timer.start()

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

    @Slot(str, int)
    def _on_phase_started(self, mode: str, workers: int) -> None:
        if getattr(self._controller, "mode", "") == "compare":
            what = "sequential run" if mode == "sequential" else f"parallel run, {workers} workers"
            self._append_rows(LogModel.make_rows(_time.time(), "", "INFO", f"— {what} —"))

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
        self.view.scrollToBottom()
        self._update_open_button()

    @Slot()
    def _update_count(self) -> None:
        shown, total = self._model.rowCount(), self._model.total_count
        text = f"{total:,} lines" if shown == total else f"{shown:,} of {total:,} lines"
        self.count_label.setText(text)

    def _update_open_button(self) -> None:
        task = self.selected_task()
        self.open_button.setEnabled(bool(task and self._log_paths.get(task)))

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_open_button()
        if not current.isValid():
            self.detail.clear()
            return
        block = self._model.block(current.row())
        first = block[0]
        self.detail.setPlainText(
            f"{_format_time(first[TIME])}  {first[TASK]}  {first[LEVEL]}\n"
            + "\n".join(r[MESSAGE] for r in block)
        )

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        task = self._model.row(index.row())[TASK]
        if task:
            self.task_activated.emit(task)

    def select_row(self, visible_row: int) -> None:
        """Make ``visible_row`` current (as a click would)."""
        index = self._model.index(visible_row, 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )


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
