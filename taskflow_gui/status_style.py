"""One palette for task statuses, shared by the Gantt chart, the tables and the canvas.

Keeping the colours in one place means a "failed" bar, table cell and node are
always the same red. Statuses are normalised to six keys so callers may pass the
engine's ``TaskStatus`` members, their names or their values.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor

__all__ = [
    "CANCELLED",
    "FAILED",
    "PENDING",
    "RUNNING",
    "SKIPPED",
    "STATUS_KEYS",
    "SUCCEEDED",
    "is_finished",
    "status_border_color",
    "status_color",
    "status_key",
    "status_label",
    "status_text_color",
]

PENDING = "pending"
RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
SKIPPED = "skipped"
CANCELLED = "cancelled"

STATUS_KEYS: tuple[str, ...] = (PENDING, RUNNING, SUCCEEDED, FAILED, SKIPPED, CANCELLED)

# Fill colours: distinguishable for the common colour-vision deficiencies
# (blue / green / red / amber differ in lightness too) and dark text stays readable.
_FILL: dict[str, str] = {
    PENDING: "#c9ced6",
    RUNNING: "#4a90e2",
    SUCCEEDED: "#3fae6a",
    FAILED: "#e0524a",
    SKIPPED: "#f2b43c",
    CANCELLED: "#9b86c9",
}

_LABELS: dict[str, str] = {
    PENDING: "Pending",
    RUNNING: "Running",
    SUCCEEDED: "Succeeded",
    FAILED: "Failed",
    SKIPPED: "Skipped",
    CANCELLED: "Cancelled",
}

_ALIASES: dict[str, str] = {
    "success": SUCCEEDED,
    "succeeded": SUCCEEDED,
    "successful": SUCCEEDED,
    "ok": SUCCEEDED,
    "done": SUCCEEDED,
    "passed": SUCCEEDED,
    "failed": FAILED,
    "failure": FAILED,
    "error": FAILED,
    "errored": FAILED,
    "skipped": SKIPPED,
    "cancelled": CANCELLED,
    "canceled": CANCELLED,
    "pending": PENDING,
    "running": RUNNING,
}


def status_key(status: Any) -> str:
    """Map a ``TaskStatus`` member, its name or value, or ``None`` to one of STATUS_KEYS."""
    if status is None:
        return PENDING
    for candidate in (getattr(status, "name", None), getattr(status, "value", None), status):
        if isinstance(candidate, str):
            key = _ALIASES.get(candidate.strip().lower())
            if key is not None:
                return key
    return PENDING


def status_label(status: Any) -> str:
    """Capitalised word for tables and tooltips."""
    return _LABELS[status_key(status)]


def status_color(status: Any) -> QColor:
    """Fill colour for bars, cells and nodes."""
    return QColor(_FILL[status_key(status)])


def status_border_color(status: Any) -> QColor:
    """A darker shade of the fill, for outlines."""
    return status_color(status).darker(140)


def status_text_color(status: Any) -> QColor:
    """Black or white, whichever reads better on the fill."""
    return QColor("#ffffff") if status_color(status).lightnessF() < 0.5 else QColor("#1d1f23")


def is_finished(status: Any) -> bool:
    """True once a task will not change any more."""
    return status_key(status) in (SUCCEEDED, FAILED, SKIPPED, CANCELLED)
