"""Route what a running task prints or logs to that task's log file and events.

While at least one run is active, `sys.stdout`/`sys.stderr` are replaced by
routers and one handler sits on the root logger. Each worker thread marks the
attempt it is running in a context variable, so in a parallel run every line
lands with the task that produced it; output from threads that run no task
goes where it always went. Everything is put back when the last run ends.

Records are captured from INFO up whatever the root logger's level: the root
level is lowered to INFO for the duration, and the handlers that were already
installed get a filter that keeps their old view (they see nothing they would
not have seen before).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from time import time
from typing import Any

from taskflow_core.logfile import FORMAT, format_line, write

__all__ = [
    "Capture",
    "TaskFileHandler",
    "call_captured",
    "capturing",
    "current",
    "dispatch_to_others",
    "has_other_handlers",
    "reset_current",
    "set_current",
]

INFO = logging.INFO
WARNING = logging.WARNING
# logging.addLevelName() updates this very dict, so a renamed level shows at once.
_level_names: dict[int, str] = logging._levelToName

_current: ContextVar[Capture | None] = ContextVar("taskflow_core_capture", default=None)
current = _current.get
set_current = _current.set
reset_current = _current.reset


class Capture:
    """The destination of one running attempt's output: its log file and events.

    `emit` receives each entry as (text without final newline, level, time) and
    is dropped when the run abandons the attempt, so a stuck task can still
    write to its file but no longer reaches the run's listeners.
    """

    __slots__ = ("emit", "err", "lock", "name", "out", "path")

    def __init__(
        self,
        name: str,
        path: str,
        emit: Callable[[str, int, float], None] | None,
    ) -> None:
        self.name = name
        self.path = path
        self.emit = emit
        self.out = ""  # unfinished printed line on stdout
        self.err = ""  # and on stderr
        # Guards out/err, which a task's own threads may share. One lock per capture:
        # a lock shared by all tasks made parallel printers queue for each other
        # (8 tasks printing: 2.4 s instead of 0.5 s, mostly in futex calls).
        self.lock = threading.Lock()

    def stream(self, level: int, text: str) -> None:
        """Text written to stdout (INFO) or stderr (WARNING): whole lines become entries."""
        if text == "\n":  # how print() ends a line: the pending text is the entry
            with self.lock:
                if level == INFO:
                    line, self.out = self.out, ""
                else:
                    line, self.err = self.err, ""
            self._lines(level, [line])
            return
        with self.lock:
            if level == INFO:
                text = self.out + text
                if "\n" not in text:
                    self.out = text
                    return
                *lines, self.out = text.split("\n")
            else:
                text = self.err + text
                if "\n" not in text:
                    self.err = text
                    return
                *lines, self.err = text.split("\n")
        self._lines(level, lines)

    def _lines(self, level: int, lines: list[str]) -> None:
        """Whole lines, the entries (a subclass may keep them elsewhere)."""
        now = time()
        levelname = _level_names.get(level) or logging.getLevelName(level)
        if len(lines) == 1:  # nearly always: this runs for every print()
            entry = format_line(self.name, levelname, lines[0], now)
            write(self.path, entry)
            emit = self.emit
            if emit is not None:
                emit(entry[:-1], level, now)
            return
        name = self.name
        entries = [format_line(name, levelname, line, now) for line in lines]
        write(self.path, "".join(entries))
        emit = self.emit
        if emit is not None:
            for entry in entries:
                emit(entry[:-1], level, now)

    def record(self, text: str, level: int, created: float) -> None:
        """A formatted log record (it may span lines)."""
        write(self.path, text + "\n")
        emit = self.emit
        if emit is not None:
            emit(text, level, created)

    def close(self) -> None:
        """Turn unfinished printed lines into entries; called when the attempt returns."""
        if not (self.out or self.err):
            return
        with self.lock:
            out, err, self.out, self.err = self.out, self.err, "", ""
        if out:
            self._lines(INFO, [out])
        if err:
            self._lines(WARNING, [err])


class _StreamRouter:
    """Stands in for sys.stdout/sys.stderr: task threads write to their Capture."""

    def __init__(self, original: Any, level: int) -> None:
        self._original = original
        self._level = level

    def write(self, text: str) -> int:
        cap = _current.get()
        if cap is None:
            original = self._original
            return original.write(text) if original is not None else len(text)
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        cap.stream(self._level, text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if _current.get() is None and self._original is not None:
            self._original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


class _RootCapture(logging.Handler):
    """On the root logger during runs: records from task threads join their task's log."""

    def __init__(self) -> None:
        super().__init__(INFO)
        self.setFormatter(logging.Formatter(FORMAT))

    def handle(self, record: logging.LogRecord) -> bool:
        cap = _current.get()
        if cap is None or getattr(record, "_taskflow", False):
            return False
        if not self.filter(record):
            return False
        cap.record(self.format(record), record.levelno, record.created)
        return True

    def emit(self, record: logging.LogRecord) -> None:  # pragma: no cover - handle() does it
        self.handle(record)


class TaskFileHandler(logging.FileHandler):
    """The handler `Task.logger` gets: a FileHandler on the task's log path.

    It opens the file only when a record arrives (so building tasks holds no
    descriptors). Inside a run its records join the running task's log instead,
    so they are written once, in order with everything else the task writes.
    """

    def __init__(self, path: Any) -> None:
        super().__init__(path, mode="a", encoding="utf-8", delay=True)
        self.setLevel(INFO)
        self.setFormatter(logging.Formatter(FORMAT))

    def close(self) -> None:
        # Closing 10,000 handlers that never opened their file should cost
        # next to nothing: skip the locking FileHandler.close() does then.
        if self.stream is None and not self._name:
            self._closed = True
            return
        super().close()

    def handle(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_taskflow", False):
            return False
        cap = _current.get()
        if cap is None:
            return bool(super().handle(record))
        if not self.filter(record):
            return False
        record._taskflow = True
        cap.record(self.format(record), record.levelno, record.created)
        return True


_OURS = (_RootCapture, TaskFileHandler)


class _LevelGate(logging.Filter):
    """Keeps a pre-existing handler's view while the root level is lowered to INFO."""

    def __init__(self, root_level: int) -> None:
        super().__init__()
        self.root_level = root_level
        self.cache: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.root_level:
            return True
        level = self.cache.get(record.name)
        if level is None:
            level = self.cache[record.name] = self._original_level(record.name)
        return record.levelno >= level

    def _original_level(self, name: str) -> int:
        logger = logging.Logger.manager.loggerDict.get(name)
        root = logging.getLogger()
        while isinstance(logger, logging.Logger) and logger is not root:
            if logger.level:
                return logger.level
            logger = logger.parent
        return self.root_level


class _Installed:
    def __init__(self) -> None:
        self.count = 0
        # Guards out/err, which a task's own threads may share. One lock per capture:
        # a lock shared by all tasks made parallel printers queue for each other
        # (8 tasks printing: 2.4 s instead of 0.5 s, mostly in futex calls).
        self.lock = threading.Lock()
        self.handler = _RootCapture()
        self.stdout: _StreamRouter | None = None
        self.stderr: _StreamRouter | None = None
        self.root_level: int | None = None
        self.gate: _LevelGate | None = None
        self.gated: list[logging.Handler] = []

    def acquire(self) -> None:
        with self.lock:
            self.count += 1
            if self.count == 1:
                self._install()

    def release(self) -> None:
        with self.lock:
            self.count -= 1
            if self.count == 0:
                self._uninstall()

    def _install(self) -> None:
        self.stdout = _StreamRouter(sys.stdout, INFO)
        self.stderr = _StreamRouter(sys.stderr, WARNING)
        sys.stdout = self.stdout  # type: ignore[assignment]
        sys.stderr = self.stderr  # type: ignore[assignment]
        root = logging.getLogger()
        level = root.level
        if level > INFO:
            gate = _LevelGate(level)
            seen: set[int] = set()
            for handler in _all_handlers():
                if id(handler) not in seen and not isinstance(handler, _OURS):
                    seen.add(id(handler))
                    handler.addFilter(gate)
                    self.gated.append(handler)
            self.gate = gate
            self.root_level = level
            root.setLevel(INFO)
        root.addHandler(self.handler)

    def _uninstall(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        if self.root_level is not None:
            if root.level == INFO:
                root.setLevel(self.root_level)
            for handler in self.gated:
                handler.removeFilter(self.gate)
        self.root_level, self.gate, self.gated = None, None, []
        if sys.stdout is self.stdout:
            sys.stdout = self.stdout._original  # type: ignore[union-attr]
        if sys.stderr is self.stderr:
            sys.stderr = self.stderr._original  # type: ignore[union-attr]
        self.stdout = self.stderr = None


def _all_handlers() -> Iterator[logging.Handler]:
    yield from logging.getLogger().handlers
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.handlers:
            yield from logger.handlers


_INSTALLED = _Installed()


@contextmanager
def capturing() -> Iterator[None]:
    """Keep the routers and the root handler in place for the duration (nestable)."""
    _INSTALLED.acquire()
    try:
        yield
    finally:
        _INSTALLED.release()


def call_captured(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], capture: Capture | None
) -> tuple[Any, BaseException | None]:
    """Call `func` with its output routed to `capture`; returns (value, exception).

    This is how one attempt executes on the current thread. Any exception,
    whatever its type, is returned as data.
    """
    token = _current.set(capture)
    try:
        return func(*args, **kwargs), None
    except BaseException as e:
        return None, e
    finally:
        _current.reset(token)
        if capture is not None and (capture.out or capture.err):
            capture.close()


def has_other_handlers(logger: logging.Logger) -> bool:
    """Whether a record from `logger` would reach any handler that is not the engine's."""
    c: logging.Logger | None = logger
    while c is not None:
        for handler in c.handlers:
            if not isinstance(handler, _OURS):
                return True
        if not c.propagate:
            return False
        c = c.parent
    return False


def dispatch_to_others(logger: logging.Logger, record: logging.LogRecord) -> None:
    """Give an engine line to the handlers a 1.x `logger.info()` would have reached.

    The engine already wrote it to the task's file, so its own handlers skip it;
    with no other handler at all, `logging.lastResort` gets it as it would have.
    """
    if logger.disabled or not logger.isEnabledFor(record.levelno) or not logger.filter(record):
        return
    record._taskflow = True
    found = False
    c: logging.Logger | None = logger
    while c is not None:
        for handler in c.handlers:
            if isinstance(handler, _OURS):
                continue
            found = True
            if record.levelno >= handler.level:
                handler.handle(record)
        c = c.parent if c.propagate else None
    last = logging.lastResort
    if not found and last is not None and record.levelno >= last.level:
        last.handle(record)
