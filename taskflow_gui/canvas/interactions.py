"""Mouse modes of the canvas, one small state object per gesture.

A press picks the mode (connect from a port, move a card, rubber band on empty
canvas); moves and the release go to that mode until it ends. Modes only
change graphics items and emit the scene's signals: the model is edited by
whoever listens, and its notifications bring the items back in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainterPath, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
)

from taskflow_gui.canvas.edge_item import RubberEdge
from taskflow_gui.canvas.node_item import ACCENT, ACCENT_SOFT, NodeItem, snap

if TYPE_CHECKING:
    from taskflow_gui.canvas.scene import WorkflowScene

_SELECTION_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.MetaModifier
)


class Interaction:
    """A gesture in progress: receives the moves and the release that follow a press."""

    def __init__(self, scene: WorkflowScene) -> None:
        self.scene = scene

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Follow the cursor."""

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        """Finish the gesture (and emit what it asks for)."""
        self.cancel()

    def cancel(self) -> None:
        """Undo any visual side effect; emit nothing."""


def _dragged_far_enough(event: QGraphicsSceneMouseEvent) -> bool:
    """Past the platform's drag distance on screen, so a click never moves a card."""
    moved = event.screenPos() - event.buttonDownScreenPos(Qt.MouseButton.LeftButton)
    return moved.manhattanLength() >= QApplication.startDragDistance()


class ConnectInteraction(Interaction):
    """Drag from a port to another card's opposite port to ask for a dependency.

    Dragging from an output port looks for a downstream task, from an input
    port for an upstream one. Possible ends are highlighted up front; an end
    the model would refuse turns red and its reason goes to the status bar.
    """

    def __init__(self, scene: WorkflowScene, node: NodeItem, port: str) -> None:
        super().__init__(scene)
        self.node = node
        self.port = port
        self.forward = port == "out"
        self.far_port = "in" if self.forward else "out"
        self.target: NodeItem | None = None
        self.refusal: str | None = None
        self._candidates: list[NodeItem] = []
        self.rubber = RubberEdge(node.port_pos(port), self.forward)
        scene.addItem(self.rubber)
        node.set_port_state(port, "source")
        blocked = scene.connection_blockers(node.spec.name, forward=self.forward)
        for other in scene.nodes():
            if other is not node and other.spec.name not in blocked:
                other.set_port_state(self.far_port, "valid")
                self._candidates.append(other)

    def ends(self, other: NodeItem) -> tuple[str, str]:
        """(upstream, downstream) names if the drag ended on `other`."""
        if self.forward:
            return self.node.spec.name, other.spec.name
        return other.spec.name, self.node.spec.name

    def _target_at(self, pos: QPointF) -> NodeItem | None:
        other = self.scene.node_at(pos)
        if other is self.node and other.port_at(other.mapFromScene(pos)) != self.far_port:
            return None  # still over the card the drag started from
        return other

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        pos = event.scenePos()
        target = self._target_at(pos)
        if target is not self.target:
            self._leave_target()
            self.target = target
            if target is not None:
                self.refusal = self.scene.connection_refusal(*self.ends(target))
                if self.refusal:
                    target.set_port_state(self.far_port, "invalid")
                    self.scene.statusMessage.emit(self.refusal)
                else:
                    up, down = self.ends(target)
                    self.scene.statusMessage.emit(f"Release to connect {up} -> {down}")
            else:
                self.scene.statusMessage.emit("")
        end = pos
        if self.target is not None and not self.refusal:
            end = self.target.port_pos(self.far_port)
        self.rubber.set_end(end, self.target is None or not self.refusal)

    def _leave_target(self) -> None:
        if self.target is not None:
            state = "valid" if self.target in self._candidates else None
            self.target.set_port_state(self.far_port, state)
        self.target = None
        self.refusal = None

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        self.move(event)
        target, refusal = self.target, self.refusal
        self.cancel()
        if target is None:
            self.scene.statusMessage.emit("")
        elif refusal:
            self.scene.statusMessage.emit(refusal)
        else:
            self.scene.connectRequested.emit(*self.ends(target))

    def cancel(self) -> None:
        self._leave_target()
        for other in self._candidates:
            other.set_port_state(self.far_port, None)
        self._candidates = []
        self.node.set_port_state(self.port, None)
        if self.rubber.scene() is not None:
            self.scene.removeItem(self.rubber)


class MoveInteraction(Interaction):
    """Press on a card: select it, and drag the selection along the grid.

    The model hears of the move once, on release, through `tasksMoved`; the
    cards then take their positions from the model again, so a move nobody
    applies springs back instead of leaving the canvas out of step.
    """

    def __init__(
        self, scene: WorkflowScene, node: NodeItem, event: QGraphicsSceneMouseEvent
    ) -> None:
        super().__init__(scene)
        self.node = node
        self.press = event.scenePos()
        self.toggle = bool(event.modifiers() & _SELECTION_MODIFIERS)
        self.was_selected = node.isSelected()
        if self.toggle:
            scene.set_selected_items(
                [i for i in scene.selectedItems() if i is not node]
                if self.was_selected
                else [*scene.selectedItems(), node]
            )
        elif not self.was_selected:
            scene.set_selected_items([node])
        self.start = {n: n.pos() for n in scene.selected_nodes()}
        self.moved = False

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        if not self.start:
            return
        if not self.moved and not _dragged_far_enough(event):
            return
        self.moved = True
        delta = event.scenePos() - self.press
        for node, origin in self.start.items():
            node.setPos(snap(origin.x() + delta.x()), snap(origin.y() + delta.y()))

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        if not self.moved:
            if self.was_selected and not self.toggle:
                self.scene.set_selected_items([self.node])
            return
        moves = {}
        for node in self.start:
            old = tuple(node.spec.position)
            new = (node.x(), node.y())
            if new != old:
                moves[node.spec] = (old, new)
        if moves:
            self.scene.tasksMoved.emit(moves)
        self.scene.sync_positions(self.start)

    def cancel(self) -> None:
        self.scene.sync_positions(self.start)


class RubberBandInteraction(Interaction):
    """Drag on empty canvas to select the cards the rectangle touches.

    With Ctrl (or Shift) the cards are added to the selection already there.
    """

    def __init__(self, scene: WorkflowScene, event: QGraphicsSceneMouseEvent) -> None:
        super().__init__(scene)
        self.press = event.scenePos()
        additive = bool(event.modifiers() & _SELECTION_MODIFIERS)
        self.initial = list(scene.selectedItems()) if additive else []
        if not additive:
            scene.set_selected_items([])
        self.band: QGraphicsRectItem | None = None

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.band is None:
            if not _dragged_far_enough(event):
                return
            self.band = QGraphicsRectItem()
            pen = QPen(ACCENT, 1.0)
            pen.setCosmetic(True)
            self.band.setPen(pen)
            self.band.setBrush(QBrush(ACCENT_SOFT))
            self.band.setZValue(100.0)
            self.scene.addItem(self.band)
        rect = QRectF(self.press, event.scenePos()).normalized()
        self.band.setRect(rect)
        area = QPainterPath()
        area.addRect(rect)
        touched = [
            i
            for i in self.scene.items(area, Qt.ItemSelectionMode.IntersectsItemShape)
            if isinstance(i, NodeItem)
        ]
        self.scene.set_selected_items([*self.initial, *touched])

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        self.cancel()

    def cancel(self) -> None:
        if self.band is not None and self.band.scene() is not None:
            self.scene.removeItem(self.band)
        self.band = None
