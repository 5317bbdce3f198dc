"""The questions the designer asks, in one place.

Each is a thin wrapper over a static `QMessageBox`/`QFileDialog` call so the
wording stays consistent and tests can answer for the user by patching either
the function here or the Qt static method it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from taskflow_gui.recovery import RecoveryEntry

PROJECT_FILTER = "TaskFlow projects (*.taskflow.json);;JSON files (*.json);;All files (*)"
Button = QMessageBox.StandardButton


def ask_unsaved(parent: QWidget | None, name: str) -> str:
    """"save", "discard" or "cancel" for a project with unsaved changes."""
    answer = QMessageBox.warning(
        parent,
        "Unsaved changes",
        f"Save the changes to “{name}” before closing it?\n\n"
        "Your changes are lost if you don't save them.",
        Button.Save | Button.Discard | Button.Cancel,
        Button.Save,
    )
    if answer == Button.Save:
        return "save"
    if answer == Button.Discard:
        return "discard"
    return "cancel"


def ask_open_path(parent: QWidget | None, start: str = "") -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", start, PROJECT_FILTER)
    return Path(path) if path else None


def ask_save_path(parent: QWidget | None, suggestion: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save project as", suggestion, PROJECT_FILTER)
    if not path:
        return None
    chosen = Path(path)
    if not chosen.name.endswith(".json"):
        chosen = chosen.with_name(chosen.name + ".taskflow.json")
    return chosen


def ask_export_path(parent: QWidget | None, suggestion: str, kind: str) -> Path | None:
    pattern = "PNG images (*.png)" if kind == "png" else "SVG drawings (*.svg)"
    path, _ = QFileDialog.getSaveFileName(parent, f"Export canvas as {kind.upper()}",
                                          suggestion, pattern)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == f".{kind}" else chosen.with_suffix(f".{kind}")


def ask_report_path(parent: QWidget | None, suggestion: str, kind: str) -> Path | None:
    """Where to export a comparison: its JSON report or a PNG of its charts."""
    what, pattern = (
        ("report", "JSON files (*.json)") if kind == "json" else ("charts", "PNG images (*.png)")
    )
    path, _ = QFileDialog.getSaveFileName(parent, f"Export comparison {what}", suggestion,
                                          pattern)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == f".{kind}" else chosen.with_suffix(f".{kind}")


def confirm_stop_run(parent: QWidget | None) -> bool:
    """Closing while tasks run: the run is cancelled if the user goes on."""
    answer = QMessageBox.question(
        parent,
        "Stop the run?",
        "A run is still in progress. Closing TaskFlow cancels it: tasks that have not "
        "finished are stopped and marked cancelled.\n\nCancel the run and close?",
        Button.Yes | Button.No,
        Button.No,
    )
    return answer == Button.Yes


def confirm_import(parent: QWidget | None, modules: Sequence[str]) -> bool:
    """Ask before running project code: importing a module runs its top-level code."""
    if not modules:
        return True
    listed = "\n".join(f"  • {m}" for m in modules[:15])
    more = f"\n  … and {len(modules) - 15} more" if len(modules) > 15 else ""
    answer = QMessageBox.question(
        parent,
        "Import modules?",
        "Resolving callables imports these modules, which runs their top-level code:\n\n"
        f"{listed}{more}\n\nImport them now?",
        Button.Yes | Button.No,
        Button.No,
    )
    return answer == Button.Yes


def ask_recover(parent: QWidget | None, entries: Sequence[RecoveryEntry]) -> str:
    """"recover" (the newest), "discard" (all) or "later" after a crash."""
    newest = entries[0]
    others = len(entries) - 1
    more = f"\n\n{others} older recovered project(s) will be offered next time." if others else ""
    answer = QMessageBox.question(
        parent,
        "Recover unsaved work",
        "TaskFlow did not close normally last time. Unsaved work was kept:\n\n"
        f"{newest.describe()}\n\nRecover it now? Choose No to discard "
        f"{'it' if not others else 'all of it'}.{more}",
        Button.Yes | Button.No | Button.Cancel,
        Button.Yes,
    )
    if answer == Button.Yes:
        return "recover"
    if answer == Button.No:
        return "discard"
    return "later"


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.critical(parent, title, message)
