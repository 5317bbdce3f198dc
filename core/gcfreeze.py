"""Keep long-lived objects out of the cyclic garbage collector's full passes.

Each full pass of CPython's collector walks every tracked object. With tens of
thousands of tasks alive (each with its logger and handler), the passes that
building a graph or running it trigger by allocating would make both
quadratic. While this is held, the objects that existed when it was entered
are frozen (`gc.freeze()`), so passes only walk what is new.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["frozen_heap"]

_freeze_lock = threading.Lock()
_freeze_users = 0


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze what exists now for the duration; nestable and thread-safe.

    Left alone when the program uses gc.freeze() itself, so its frozen objects
    are never unfrozen behind its back.
    """
    global _freeze_users
    with _freeze_lock:
        mine = _freeze_users > 0 or gc.get_freeze_count() == 0
        if mine:
            if _freeze_users == 0:
                gc.freeze()
            _freeze_users += 1
    try:
        yield
    finally:
        if mine:
            with _freeze_lock:
                _freeze_users -= 1
                if _freeze_users == 0:
                    gc.unfreeze()
