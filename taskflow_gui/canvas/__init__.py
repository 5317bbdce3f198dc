"""The node-editor canvas: a scene that mirrors a `Workflow` and the view that shows it."""

from taskflow_gui.canvas.edge_item import EdgeItem
from taskflow_gui.canvas.export import export_png, export_svg
from taskflow_gui.canvas.layout import layered_layout
from taskflow_gui.canvas.node_item import GRID_SIZE, LOD_THRESHOLD, NodeItem
from taskflow_gui.canvas.scene import CALLABLE_MIME, WorkflowScene
from taskflow_gui.canvas.view import WorkflowView

__all__ = [
    "CALLABLE_MIME",
    "GRID_SIZE",
    "LOD_THRESHOLD",
    "EdgeItem",
    "NodeItem",
    "WorkflowScene",
    "WorkflowView",
    "export_png",
    "export_svg",
    "layered_layout",
]
