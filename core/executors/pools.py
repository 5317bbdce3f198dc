"""Backends over `concurrent.futures` executors, Dask, and the engine's worker processes."""

from __future__ import annotations

import concurrent.futures as cf
import os
import sys
import threading
import uuid
from collections.abc import Callable
from typing import Any

from taskflow_core.capture import call_captured
from taskflow_core.executors.processes import POLL, ProcessPool
from taskflow_core.executors.remote import Backend
from taskflow_core.executors.worker import run_attempt, warm_up
from taskflow_core.run import Job

__all__ = ["DaskBackend", "ExecutorBackend", "ProcessBackend", "import_paths"]


def import_paths() -> list[str]:
    """The driver's import folders (the project's python paths are among them), for
    workers that did not inherit them."""
    paths = []
    for entry in sys.path:
        path = os.path.abspath(entry or os.curdir)
        if os.path.isdir(path):
            paths.append(path)
    return list(dict.fromkeys(paths))


def _wait(future: Any, abandoned: Callable[[], bool], cancel: Callable[[], Any]) -> Any:
    """The future's value, or None once the attempt is abandoned (then `cancel()` it)."""
    done = threading.Event()
    future.add_done_callback(lambda _f: done.set())
    while not done.wait(POLL):
        if abandoned():
            cancel()
            return None
    return future.result()


class ProcessBackend(Backend):
    """`executor="processes"`: the engine's own pool, one stoppable process per lane."""

    name = "processes"

    def __init__(self) -> None:
        self.pool: ProcessPool | None = None

    def start(self, lanes: int) -> None:
        self.pool = ProcessPool()

    def call(self, lane: int, job: Job, blob: bytes, abandoned: Callable[[], bool]) -> bytes | None:
        assert self.pool is not None
        return self.pool.acquire(lane).call(blob, abandoned)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


class ExecutorBackend(Backend):
    """A `concurrent.futures.Executor` the caller owns (it is not shut down here).

    A `ThreadPoolExecutor` runs in this process: the function is called as is,
    with the run's capture. Any other executor gets pickled attempts, as a
    process pool needs. An abandoned attempt is cancelled if it has not started;
    one that has cannot be stopped by this interface and is left to finish.
    """

    name = "executor"

    def __init__(self, executor: cf.Executor) -> None:
        self.executor = executor
        self.in_process = isinstance(executor, cf.ThreadPoolExecutor)
        self.paths: list[str] = []

    def start(self, lanes: int) -> None:
        if not self.in_process:
            self.paths = import_paths()

    def call(self, lane: int, job: Job, blob: bytes, abandoned: Callable[[], bool]) -> bytes | None:
        future = self.executor.submit(run_attempt, blob, self.paths)
        return _wait(future, abandoned, future.cancel)

    def call_local(
        self, job: Job, abandoned: Callable[[], bool]
    ) -> tuple[Any, BaseException | None]:
        future = self.executor.submit(call_captured, job.func, job.args, job.kwargs, job.capture)
        outcome = _wait(future, abandoned, future.cancel)
        return (None, None) if outcome is None else outcome


class DaskBackend(Backend):
    """`executor="dask"`: a Dask cluster at `address`, or a LocalCluster for the run.

    The local cluster has one single-threaded worker process per lane. Every
    attempt is submitted with a unique key (`pure=False`), so two tasks with
    the same function and arguments, or a retry, really run again.
    """

    name = "dask"

    def __init__(self, address: str | None = None) -> None:
        self.address = address
        self.client: Any = None
        self.cluster: Any = None
        self.paths: list[str] = []

    def start(self, lanes: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - the dask extra is not installed
            raise RuntimeError(
                'executor="dask" needs dask.distributed: pip install "taskflow-gui[dask]"'
            ) from None
        self.paths = import_paths()
        if self.address:
            self.client = Client(self.address, timeout=10, set_as_default=False)
            self.client.run(warm_up, self.paths)
            return
        import logging

        self.cluster = LocalCluster(
            n_workers=max(1, lanes),
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.WARNING,
        )
        self.client = Client(self.cluster, set_as_default=False)
        self.client.run(warm_up, self.paths)

    def call(self, lane: int, job: Job, blob: bytes, abandoned: Callable[[], bool]) -> bytes | None:
        client = self.client
        key = f"{job.name}-{job.number}-{uuid.uuid4().hex}"
        future = client.submit(run_attempt, blob, self.paths, key=key, pure=False, retries=0)
        try:
            return _wait(future, abandoned, future.cancel)
        finally:
            future.release()

    def close(self) -> None:
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
