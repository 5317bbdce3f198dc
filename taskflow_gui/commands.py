"""Undo commands: every edit of a workflow, as one step on the QUndoStack.

Commands call `Workflow` methods and nothing else; the model notifies and the
views redraw. A command is applied once before it is pushed (`Document.push`),
so a change the model refuses raises `WorkflowError` and never reaches the
stack; a command made of several model calls rolls back what it did when a
later call fails, so every step is all-or-nothing.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
from PySide6.QtGui import QUndoCommand
from taskflow_core.workflow import DependencySpec, RemovedTask, TaskSpec, Workflow

Point = tuple[float, float]
Edge = tuple[str, TaskSpec, str, str]
"""(upstream name, downstream spec, pass mode, keyword) of one dependency."""

MOVE_MERGE_SECONDS = 0.6
"""Consecutive moves of the same tasks closer together than this are one undo step."""


class ModelCommand(QUndoCommand):
    """A command whose first redo has already happened when it is pushed.

    Subclasses implement `apply` and `revert`, each a short list of model
    calls; `steps` helps them undo a partly applied list on failure.
    """

    def __init__(self, workflow: Workflow, text: str) -> None:
        super().__init__(text)
        self.workflow = workflow
        self._applied = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def execute(self) -> None:
        """Apply now (raising `WorkflowError` if refused); the stack's first redo is skipped."""
        self.apply()
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.apply()

    def undo(self) -> None:
        self.revert()


def run_steps(steps: Iterable[tuple[Callable[[], Any], Callable[[], Any]]]) -> None:
    """Run (do, undo) pairs in order; if one fails, undo the done ones and re-raise."""
    done: list[Callable[[], Any]] = []
    try:
        for do, undo in steps:
            do()
            done.append(undo)
    except Exception:
        for undo in reversed(done):
            undo()
        raise


def internal_edges(specs: Sequence[TaskSpec]) -> list[Edge]:
    """The dependencies among `specs` (edges from tasks outside the set are left out)."""
    names = {s.name for s in specs}
    return [
        (d.task, s, d.pass_mode, d.kwarg)
        for s in specs
        for d in s.dependencies
        if d.task in names and d.task != s.name
    ]


class AddTasks(ModelCommand):
    """Add tasks, then the edges among them; the paste, drop and quick-add step.

    The specs are added without dependencies and the edges connected after, so
    the model (and the scene) never sees an edge to a task that is not there yet.
    """

    def __init__(
        self,
        workflow: Workflow,
        specs: Sequence[TaskSpec],
        edges: Sequence[Edge] = (),
        text: str = "",
    ) -> None:
        if not text:
            text = f"Add {specs[0].name}" if len(specs) == 1 else f"Add {len(specs)} tasks"
        super().__init__(workflow, text)
        self.specs = list(specs)
        self.edges = list(edges)
        for spec in self.specs:
            spec.dependencies = []

    def apply(self) -> None:
        wf = self.workflow

        def add(spec: TaskSpec) -> tuple[Callable[[], Any], Callable[[], Any]]:
            return (lambda: wf.add_task(spec), lambda: wf.remove_task(spec))

        def link(edge: Edge) -> tuple[Callable[[], Any], Callable[[], Any]]:
            up, down, mode, kwarg = edge
            return (lambda: wf.connect(up, down, mode, kwarg), lambda: wf.disconnect(up, down))

        run_steps([*(add(s) for s in self.specs), *(link(e) for e in self.edges)])

    def revert(self) -> None:
        for up, down, _, _ in reversed(self.edges):
            self.workflow.disconnect(up, down)
        for spec in reversed(self.specs):
            self.workflow.remove_task(spec)


class Paste(AddTasks):
    """Pasted or duplicated tasks with their internal edges: one step."""

    def __init__(self, workflow: Workflow, specs: Sequence[TaskSpec], text: str = "") -> None:
        super().__init__(workflow, specs, internal_edges(specs), text or _count(specs, "Paste"))


class RemoveTasks(ModelCommand):
    """Delete tasks (with every edge that touches them) and loose edges, exactly undoable.

    Tasks are removed upstream first: each removal then takes its outgoing
    edges along and `restore_task` puts them back at their old indexes.
    """

    def __init__(
        self,
        workflow: Workflow,
        specs: Sequence[TaskSpec],
        edges: Sequence[tuple[str, TaskSpec]] = (),
        text: str = "",
    ) -> None:
        count = len(specs) + len(edges)
        if not text:
            if len(specs) == 1 and not edges:
                text = f"Delete {specs[0].name}"
            else:
                text = f"Delete {count} items"
        super().__init__(workflow, text)
        self.specs = _upstream_first(workflow, specs)
        removed_names = {s.name for s in specs}
        self.edges = [
            (up, down)
            for up, down in edges
            if up not in removed_names and not any(down is s for s in specs)
        ]
        self._removed: list[RemovedTask] = []
        self._unlinked: list[tuple[str, TaskSpec, int, DependencySpec]] = []

    def apply(self) -> None:
        self._removed, self._unlinked = [], []
        try:
            for up, down in self.edges:
                index, dep = self.workflow.disconnect(up, down)
                self._unlinked.append((up, down, index, dep))
            for spec in self.specs:
                self._removed.append(self.workflow.remove_task(spec))
        except Exception:
            self.revert()
            raise

    def revert(self) -> None:
        for removed in reversed(self._removed):
            self.workflow.restore_task(removed)
        for up, down, index, dep in reversed(self._unlinked):
            _reconnect(self.workflow, up, down, index, dep)
        self._removed, self._unlinked = [], []


class RenameTask(ModelCommand):
    def __init__(self, workflow: Workflow, spec: TaskSpec, new_name: str) -> None:
        super().__init__(workflow, f"Rename {spec.name} to {new_name}")
        self.spec = spec
        self.old_name = spec.name
        self.new_name = new_name

    def apply(self) -> None:
        self.workflow.rename_task(self.spec, self.new_name)

    def revert(self) -> None:
        self.workflow.rename_task(self.spec, self.old_name)


class SetField(ModelCommand):
    """Change one task field (callable, args, kwargs, log path, timeout, ...)."""

    def __init__(self, workflow: Workflow, spec: TaskSpec, field: str, value: Any) -> None:
        super().__init__(workflow, f"Change {field.replace('_', ' ')} of {spec.name}")
        self.spec = spec
        self.field = field
        self.old = copy.deepcopy(getattr(spec, field))
        self.new = value

    def apply(self) -> None:
        self.workflow.set_field(self.spec, self.field, copy.deepcopy(self.new))

    def revert(self) -> None:
        self.workflow.set_field(self.spec, self.field, copy.deepcopy(self.old))


class MoveTasks(ModelCommand):
    """Tasks moved by one drag (or one auto-layout); quick repeats of the same set merge."""

    ID = 1001

    def __init__(
        self,
        workflow: Workflow,
        moves: Mapping[TaskSpec, tuple[Point, Point]],
        text: str = "",
        *,
        merge: bool = True,
    ) -> None:
        if not text:
            names = [s.name for s in moves]
            text = f"Move {names[0]}" if len(names) == 1 else f"Move {len(names)} tasks"
        super().__init__(workflow, text)
        self.moves = {s: (tuple(old), tuple(new)) for s, (old, new) in moves.items()}
        self.mergeable = merge
        self.stamp = time.monotonic()

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveTasks) or not (self.mergeable and other.mergeable):
            return False
        if set(map(id, other.moves)) != set(map(id, self.moves)):
            return False
        if other.stamp - self.stamp > MOVE_MERGE_SECONDS:
            return False
        for spec, (_, new) in other.moves.items():
            self.moves[spec] = (self.moves[spec][0], new)
        self.stamp = other.stamp
        return True

    def apply(self) -> None:
        for spec, (_, new) in self.moves.items():
            self.workflow.move_task(spec, new)

    def revert(self) -> None:
        for spec, (old, _) in self.moves.items():
            self.workflow.move_task(spec, old)


class AutoLayout(MoveTasks):
    """Every task to its laid-out position in one step (never merged with drags)."""

    def __init__(self, workflow: Workflow, positions: Mapping[TaskSpec, Point]) -> None:
        moves = {
            spec: (tuple(spec.position), (float(x), float(y)))
            for spec, (x, y) in positions.items()
            if tuple(spec.position) != (float(x), float(y))
        }
        super().__init__(workflow, moves, "Auto layout", merge=False)


class Connect(ModelCommand):
    def __init__(
        self,
        workflow: Workflow,
        upstream: str,
        downstream: TaskSpec,
        pass_mode: str = "none",
        kwarg: str = "",
    ) -> None:
        super().__init__(workflow, f"Connect {upstream} → {downstream.name}")
        self.upstream = upstream
        self.downstream = downstream
        self.pass_mode = pass_mode
        self.kwarg = kwarg

    def apply(self) -> None:
        self.workflow.connect(self.upstream, self.downstream, self.pass_mode, self.kwarg)

    def revert(self) -> None:
        self.workflow.disconnect(self.upstream, self.downstream)


class Disconnect(ModelCommand):
    def __init__(self, workflow: Workflow, upstream: str, downstream: TaskSpec) -> None:
        super().__init__(workflow, f"Disconnect {upstream} → {downstream.name}")
        self.upstream = upstream
        self.downstream = downstream
        self._removed: tuple[int, DependencySpec] | None = None

    def apply(self) -> None:
        self._removed = self.workflow.disconnect(self.upstream, self.downstream)

    def revert(self) -> None:
        assert self._removed is not None
        index, dep = self._removed
        _reconnect(self.workflow, self.upstream, self.downstream, index, dep)


class SetDependency(ModelCommand):
    """Change how an edge passes the upstream result (none, positional, keyword)."""

    def __init__(
        self, workflow: Workflow, upstream: str, downstream: TaskSpec, pass_mode: str, kwarg: str
    ) -> None:
        super().__init__(workflow, f"Change binding {upstream} → {downstream.name}")
        dep = downstream.dependency_on(upstream)
        self.upstream = upstream
        self.downstream = downstream
        self.old = (dep.pass_mode, dep.kwarg) if dep else ("none", "")
        self.new = (pass_mode, kwarg)

    def apply(self) -> None:
        self.workflow.set_dependency(self.upstream, self.downstream, *self.new)

    def revert(self) -> None:
        self.workflow.set_dependency(self.upstream, self.downstream, *self.old)


class SetProperties(ModelCommand):
    """Change some of the workflow's own settings (`Workflow.set_properties` keywords);
    undo puts back the values they had."""

    def __init__(self, workflow: Workflow, text: str, **new: Any) -> None:
        super().__init__(workflow, text)
        self.new = new
        self.old = {key: _copied(getattr(workflow, key)) for key in new}

    def changes_anything(self) -> bool:
        """False when applying would leave the project as it is (push nothing then)."""
        return self.new != self.old

    def apply(self) -> None:
        self.workflow.set_properties(**self.new)

    def revert(self) -> None:
        self.workflow.set_properties(**self.old)


class SetPythonPaths(SetProperties):
    """Change where the project's modules are looked for (the palette rescans)."""

    def __init__(self, workflow: Workflow, paths: Sequence[str]) -> None:
        super().__init__(workflow, "Change Python paths", python_paths=list(paths))


class SetExecutor(SetProperties):
    """Choose where the project's runs execute (saved in the project file)."""

    def __init__(self, workflow: Workflow, executor: str, dask_address: str | None = None) -> None:
        address = workflow.dask_address if dask_address is None else dask_address.strip()
        text = "Set Dask scheduler" if address != workflow.dask_address else f"Run on {executor}"
        super().__init__(workflow, text, executor=executor, dask_address=address)


class SetProjectSettings(SetProperties):
    """Project Settings… as one step: name, python paths and executor change together,
    so one undo puts back everything the dialog changed."""

    def __init__(
        self,
        workflow: Workflow,
        *,
        name: str,
        python_paths: Sequence[str],
        executor: str,
        dask_address: str,
    ) -> None:
        super().__init__(
            workflow,
            "Change project settings",
            name=name,
            python_paths=[str(p) for p in python_paths],
            executor=executor,
            dask_address=dask_address.strip(),
        )


def _copied(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def _count(specs: Sequence[TaskSpec], verb: str) -> str:
    return f"{verb} {specs[0].name}" if len(specs) == 1 else f"{verb} {len(specs)} tasks"


def _reconnect(
    workflow: Workflow, upstream: str, downstream: TaskSpec, index: int, dep: DependencySpec
) -> None:
    restored = workflow.connect(upstream, downstream, dep.pass_mode, dep.kwarg, index=index)
    restored.extra = dict(dep.extra)


def _upstream_first(workflow: Workflow, specs: Sequence[TaskSpec]) -> list[TaskSpec]:
    """`specs` in dependency order where the graph allows it, else as given."""
    try:
        order = {name: i for i, name in enumerate(nx.topological_sort(workflow.graph()))}
    except nx.NetworkXUnfeasible:
        return list(specs)
    return sorted(specs, key=lambda s: order.get(s.name, len(order)))
