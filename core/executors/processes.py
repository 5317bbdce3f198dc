"""The "processes" executor: one worker process per lane, which can really be stopped.

`concurrent.futures.ProcessPoolExecutor` breaks as a whole when one of its
processes is killed, so a stuck task could not be stopped without losing the
pool. Here each lane owns one worker process talking over a pipe; a task past
its timeout, or running when the run is cancelled, has its process terminated,
and the lane's next attempt gets a fresh one.

Processes come from the "forkserver" context where there is one (else
"spawn"): forking the driver itself, which has the log writer's and the GUI's
threads, could copy a held lock into the child.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

from taskflow_core.executors.worker import serve

__all__ = ["ProcessPool", "WorkerDied"]

POLL = 0.05  # how often a waiting lane checks whether its attempt was abandoned


class WorkerDied(RuntimeError):
    """The worker process ended while running an attempt (crash, os._exit, a signal)."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["taskflow_core.executors.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


class WorkerProcess:
    """One child process running `worker.serve`, and the driver's end of its pipe."""

    def __init__(self, ctx: Any) -> None:
        parent, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=serve, args=(child,), name="taskflow-worker", daemon=True)
        self.process.start()
        child.close()
        self.conn = parent
        self.busy = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def call(self, blob: bytes, abandoned: Callable[[], bool]) -> bytes | None:
        """Send one attempt and wait for its outcome; None when it was abandoned
        (the process is then terminated). Raises WorkerDied when the process ends."""
        self.busy = True
        conn = self.conn
        try:
            conn.send_bytes(blob)
            while not conn.poll(POLL):
                if abandoned():
                    self.terminate()
                    return None
            data = conn.recv_bytes()
        except (EOFError, OSError):
            if abandoned():
                return None
            self.terminate()
            raise WorkerDied(
                f"the worker process (pid {self.pid}) ended while running the task "
                f"(exit code {self.process.exitcode})"
            ) from None
        self.busy = False
        return data

    def terminate(self) -> None:
        """Stop the process now, whatever it is doing (idempotent, thread-safe)."""
        with self._lock:
            process = self.process
            if process.is_alive():
                process.terminate()
                process.join(0.5)
                if process.is_alive():
                    process.kill()
                    process.join(0.5)
            self.conn.close()

    def close(self) -> None:
        """Let an idle process end by itself (it stops at the pipe's end)."""
        with self._lock:
            self.conn.close()


class ProcessPool:
    """Worker processes by lane, started on first use and replaced when stopped."""

    def __init__(self) -> None:
        self._ctx = _context()
        self._workers: dict[int, WorkerProcess] = {}
        self._retired: list[WorkerProcess] = []
        self._lock = threading.Lock()
        self._closed = False

    def acquire(self, lane: int) -> WorkerProcess:
        """The lane's idle worker, or a new one.

        A busy worker here belongs to an attempt the run abandoned (a new thread
        took the lane over): it is terminated and replaced.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            worker = self._workers.get(lane)
        if worker is not None and not worker.busy and worker.alive():
            return worker
        if worker is not None:
            worker.terminate()
        worker = WorkerProcess(self._ctx)
        with self._lock:
            self._workers[lane] = worker
            if self._closed:
                worker.terminate()
                raise RuntimeError("the worker pool is closed")
        return worker

    def pids(self) -> list[int]:
        """The process ids of the current workers (for tests and diagnostics)."""
        with self._lock:
            return [w.pid for w in self._workers.values() if w.pid is not None]

    def close(self) -> None:
        """End every worker: idle ones by closing their pipe, busy ones by force."""
        with self._lock:
            self._closed = True
            workers = list(self._workers.values())
            self._workers.clear()
        for worker in workers:
            if worker.busy:
                worker.terminate()
            else:
                worker.close()
        for worker in workers:
            worker.process.join(1.0)
            if worker.process.is_alive():
                worker.terminate()
