"""The callables a project can bind tasks to, shared by the palette, quick-add and inspector.

Filled by reading the project's modules with `ast` (nothing imported), plus any
file the user adds and any module the user agreed to import. Rescanned when
the project's python paths change.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from taskflow_core.discovery import (
    CallableInfo,
    inspect_module,
    module_name_for_file,
    scan_file,
    scan_project,
)
from taskflow_core.resolve import ResolveError, split_reference
from taskflow_core.workflow import Change, Workflow


class CallableCatalog(QObject):
    """Known callables by reference; emits `changed` whenever the list changes."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workflow: Workflow | None = None
        self._unsubscribe = lambda: None
        self._scanned: list[CallableInfo] = []
        self._added: dict[str, CallableInfo] = {}
        self._by_reference: dict[str, CallableInfo] = {}
        self._modules: set[str] = set()
        self._found_cache: dict[str, bool] = {}

    # -- reading -----------------------------------------------------------
    @property
    def callables(self) -> list[CallableInfo]:
        """Every known callable, ordered by module then source order."""
        return list(self._by_reference.values())

    def info(self, reference: str) -> CallableInfo | None:
        return self._by_reference.get(reference.strip())

    def references(self) -> list[str]:
        return list(self._by_reference)

    def static_problem(self, reference: str) -> str | None:
        """Why `reference` certainly cannot resolve, judged without importing; else None.

        Only a malformed reference or a module found nowhere (not in the project,
        not installed) is reported: anything subtler needs an import.
        """
        if not reference.strip():
            return None
        try:
            module, _ = split_reference(reference)
        except ResolveError as exc:
            return str(exc)
        if module in self._modules or not self._workflow:
            return None
        top = module.split(".")[0]
        if top not in self._found_cache:
            self._found_cache[top] = self._top_level_exists(top)
        if self._found_cache[top]:
            return None
        return f"Module {module!r} is not in the project's python paths nor installed."

    def _top_level_exists(self, top: str) -> bool:
        """Whether a top-level module or package is findable; finders only, nothing runs."""
        paths, base = self._search_paths()
        roots = [str(p if p.is_absolute() else (base or Path()) / p) for p in map(Path, paths)]
        if importlib.machinery.PathFinder.find_spec(top, roots) is not None:
            return True
        if top in sys.modules:
            return True
        try:
            return importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            return False

    # -- filling -----------------------------------------------------------
    def set_workflow(self, workflow: Workflow | None) -> None:
        """Follow a (new) project: rescan now and whenever its python paths change."""
        self._unsubscribe()
        self._workflow = workflow
        self._added.clear()
        self._unsubscribe = workflow.subscribe(self._on_change) if workflow else (lambda: None)
        self.rescan()

    def rescan(self) -> None:
        paths, base = self._search_paths()
        self._scanned = scan_project(paths, base) if paths else []
        self._rebuild()

    def add_file(self, path: Path | str) -> tuple[str | None, list[CallableInfo]]:
        """Scan one .py file (no import). Returns (module, callables); module None if the
        file is outside the python paths (the caller may offer to add its folder)."""
        paths, base = self._search_paths()
        module = module_name_for_file(path, paths, base)
        if module is None:
            return None, []
        infos = scan_file(path, module)
        self._add(infos)
        return module, infos

    def import_module(self, module: str) -> list[CallableInfo]:
        """Import `module` (its code runs: ask first) and list its functions."""
        paths, base = self._search_paths()
        infos = inspect_module(module, paths, base)
        self._add(infos)
        return infos

    def _search_paths(self) -> tuple[list[str], Path | None]:
        """The python paths to look in. An unsaved project has no folder yet, so its
        relative paths mean nothing (scanning the working directory could be huge)."""
        wf = self._workflow
        if wf is None:
            return [], None
        if wf.base_dir is None:
            return [p for p in wf.python_paths if Path(p).expanduser().is_absolute()], None
        return list(wf.python_paths), wf.base_dir

    def _add(self, infos: list[CallableInfo]) -> None:
        for info in infos:
            self._added[info.reference] = info
        self._rebuild()

    def _rebuild(self) -> None:
        merged = {i.reference: i for i in self._scanned}
        merged.update(self._added)  # an imported signature beats the ast reading
        ordered = sorted(merged.values(), key=lambda i: i.module)  # stable: keeps file order
        self._by_reference = {i.reference: i for i in ordered}
        self._modules = {i.module for i in ordered}
        self._found_cache.clear()
        self.changed.emit()

    def _on_change(self, change: Change) -> None:
        if change.kind == "workflow_changed":
            self.rescan()

