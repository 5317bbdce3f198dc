"""Task log files: the `processes` 1.x line format, written cheaply and safely.

A run writes thousands of lines that must be byte-identical to what
`logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s")`
produces, so the engine formats its own lines here (the strftime part is cached
per second) instead of building a LogRecord and a FileHandler per task.

Each write is a single `os.write` on a descriptor opened with O_APPEND, so
tasks sharing one file never split each other's lines, and a file is open only
while its task has something to write: 10,000 tasks need no more descriptors
than there are workers.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

__all__ = ["FORMAT", "TaskLog", "asctime", "format_line", "format_record"]

FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
_FORMATTER = logging.Formatter(FORMAT)
_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
_NEWLINE = os.linesep

# (second, converter, time format, msec format, text): replaced whole, so threads
# never see a half-updated cache.
_stamp: tuple[Any, ...] = (None, None, None, None, "")


def asctime(t: float) -> str:
    """`%(asctime)s` for a record created at epoch time `t`, as logging prints it."""
    global _stamp
    sec = int(t)
    f = logging.Formatter
    c = _stamp
    if (
        c[0] != sec
        or c[1] is not f.converter
        or c[2] is not f.default_time_format
        or c[3] is not f.default_msec_format
    ):
        text = time.strftime(f.default_time_format, f.converter(t))
        c = _stamp = (sec, f.converter, f.default_time_format, f.default_msec_format, text)
    msec_format = c[3]
    if msec_format:
        return msec_format % (c[4], int((t - sec) * 1000) + 0.0)
    return c[4]


def format_line(name: str, levelname: str, message: str, t: float) -> str:
    """One log entry in the 1.x format, newline included."""
    return f"{asctime(t)} - {name} - {levelname} - {message}\n"


def format_record(
    name: str,
    level: int,
    message: Any,
    exc: BaseException | None,
    t: float,
) -> tuple[str, str | None]:
    """A full entry (with traceback) through the real Formatter, newline included.

    Returns the text and the traceback text alone. Used for failures, which
    are rare, so exactness beats speed here.
    """
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord(name, level, __file__, 0, message, None, exc_info)
    record.created = t
    record.msecs = int((t - int(t)) * 1000) + 0.0
    return _FORMATTER.format(record) + "\n", record.exc_text


def _encode(text: str) -> bytes:
    if _NEWLINE != "\n":
        text = text.replace("\n", _NEWLINE)
    return text.encode("utf-8", "backslashreplace")


def _open(path: str) -> int:
    try:
        return os.open(path, _FLAGS, 0o666)
    except FileNotFoundError:
        folder = os.path.dirname(path)
        if not folder or os.path.isdir(folder):
            raise
        os.makedirs(folder, exist_ok=True)
        return os.open(path, _FLAGS, 0o666)


def _write_all(fd: int, data: bytes) -> None:
    written = os.write(fd, data)
    if written < len(data):  # rare for regular files, but allowed
        view = memoryview(data)[written:]
        while view:
            view = view[os.write(fd, view) :]


def append(path: str, text: str) -> None:
    """Append `text` to `path` with a descriptor held only for this write."""
    fd = _open(path)
    try:
        _write_all(fd, _encode(text))
    finally:
        os.close(fd)


class TaskLog:
    """One attempt's handle on its task's log file.

    The "Starting" line is held back until the task writes something else,
    ends, or the run's driver flushes it; a quiet task therefore costs one
    open, one write and one close. After `end()` (or when a run abandons a
    stuck attempt) late writes still land in the file, one open each.
    """

    __slots__ = ("closed", "fd", "lock", "path", "pending")

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None
        self.pending: str | None = None
        self.closed = False
        self.lock = threading.Lock()

    def begin(self, text: str) -> None:
        """Queue the first line; it is written with the next write at the latest."""
        self.pending = text

    def write(self, text: str) -> None:
        """Append whole lines now."""
        with self.lock:
            if self.pending is not None:
                text = self.pending + text
                self.pending = None
            if not text:
                return
            if self.closed:
                append(self.path, text)
                return
            if self.fd is None:
                self.fd = _open(self.path)
            _write_all(self.fd, _encode(text))

    def flush(self) -> None:
        """Write the held-back line, if any (for tasks that run a while)."""
        if self.pending is not None:
            self.write("")

    def end(self, text: str = "") -> None:
        """Write the last lines and close; later writes reopen the file each time."""
        with self.lock:
            if self.pending is not None:
                text = self.pending + text
                self.pending = None
            fd, self.fd = self.fd, None
            self.closed = True
            if fd is None:
                if text:
                    append(self.path, text)
                return
            try:
                if text:
                    _write_all(fd, _encode(text))
            finally:
                os.close(fd)
