"""The ready queue: which tasks may start now, in O(V+E) for a whole run.

Each task keeps a count of upstream tasks that have not finished; a finished
task decrements its dependants' counts once, and a failure marks its pending
descendants skipped once. Ready tasks wait in a heap keyed by a priority that
the run chooses (input position for sequential runs).

Not thread-safe by itself: the run holds its lock around every call. It knows
nothing about threads or how a task is executed.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from taskflow_core.graph import Graph

__all__ = ["DONE", "PENDING", "READY", "RUNNING", "ReadyQueue", "parallel_keys", "sequential_keys"]

PENDING, READY, RUNNING, DONE = 0, 1, 2, 3


def sequential_keys(graph: Graph) -> list[int]:
    """Input order among ready tasks: a stable topological order."""
    return list(range(len(graph)))


def parallel_keys(graph: Graph) -> list[int]:
    """Longest remaining chain first (then input order), which keeps workers busy
    towards the end of a run; encoded as one int so the heap compares ints."""
    n = len(graph)
    top = max(graph.height, default=0)
    return [(top - h) * n + i for i, h in enumerate(graph.height)]


class ReadyQueue:
    """Dependency counts and the heap of tasks that may start."""

    __slots__ = ("downstream", "heap", "key", "n", "state", "waiting")

    def __init__(self, graph: Graph, keys: list[int], done: Iterable[int] = ()) -> None:
        n = self.n = len(graph)
        self.downstream = graph.downstream
        self.key = keys
        self.waiting = [len(up) for up in graph.upstream]
        self.state = bytearray(n)
        for i in done:
            self.state[i] = DONE
            for j in self.downstream[i]:
                self.waiting[j] -= 1
        waiting, state = self.waiting, self.state
        ready = [i for i in range(n) if not waiting[i] and state[i] == PENDING]
        for i in ready:
            state[i] = READY
        self.heap = [keys[i] for i in ready]
        heapq.heapify(self.heap)

    def __len__(self) -> int:
        """How many tasks are ready and not yet taken."""
        return len(self.heap)

    def pop(self) -> int:
        """Take the highest-priority ready task, or -1 when none is ready."""
        if not self.heap:
            return -1
        i = heapq.heappop(self.heap) % self.n
        self.state[i] = RUNNING
        return i

    def succeeded(self, i: int) -> int:
        """Record a success; returns how many tasks became ready."""
        self.state[i] = DONE
        waiting, state, heap, key = self.waiting, self.state, self.heap, self.key
        count = 0
        for j in self.downstream[i]:
            w = waiting[j] = waiting[j] - 1
            if not w and state[j] == PENDING:
                state[j] = READY
                heapq.heappush(heap, key[j])
                count += 1
        return count

    def failed(self, i: int) -> list[int]:
        """Record a failure; returns the descendants that must now be skipped.

        The walk stops at finished tasks: their own descendants were either
        skipped already or depend only on tasks that succeeded.
        """
        state, downstream = self.state, self.downstream
        state[i] = DONE
        skipped = []
        stack = [i]
        while stack:
            for j in downstream[stack.pop()]:
                if state[j] != DONE:
                    state[j] = DONE
                    skipped.append(j)
                    stack.append(j)
        return skipped

    def finish(self, i: int) -> None:
        """Record an end that neither releases nor skips dependants (cancellation)."""
        self.state[i] = DONE

    def cancel_waiting(self) -> list[int]:
        """Close every task that has not started; returns them."""
        state = self.state
        closed = [i for i in range(self.n) if state[i] in (PENDING, READY)]
        for i in closed:
            state[i] = DONE
        self.heap.clear()
        return closed
