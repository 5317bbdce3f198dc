"""Exceptions raised while a Process is built or queried.

The names and base classes match `processes` 1.x so scripts that catch them keep working.
"""

from __future__ import annotations

__all__ = ["CircularDependencyError", "DependencyNotFoundError", "TaskNotFoundError"]


class DependencyNotFoundError(Exception):
    """A task depends on a task that is not part of the Process."""


class TaskNotFoundError(Exception):
    """A task was looked up by a name the Process does not have."""


class CircularDependencyError(Exception):
    """The tasks' dependencies form a cycle, so no order can run them."""
