"""Canvas gestures and Edit actions, turned into undo commands on the current document.

Adding (palette drop, double-click, quick-add), connecting, moving, deleting,
clipboard operations and auto-layout all end here as one command each. A
change the model refuses (a cycle, a taken name) is reported in the status
bar and leaves the project untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication
from taskflow_core.workflow import TaskSpec, Workflow, WorkflowError

from taskflow_gui import clipboard
from taskflow_gui.canvas import WorkflowScene, WorkflowView, layered_layout
from taskflow_gui.commands import (
    AddTasks,
    AutoLayout,
    Connect,
    ModelCommand,
    MoveTasks,
    Paste,
    RemoveTasks,
)
from taskflow_gui.document import Document
from taskflow_gui.quick_add import QuickAddPopup


class EditController(QObject):
    """Owns no state of the project: reads the scene's selection, pushes commands."""

    statusMessage = Signal(str)

    def __init__(
        self,
        scene: WorkflowScene,
        view: WorkflowView,
        document: Callable[[], Document],
        quick_add: QuickAddPopup,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.scene = scene
        self.view = view
        self.document = document
        self.quick_add = quick_add
        self._quick_add_at = QPointF()
        self._paste_round = 0
        scene.connectRequested.connect(self.connect_tasks)
        scene.tasksMoved.connect(self.move_tasks)
        scene.deleteRequested.connect(self.delete)
        scene.callableDropped.connect(self.add_callable)
        scene.quickAddRequested.connect(self.open_quick_add)
        quick_add.chosen.connect(self._quick_add_chosen)

    # -- helpers -------------------------------------------------------------
    def push(self, command: ModelCommand) -> bool:
        """Push onto the current document; a refusal goes to the status bar."""
        try:
            self.document().push(command)
        except WorkflowError as exc:
            self.statusMessage.emit(str(exc))
            return False
        return True

    @property
    def workflow(self) -> Workflow:
        return self.document().workflow

    # -- adding ----------------------------------------------------------------
    def add_callable(self, reference: str, at: QPointF | None = None, name: str = "") -> TaskSpec:
        """A task bound to `reference` (named after its function) at a scene point."""
        if at is None:
            at = self._cursor_on_canvas() or self._view_centre()
        function = reference.partition(":")[2].split(".")[-1] if reference else ""
        spec = TaskSpec(
            name=self.workflow.unique_name(name or function or "task"),
            callable=reference,
            position=self.scene.drop_position(at),
        )
        if self.push(AddTasks(self.workflow, [spec])):
            self.scene.select_tasks([spec])
            self.statusMessage.emit(f"Added {spec.name}.")
        return spec

    def open_quick_add(self, at: QPointF | None = None) -> None:
        """The quick-add search at a scene point (the cursor, for Tab)."""
        if at is None:
            at = self._cursor_on_canvas() or self._view_centre()
        self._quick_add_at = QPointF(at)
        global_pos = self.view.viewport().mapToGlobal(self.view.mapFromScene(at))
        self.quick_add.popup(global_pos)

    def _quick_add_chosen(self, reference: str, name: str) -> None:
        self.add_callable(reference, self._quick_add_at, name)
        self.view.setFocus()

    def _cursor_on_canvas(self) -> QPointF | None:
        """Scene point under the mouse pointer, or None when it is not over the canvas."""
        viewport = self.view.viewport()
        local = viewport.mapFromGlobal(QCursor.pos())
        if not viewport.rect().contains(local) or not self.view.isActiveWindow():
            return None
        if QApplication.widgetAt(QCursor.pos()) not in (viewport, None):
            return None  # a popup or another window covers the canvas there
        return self.view.mapToScene(local)

    def _view_centre(self) -> QPointF:
        return self.view.mapToScene(self.view.viewport().rect().center())

    # -- gestures ----------------------------------------------------------------
    def connect_tasks(self, upstream: str, downstream: str) -> None:
        try:
            target = self.workflow.task(downstream)
        except WorkflowError as exc:
            self.statusMessage.emit(str(exc))
            return
        if self.push(Connect(self.workflow, upstream, target)):
            self.statusMessage.emit(f"{downstream} now runs after {upstream}.")

    def move_tasks(self, moves: Mapping[TaskSpec, tuple]) -> None:
        if moves:
            self.push(MoveTasks(self.workflow, moves))

    def delete(self) -> None:
        tasks = self.scene.selected_tasks()
        edges = []
        for up, down in self.scene.selected_edges():
            try:
                edges.append((up, self.workflow.task(down)))
            except WorkflowError:
                continue
        if tasks or edges:
            self.push(RemoveTasks(self.workflow, tasks, edges))

    def select_all(self) -> None:
        self.scene.select_tasks(self.workflow.tasks)

    def auto_layout(self) -> None:
        if not len(self.workflow):
            return
        command = AutoLayout(self.workflow, layered_layout(self.workflow))
        if command.moves and self.push(command):
            self.statusMessage.emit("Arranged tasks by dependency order.")
        self.view.fit_all()

    # -- clipboard ----------------------------------------------------------------
    def copy(self) -> bool:
        tasks = self.scene.selected_tasks()
        if not tasks:
            self.statusMessage.emit("Select tasks to copy.")
            return False
        clipboard.copy_tasks(tasks)
        self._paste_round = 0
        self.statusMessage.emit(f"Copied {len(tasks)} task(s).")
        return True

    def cut(self) -> None:
        tasks = self.scene.selected_tasks()
        if tasks and self.copy():
            self._paste_round = -1  # the first paste goes where the originals were
            self.push(RemoveTasks(self.workflow, tasks, text=f"Cut {len(tasks)} task(s)"))

    def paste(self) -> None:
        specs = clipboard.clipboard_tasks()
        if not specs:
            self.statusMessage.emit("The clipboard holds no TaskFlow tasks.")
            return
        at = None
        point = self._cursor_on_canvas()
        if point is not None:
            # Centred under the cursor: the point a single card dropped there would take.
            at = self.scene.drop_position(point)
        self._paste_round += 1
        offset = clipboard.PASTE_OFFSET * self._paste_round
        self._add_copies(specs, "Paste", offset=offset, at=at)

    def duplicate(self) -> None:
        tasks = self.scene.selected_tasks()
        if tasks:
            self._add_copies(tasks, "Duplicate", offset=clipboard.PASTE_OFFSET, at=None)

    def _add_copies(
        self, specs: list[TaskSpec], verb: str, *, offset: float, at: tuple[float, float] | None
    ) -> None:
        copies = clipboard.prepare_paste(self.workflow, specs, offset=offset, at=at)
        text = f"{verb} {len(copies)} task(s)"
        if self.push(Paste(self.workflow, copies, text)):
            self.scene.select_tasks(copies)
            self.statusMessage.emit(f"{verb}d {', '.join(s.name for s in copies[:4])}"
                                    + ("…" if len(copies) > 4 else "."))
