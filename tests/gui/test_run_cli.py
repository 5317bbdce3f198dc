"""`taskflow-gui FILE --run MODE --screenshot OUT.png --quit`: run, wait, picture, exit status."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QImage

from taskflow_gui.app import install_quiet_logging, main

pytest_plugins = ["app_support", "run_support"]


@pytest.fixture
def quiet_logging_removed() -> Iterator[None]:
    """`main` installs the designer's root log handler; take it away after the test."""
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)


def test_run_parallel_succeeds_with_exit_status_0_and_a_picture(
    new_project, isolated, quiet_logging_removed, capsys
):
    project = new_project()
    project.add("source", "source").add("double", "double", "source")
    out = isolated / "run.png"
    status = main([str(project.save()), "--run", "parallel", "--screenshot", str(out),
                   "--size", "1000x700", "--quit"])
    assert status == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert "2 succeeded" in capsys.readouterr().out


def test_run_compare_succeeds_too(new_project, isolated, quiet_logging_removed, capsys):
    project = new_project()
    project.add("a", "nap", args=[0.05]).add("b", "nap", args=[0.05])
    out = isolated / "compare.png"
    status = main([str(project.save()), "--run", "compare", "--screenshot", str(out), "--quit"])
    assert status == 0
    assert "Parallel took" in capsys.readouterr().out
    assert QImage(str(out)).width() == 1400


def test_an_unreadable_file_exits_with_2(isolated, quiet_logging_removed, capsys):
    bad = isolated / "broken.taskflow.json"
    bad.write_text("{ not json", encoding="utf-8")
    assert main([str(bad), "--run", "sequential", "--quit"]) == 2
    assert main([str(isolated / "missing.taskflow.json"), "--run", "compare", "--quit"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_problems_exit_with_1_and_say_why(new_project, isolated, quiet_logging_removed, capsys):
    project = new_project()
    project.add("lonely", "")
    assert main([str(project.save()), "--run", "parallel", "--quit"]) == 1
    assert "Not started: 1 problem" in capsys.readouterr().err


def test_run_needs_a_file(isolated):
    with pytest.raises(SystemExit) as exit_info:
        main(["--run", "parallel", "--quit"])
    assert exit_info.value.code == 2


def test_the_command_with_a_failing_task_exits_1_and_keeps_tracebacks_off_stderr(
    new_project, isolated
):
    project = new_project()
    project.add("source", "source").add("checked", "checked", "source")
    project.add("after", "after", "checked")
    project.set_flag(True)
    out = isolated / "failed.png"
    home = isolated / "home"
    env = {**os.environ, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".share")}
    done = subprocess.run(
        [sys.executable, "-m", "taskflow_gui", str(project.save()), "--run", "sequential",
         "--screenshot", str(out), "--quit"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "1 failed, 1 skipped" in done.stderr
    assert "Traceback" not in done.stderr and "the flag file says fail" not in done.stderr
    assert QImage(str(out)).width() == 1400
    assert (project.folder / "logs" / "checked.log").read_text().count("ValueError") >= 1


def test_the_quiet_handler_is_installed_once(quiet_logging_removed):
    first = install_quiet_logging()
    assert install_quiet_logging() is first
    record = logging.LogRecord("checked", logging.ERROR, __file__, 1, "boom", (), None)
    assert not first.filter(record)  # a task's record stays in its log
    engine = logging.LogRecord("taskflow_core", logging.WARNING, __file__, 1, "disk", (), None)
    assert first.filter(engine)

