"""Cut, copy, paste and duplicate tasks as JSON on the system clipboard.

The clipboard holds a small project file (the same task shape as on disk), so
tasks can be pasted into another window, another project or a text editor.
Pasting renames tasks that would clash, keeps the edges among the pasted
tasks, drops edges to tasks that were not copied, and places the copies at an
offset (or around the cursor) so they never hide the originals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from taskflow_core.projectfile import ProjectFileError, dumps_project, loads_project
from taskflow_core.workflow import TaskSpec, Workflow, WorkflowError, default_log_path

MIME_TYPE = "application/x-taskflow-tasks"
PASTE_OFFSET = 40.0


def tasks_to_json(specs: Sequence[TaskSpec]) -> str:
    """The specs as project-file JSON, with only the edges among them."""
    names = {s.name for s in specs}
    holder = Workflow("clipboard")
    for spec in specs:
        clone = spec.copy()
        clone.dependencies = [d for d in clone.dependencies if d.task in names]
        try:
            holder.add_task(clone)
        except WorkflowError:
            continue  # a second task of the same name (from a hand-edited file)
    return dumps_project(holder)


def tasks_from_json(text: str) -> list[TaskSpec]:
    """Task specs read from clipboard text; [] when it holds no TaskFlow tasks."""
    try:
        holder = loads_project(text)
    except (ProjectFileError, ValueError, TypeError):
        return []
    return holder.tasks


def copy_tasks(specs: Sequence[TaskSpec]) -> None:
    """Put the specs on the clipboard, as TaskFlow data and as plain JSON text."""
    text = tasks_to_json(specs)
    data = QMimeData()
    data.setData(MIME_TYPE, text.encode("utf-8"))
    data.setText(text)
    QGuiApplication.clipboard().setMimeData(data)


def clipboard_tasks() -> list[TaskSpec]:
    """Fresh specs from the clipboard (TaskFlow data, or JSON text that looks like it)."""
    data = QGuiApplication.clipboard().mimeData()
    if data is None:
        return []
    if data.hasFormat(MIME_TYPE):
        return tasks_from_json(bytes(data.data(MIME_TYPE).data()).decode("utf-8"))
    if data.hasText():
        return tasks_from_json(data.text())
    return []


def prepare_paste(
    workflow: Workflow,
    specs: Sequence[TaskSpec],
    *,
    offset: float = PASTE_OFFSET,
    at: tuple[float, float] | None = None,
) -> list[TaskSpec]:
    """Copies of `specs` ready to add: unique names, internal edges renamed, moved.

    With `at`, the copies are centred on that scene point; otherwise they are
    shifted by `offset` in both directions.
    """
    copies = [s.copy() for s in specs]
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for spec in copies:
        new = _unique(workflow, spec.name, taken)
        taken.add(new)
        renamed[spec.name] = new
        if spec.log_path == default_log_path(spec.name):
            spec.log_path = default_log_path(new)
        spec.name = new
    for spec in copies:
        spec.dependencies = [d for d in spec.dependencies if d.task in renamed]
        for dep in spec.dependencies:
            dep.task = renamed[dep.task]
    if copies:
        dx = dy = offset
        if at is not None:
            xs = [s.position[0] for s in copies]
            ys = [s.position[1] for s in copies]
            dx = at[0] - (min(xs) + max(xs)) / 2
            dy = at[1] - (min(ys) + max(ys)) / 2
        for spec in copies:
            spec.position = (spec.position[0] + dx, spec.position[1] + dy)
    return copies


def _unique(workflow: Workflow, name: str, taken: set[str]) -> str:
    """`Workflow.unique_name`, also avoiding names given to earlier pasted tasks."""
    candidate = workflow.unique_name(name)
    if candidate not in taken:
        return candidate
    stem, n = re.sub(r"_\d+$", "", candidate), 2
    while f"{stem}_{n}" in taken or f"{stem}_{n}" in workflow:
        n += 1
    return f"{stem}_{n}"
