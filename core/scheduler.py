"""The ready queue: which tasks may start now, in O(V+E) for a whole run.

Each task counts down its unfinished upstream tasks; a success ticks its
dependants' counters once, and the dependant whose counter reaches zero is
pushed on a heap of ready tasks keyed by a priority the run chooses (input
position for sequential runs). A failure claims its pending descendants as
skipped, once each.

Shared by the worker lanes without a lock. Every shared update is a single
C-level operation that the GIL makes atomic: `heappush`/`heappop` on a list of
ints, `next()` on a countdown iterator, `dict.pop` to claim a task. This is
deliberate: in CPython a lock that several busy threads take for every task
turns into a convoy of thread switches that costs more than the tasks.

"Claiming" is how each task ends exactly once: whoever pops a task's entry
from `unclaimed` (a lane about to run it, a failure skipping it, a
cancellation closing it) decides its outcome.

The queue knows nothing about threads or how a task is executed.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator

from taskflow_core.graph import Graph

__all__ = ["ReadyQueue", "parallel_keys", "sequential_keys"]

_MISSING = object()


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
    """Countdowns, the heap of ready tasks, and the claims."""

    __slots__ = ("countdown", "downstream", "heap", "key", "n", "unclaimed")

    def __init__(self, graph: Graph, keys: list[int], done: Iterable[int] = ()) -> None:
        n = self.n = len(graph)
        self.downstream = graph.downstream
        self.key = keys
        waiting = [len(up) for up in graph.upstream]
        finished = set(done)
        for i in finished:
            for j in self.downstream[i]:
                waiting[j] -= 1
        self.unclaimed = dict.fromkeys(i for i in range(n) if i not in finished)
        # next() on these yields w-1, ..., 1, 0: the caller that gets 0 was the last.
        self.countdown: list[Iterator[int] | None] = [
            iter(range(w - 1, -1, -1)) if w > 0 else None for w in waiting
        ]
        self.heap = [keys[i] for i in self.unclaimed if not waiting[i]]
        heapq.heapify(self.heap)

    def __len__(self) -> int:
        """How many tasks are ready and not yet taken (a snapshot)."""
        return len(self.heap)

    def pop(self) -> int:
        """Take and claim the highest-priority ready task, or -1 when none is ready."""
        heap, unclaimed, n = self.heap, self.unclaimed, self.n
        while True:
            try:
                i = heapq.heappop(heap) % n
            except IndexError:
                return -1
            if unclaimed.pop(i, _MISSING) is not _MISSING:
                return i
            # Already closed (the run was cancelled): drop it.

    def succeeded(self, i: int) -> int:
        """Record a success; returns how many tasks became ready."""
        heap, key, countdown = self.heap, self.key, self.countdown
        count = 0
        for j in self.downstream[i]:
            if not next(countdown[j]):  # type: ignore[arg-type]
                heapq.heappush(heap, key[j])
                count += 1
        return count

    def failed(self, i: int) -> list[int]:
        """Record a failure; claims and returns the descendants to skip.

        The walk stops at tasks claimed by someone else: those were skipped by
        another failure (which walks their descendants) or closed by a cancel.
        """
        unclaimed, downstream = self.unclaimed, self.downstream
        skipped = []
        stack = [i]
        while stack:
            for j in downstream[stack.pop()]:
                if unclaimed.pop(j, _MISSING) is not _MISSING:
                    skipped.append(j)
                    stack.append(j)
        return skipped

    def claim_all(self) -> list[int]:
        """Claim every task nobody has taken (cancellation); returns them."""
        unclaimed = self.unclaimed
        claimed = [i for i in list(unclaimed) if unclaimed.pop(i, _MISSING) is not _MISSING]
        self.heap.clear()
        return sorted(claimed)
