"""File menu behaviour: new, open, save, recent files, examples, export, recovery.

Every way to lose work goes through `maybe_close` (Save / Discard / Cancel).
Bad files end in a message naming the file and the problem; the current
project stays open. Bundled examples open normally but are never
overwritten: saving one asks where to put the copy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Signal
from PySide6.QtWidgets import QGraphicsScene, QMenu, QWidget
from taskflow_core.projectfile import ProjectFileError, loads_project

from taskflow_gui import dialogs, recovery
from taskflow_gui.document import PROJECT_SUFFIX, Document, examples_dir

MAX_RECENT = 10
RECENT_KEY = "recentFiles"


class Window(Protocol):
    """What the controller needs from the main window."""

    document: Document

    def set_document(self, document: Document) -> None: ...

    def show_status(self, message: str, timeout: int = 0) -> None: ...

    @property
    def scene(self) -> QGraphicsScene: ...


def recent_files() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent_file(path: Path) -> None:
    paths = [str(path)] + [p for p in recent_files() if p != str(path)]
    QSettings().setValue(RECENT_KEY, paths[:MAX_RECENT])


def example_files() -> list[tuple[str, Path]]:
    """(title, path) of the bundled examples, titles read from the files."""
    found = []
    for path in sorted(examples_dir().glob(f"*{PROJECT_SUFFIX}")):
        try:
            title = str(json.loads(path.read_text(encoding="utf-8")).get("name") or "")
        except (OSError, ValueError, AttributeError):
            title = ""
        found.append((title or path.name[: -len(PROJECT_SUFFIX)], path))
    return found


class FileController(QObject):
    """Opens and saves documents for one window."""

    recentChanged = Signal()

    def __init__(self, window: Window, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.window = window
        self.parent_widget = parent_widget
        self.report_error: Callable[[str, str], None] = (
            lambda title, message: dialogs.show_error(self.parent_widget, title, message)
        )

    @property
    def document(self) -> Document:
        return self.window.document

    # -- closing -------------------------------------------------------------
    def maybe_close(self) -> bool:
        """True when the current project may go: saved, discarded, or never changed."""
        if not self.document.is_modified():
            return True
        answer = dialogs.ask_unsaved(self.parent_widget, self.document.display_name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -- opening -------------------------------------------------------------
    def new(self) -> None:
        if self.maybe_close():
            self.window.set_document(Document())
            self.window.show_status("New workflow. Drag a function from the palette to start.")

    def open(self) -> None:
        start = str(self.document.path.parent) if self.document.path else _documents_dir()
        path = dialogs.ask_open_path(self.parent_widget, start)
        if path is not None:
            self.open_path(path)

    def open_path(self, path: Path | str, *, ask: bool = True) -> bool:
        """Open a project, after the unsaved-changes prompt; False if it did not open."""
        if ask and not self.maybe_close():
            return False
        try:
            document = Document.open(path)
        except ProjectFileError as exc:
            self.report_error("Cannot open project", f"{exc}")
            return False
        except OSError as exc:
            self.report_error("Cannot open project", f"{path}: {exc.strerror or exc}")
            return False
        self.window.set_document(document)
        if not Path(path).resolve().is_relative_to(examples_dir()):
            add_recent_file(Path(path).resolve())
            self.recentChanged.emit()
        count = len(document.workflow)
        self.window.show_status(f"Opened {Path(path).name}: {count} tasks.", 5000)
        return True

    # -- saving --------------------------------------------------------------
    def save(self) -> bool:
        if self.document.needs_save_location():
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        doc = self.document
        if doc.path is not None and not doc.needs_save_location():
            suggestion = str(doc.path)
        else:
            suggestion = str(Path(_documents_dir()) / f"{_file_stem(doc)}{PROJECT_SUFFIX}")
        path = dialogs.ask_save_path(self.parent_widget, suggestion)
        if path is None:
            return False
        if path.resolve().is_relative_to(examples_dir()):
            self.report_error(
                "Save project", "The bundled examples are kept as they are; choose another folder."
            )
            return False
        return self._save_to(path)

    def _save_to(self, path: Path | None) -> bool:
        try:
            self.document.save(path)
        except (ProjectFileError, OSError, ValueError) as exc:
            self.report_error("Cannot save project", str(exc))
            return False
        add_recent_file(self.document.path)
        self.recentChanged.emit()
        self.window.show_status(f"Saved {self.document.path}", 5000)
        return True

    # -- menus ---------------------------------------------------------------
    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        paths = recent_files()
        for i, path in enumerate(paths):
            label = f"&{i + 1} {Path(path).name}" if i < 9 else Path(path).name
            action = menu.addAction(label, lambda p=path: self.open_path(p))
            action.setToolTip(path)
            action.setStatusTip(path)
            action.setEnabled(Path(path).exists())
        if paths:
            menu.addSeparator()
            menu.addAction("Clear Recent", self._clear_recent)
        else:
            menu.addAction("No recent projects").setEnabled(False)

    def _clear_recent(self) -> None:
        QSettings().remove(RECENT_KEY)
        self.recentChanged.emit()

    def fill_examples_menu(self, menu: QMenu) -> None:
        menu.clear()
        for title, path in example_files():
            action = menu.addAction(title, lambda p=path: self.open_path(p))
            action.setStatusTip(f"Open the example {path.name} (saving asks for a new place)")
        if menu.isEmpty():
            menu.addAction("No examples installed").setEnabled(False)

    # -- export ----------------------------------------------------------------
    def export(self, kind: str) -> None:
        from taskflow_gui.canvas import export_png, export_svg

        if not len(self.document.workflow):
            self.window.show_status("Nothing to export: the canvas is empty.", 5000)
            return
        folder = self.document.path.parent if self.document.path else Path(_documents_dir())
        if self.document.needs_save_location():
            folder = Path(_documents_dir())
        suggestion = str(folder / f"{_file_stem(self.document)}.{kind}")
        path = dialogs.ask_export_path(self.parent_widget, suggestion, kind)
        if path is None:
            return
        writer = export_png if kind == "png" else export_svg
        try:
            writer(self.window.scene, path)
        except OSError as exc:
            self.report_error("Export failed", f"{path}: {exc.strerror or exc}")
            return
        self.window.show_status(f"Exported {path}", 5000)

    # -- recovery ----------------------------------------------------------------
    def offer_recovery(self) -> bool:
        """After a crash: offer the newest recovery file; True if it was opened."""
        entries = recovery.orphans()
        if not entries:
            return False
        answer = dialogs.ask_recover(self.parent_widget, entries)
        if answer == "discard":
            for entry in entries:
                recovery.discard(entry)
            return False
        if answer != "recover":
            return False
        entry = entries[0]
        original = Path(entry.original_path) if entry.original_path else None
        try:
            workflow = loads_project(
                entry.project_text,
                original.parent if original else None,
                source=str(entry.file),
            )
        except ProjectFileError as exc:
            self.report_error("Cannot recover project", str(exc))
            return False
        document = Document(workflow, original)
        document.mark_modified()
        document.autosave()  # a fresh recovery file before the old one goes
        recovery.discard(entry)
        self.window.set_document(document)
        self.window.show_status(
            f"Recovered {entry.name}. Save it to keep the changes.", 10000
        )
        return True


def _documents_dir() -> str:
    location = QStandardPaths.StandardLocation.DocumentsLocation
    return QStandardPaths.writableLocation(location) or str(Path.home())


def _file_stem(document: Document) -> str:
    name = document.display_name.strip() or "workflow"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return safe or "workflow"


def print_error(title: str, message: str) -> None:
    """Error sink for --quit runs: no dialog, just stderr."""
    print(f"taskflow-gui: {title}: {message}", file=sys.stderr)
