"""Task log files: the `processes` 1.x line format, written cheaply and safely.

A run writes thousands of lines that must be byte-identical to what
`logging.Formatter("%(asctime)s - %(name)s - %(levelname)s - %(message)s")`
produces, so the engine formats its own lines here (the strftime part is cached
per second) instead of building a LogRecord and a FileHandler per task.

Lines are queued to one writer thread (`LogWriter`), which appends each file's
lines with a single `os.write` on a descriptor opened with O_APPEND and closed
right after: tasks sharing a file never split each other's lines, workers never
wait on the disk, and 10,000 tasks each with a file need one descriptor.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = [
    "FORMAT",
    "WRITER",
    "LogWriter",
    "append",
    "asctime",
    "flush",
    "format_line",
    "format_record",
    "write",
]

FORMAT = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
_FORMATTER = logging.Formatter(FORMAT)
_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
_NEWLINE = os.linesep

_MSEC = [f"{i:03d}" for i in range(1000)]
_F = logging.Formatter
# (second, converter, time format, msec format, text, text + "," or None): replaced
# whole, so threads never see a half-updated cache.
_stamp: tuple[Any, ...] = (None, None, None, None, "", None)


def asctime(t: float) -> str:
    """`%(asctime)s` for a record created at epoch time `t`, as logging prints it.

    Follows `logging.Formatter`'s class-wide converter and formats, so a script
    that sets `logging.Formatter.converter = time.gmtime` gets UTC here too.
    """
    global _stamp
    sec = int(t)
    c = _stamp
    if (
        c[0] != sec
        or c[1] is not _F.converter
        or c[2] is not _F.default_time_format
        or c[3] is not _F.default_msec_format
    ):
        text = time.strftime(_F.default_time_format, _F.converter(t))
        msec_format = _F.default_msec_format
        comma = text + "," if msec_format == "%s,%03d" else None
        c = _stamp = (sec, _F.converter, _F.default_time_format, msec_format, text, comma)
    if c[5] is not None:
        return c[5] + _MSEC[int((t - sec) * 1000)]
    if c[3]:
        return c[3] % (c[4], int((t - sec) * 1000) + 0.0)
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
    # An exception raised in another process arrives with its traceback as text.
    record.exc_text = getattr(exc, "__taskflow_traceback__", None)
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


def append(path: str, text: str) -> None:
    """Append `text` to `path` now, with one write on a descriptor held only for it."""
    data = _encode(text)
    fd = _open(path)
    try:
        written = os.write(fd, data)
        while written < len(data):  # rare for regular files, but allowed
            written += os.write(fd, data[written:])
    finally:
        os.close(fd)


class LogWriter:
    """The one thread that writes task log files.

    Workers only format lines and queue them, so no task waits on a disk.
    The writer drains the queue in batches and gives each file one open,
    one write and one close per batch; lingering a moment before a batch
    lets a quick task's "Starting" and "Finished" lines share that write.
    Order is kept per file, which is all readers can observe.
    """

    LINGER = 0.002  # seconds a batch may wait for more lines
    BATCH = 20_000  # items per batch at most

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.on_error: Callable[[str, OSError], None] | None = None
        self._reset()

    def _reset(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._flushing = 0
        self._thread: threading.Thread | None = None

    def write(self, path: str, text: str) -> None:
        """Queue whole lines for `path` (thread-safe, never blocks on I/O)."""
        self._queue.put((path, text))
        if self._thread is None:
            self._start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is written; False on timeout."""
        if self._thread is None:
            return True
        done = threading.Event()
        with self._lock:
            self._flushing += 1
        try:
            self._queue.put(done)
            self._wake.set()
            return done.wait(timeout)
        finally:
            with self._lock:
                self._flushing -= 1

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                thread = threading.Thread(target=self._loop, name="taskflow-log-writer")
                thread.daemon = True
                thread.start()
                self._thread = thread

    def _loop(self) -> None:
        q, wake = self._queue, self._wake
        while True:
            batch = [q.get()]
            if not self._flushing:
                wake.wait(self.LINGER)
            wake.clear()
            try:
                while len(batch) < self.BATCH:
                    batch.append(q.get_nowait())
            except queue.Empty:
                pass
            self._write_batch(batch)

    def _write_batch(self, batch: list[Any]) -> None:
        groups: dict[str, list[str]] = {}
        barriers = []
        for item in batch:
            if type(item) is tuple:
                path, text = item
                texts = groups.get(path)
                if texts is None:
                    groups[path] = [text]
                else:
                    texts.append(text)
            else:
                barriers.append(item)
        for path, texts in groups.items():
            try:
                append(path, texts[0] if len(texts) == 1 else "".join(texts))
            except OSError as e:
                report = self.on_error
                if report is not None:
                    with contextlib.suppress(Exception):
                        report(path, e)
        for barrier in barriers:
            barrier.set()


WRITER = LogWriter()
write = WRITER.write
flush = WRITER.flush

if hasattr(os, "register_at_fork"):  # a forked child has no writer thread: start afresh
    os.register_at_fork(after_in_child=WRITER._reset)
atexit.register(WRITER.flush, 5.0)  # lines of tasks still running at exit, if any
