"""The scene: a live mirror of a `Workflow`, turning gestures into signals.

It builds one card per task spec and one curve per dependency, and keeps them
in step through the model's `Change` notifications. It never edits the model:
a drag that should add an edge emits `connectRequested`, a move emits
`tasksMoved`, and the listener (the document's undo commands) calls the
`Workflow`, whose notification brings the change back here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import networkx as nx
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)
from taskflow_core.workflow import Change, DependencySpec, TaskSpec, Workflow

from taskflow_gui.canvas.edge_item import EdgeItem
from taskflow_gui.canvas.interactions import (
    ConnectInteraction,
    Interaction,
    MoveInteraction,
    RubberBandInteraction,
)
from taskflow_gui.canvas.node_item import NODE_HEIGHT, NODE_WIDTH, NodeItem, snap
from taskflow_gui.canvas.overview import OverviewLayer

_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents

CALLABLE_MIME = "application/x-taskflow-callable"
"""Drag payload of a palette entry: the UTF-8 "module:qualname" reference."""

ANIMATION_INTERVAL_MS = 60


class _Subscription:
    """Holds the model's unsubscribe function so a destroyed scene can let go."""

    def __init__(self) -> None:
        self.cancel: Callable[[], None] = lambda: None

    def release(self, *_: object) -> None:
        self.cancel()
        self.cancel = lambda: None


class WorkflowScene(QGraphicsScene):
    """Cards and curves for one `Workflow`, plus run statuses painted on top."""

    connectRequested = Signal(str, str)
    """(upstream, downstream): the user dragged a connection the model should accept."""
    tasksMoved = Signal(object)
    """{TaskSpec: ((old_x, old_y), (new_x, new_y))}, once per drag, snapped to the grid."""
    deleteRequested = Signal()
    """Delete the selected tasks and edges."""
    quickAddRequested = Signal(QPointF)
    """Open the quick-add search at this scene position."""
    callableDropped = Signal(str, QPointF)
    """A palette callable ("module:qualname") was dropped at this scene position."""
    taskActivated = Signal(object)
    """A card was double-clicked: the TaskSpec."""
    statusMessage = Signal(str)
    """Text for the status bar (why a connection is refused, ...); "" clears it."""
    emptyChanged = Signal(bool)
    """The workflow went from no tasks to some, or back (the view's hint follows)."""

    def __init__(self, workflow: Workflow | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workflow: Workflow | None = None
        self.exporting = False
        self._nodes: dict[TaskSpec, NodeItem] = {}
        self._edges: dict[DependencySpec, EdgeItem] = {}
        self._dangling: dict[DependencySpec, TaskSpec] = {}
        self._by_name: dict[str, TaskSpec] | None = None
        self._mode: Interaction | None = None
        self._running: set[NodeItem] = set()
        self._subscription = _Subscription()
        self.destroyed.connect(self._subscription.release)
        self._timer = QTimer(self)
        self._timer.setInterval(ANIMATION_INTERVAL_MS)
        self._timer.timeout.connect(self._animate)
        # Cards move in bulk while dragging; a BSP index would be rebuilt each frame.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.low_detail = False
        self._overview = OverviewLayer(
            lambda: self._nodes.values(), lambda: self._edges.values(), self.selectedItems
        )
        if workflow is not None:
            self.set_workflow(workflow)

    # -- the model ------------------------------------------------------------
    def set_workflow(self, workflow: Workflow | None) -> None:
        """Mirror `workflow` instead of the current one (None leaves the canvas empty)."""
        self._subscription.release()
        self.cancel_interaction()
        was_empty = self.is_empty()
        self._timer.stop()
        self._running.clear()
        if self._overview.scene() is self:
            self.removeItem(self._overview)  # kept: clear() would delete it
        self.clear()
        self._nodes.clear()
        self._edges.clear()
        self._dangling.clear()
        self._by_name = None
        self.workflow = workflow
        if workflow is not None:
            for spec in workflow.tasks:
                self._add_node(spec)
            for spec in workflow.tasks:
                self._sync_incoming(spec)
            self._subscription.cancel = workflow.subscribe(self._on_change)
        if self.low_detail:
            self.low_detail = False
            self.set_low_detail(True)
        if was_empty != self.is_empty():
            self.emptyChanged.emit(self.is_empty())

    def _on_change(self, change: Change) -> None:
        was_empty = self.is_empty()
        spec = change.spec
        kind = change.kind
        if kind == "task_added" and spec is not None:
            self._by_name = None
            self._add_node(spec)
            self._sync_incoming(spec)
            self._resolve_dangling()
        elif kind == "task_removed" and spec is not None:
            self._remove_node(spec)
        elif kind == "task_renamed":
            self._by_name = None
            self._reresolve()
            node = self._nodes.get(spec)  # type: ignore[arg-type]
            if node is not None:
                node.refresh()
        elif kind == "task_changed" and spec in self._nodes:
            self._nodes[spec].refresh()
        elif kind == "task_moved" and spec in self._nodes:
            self._nodes[spec].setPos(QPointF(*spec.position))
        elif kind.startswith("dependency_") and spec is not None:
            self._sync_incoming(spec)
        if was_empty != self.is_empty():
            self.emptyChanged.emit(self.is_empty())

    def _spec_named(self, name: str) -> TaskSpec | None:
        """The first spec with this name, as `Workflow.task` resolves dependencies."""
        if self._by_name is None:
            self._by_name = {}
            for spec in self.workflow.tasks if self.workflow is not None else ():
                self._by_name.setdefault(spec.name, spec)
        return self._by_name.get(name)

    def _add_node(self, spec: TaskSpec) -> None:
        node = NodeItem(spec)
        self._nodes[spec] = node
        if self.low_detail:
            node.setFlag(_NO_CONTENTS, True)
            self.touch(node.sceneBoundingRect())
        self.addItem(node)

    def _remove_node(self, spec: TaskSpec) -> None:
        node = self._nodes.pop(spec, None)
        if node is None:
            return
        if self._mode is not None:
            self.cancel_interaction()
        for edge in list(node.edges_in):
            self._remove_edge(edge)
        for edge in list(node.edges_out):  # a duplicate name may still be depended on
            self._dangling[edge.dependency] = edge.target.spec
            self._remove_edge(edge)
        self._dangling = {d: s for d, s in self._dangling.items() if s is not spec}
        self._running.discard(node)
        self.touch(node.sceneBoundingRect())
        self.removeItem(node)
        self._by_name = None
        self._resolve_dangling()

    def _add_edge(self, spec: TaskSpec, dep: DependencySpec) -> None:
        upstream = self._spec_named(dep.task)
        if upstream is None or upstream is spec or upstream not in self._nodes:
            self._dangling[dep] = spec
            return
        self._dangling.pop(dep, None)
        edge = EdgeItem(self._nodes[upstream], self._nodes[spec], dep)
        self._edges[dep] = edge
        if self.low_detail:
            edge.setFlag(_NO_CONTENTS, True)
            self.touch(edge.sceneBoundingRect())
        self.addItem(edge)

    def _remove_edge(self, edge: EdgeItem) -> None:
        self.touch(edge.sceneBoundingRect())
        edge.detach()
        self._edges.pop(edge.dependency, None)
        if edge.scene() is self:
            self.removeItem(edge)

    def _sync_incoming(self, spec: TaskSpec) -> None:
        """Make the curves into `spec` match its dependency list."""
        node = self._nodes.get(spec)
        if node is None:
            return
        wanted = spec.dependencies
        keep = set(wanted)
        for edge in list(node.edges_in):
            if edge.dependency not in keep:
                self._remove_edge(edge)
        for dep, owner in list(self._dangling.items()):
            if owner is spec and dep not in keep:
                del self._dangling[dep]
        for dep in wanted:
            if dep not in self._edges:
                self._add_edge(spec, dep)
        self._refresh_labels(spec)

    def _refresh_labels(self, spec: TaskSpec) -> None:
        """Keyword names and positional indices, which shift when siblings change."""
        position = 0
        for dep in spec.dependencies:
            label = ""
            if dep.pass_mode == "keyword":
                label = dep.kwarg
            elif dep.pass_mode == "positional":
                position += 1
                label = f"#{position}"
            edge = self._edges.get(dep)
            if edge is not None:
                edge.set_label(label)

    def _resolve_dangling(self) -> None:
        for dep, spec in list(self._dangling.items()):
            if self._spec_named(dep.task) is not None:
                self._add_edge(spec, dep)

    def _reresolve(self) -> None:
        """After a rename: an edge's upstream name may now mean another card."""
        for edge in list(self._edges.values()):
            if self._spec_named(edge.dependency.task) is not edge.source.spec:
                self._remove_edge(edge)
                self._dangling[edge.dependency] = edge.target.spec
        self._resolve_dangling()

    def sync_positions(self, nodes: Iterable[NodeItem]) -> None:
        """Put cards back where the model says they are."""
        for node in nodes:
            if node.spec in self._nodes:
                node.setPos(QPointF(*node.spec.position))

    # -- level of detail ------------------------------------------------------------
    def set_low_detail(self, low: bool) -> None:
        """Draw everything through one overview layer (the view calls this when zooming)."""
        if low == self.low_detail:
            return
        self.low_detail = low
        for node in self._nodes.values():
            node.setFlag(_NO_CONTENTS, low)
        for edge in self._edges.values():
            edge.setFlag(_NO_CONTENTS, low)
        if low:
            self.addItem(self._overview)
            self.touch(self.items_bounding_rect())
        elif self._overview.scene() is self:
            self.removeItem(self._overview)

    def touch(self, rect: QRectF) -> None:
        """Repaint the overview layer, grown to cover `rect` (a card changed there)."""
        if self.low_detail:
            self._overview.cover(rect)
            self._overview.update()

    # -- reading the canvas -------------------------------------------------------
    def is_empty(self) -> bool:
        return not self._nodes

    def nodes(self) -> Iterator[NodeItem]:
        return iter(list(self._nodes.values()))

    def edges(self) -> Iterator[EdgeItem]:
        return iter(list(self._edges.values()))

    def item_for(self, spec: TaskSpec | str) -> NodeItem | None:
        """The card of a spec (or of the first task with that name)."""
        if isinstance(spec, str):
            found = self._spec_named(spec)
            return self._nodes.get(found) if found is not None else None
        return self._nodes.get(spec)

    def edge_for(self, upstream: str, downstream: str) -> EdgeItem | None:
        target = self._spec_named(downstream)
        if target is None:
            return None
        dep = target.dependency_on(upstream)
        return self._edges.get(dep) if dep is not None else None

    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, NodeItem):
                return item
        return None

    def selected_nodes(self) -> list[NodeItem]:
        return [i for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_tasks(self) -> list[TaskSpec]:
        """Selected specs, in the workflow's order."""
        chosen = {n.spec for n in self.selected_nodes()}
        return [s for s in self._nodes if s in chosen]

    def selected_edges(self) -> list[tuple[str, str]]:
        """Selected dependencies as (upstream, downstream) names."""
        return [i.names for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_tasks(self, tasks: Iterable[TaskSpec | str]) -> None:
        """Select exactly these tasks (names or specs); unknown ones are ignored."""
        items = [self.item_for(t) for t in tasks]
        self.set_selected_items([i for i in items if i is not None])

    def set_selected_items(self, items: Iterable[QGraphicsItem]) -> None:
        """Replace the selection with one `selectionChanged`, not one per item."""
        wanted = set(items)
        current = set(self.selectedItems())
        if wanted == current:
            return
        blocked = self.blockSignals(True)
        try:
            for item in current - wanted:
                item.setSelected(False)
            for item in wanted - current:
                item.setSelected(True)
        finally:
            self.blockSignals(blocked)
        self.selectionChanged.emit()

    def items_bounding_rect(self) -> QRectF:
        """Cards and curves only (no rubber band or other transient items)."""
        rect = QRectF()
        for node in self._nodes.values():
            rect = rect.united(node.sceneBoundingRect())
        for edge in self._edges.values():
            rect = rect.united(edge.sceneBoundingRect())
        return rect

    def drop_position(self, point: QPointF) -> tuple[float, float]:
        """Where a card dropped or quick-added at `point` goes: centred there, on the grid."""
        return snap(point.x() - NODE_WIDTH / 2), snap(point.y() - NODE_HEIGHT / 2)

    # -- connection rules, asked by the connect gesture ---------------------------
    def connection_refusal(self, upstream: str, downstream: str) -> str | None:
        """Why the model would refuse upstream -> downstream, for the status bar."""
        if upstream == downstream:
            return f"Refused: {upstream} cannot depend on itself"
        target = self._spec_named(downstream)
        if target is not None and target.dependency_on(upstream) is not None:
            return f"Refused: {downstream} already depends on {upstream}"
        cycle = self.workflow.would_create_cycle(upstream, downstream) if self.workflow else None
        if cycle:
            return f"Refused: {' -> '.join(cycle)} would be a cycle"
        return None

    def connection_blockers(self, name: str, *, forward: bool) -> set[str]:
        """Every task that cannot be the other end of a drag from `name`.

        One graph walk instead of a cycle check per card, so highlighting the
        possible ends stays instant on large workflows.
        """
        if self.workflow is None:
            return {name}
        graph = self.workflow.graph()
        if name not in graph:
            return {name}
        if forward:  # name -> X closes a cycle when X already reaches name
            return {name} | nx.ancestors(graph, name) | set(graph.successors(name))
        return {name} | nx.descendants(graph, name) | set(graph.predecessors(name))

    # -- run status -------------------------------------------------------------------
    def set_task_status(self, name: str, status: str, detail: str = "") -> None:
        """Paint a run status ("pending", "running", "success", ... or "" to clear)."""
        node = self.item_for(name)
        if node is None:
            return
        node.set_status(status, detail)
        if node.status == "running":
            self._running.add(node)
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._running.discard(node)
            if not self._running:
                self._timer.stop()

    def set_task_problem(self, name: str, message: str = "") -> None:
        """Show a task as a red placeholder (an unresolved callable); "" clears it."""
        node = self.item_for(name)
        if node is not None:
            node.set_problem(message)

    def clear_statuses(self) -> None:
        self._timer.stop()
        self._running.clear()
        for node in self._nodes.values():
            if node.status or node.detail:
                node.set_status("")

    def _animate(self) -> None:
        for node in self._running:
            node.advance()

    # -- gestures -----------------------------------------------------------------
    def cancel_interaction(self) -> None:
        """Abandon the gesture in progress (Escape, or the model changed under it)."""
        mode, self._mode = self._mode, None
        if mode is not None:
            mode.cancel()
            self.statusMessage.emit("")

    def _top_item(self, pos: QPointF) -> QGraphicsItem | None:
        for item in self.items(pos, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, NodeItem | EdgeItem):
                return item
        return None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._mode is not None:
            super().mousePressEvent(event)
            return
        item = self._top_item(event.scenePos())
        if isinstance(item, NodeItem):
            port = item.port_at(item.mapFromScene(event.scenePos()))
            if port is not None and self.workflow is not None:
                self._mode = ConnectInteraction(self, item, port)
            else:
                self._mode = MoveInteraction(self, item, event)
            event.accept()
        elif isinstance(item, EdgeItem):
            super().mousePressEvent(event)  # Qt's own click and Ctrl-click selection
        else:
            self._mode = RubberBandInteraction(self, event)
            event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._mode is not None:
            self._mode.move(event)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._mode is not None and event.button() == Qt.MouseButton.LeftButton:
            mode, self._mode = self._mode, None
            mode.release(event)
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        item = self._top_item(event.scenePos())
        if isinstance(item, NodeItem):
            if item.port_at(item.mapFromScene(event.scenePos())) is None:
                self.taskActivated.emit(item.spec)
        elif item is None:
            self.quickAddRequested.emit(event.scenePos())
        else:
            super().mouseDoubleClickEvent(event)
        event.accept()

    # -- drops from the palette ----------------------------------------------------
    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(CALLABLE_MIME))

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(event.mimeData().hasFormat(CALLABLE_MIME))

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        data = event.mimeData()
        if not data.hasFormat(CALLABLE_MIME):
            event.ignore()
            return
        reference = bytes(data.data(CALLABLE_MIME)).decode("utf-8").strip()
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if reference:
            self.callableDropped.emit(reference, event.scenePos())
