"""Task functions for bench/cpu_bound.py, in a module so worker processes import them by name."""

from __future__ import annotations


def spin(rounds: int) -> int:
    """Pure-Python arithmetic that holds the GIL the whole time."""
    total = 0
    for i in range(rounds):
        total = (total + i * i) % 1_000_003
    return total


def noop() -> None:
    return None
