"""Module-level task functions for the executor tests (importable in worker processes)."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path


def shout(word: str) -> str:
    print(f"saying {word}")
    logging.getLogger("executor_tasks").warning("loudly: %s", word)
    return word.upper()


def join(*parts: str, sep: str = "+") -> str:
    print(f"joining {len(parts)} parts")
    return sep.join(parts)


def fail(message: str) -> None:
    print("failing now")
    raise ValueError(message)


def hang(pid_file: str, seconds: float = 60.0) -> None:
    """Write this process's pid, then block far longer than any test waits."""
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(seconds)


def pid() -> int:
    return os.getpid()


def lock_result() -> threading.Lock:
    return threading.Lock()


def identity(value: object) -> object:
    return value


class Unsendable(Exception):
    """An exception that pickles but cannot be rebuilt (its __init__ needs two args)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} {b}")


def raise_unsendable() -> None:
    raise Unsendable("x", "y")
