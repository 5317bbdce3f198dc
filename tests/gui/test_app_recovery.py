"""Autosave to a recovery file and recovery after a crash (a real one, in a child process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from taskflow_gui import recovery

pytest_plugins = ["app_support"]

Button = QMessageBox.StandardButton

CRASHING_EDITOR = textwrap.dedent(
    """
    import os, sys
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QApplication
    from taskflow_core.workflow import TaskSpec
    from taskflow_gui.app import configure_application
    from taskflow_gui.commands import AddTasks
    from taskflow_gui.document import Document

    app = QApplication([])
    configure_application(app)
    QStandardPaths.setTestModeEnabled(True)
    doc = Document.open(sys.argv[1])
    doc.push(AddTasks(doc.workflow, [TaskSpec("unsaved_work", "steps:clean")]))
    doc.autosave()
    print(doc.recovery_path, flush=True)
    os._exit(3)  # no cleanup at all, as in a crash
    """
)


def crash_while_editing(project: Path, home: Path) -> Path:
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_EDITOR, str(project)],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 3, done.stderr
    return Path(done.stdout.strip())


def test_edit_burst_is_autosaved_and_a_save_removes_the_file(opened, ui, qtbot):
    document = opened.document
    assert document.recovery_path is None
    opened.edit.add_callable("steps:report")
    qtbot.waitUntil(lambda: document.recovery_path is not None
                    and document.recovery_path.exists(), timeout=5000)
    entry = recovery._read(document.recovery_path)
    assert entry is not None and "report_2" in entry.project_text
    assert entry.original_path == str(document.path)
    ui.focus_canvas(opened)
    ui.key(opened, "Ctrl+S")
    assert not document.recovery_path.exists()
    # A running designer's own recovery file is never offered as an orphan.
    opened.edit.add_callable("steps:report")
    document.autosave()
    assert document.recovery_path.exists()
    assert recovery.orphans() == []


def test_recovery_after_a_crash_is_offered_and_restores_the_work(window, ui, dialogs, project,
                                                                isolated):
    left_behind = crash_while_editing(project, isolated / "home")
    assert left_behind.exists()
    assert [e.file for e in recovery.orphans()] == [left_behind]
    dialogs.answer("question", Button.Yes)
    assert window.files.offer_recovery()
    assert dialogs.titles("question") == ["Recover unsaved work"]
    assert ui.names(window) == ["load", "clean", "report", "unsaved_work"]
    assert window.document.path == project.resolve()
    assert window.isWindowModified()  # recovered work is unsaved until saved
    assert not left_behind.exists()
    assert window.document.recovery_path.exists()  # still protected against the next crash
    assert window.palette_dock.catalog.info("steps:clean") is not None


def test_discarding_recovery_deletes_it_and_later_keeps_it(window, dialogs, project, isolated):
    left_behind = crash_while_editing(project, isolated / "home")
    dialogs.answer("question", Button.Cancel)
    assert not window.files.offer_recovery()
    assert left_behind.exists()  # "later": offered again next time
    dialogs.answer("question", Button.No)
    assert not window.files.offer_recovery()
    assert not left_behind.exists()
    assert recovery.orphans() == []


def test_closing_removes_the_recovery_file(opened, dialogs):
    opened.edit.add_callable("steps:report")
    opened.document.autosave()
    path = opened.document.recovery_path
    assert path.exists()
    dialogs.answer("warning", Button.Discard)
    assert opened.close()
    assert not path.exists()
