"""Turning "package.module:qualname" references into callables.

Importing runs user code, so nothing here is called when a project is opened:
only when the user resolves, validates with resolving, or runs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any


class ResolveError(LookupError):
    """A reference that cannot be imported; the message says which part failed."""


def add_python_paths(python_paths: Sequence[str], base_dir: Path | None) -> list[str]:
    """Put the project's import paths first on sys.path (idempotent); returns them absolute.

    When they already lead sys.path nothing changes, so resolving many callables
    of one project does not flush the import caches each time.
    """
    entries = []
    for raw in python_paths:
        p = Path(raw).expanduser()
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        entries.append(str(p.resolve()))
    entries = list(dict.fromkeys(entries))  # the same folder twice counts once
    if not entries or sys.path[: len(entries)] == entries:
        return entries
    for entry in reversed(entries):
        if entry in sys.path:
            sys.path.remove(entry)
        sys.path.insert(0, entry)
    importlib.invalidate_caches()
    return entries


def split_reference(reference: str) -> tuple[str, str]:
    """("module", "qualname") of a reference, or ResolveError naming what is malformed."""
    module, sep, qualname = reference.strip().partition(":")
    if not sep or not module or not qualname:
        raise ResolveError(
            f"{reference!r} is not a callable reference; write it as 'module:function'."
        )
    return module, qualname


def import_module(
    module_name: str, python_paths: Sequence[str] = (), base_dir: Path | None = None
) -> ModuleType:
    """Import `module_name` with the project's paths first; any failure is a ResolveError.

    This runs the module's top-level code, so call it only once the user has agreed
    to import (resolve, validate with resolving, run, or inspect).
    """
    add_python_paths(python_paths, base_dir)
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ResolveError(f"Cannot import module {module_name!r}: {exc}") from None
    except SystemExit as exc:  # a script-style module calling sys.exit() on import
        raise ResolveError(
            f"Importing {module_name!r} called sys.exit({exc.code!r}); "
            "move that code under `if __name__ == '__main__':`."
        ) from None
    except Exception as exc:  # user code failing on import
        raise ResolveError(
            f"Importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from None


def resolve_callable(
    reference: str, python_paths: Sequence[str] = (), base_dir: Path | None = None
) -> Callable[..., Any]:
    """Import the module of `reference` and return the callable it names."""
    module_name, qualname = split_reference(reference)
    obj: Any = import_module(module_name, python_paths, base_dir)
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ResolveError(f"Module {module_name!r} has no attribute {qualname!r}.") from None
    if not callable(obj):
        raise ResolveError(f"{reference} is not callable.")
    return obj
