"""Quick-add: a search popup at the cursor (Tab or double-click on the canvas).

Type to filter the palette's callables, Up/Down to choose, Enter to add a task
bound to the highlighted one. Text that matches nothing still works: a
"module:function" reference is bound as typed (it may resolve later), any
other text becomes the name of a task with no callable yet.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from taskflow_gui.callables import CallableCatalog
from taskflow_gui.docks.palette import REFERENCE_ROLE, SEARCH_ROLE, callable_tooltip, search_text

NAME_ROLE = Qt.ItemDataRole.UserRole + 3


class _RankedFilter(QSortFilterProxyModel):
    """Substring filter that lists names starting with the text first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.needle = ""
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_needle(self, text: str) -> None:
        self.needle = text.strip().lower()
        self.setFilterFixedString(self.needle)
        self.invalidate()
        self.sort(0)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:
        a, b = left.data(NAME_ROLE) or "", right.data(NAME_ROLE) or ""
        rank_a, rank_b = not a.startswith(self.needle), not b.startswith(self.needle)
        return (rank_a, a) < (rank_b, b)


class QuickAddPopup(QFrame):
    """The popup; emits `chosen(reference, name_hint)` and closes."""

    chosen = Signal(str, str)

    def __init__(self, catalog: CallableCatalog, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("QuickAddPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.catalog = catalog
        self.model = QStandardItemModel(self)
        self.proxy = _RankedFilter(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit(placeholderText="Add task: type a function name…")
        self.list = QListView()
        self.list.setModel(self.proxy)
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.activated.connect(lambda _: self.accept())
        self.list.clicked.connect(lambda _: self.accept())
        self.hint = QLabel()
        self.hint.setStyleSheet("color: palette(placeholder-text);")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        self.resize(380, 300)

        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)

    def popup(self, global_pos: QPoint) -> None:
        """Show at `global_pos` with an empty search and the focus in it."""
        self._reload()
        self.search.clear()
        self._filter("")
        self.move(global_pos)
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    def accept(self) -> None:
        index = self.list.currentIndex()
        text = self.search.text().strip()
        if index.isValid():
            self.chosen.emit(index.data(REFERENCE_ROLE), "")
        elif ":" in text:
            self.chosen.emit(text, "")
        elif text or self.proxy.rowCount() == 0:
            self.chosen.emit("", text or "task")
        else:
            return
        self.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self._step(key)
                return True
        return super().eventFilter(watched, event)

    def _step(self, key: int) -> None:
        rows = self.proxy.rowCount()
        if not rows:
            return
        row = self.list.currentIndex().row()
        delta = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -8}.get(key, 8)
        row = max(0, min(rows - 1, row + delta))
        self.list.setCurrentIndex(self.proxy.index(row, 0))

    def _reload(self) -> None:
        self.model.clear()
        for info in self.catalog.callables:
            item = QStandardItem(f"{info.qualname}   —  {info.module}")
            item.setData(info.reference, REFERENCE_ROLE)
            item.setData(search_text(info), SEARCH_ROLE)
            item.setData(info.qualname.lower(), NAME_ROLE)
            item.setToolTip(callable_tooltip(info))
            self.model.appendRow(item)

    def _filter(self, text: str) -> None:
        self.proxy.set_needle(text)
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))
            self.hint.setText("Enter adds the highlighted function · Esc cancels")
        elif ":" in text:
            self.hint.setText(f"Enter adds a task bound to {text.strip()}")
        elif text.strip():
            self.hint.setText(f"No function matches; Enter adds an empty task “{text.strip()}”")
        else:
            self.hint.setText("No functions known yet; Enter adds an empty task")
