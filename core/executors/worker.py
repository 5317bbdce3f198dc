"""What runs in the other process: one attempt of one task, its output captured there.

The driver sends `dumps_call(...)` bytes; `run_attempt` calls the function with
the engine's own capture (prints and log records from INFO up, whatever the
root level) collecting into a list instead of a file, and returns one pickled
`Outcome`: the status, the result or the exception, the traceback formatted
where it happened, and the captured lines with their level and time. The driver
writes those lines to the task's log with the thread executor's format.

Everything sent back is pickled here, so an unpicklable result or exception
becomes a clear failure of that task instead of a broken transport.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from taskflow_core.capture import Capture, call_captured, capturing

__all__ = ["LINE", "RECORD", "Outcome", "RemoteTaskError", "dumps_call", "run_attempt", "serve"]

LINE, RECORD = 0, 1  # kinds of captured entries
PROTOCOL = pickle.HIGHEST_PROTOCOL

# (worked, result or exception, traceback text or None, [(kind, level, text, time), ...])
Outcome = tuple[bool, Any, str | None, list[tuple[int, int, str, float]]]


class RemoteTaskError(Exception):
    """Stands for a task's exception that could not be sent back from its process."""


class _Collector(Capture):
    """A Capture that keeps entries for the driver instead of writing a file."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        super().__init__("", "", None)
        self.entries: list[tuple[int, int, str, float]] = []

    def _lines(self, level: int, lines: list[str]) -> None:
        from time import time

        now = time()
        self.entries.extend((LINE, level, line, now) for line in lines)

    def record(self, text: str, level: int, created: float) -> None:
        self.entries.append((RECORD, level, text, created))


_installed = False
_KEEP: list[Any] = []
_install_lock = threading.Lock()
_paths_seen: set[str] = set()


def _install(paths: Sequence[str]) -> None:
    """Keep the engine's capture in place for the life of this process; add import paths."""
    global _installed
    if not _installed:
        with _install_lock:
            if not _installed:
                _KEEP.append(capturing())  # held: its cleanup would undo the capture
                _KEEP[0].__enter__()  # never left: this process exists to run tasks
                _installed = True
    for path in paths:
        if path not in _paths_seen:
            _paths_seen.add(path)
            if path not in sys.path and os.path.isdir(path):
                sys.path.append(path)


def warm_up(paths: Sequence[str] = ()) -> int:
    """Get a worker ready before the first task (capture, import paths); returns its pid.

    Run on every worker when a cluster starts, so the first tasks do not pay
    for it and the run's timings measure the tasks.
    """
    _install(paths)
    return os.getpid()


def dumps_call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    """The bytes the worker needs for one attempt (raises when they cannot be pickled)."""
    return pickle.dumps((func, args, kwargs), PROTOCOL)


def run_attempt(blob: bytes, paths: Sequence[str] = ()) -> bytes:
    """Run one attempt in this process; returns the pickled `Outcome` (never raises)."""
    _install(paths)
    collector = _Collector()
    try:
        func, args, kwargs = pickle.loads(blob)
    except BaseException as exc:
        error = RemoteTaskError(
            f"the task cannot be loaded in the worker process "
            f"(pid {os.getpid()}): {type(exc).__name__}: {exc}"
        )
        return pickle.dumps((False, error, None, collector.entries), PROTOCOL)
    value, exc = call_captured(func, args, kwargs, collector)
    entries = collector.entries
    if exc is None:
        try:
            return pickle.dumps((True, value, None, entries), PROTOCOL)
        except Exception as e:
            exc = TypeError(
                f"its result ({type(value).__name__}) cannot be sent back from the worker "
                f"process: {type(e).__name__}: {e}"
            )
            return pickle.dumps((False, exc, None, entries), PROTOCOL)
    tb = exc.__traceback__
    if tb is not None and tb.tb_frame.f_code is call_captured.__code__:
        tb = tb.tb_next  # start at the task's function, as the thread executor does
    text = logging.Formatter().formatException((type(exc), exc, tb))
    exc.__traceback__ = None
    try:
        data = pickle.dumps(exc, PROTOCOL)
        pickle.loads(data)
    except Exception as e:
        exc = RemoteTaskError(
            f"{type(exc).__name__}: {exc} (the exception itself cannot be sent back from "
            f"the worker process: {e})"
        )
    return pickle.dumps((False, exc, text, entries), PROTOCOL)


def serve(conn: Any) -> None:
    """A pool worker's loop: receive an attempt, run it, send the outcome; stop at EOF.

    Ctrl-C in a terminal reaches the whole process group: the driver cancels the
    run and ends its workers, so a worker ignores it instead of printing a trace.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            blob = conn.recv_bytes()
        except (EOFError, OSError):
            return
        conn.send_bytes(run_attempt(blob))
