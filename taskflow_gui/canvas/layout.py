"""Auto-layout: tasks in left-to-right layers by topological generation.

Qt-free so the command line and tests can use it, and so applying it stays an
ordinary (undoable) move of task positions. Sources are pulled next to their
first consumer so they do not pile up in one tall first column. Within a layer, tasks are ordered
by the barycentre of their neighbours, a cheap pass that removes most
crossings in the pipelines people draw.
"""

from __future__ import annotations

import networkx as nx
from taskflow_core.workflow import TaskSpec, Workflow

LAYER_GAP = 280.0
"""Horizontal distance between layers: a 200-wide card and a channel for curves and labels."""
ROW_GAP = 120.0
"""Vertical distance between cards in a layer (a card is 56 high); a grid multiple."""


def _graph(specs: list[TaskSpec]) -> nx.DiGraph:
    """Edges between spec indices; dangling and self dependencies are left out."""
    first: dict[str, int] = {}
    for i, spec in enumerate(specs):
        first.setdefault(spec.name, i)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(specs)))
    for i, spec in enumerate(specs):
        for dep in spec.dependencies:
            up = first.get(dep.task)
            if up is not None and up != i:
                graph.add_edge(up, i)
    return graph


def _generations(dag: nx.DiGraph) -> dict[int, int]:
    """Layer of each node: its topological generation, except that a source sits
    just before its first consumer instead of in a crowded first column."""
    layer = {
        n: k for k, generation in enumerate(nx.topological_generations(dag)) for n in generation
    }
    for node in dag:
        successors = list(dag.successors(node))
        if dag.in_degree(node) == 0 and successors:
            layer[node] = min(layer[s] for s in successors) - 1
    return layer


def _layers(graph: nx.DiGraph) -> list[list[int]]:
    """Nodes grouped by layer, in file order; a cycle (from a hand-edited file) shares one."""
    if nx.is_directed_acyclic_graph(graph):
        layer = _generations(graph)
    else:
        condensed = nx.condensation(graph)
        component_layer = _generations(condensed)
        layer = {n: component_layer[c] for n, c in condensed.graph["mapping"].items()}
    grouped: dict[int, list[int]] = {}
    for node in sorted(layer):
        grouped.setdefault(layer[node], []).append(node)
    return [grouped[k] for k in sorted(grouped)]


def _centred(layer: list[int]) -> dict[int, float]:
    offset = (len(layer) - 1) / 2
    return {node: i - offset for i, node in enumerate(layer)}


def _reorder(layers: list[list[int]], neighbours: dict[int, list[int]]) -> None:
    """One barycentre sweep: sort each layer by its neighbours' mean row in the previous one."""
    rows: dict[int, float] = _centred(layers[0])
    for k in range(1, len(layers)):
        layer = layers[k]
        current = _centred(layer)

        def key(node: int, current: dict[int, float] = current) -> float:
            placed = [rows[n] for n in neighbours[node] if n in rows]
            return sum(placed) / len(placed) if placed else current[node]

        layer.sort(key=key)
        rows.update(_centred(layer))


def layered_layout(workflow: Workflow, *, sweeps: int = 2) -> dict[TaskSpec, tuple[float, float]]:
    """A position (card's top-left corner) for every task, layers centred on y = 0."""
    specs = workflow.tasks
    if not specs:
        return {}
    graph = _graph(specs)
    layers = _layers(graph)
    preds = {n: list(graph.predecessors(n)) for n in graph}
    succs = {n: list(graph.successors(n)) for n in graph}
    for _ in range(sweeps):
        _reorder(layers, preds)
        layers.reverse()
        _reorder(layers, succs)
        layers.reverse()
    positions: dict[TaskSpec, tuple[float, float]] = {}
    for k, layer in enumerate(layers):
        for node, row in _centred(layer).items():
            positions[specs[node]] = (k * LAYER_GAP, row * ROW_GAP)
    return positions
