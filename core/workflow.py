"""The workflow document: task specs and their dependencies, with no Qt in sight.

The designer, the command line and the tests all edit a workflow through this
model's methods only. Every change is announced to subscribers as a `Change`,
so views (the canvas, the docks) mirror the model instead of holding a copy.
Edits that would break the graph (an invalid or taken name, a cycle) are
refused with a `WorkflowError`; what a file may still contain that is wrong is
reported by `problems()` instead, so a bad project opens and can be repaired.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from taskflow_core.executors import EXECUTORS

PASS_MODES = ("none", "positional", "keyword")
"""How an upstream result reaches a task: order only, appended to args, or as a keyword."""

TASK_FIELDS = (
    "callable",
    "args",
    "kwargs",
    "log_path",
    "timeout",
    "retries",
    "retry_delay",
    "position",
    "notes",
)
"""Fields `set_field` accepts (renames go through `rename_task`)."""

_WHITESPACE = re.compile(r"\s")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class WorkflowError(ValueError):
    """An edit the model refuses; the message is meant for the user."""


class CycleError(WorkflowError):
    """A connection refused because it would close a cycle; `cycle` names it."""

    def __init__(self, message: str, cycle: list[str]) -> None:
        super().__init__(message)
        self.cycle = cycle


@dataclass(eq=False)
class DependencySpec:
    """One incoming edge, stored on the downstream task as in the engine."""

    task: str
    pass_mode: str = "none"
    kwarg: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> DependencySpec:
        return DependencySpec(self.task, self.pass_mode, self.kwarg, dict(self.extra))


@dataclass(eq=False)
class TaskSpec:
    """A task as the user designs it; `callable` is a "module:qualname" reference.

    Compared by identity (``eq=False``) so views can key items by the spec
    itself, which stays valid across renames and tolerates duplicate names
    loaded from a hand-edited file.
    """

    name: str
    callable: str = ""
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    log_path: str = ""
    timeout: float | None = None
    retries: int = 0
    retry_delay: float = 0.0
    position: tuple[float, float] = (0.0, 0.0)
    notes: str = ""
    dependencies: list[DependencySpec] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.log_path:
            self.log_path = default_log_path(self.name)

    def copy(self) -> TaskSpec:
        """A deep copy, detached from any workflow (for paste and undo)."""
        return TaskSpec(
            name=self.name,
            callable=self.callable,
            args=json.loads(json.dumps(self.args)),
            kwargs=json.loads(json.dumps(self.kwargs)),
            log_path=self.log_path,
            timeout=self.timeout,
            retries=self.retries,
            retry_delay=self.retry_delay,
            position=tuple(self.position),
            notes=self.notes,
            dependencies=[d.copy() for d in self.dependencies],
            extra=json.loads(json.dumps(self.extra)),
        )

    def dependency_on(self, upstream: str) -> DependencySpec | None:
        return next((d for d in self.dependencies if d.task == upstream), None)


@dataclass(frozen=True)
class Change:
    """What changed, sent to subscribers after the model has changed.

    kind is one of: task_added, task_removed, task_renamed, task_changed
    (`field` says which), task_moved, dependency_added, dependency_removed,
    dependency_changed, workflow_changed (name, python paths or executor).
    For dependency changes `task` is the downstream task and `upstream` the other end.
    """

    kind: str
    spec: TaskSpec | None = None
    task: str = ""
    upstream: str = ""
    old_name: str = ""
    field: str = ""


@dataclass(frozen=True)
class Problem:
    """Something that stops the workflow from running, located for the user."""

    kind: str
    task: str
    message: str

    def __str__(self) -> str:
        where = self.task or "workflow"
        return f"{where}: {self.kind}: {self.message}"


@dataclass
class RemovedTask:
    """Everything `remove_task` took out, so `restore_task` can put it back exactly."""

    spec: TaskSpec
    index: int
    links: list[tuple[TaskSpec, int, DependencySpec]]


def default_log_path(name: str) -> str:
    return f"logs/{name}.log"


def name_error(name: object) -> str | None:
    """Why `name` cannot name a task, or None when it can (the engine's rule)."""
    if not isinstance(name, str) or not name:
        return "A task name cannot be empty."
    if _WHITESPACE.search(name):
        return f"Task name cannot contain spaces. Got {name}"
    return None


class Workflow:
    """An ordered set of task specs plus project settings, observable and acyclic."""

    def __init__(
        self,
        name: str = "Untitled",
        *,
        python_paths: Sequence[str] = (".",),
        executor: str = "threads",
        dask_address: str = "",
        base_dir: Path | str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.python_paths = list(python_paths)
        self.executor = _checked_executor(executor)
        self.dask_address = str(dask_address)
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.extra: dict[str, Any] = dict(extra or {})
        self._tasks: list[TaskSpec] = []
        self._subscribers: list[Callable[[Change], None]] = []
        self._graph: nx.DiGraph | None = None

    @classmethod
    def from_specs(
        cls,
        specs: Iterable[TaskSpec],
        name: str = "Untitled",
        *,
        python_paths: Sequence[str] = (".",),
        executor: str = "threads",
        dask_address: str = "",
        base_dir: Path | str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Workflow:
        """A workflow holding `specs` exactly as given, without the edit-time checks.

        Loaders use this so that a hand-edited file with duplicate names, dangling
        dependencies or a cycle still opens, and `problems()` can point at what to
        repair; editing afterwards goes through the checked methods as usual.
        """
        workflow = cls(
            name,
            python_paths=python_paths,
            executor=executor,
            dask_address=dask_address,
            base_dir=base_dir,
            extra=extra,
        )
        workflow._tasks = list(specs)
        return workflow

    # -- reading -----------------------------------------------------------
    @property
    def tasks(self) -> list[TaskSpec]:
        """The specs in file order (a copy of the list; the specs themselves are live)."""
        return list(self._tasks)

    def __iter__(self) -> Iterator[TaskSpec]:
        return iter(list(self._tasks))

    def __len__(self) -> int:
        return len(self._tasks)

    def __contains__(self, name: object) -> bool:
        return any(t.name == name for t in self._tasks)

    def task(self, ref: TaskSpec | str) -> TaskSpec:
        """The spec for a name (the first, if a file held duplicates) or the spec itself."""
        if isinstance(ref, TaskSpec):
            if any(t is ref for t in self._tasks):
                return ref
            raise WorkflowError(f"Task {ref.name} is not in this workflow.")
        for spec in self._tasks:
            if spec.name == ref:
                return spec
        raise WorkflowError(f"No task named {ref}.")

    def index_of(self, ref: TaskSpec | str) -> int:
        spec = self.task(ref)
        return next(i for i, t in enumerate(self._tasks) if t is spec)

    def downstream_of(self, name: str) -> list[TaskSpec]:
        """Tasks that list `name` among their dependencies, in file order."""
        return [t for t in self._tasks if t.dependency_on(name) is not None]

    def edges(self) -> list[tuple[str, str]]:
        """(upstream, downstream) pairs, in file order."""
        return [(d.task, t.name) for t in self._tasks for d in t.dependencies]

    def graph(self) -> nx.DiGraph:
        """Upstream -> downstream graph of names (dangling dependencies become nodes).

        Cached until the next structural change; treat it as read-only.
        """
        if self._graph is None:
            g = nx.DiGraph()
            g.add_nodes_from(t.name for t in self._tasks)
            g.add_edges_from(self.edges())
            self._graph = g
        return self._graph

    def unique_name(self, base: str) -> str:
        """`base` made valid and unused: spaces become underscores, then _2, _3, ..."""
        base = _WHITESPACE.sub("_", base.strip()) or "task"
        taken = {t.name for t in self._tasks}
        if base not in taken:
            return base
        stem = re.sub(r"_\d+$", "", base)
        n = 2
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def would_create_cycle(self, upstream: str, downstream: str) -> list[str] | None:
        """The cycle that upstream -> downstream would close, as names, or None."""
        if upstream == downstream:
            return [upstream, upstream]
        g = self.graph()
        if downstream not in g or upstream not in g:
            return None
        try:
            path = nx.shortest_path(g, downstream, upstream)
        except nx.NetworkXNoPath:
            return None
        return [upstream, *path]

    def _cycle_through(self, name: str) -> list[str] | None:
        """A cycle passing through `name`, or None; cycles elsewhere (from a file) are ignored."""
        g = self.graph()
        if name not in g:
            return None
        for succ in g.successors(name):
            if succ == name:
                return [name, name]
            try:
                return [name, *nx.shortest_path(g, succ, name)]
            except nx.NetworkXNoPath:
                continue
        return None

    # -- observing ---------------------------------------------------------
    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], None]:
        """Call `callback` after every change; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def _notify(self, change: Change, *, structural: bool = False) -> None:
        if structural:
            self._graph = None
        for callback in list(self._subscribers):
            callback(change)

    # -- editing tasks -----------------------------------------------------
    def add_task(self, spec: TaskSpec, index: int | None = None) -> TaskSpec:
        """Insert a spec (with the dependencies it carries); refuses bad or taken names."""
        if any(t is spec for t in self._tasks):
            raise WorkflowError(f"Task {spec.name} is already in this workflow.")
        self._check_new_name(spec.name)
        position = len(self._tasks) if index is None else max(0, min(index, len(self._tasks)))
        self._tasks.insert(position, spec)
        self._graph = None
        cycle = self._cycle_through(spec.name)
        if cycle:
            self._tasks.remove(spec)
            self._graph = None
            raise CycleError(f"Adding {spec.name} would create a cycle: {_arrow(cycle)}", cycle)
        self._notify(Change("task_added", spec, spec.name), structural=True)
        return spec

    def remove_task(self, ref: TaskSpec | str) -> RemovedTask:
        """Remove a task and every dependency on it; returns what `restore_task` needs."""
        spec = self.task(ref)
        index = self.index_of(spec)
        links: list[tuple[TaskSpec, int, DependencySpec]] = []
        if sum(t.name == spec.name for t in self._tasks) == 1:
            for other in self._tasks:
                for i, dep in enumerate(other.dependencies):
                    if dep.task == spec.name:
                        links.append((other, i, dep))
        for other, _, dep in links:
            other.dependencies.remove(dep)
            self._notify(
                Change("dependency_removed", other, other.name, upstream=spec.name),
                structural=True,
            )
        self._tasks.pop(index)
        self._notify(Change("task_removed", spec, spec.name), structural=True)
        return RemovedTask(spec, index, links)

    def restore_task(self, removed: RemovedTask) -> None:
        """Undo a `remove_task`: the spec back at its index, its incoming edges too."""
        spec = removed.spec
        self._check_new_name(spec.name)
        self._tasks.insert(min(removed.index, len(self._tasks)), spec)
        self._notify(Change("task_added", spec, spec.name), structural=True)
        for other, i, dep in sorted(removed.links, key=lambda link: link[1]):
            other.dependencies.insert(min(i, len(other.dependencies)), dep)
            self._notify(
                Change("dependency_added", other, other.name, upstream=spec.name),
                structural=True,
            )

    def rename_task(self, ref: TaskSpec | str, new_name: str) -> None:
        """Rename, updating every dependency that names the task (and a default log path)."""
        spec = self.task(ref)
        old = spec.name
        if new_name == old:
            return
        self._check_new_name(new_name)
        unique = sum(t.name == old for t in self._tasks) == 1
        spec.name = new_name
        if spec.log_path == default_log_path(old):
            spec.log_path = default_log_path(new_name)
        renamed: list[DependencySpec] = []
        if unique:
            for other in self._tasks:
                for dep in other.dependencies:
                    if dep.task == old:
                        dep.task = new_name
                        renamed.append(dep)
        self._graph = None
        cycle = self._cycle_through(new_name)
        if cycle:
            # A dangling dependency on `new_name` now points at this task and closes a loop.
            spec.name = old
            if spec.log_path == default_log_path(new_name):
                spec.log_path = default_log_path(old)
            for dep in renamed:
                dep.task = old
            self._graph = None
            raise CycleError(
                f"Renaming {old} to {new_name} would create a cycle: {_arrow(cycle)}", cycle
            )
        self._notify(Change("task_renamed", spec, new_name, old_name=old), structural=True)

    def set_field(self, ref: TaskSpec | str, name: str, value: Any) -> None:
        """Set one of `TASK_FIELDS` after checking its type; the inspector's only way in."""
        spec = self.task(ref)
        if name == "position":
            self.move_task(spec, value)
            return
        if name not in TASK_FIELDS:
            raise WorkflowError(f"Unknown task field: {name}")
        value = _checked_field(name, value)
        if getattr(spec, name) == value and type(getattr(spec, name)) is type(value):
            return
        setattr(spec, name, value)
        self._notify(Change("task_changed", spec, spec.name, field=name))

    def move_task(self, ref: TaskSpec | str, position: Sequence[float]) -> None:
        spec = self.task(ref)
        x, y = _checked_field("position", position)
        if (x, y) == tuple(spec.position):
            return
        spec.position = (x, y)
        self._notify(Change("task_moved", spec, spec.name))

    # -- editing dependencies ----------------------------------------------
    def connect(
        self,
        upstream: str,
        downstream: TaskSpec | str,
        pass_mode: str = "none",
        kwarg: str = "",
        index: int | None = None,
    ) -> DependencySpec:
        """Add upstream -> downstream; refuses unknown tasks, duplicates and cycles."""
        target = self.task(downstream)
        self.task(upstream)
        _check_binding(pass_mode, kwarg)
        if target.dependency_on(upstream) is not None:
            raise WorkflowError(f"{target.name} already depends on {upstream}.")
        cycle = self.would_create_cycle(upstream, target.name)
        if cycle:
            raise CycleError(
                f"Connecting {upstream} -> {target.name} would create a cycle: {_arrow(cycle)}",
                cycle,
            )
        dep = DependencySpec(upstream, pass_mode, kwarg if pass_mode == "keyword" else "")
        at = len(target.dependencies) if index is None else index
        target.dependencies.insert(at, dep)
        self._notify(
            Change("dependency_added", target, target.name, upstream=upstream), structural=True
        )
        return dep

    def disconnect(self, upstream: str, downstream: TaskSpec | str) -> tuple[int, DependencySpec]:
        """Remove upstream -> downstream; returns (index, spec) so undo can re-insert it."""
        target = self.task(downstream)
        dep = target.dependency_on(upstream)
        if dep is None:
            raise WorkflowError(f"{target.name} does not depend on {upstream}.")
        index = target.dependencies.index(dep)
        target.dependencies.pop(index)
        self._notify(
            Change("dependency_removed", target, target.name, upstream=upstream), structural=True
        )
        return index, dep

    def set_dependency(
        self, upstream: str, downstream: TaskSpec | str, pass_mode: str, kwarg: str = ""
    ) -> None:
        """Change how an existing edge passes the upstream result."""
        target = self.task(downstream)
        dep = target.dependency_on(upstream)
        if dep is None:
            raise WorkflowError(f"{target.name} does not depend on {upstream}.")
        _check_binding(pass_mode, kwarg)
        kwarg = kwarg if pass_mode == "keyword" else ""
        if (dep.pass_mode, dep.kwarg) == (pass_mode, kwarg):
            return
        dep.pass_mode, dep.kwarg = pass_mode, kwarg
        self._notify(Change("dependency_changed", target, target.name, upstream=upstream))

    def set_properties(
        self,
        *,
        name: str | None = None,
        python_paths: Sequence[str] | None = None,
        executor: str | None = None,
        dask_address: str | None = None,
    ) -> None:
        """Change the workflow's own settings: name, import paths, where it runs."""
        if executor is not None:
            executor = _checked_executor(executor)
        if name is not None:
            self.name = name
        if python_paths is not None:
            self.python_paths = [str(p) for p in python_paths]
        if executor is not None:
            self.executor = executor
        if dask_address is not None:
            self.dask_address = str(dask_address).strip()
        self._notify(Change("workflow_changed"))

    # -- checking and running ----------------------------------------------
    def problems(self, *, resolve: bool = False) -> list[Problem]:
        """Everything that would stop a run, in file order; `resolve` imports callables."""
        found: list[Problem] = []
        counts: dict[str, int] = {}
        for t in self._tasks:
            counts[t.name] = counts.get(t.name, 0) + 1
        reported_duplicates: set[str] = set()
        for t in self._tasks:
            err = name_error(t.name)
            if err:
                found.append(Problem("invalid_name", t.name, err))
            if counts[t.name] > 1 and t.name not in reported_duplicates:
                reported_duplicates.add(t.name)
                found.append(Problem("duplicate_name", t.name, f"Duplicate task name: {t.name}"))
            found.extend(_dependency_problems(t, counts))
            if not t.callable:
                found.append(Problem("no_callable", t.name, "No callable is bound to this task."))
        found.extend(self._cycle_problems())
        if resolve:
            found.extend(self._callable_problems())
        return found

    def _cycle_problems(self) -> list[Problem]:
        g = self.graph()
        problems = []
        for component in nx.strongly_connected_components(g):
            if len(component) < 2:
                continue
            cycle = [u for u, _ in nx.find_cycle(g.subgraph(component))]
            first = cycle[0]
            problems.append(
                Problem("cycle", first, f"Circular dependency detected. {_arrow(cycle)}")
            )
        return problems

    def _callable_problems(self) -> list[Problem]:
        from taskflow_core.resolve import ResolveError

        problems = []
        resolved = self._resolve_all()
        signatures: dict[str, inspect.Signature | None] = {}
        for t in self._tasks:
            if not t.callable:
                continue
            func = resolved[t.callable]
            if isinstance(func, ResolveError):
                problems.append(Problem("unresolved_callable", t.name, str(func)))
                continue
            if t.callable not in signatures:
                signatures[t.callable] = _signature(func)
            mismatch = signature_mismatch(func, t, signature=signatures[t.callable])
            if mismatch:
                problems.append(Problem("signature_mismatch", t.name, mismatch))
        return problems

    def _resolve_all(self) -> dict[str, Any]:
        """Each distinct reference imported once: the callable, or the ResolveError."""
        from taskflow_core.resolve import ResolveError, add_python_paths, resolve_callable

        add_python_paths(self.python_paths, self.base_dir)
        resolved: dict[str, Any] = {}
        for t in self._tasks:
            if t.callable and t.callable not in resolved:
                try:
                    resolved[t.callable] = resolve_callable(t.callable)
                except ResolveError as exc:
                    resolved[t.callable] = exc
        return resolved

    def resolved_path(self, path: str) -> Path:
        """A path from the file, made absolute against the project's folder."""
        p = Path(path).expanduser()
        if p.is_absolute() or self.base_dir is None:
            return p
        return self.base_dir / p

    def to_process(self) -> Any:
        """Engine `Process` for this workflow; resolves (imports) every callable.

        Raises `WorkflowError` listing the problems when the workflow cannot run.
        """
        from taskflow_core import Process, Task, TaskDependency

        problems = self.problems(resolve=True)
        if problems:
            raise WorkflowError("\n".join(str(p) for p in problems))
        resolved = self._resolve_all()
        tasks = []
        for t in self._tasks:
            func = resolved[t.callable]
            deps = [
                TaskDependency(
                    d.task,
                    use_result_as_additional_args=d.pass_mode == "positional",
                    use_result_as_additional_kwargs=d.pass_mode == "keyword",
                    additional_kwarg_name=d.kwarg,
                )
                for d in t.dependencies
            ]
            tasks.append(
                Task(
                    t.name,
                    str(self.resolved_path(t.log_path)),
                    func,
                    args=tuple(t.args),
                    kwargs=dict(t.kwargs),
                    dependencies=deps,
                    timeout=t.timeout,
                    retries=t.retries,
                    retry_delay=t.retry_delay,
                )
            )
        return Process(tasks)

    def _check_new_name(self, name: str) -> None:
        err = name_error(name)
        if err:
            raise WorkflowError(err)
        if name in self:
            raise WorkflowError(f"Duplicate task name: {name}")


def _dependency_problems(t: TaskSpec, known: dict[str, int]) -> list[Problem]:
    """Problems of one task's incoming edges: duplicates, dangling ends, bad bindings."""
    found: list[Problem] = []
    seen: set[str] = set()
    for dep in t.dependencies:
        if dep.task in seen:
            msg = f"Duplicate dependency name: {dep.task}"
            found.append(Problem("duplicate_dependency", t.name, msg))
        seen.add(dep.task)
        if dep.task == t.name:
            found.append(Problem("self_dependency", t.name, f"{t.name} depends on itself."))
        elif dep.task not in known:
            msg = f"Task {t.name} depends on missing task: {dep.task}"
            found.append(Problem("missing_upstream", t.name, msg))
        if dep.pass_mode not in PASS_MODES:
            msg = f"Unknown pass mode {dep.pass_mode!r} for the dependency on {dep.task}."
            found.append(Problem("bad_binding", t.name, msg))
        elif dep.pass_mode == "keyword" and not _IDENTIFIER.match(dep.kwarg or ""):
            msg = f"The result of {dep.task} is passed by keyword but no keyword name is set."
            found.append(Problem("missing_kwarg", t.name, msg))
    return found


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None  # builtins without a signature: nothing to check


_UNSET: Any = object()


def signature_mismatch(
    func: Callable[..., Any], spec: TaskSpec, *, signature: inspect.Signature | None = _UNSET
) -> str | None:
    """Why calling `func` as the engine would for `spec` must fail, or None.

    Upstream results are stand-ins here: only their count and keywords matter.
    `signature` may be passed when already known (many tasks share a callable).
    """
    if signature is _UNSET:
        signature = _signature(func)
    if signature is None:
        return None
    positional = [*spec.args, *(None for d in spec.dependencies if d.pass_mode == "positional")]
    keywords = dict(spec.kwargs)
    for d in spec.dependencies:
        if d.pass_mode == "keyword" and d.kwarg:
            if d.kwarg in keywords:
                return f"Keyword {d.kwarg!r} is set both in kwargs and by dependency {d.task}."
            keywords[d.kwarg] = None
    try:
        signature.bind(*positional, **keywords)
    except TypeError as exc:
        return f"{spec.callable}{signature}: {exc}"
    return None


def _checked_field(name: str, value: Any) -> Any:
    if name == "callable":
        if not isinstance(value, str):
            raise WorkflowError("callable must be a 'module:function' string.")
        return value.strip()
    if name == "args":
        if not isinstance(value, list | tuple):
            raise WorkflowError("args must be a JSON list.")
        return _json_value(list(value), "args")
    if name == "kwargs":
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise WorkflowError("kwargs must be a JSON object.")
        return _json_value(dict(value), "kwargs")
    if name == "log_path":
        if not isinstance(value, str) or not value.strip():
            raise WorkflowError("log_path must be a non-empty path.")
        return value.strip()
    if name == "timeout":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise WorkflowError("timeout must be a positive number of seconds, or empty.")
        return float(value)
    if name == "retries":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise WorkflowError("retries must be a whole number, 0 or more.")
        return value
    if name == "retry_delay":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise WorkflowError("retry_delay must be a number of seconds, 0 or more.")
        return float(value)
    if name == "position":
        try:
            x, y = (float(v) for v in value)
        except (TypeError, ValueError):
            raise WorkflowError("position must be two numbers [x, y].") from None
        return (x, y)
    if name == "notes":
        if not isinstance(value, str):
            raise WorkflowError("notes must be text.")
        return value
    raise WorkflowError(f"Unknown task field: {name}")


def _checked_executor(executor: object) -> str:
    """`executor` when it names one of `EXECUTORS`; a ValueError saying which ones do otherwise."""
    if executor not in EXECUTORS:
        names = ", ".join(f'"{e}"' for e in EXECUTORS)
        raise WorkflowError(f"the executor must be one of {names}, not {executor!r}.")
    return str(executor)


def _json_value(value: Any, what: str) -> Any:
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise WorkflowError(f"{what} must hold JSON values only: {exc}") from None


def _check_binding(pass_mode: str, kwarg: str) -> None:
    if pass_mode not in PASS_MODES:
        raise WorkflowError(f"pass must be one of {', '.join(PASS_MODES)}; got {pass_mode!r}.")
    if pass_mode == "keyword" and not _IDENTIFIER.match(kwarg or ""):
        raise WorkflowError("A keyword dependency needs a valid parameter name.")


def _arrow(cycle: list[str]) -> str:
    names = list(cycle)
    if names[0] != names[-1]:
        names.append(names[0])
    return " -> ".join(names)
