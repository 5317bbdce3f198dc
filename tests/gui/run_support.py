"""Fixtures for the run tests (tests/gui/test_run_*.py): small sleep-based projects.

Every project gets a module with a unique name: the engine imports task modules
into this process, and two tests must never share one by accident. A module
and its import path are forgotten after the test; a task blocked on the
module's `RELEASE` event is let go, so no thread outlives the test for long.
"""

from __future__ import annotations

import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from taskflow_core.projectfile import save_project
from taskflow_core.workflow import TaskSpec, Workflow

from taskflow_gui.main_window import MainWindow

TASKS_MODULE = textwrap.dedent(
    '''
    """Tasks for a run test: short sleeps, a flag-controlled failure, a task that hangs."""

    import threading
    import time
    from pathlib import Path

    RELEASE = threading.Event()
    FLAG = Path(__file__).with_name("fail.flag")


    def source() -> int:
        """Produce a number."""
        time.sleep(0.05)
        print("source ready")
        return 2


    def double(x: int) -> int:
        """Twice x."""
        time.sleep(0.05)
        return x * 2


    def checked(x: int) -> int:
        """Fails while the flag file exists."""
        print("checking the flag")
        if FLAG.exists():
            raise ValueError("the flag file says fail")
        return x + 1


    def after(x: int) -> str:
        """Runs after `checked`."""
        return f"after {x}"


    def nap(seconds: float = 0.1) -> float:
        """Sleep a little."""
        time.sleep(seconds)
        print(f"slept {seconds} s")
        return seconds


    def total(*parts: float) -> float:
        """Add the naps up."""
        return sum(parts)


    def hang() -> None:
        """Never returns on its own."""
        print("hanging")
        RELEASE.wait()
    '''
)


class Project:
    """A project folder with its task module; `add` tasks, then `save`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.module = f"runtest_{uuid.uuid4().hex[:10]}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.module}.py").write_text(TASKS_MODULE, encoding="utf-8")
        self.workflow = Workflow("Run test", base_dir=folder)
        self.path = folder / "run.taskflow.json"
        self._columns: dict[str, int] = {}

    def add(self, name: str, function: str, *after: str, args: list[Any] | None = None,
            **fields: Any) -> Project:
        """A task calling `function` of the module, fed positionally by `after`."""
        column = 1 + max(self._columns.get(a, 0) for a in after) if after else 0
        self._columns[name] = column
        row = sum(1 for c in self._columns.values() if c == column) - 1
        spec = TaskSpec(name, f"{self.module}:{function}" if function else "",
                        args=list(args or []), position=(column * 260.0, row * 110.0),
                        **fields)
        self.workflow.add_task(spec)
        for upstream in after:
            self.workflow.connect(upstream, name, "positional")
        return self

    def save(self) -> Path:
        save_project(self.workflow, self.path)
        return self.path

    def set_flag(self, on: bool) -> None:
        flag = self.folder / "fail.flag"
        if on:
            flag.write_text("fail\n", encoding="utf-8")
        else:
            flag.unlink(missing_ok=True)

    def loaded(self) -> Any:
        """The imported task module (after a run)."""
        return sys.modules[self.module]


@pytest.fixture
def new_project(isolated: Path) -> Iterator[Any]:
    """A factory of projects; their modules are released and forgotten afterwards."""
    made: list[Project] = []

    def make(name: str = "project") -> Project:
        project = Project(isolated / name)
        made.append(project)
        return project

    yield make
    for project in made:
        module = sys.modules.pop(project.module, None)
        if module is not None:
            module.RELEASE.set()
        folder = str(project.folder.resolve())
        while folder in sys.path:
            sys.path.remove(folder)


@pytest.fixture
def stop_runs() -> Iterator[list[MainWindow]]:
    """Windows whose run is cancelled and waited for before they are closed."""
    windows: list[MainWindow] = []
    yield windows
    for window in windows:
        runs = getattr(window, "runs", None)
        if runs is not None and runs.is_running:
            runs.shutdown(5000)
