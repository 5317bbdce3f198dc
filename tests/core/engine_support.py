"""Small helpers shared by the engine tests (imported by name: tests/core is on sys.path)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from taskflow_core import Process, ProcessResult

LINE = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - (?P<name>\S+) - "
    r"(?P<level>[A-Z]+) - (?P<message>.*)$"
)


def log_lines(path: Path | str) -> list[str]:
    """The file's lines without newlines ([] when it does not exist)."""
    p = Path(path)
    return p.read_text(encoding="utf-8").splitlines() if p.exists() else []


def entries(path: Path | str) -> list[tuple[str, str, str]]:
    """(name, level, message) of every line that starts a log entry."""
    found = []
    for line in log_lines(path):
        m = LINE.match(line)
        if m:
            found.append((m["name"], m["level"], m["message"]))
    return found


def run_in_thread(
    process: Process, timeout: float = 30.0, **kwargs: Any
) -> tuple[threading.Thread, dict[str, Any]]:
    """Start `process.run(**kwargs)` on a thread; the box gets "result" or "error"."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = process.run(**kwargs)
        except BaseException as e:  # pragma: no cover - reported by the test
            box["error"] = e

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, box


def run_or_fail(process: Process, timeout: float = 30.0, **kwargs: Any) -> ProcessResult:
    """`process.run(**kwargs)`, failing the test instead of hanging if it stalls."""
    thread, box = run_in_thread(process, **kwargs)
    thread.join(timeout)
    assert not thread.is_alive(), f"run() did not return within {timeout} s (stalled?)"
    if "error" in box:
        raise box["error"]
    return box["result"]


class Recorder:
    """An on_event listener that keeps every event (thread-safe)."""

    def __init__(self, also: Callable[[Any], None] | None = None) -> None:
        self.events: list[Any] = []
        self._lock = threading.Lock()
        self._also = also

    def __call__(self, event: Any) -> None:
        with self._lock:
            self.events.append(event)
        if self._also is not None:
            self._also(event)

    def of(self, kind: type) -> list[Any]:
        with self._lock:
            return [e for e in self.events if isinstance(e, kind)]
