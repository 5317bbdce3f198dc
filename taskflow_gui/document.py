"""One open project: its Workflow, undo stack, path, dirty flag and autosave.

The document is the only owner of the workflow in the designer. The dirty
flag is the undo stack's clean state, so undoing back to the saved state makes
the project clean again. Unsaved work is written to a recovery file 2 s after
an edit burst and every 30 s, and removed once the project is saved or closed.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from taskflow_core.projectfile import dumps_project, load_project, save_project
from taskflow_core.workflow import Workflow

from taskflow_gui.commands import ModelCommand
from taskflow_gui.recovery import RecoveryFile

AUTOSAVE_INTERVAL_MS = 30_000
EDIT_BURST_DEBOUNCE_MS = 2_000
PROJECT_SUFFIX = ".taskflow.json"


def examples_dir() -> Path:
    """The bundled example projects (read-only-safe: saving them asks where)."""
    return Path(__file__).resolve().parent.parent / "resources" / "examples"


class Document(QObject):
    """A workflow being edited; every change arrives through `push`."""

    modifiedChanged = Signal(bool)
    pathChanged = Signal()
    autosaveFailed = Signal(str)

    def __init__(
        self,
        workflow: Workflow | None = None,
        path: Path | str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.workflow = workflow if workflow is not None else Workflow()
        self.path: Path | None = Path(path).resolve() if path else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self._edited)
        self._recovery: RecoveryFile | None = None
        self._unsaved_since_autosave = False
        self._burst = QTimer(self, singleShot=True, interval=EDIT_BURST_DEBOUNCE_MS)
        self._burst.timeout.connect(self.autosave)
        self._periodic = QTimer(self, interval=AUTOSAVE_INTERVAL_MS)
        self._periodic.timeout.connect(self.autosave)
        self._periodic.start()

    @classmethod
    def open(cls, path: Path | str, parent: QObject | None = None) -> Document:
        """Load a project file; raises `ProjectFileError` or `OSError` with a clear message."""
        return cls(load_project(Path(path)), path, parent)

    # -- state -------------------------------------------------------------
    @property
    def display_name(self) -> str:
        if self.path is not None:
            name = self.path.name
            return name[: -len(PROJECT_SUFFIX)] if name.endswith(PROJECT_SUFFIX) else name
        return self.workflow.name or "Untitled"

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def mark_modified(self) -> None:
        """Unsaved although nothing is on the stack (a recovered project)."""
        self.undo_stack.resetClean()
        self._edited()

    def needs_save_location(self) -> bool:
        """True when Save must ask where: never saved, a bundled example, or read-only."""
        if self.path is None:
            return True
        if self.path.is_relative_to(examples_dir()):
            return True
        target = self.path if self.path.exists() else self.path.parent
        return not os.access(target, os.W_OK)

    # -- editing -----------------------------------------------------------
    def push(self, command: ModelCommand) -> None:
        """Apply a command and put it on the stack; a refused edit raises and leaves no trace."""
        command.execute()
        self.undo_stack.push(command)

    # -- files -------------------------------------------------------------
    def save(self, path: Path | str | None = None) -> None:
        """Write the project (atomically) and mark it clean; raises on failure."""
        target = Path(path).resolve() if path else self.path
        if target is None:
            raise ValueError("This project has no file yet; choose where to save it.")
        save_project(self.workflow, target)  # rebases relative python paths on Save As
        changed = target != self.path
        self.path = target
        self.undo_stack.setClean()
        self._drop_recovery(release=False)
        if changed:
            self.pathChanged.emit()

    def close(self) -> None:
        """The document goes away on purpose: stop autosaving and delete the recovery file."""
        self._burst.stop()
        self._periodic.stop()
        self._drop_recovery(release=True)

    # -- autosave ----------------------------------------------------------
    @property
    def recovery_path(self) -> Path | None:
        return self._recovery.path if self._recovery else None

    def autosave(self) -> None:
        """Write unsaved work to the recovery file (nothing to do when clean)."""
        self._burst.stop()
        if not self.is_modified():
            self._drop_recovery(release=False)
            return
        if not self._unsaved_since_autosave and self._recovery is not None:
            return
        try:
            text = dumps_project(self.workflow)
            if self._recovery is None:
                self._recovery = RecoveryFile()
            self._recovery.write(self.display_name, str(self.path or ""), text)
        except (OSError, ValueError) as exc:
            self.autosaveFailed.emit(f"Autosave failed: {exc}")
            return
        self._unsaved_since_autosave = False

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    def _edited(self, *_: object) -> None:
        self._unsaved_since_autosave = True
        self._burst.start()

    def _drop_recovery(self, *, release: bool) -> None:
        if self._recovery is None:
            return
        if release:
            self._recovery.release()
            self._recovery = None
        else:
            self._recovery.remove()
        self._unsaved_since_autosave = self.is_modified()

