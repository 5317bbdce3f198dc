"""The Palette dock: the project's callables by module, searchable, dragged onto the canvas.

A callable is dragged with the MIME type `CALLABLE_MIME` holding its
"module:qualname" reference; the canvas turns the drop into a new task.
Double-clicking a callable adds it at the centre of the canvas.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QStyle,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from taskflow_core.discovery import CallableInfo
from taskflow_core.resolve import ResolveError

from taskflow_gui.callables import CallableCatalog

CALLABLE_MIME = "application/x-taskflow-callable"
REFERENCE_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2


def callable_tooltip(info: CallableInfo) -> str:
    """Reference, signature and first doc line, for palette and quick-add tooltips."""
    doc = f"<br><i>{_escape(info.doc)}</i>" if info.doc else ""
    return f"<b>{_escape(info.reference)}</b><br><code>{_escape(info.signature)}</code>{doc}"


def search_text(info: CallableInfo) -> str:
    return f"{info.qualname} {info.module} {info.doc}".lower()


def callable_mime(reference: str) -> QMimeData:
    data = QMimeData()
    data.setData(CALLABLE_MIME, reference.encode("utf-8"))
    data.setText(reference)
    return data


class CallableTreeModel(QStandardItemModel):
    """Modules with their callables under them; callables drag as references."""

    def __init__(self, catalog: CallableCatalog) -> None:
        super().__init__()
        self._catalog = catalog
        catalog.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.clear()
        modules: dict[str, QStandardItem] = {}
        for info in self._catalog.callables:
            parent = modules.get(info.module)
            if parent is None:
                parent = QStandardItem(info.module)
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = parent.font()
                font.setBold(True)
                parent.setFont(font)
                parent.setData(info.module.lower(), SEARCH_ROLE)
                parent.setToolTip(info.path or info.module)
                modules[info.module] = parent
                self.appendRow(parent)
            item = QStandardItem(f"{info.qualname}{_short_signature(info)}")
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            item.setData(info.reference, REFERENCE_ROLE)
            item.setData(search_text(info), SEARCH_ROLE)
            item.setToolTip(callable_tooltip(info))
            parent.appendRow(item)

    def mimeTypes(self) -> list[str]:
        return [CALLABLE_MIME]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction  # never "move": the palette keeps its entries

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:
        refs = [i.data(REFERENCE_ROLE) for i in indexes if i.data(REFERENCE_ROLE)]
        return callable_mime(refs[0]) if refs else None


class PaletteDock(QDockWidget):
    """Searchable tree of callables with an "Add module or file…" button."""

    callableActivated = Signal(str)
    pythonPathRequested = Signal(str)
    statusMessage = Signal(str)

    def __init__(self, catalog: CallableCatalog, parent: QWidget | None = None) -> None:
        super().__init__("Palette", parent)
        self.setObjectName("PaletteDock")
        self.catalog = catalog

        self.search = QLineEdit(placeholderText="Search functions…", clearButtonEnabled=True)
        self.search.setToolTip("Filter by function name, module or docstring")
        self.add_button = QToolButton(text="Add module or file…")
        self.add_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder))
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        menu.addAction("Python file (read, not run)…", self.add_file)
        menu.addAction("Module by name (imports it)…", self.add_module)
        self.add_button.setMenu(menu)

        self.model = CallableTreeModel(catalog)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)

        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAnimated(False)
        self.tree.doubleClicked.connect(self._activated)

        self.empty = QLabel(wordWrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(6, 6, 6, 6)
        self.empty.setStyleSheet("color: palette(placeholder-text);")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        self.spacer = QWidget()
        layout.addWidget(self.spacer, 1)
        layout.addWidget(self.add_button)
        self.setWidget(body)

        self.search.textChanged.connect(self._filter)
        catalog.changed.connect(self._refresh)
        self._refresh()

    # -- view --------------------------------------------------------------
    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip().lower())
        if text.strip():
            self.tree.expandAll()
        self._refresh_hint()

    def _refresh(self) -> None:
        self.tree.expandAll()
        self._refresh_hint()

    def _refresh_hint(self) -> None:
        empty = not self.catalog.callables
        self.tree.setVisible(not empty)
        self.search.setEnabled(not empty)
        self.spacer.setVisible(empty)
        if empty:
            self.empty.setText(
                "No functions found in the project's python paths. Save the project next to "
                "your modules, or add a module or file."
            )
        elif self.proxy.rowCount() == 0:
            self.empty.setText(f"No function matches “{self.search.text().strip()}”.")
        else:
            self.empty.setText(
                f"{len(self.catalog.callables)} functions. Drag one onto the canvas."
            )

    def _activated(self, index: QModelIndex) -> None:
        reference = index.data(REFERENCE_ROLE)
        if reference:
            self.callableActivated.emit(reference)

    def selected_reference(self) -> str | None:
        index = self.tree.currentIndex()
        return index.data(REFERENCE_ROLE) if index.isValid() else None

    # -- adding sources ----------------------------------------------------
    def add_file(self) -> None:
        """Read a .py file's functions with ast; nothing is imported."""
        path, _ = QFileDialog.getOpenFileName(
            self, "Add Python file", "", "Python files (*.py);;All files (*)"
        )
        if path:
            self.add_file_path(path)

    def add_file_path(self, path: str) -> None:
        try:
            module, infos = self.catalog.add_file(path)
        except ResolveError as exc:
            QMessageBox.warning(self, "Add Python file", str(exc))
            return
        if module is None:
            folder = str(Path(path).resolve().parent)
            answer = QMessageBox.question(
                self,
                "Add Python file",
                f"{Path(path).name} is outside the project's python paths, so tasks could not "
                f"import it.\n\nAdd {folder} to the python paths?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.pythonPathRequested.emit(folder)
                module, infos = self.catalog.add_file(path)
            if module is None:
                return
        self.statusMessage.emit(f"Added {len(infos)} functions from {module}.")

    def add_module(self) -> None:
        """Import a module by name, after a confirmation naming it (its code runs)."""
        module, ok = QInputDialog.getText(
            self, "Add module", "Module to import (for example mypackage.tasks):"
        )
        module = module.strip()
        if not ok or not module:
            return
        self.add_module_named(module)

    def add_module_named(self, module: str) -> None:
        answer = QMessageBox.question(
            self,
            "Import module",
            f"Importing {module} runs its top-level code in the designer.\n\nImport {module}?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            infos = self.catalog.import_module(module)
        except ResolveError as exc:
            QMessageBox.warning(self, "Import module", str(exc))
            return
        self.statusMessage.emit(f"Imported {module}: {len(infos)} functions.")


def _short_signature(info: CallableInfo) -> str:
    sig = info.signature.split(" -> ")[0]
    return sig if len(sig) <= 48 else sig[:45] + "…)"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
