"""A validated, frozen snapshot of a task list: indices, edges and orders.

`Process` builds one on construction; every run reuses it, so validation and
the O(V+E) preparations are paid once. Names and dependencies are read here;
what a task calls and with which arguments is read when it runs.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from taskflow_core.errors import CircularDependencyError, DependencyNotFoundError

if TYPE_CHECKING:
    from taskflow_core.task import Task, TaskResult

__all__ = ["Binding", "Graph"]

# (upstream node index, or the upstream result itself for a standalone task run,
#  passed positionally?, keyword name or None)
Binding = tuple[Any, bool, str | None]


class Graph:
    """Tasks in input order plus the edge lists the scheduler walks."""

    __slots__ = (
        "bindings",
        "downstream",
        "external",
        "height",
        "index",
        "names",
        "order",
        "tasks",
        "upstream",
    )

    def __init__(self, tasks: list[Task], *, check: bool = True) -> None:
        from taskflow_core.task import Task

        if check:
            if not isinstance(tasks, list):
                raise TypeError(f"tasks must be list. Got {type(tasks)}")
            for task in tasks:
                if not isinstance(task, Task):
                    raise TypeError(f"task must be Task. Got {type(task)}")
                task.validate()
        self.tasks = list(tasks)
        self.names = [t.name for t in self.tasks]
        self.external = False
        index: dict[str, int] = {}
        for i, name in enumerate(self.names):
            if name in index:
                raise ValueError(f"Duplicate task name: {name}")
            index[name] = i
        self.index = index
        n = len(self.tasks)
        upstream: list[tuple[int, ...]] = []
        downstream: list[list[int]] = [[] for _ in range(n)]
        bindings: list[tuple[Binding, ...] | None] = []
        for i, task in enumerate(self.tasks):
            ups = []
            binds = []
            for dep in task.dependencies:
                j = index.get(dep.task_name)
                if j is None:
                    raise DependencyNotFoundError(
                        f"Task {task.name} depends on missing task: {dep.task_name}"
                    )
                ups.append(j)
                downstream[j].append(i)
                kw = dep.additional_kwarg_name if dep.use_result_as_additional_kwargs else None
                if dep.use_result_as_additional_args or kw is not None:
                    binds.append((j, dep.use_result_as_additional_args, kw))
            upstream.append(tuple(ups))
            bindings.append(tuple(binds) if binds else None)
        self.upstream = upstream
        self.downstream = downstream
        self.bindings = bindings
        self.order = self._stable_order()
        self.height = self._heights()

    @classmethod
    def single(cls, task: Task, upstream_results: dict[str, TaskResult]) -> Graph:
        """A one-task graph for `Task.run()`: dependencies are not run, only their
        given results (if any) are passed on as 1.x did with `executing_process`."""
        graph = cls.__new__(cls)
        graph.tasks = [task]
        graph.names = [task.name]
        graph.index = {task.name: 0}
        graph.upstream = [()]
        graph.downstream = [[]]
        binds = []
        for dep in task.dependencies:
            found = upstream_results.get(dep.task_name)
            if found is None:
                continue
            kw = dep.additional_kwarg_name if dep.use_result_as_additional_kwargs else None
            if dep.use_result_as_additional_args or kw is not None:
                binds.append((found.result, dep.use_result_as_additional_args, kw))
        graph.bindings = [tuple(binds) if binds else None]
        graph.external = True
        graph.order = [0]
        graph.height = [1]
        return graph

    def __len__(self) -> int:
        return len(self.tasks)

    def _stable_order(self) -> list[int]:
        """Kahn's algorithm taking, among ready tasks, the one listed first."""
        n = len(self.tasks)
        waiting = [len(u) for u in self.upstream]
        heap = [i for i in range(n) if not waiting[i]]
        order = []
        downstream = self.downstream
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            i = pop(heap)
            order.append(i)
            for j in downstream[i]:
                waiting[j] -= 1
                if not waiting[j]:
                    push(heap, j)
        if len(order) != n:
            raise CircularDependencyError(
                f"Circular dependency detected. {self._describe_cycle(waiting)}"
            )
        return order

    def _describe_cycle(self, waiting: list[int]) -> str:
        """Name one cycle among the tasks Kahn's algorithm could not order."""
        import networkx as nx

        # Every unordered task waits on an unordered upstream task, so walking
        # upstream from any of them must run into a cycle.
        stuck = [i for i, w in enumerate(waiting) if w]
        g = nx.DiGraph()
        g.add_nodes_from(stuck)
        for i in stuck:
            g.add_edges_from((i, j) for j in self.upstream[i] if waiting[j])
        edges = nx.find_cycle(g, source=stuck[0])
        cycle = [u for u, _ in edges][::-1]  # upstream -> downstream, as tasks would run
        first = cycle.index(min(cycle))
        cycle = cycle[first:] + cycle[:first]
        return " -> ".join(self.names[i] for i in [*cycle, cycle[0]])

    def _heights(self) -> list[int]:
        """Tasks on the longest chain from each task to the end (itself included)."""
        height = [1] * len(self.tasks)
        downstream = self.downstream
        for i in reversed(self.order):
            below = downstream[i]
            if below:
                height[i] = 1 + max(height[j] for j in below)
        return height

    def descendants(self, i: int) -> list[int]:
        """Every task downstream of `i`, transitively, in topological order."""
        seen = {i}
        stack = [i]
        downstream = self.downstream
        while stack:
            for j in downstream[stack.pop()]:
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        seen.discard(i)
        return [k for k in self.order if k in seen]
