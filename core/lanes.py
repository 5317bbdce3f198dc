"""How attempts are executed: a small pool of daemon threads ("lanes").

`concurrent.futures.ThreadPoolExecutor` joins its threads at interpreter exit,
so one task stuck past its timeout would keep a script from ending; these
threads are daemons. Each lane runs the loop the run gives it: take a ready
task, run it, report it, take the next, without handing work through another
thread in between. A lane whose thread is stuck in a timed-out task is given
a fresh thread under the same lane number, so `worker` stays in 0..n-1.

This is the only place that creates threads for tasks. Another way to execute
attempts (a `concurrent.futures.Executor`, dask) plugs in by driving the same
run methods from its own loop: `Run.take()` claims the next ready task,
`Run.prepare()` and `Run.begin()` start an attempt (log line, event, timeout),
`capture.call_captured()` executes it wherever the executor runs it, and
`Run.settle()` records the outcome (it returns the delay before a retry, or
DONE). tests/core/test_engine_internals.py drives a run that way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Lanes"]


class Lanes:
    """Starts lane threads running `loop(lane, first_job)`.

    It keeps no reference to `loop` beyond the threads themselves, so a run
    and its lanes form no reference cycle: a finished run (and its thousands
    of results) is freed at once instead of waiting for the cyclic collector.
    """

    def __init__(self, name: str = "taskflow") -> None:
        self._name = name

    def start(self, loop: Callable[[int, Any], None], count: int) -> None:
        """Start lanes 0..count-1."""
        for lane in range(count):
            self.spawn(loop, lane)

    def spawn(self, loop: Callable[[int, Any], None], lane: int, first_job: Any = None) -> None:
        """Start a thread for `lane`, optionally with a job to do first."""
        thread = threading.Thread(
            target=loop,
            args=(lane, first_job),
            name=f"{self._name}-lane-{lane}",
            daemon=True,
        )
        thread.start()
