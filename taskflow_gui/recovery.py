"""Recovery files: unsaved work written aside so a crash loses at most a few seconds.

Each open document owns one file in ``<AppDataLocation>/recovery`` and holds a
`QLockFile` next to it while it is open. A file whose lock is free (its process
ended without closing the document) is an orphan, offered back on the next start.
The file wraps the project text with where it came from, so a recovered
project still knows its original path.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QSaveFile, QStandardPaths

FORMAT = "taskflow-recovery"
SUFFIX = ".recovery.json"


def recovery_dir() -> Path:
    """Where recovery files live (created on demand)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    folder = Path(base) / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass(frozen=True)
class RecoveryEntry:
    """An orphaned recovery file, described for the prompt."""

    file: Path
    name: str
    original_path: str
    saved_at: float
    project_text: str

    def describe(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.saved_at))
        where = self.original_path or "never saved"
        return f"{self.name} ({where}), autosaved {when}"


class RecoveryFile:
    """The recovery file of one open document; locked while the document is open."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or recovery_dir()
        self.path = folder / f"{uuid.uuid4().hex}{SUFFIX}"
        self._lock = QLockFile(str(self.path) + ".lock")
        self._lock.setStaleLockTime(0)
        self._lock.tryLock(0)

    def write(self, name: str, original_path: str, project_text: str) -> None:
        """Replace the file atomically (a crash mid-write keeps the previous one)."""
        payload = {
            "format": FORMAT,
            "name": name,
            "original_path": original_path,
            "saved_at": time.time(),
            "project": project_text,
        }
        out = QSaveFile(str(self.path))
        if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
            raise OSError(f"Cannot write the recovery file {self.path}: {out.errorString()}")
        out.write(json.dumps(payload).encode("utf-8"))
        if not out.commit():
            raise OSError(f"Cannot write the recovery file {self.path}: {out.errorString()}")

    def remove(self) -> None:
        """Delete the file (after a save, or when unsaved changes are discarded)."""
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """Delete the file and give up the lock: the document closed normally."""
        self.remove()
        self._lock.unlock()


def orphans(folder: Path | None = None) -> list[RecoveryEntry]:
    """Recovery files nobody holds: left behind by a process that did not close cleanly."""
    folder = folder or recovery_dir()
    found = []
    for file in sorted(folder.glob(f"*{SUFFIX}")):
        lock = QLockFile(str(file) + ".lock")
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            continue  # an open document of a running process
        lock.unlock()
        entry = _read(file)
        if entry is None:
            file.unlink(missing_ok=True)  # unreadable: nothing to offer
        else:
            found.append(entry)
    return sorted(found, key=lambda e: e.saved_at, reverse=True)


def discard(entry: RecoveryEntry) -> None:
    entry.file.unlink(missing_ok=True)


def _read(file: Path) -> RecoveryEntry | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return RecoveryEntry(
        file=file,
        name=str(data.get("name") or "Untitled"),
        original_path=str(data.get("original_path") or ""),
        saved_at=float(data.get("saved_at") or file.stat().st_mtime),
        project_text=str(data.get("project") or ""),
    )
