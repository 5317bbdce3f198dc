"""Missing callables: red placeholders on the canvas and rows in Problems.

Two sources, never importing on their own: a static check (the module of a
reference is found nowhere, judged from the project's sources and the
installed packages) that runs after every change, and "Resolve callables",
which imports the modules after the user agreed and reports references that
do not resolve or whose signature does not fit. A task is never dropped for
a missing callable; it is only marked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from taskflow_core.discovery import modules_to_import
from taskflow_core.workflow import Change, Problem, TaskSpec, Workflow

from taskflow_gui import dialogs
from taskflow_gui.callables import CallableCatalog

RESOLVE_KINDS = ("unresolved_callable", "signature_mismatch")
DEBOUNCE_MS = 120


class CallableChecker(QObject):
    """Keeps the scene's red marks and the Problems dock's callable rows up to date."""

    problemsChanged = Signal(list)
    """The callable problems (list of `Problem`), with current task names."""

    def __init__(
        self,
        catalog: CallableCatalog,
        mark: Callable[[str, str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.mark = mark
        self.workflow: Workflow | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        self._resolved: dict[TaskSpec, Problem] = {}
        self._marked: set[str] = set()
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        catalog.changed.connect(self._timer.start)

    def set_workflow(self, workflow: Workflow) -> None:
        self._unsubscribe()
        self.workflow = workflow
        self._resolved.clear()
        self._marked.clear()
        self._unsubscribe = workflow.subscribe(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        stale = change.kind == "task_removed" or change.field == "callable"
        if change.spec is not None and stale:
            self._resolved.pop(change.spec, None)  # resolve again to re-check
        if change.kind.startswith("dependency") or change.field in ("args", "kwargs"):
            spec = change.spec
            found = self._resolved.get(spec) if spec is not None else None
            if found is not None and found.kind == "signature_mismatch":
                self._resolved.pop(spec, None)  # the call shape changed
        self._timer.start()

    def resolve(
        self, parent: QWidget | None, *, ask_about: Sequence[str] | None = None
    ) -> int | None:
        """Import (after asking) and check every callable; the number of problems, or None.

        `ask_about` narrows the question to these modules (a run asks only about
        modules not imported yet, whose top-level code has not run); empty: no question.
        """
        if self.workflow is None:
            return None
        modules = modules_to_import(self.workflow) if ask_about is None else list(ask_about)
        if not dialogs.confirm_import(parent, modules):
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            found = self.workflow.problems(resolve=True)
        finally:
            QGuiApplication.restoreOverrideCursor()
        by_name = {}
        for spec in self.workflow.tasks:
            by_name.setdefault(spec.name, spec)
        self._resolved = {
            by_name[p.task]: p for p in found if p.kind in RESOLVE_KINDS and p.task in by_name
        }
        self.catalog.rescan()  # files may have changed since the project was opened
        self.refresh()
        return len(self._resolved)

    def refresh(self) -> None:
        """Recompute the marks (normally on the debounce timer)."""
        self._timer.stop()
        if self.workflow is None:
            return
        problems: list[Problem] = []
        marked: set[str] = set()
        for spec in self.workflow.tasks:
            found = self._resolved.get(spec)
            if found is not None:
                problem = Problem(found.kind, spec.name, found.message)
            else:
                message = self.catalog.static_problem(spec.callable) if spec.callable else None
                problem = Problem("missing_callable", spec.name, message) if message else None
            if problem is None:
                continue
            problems.append(problem)
            if problem.kind != "signature_mismatch":
                marked.add(spec.name)
                self.mark(spec.name, problem.message)
        for name in self._marked - marked:
            self.mark(name, "")
        self._marked = marked
        self.problemsChanged.emit(problems)
