"""Task, TaskDependency and TaskResult: the 1.x signatures, checks and error texts."""

from __future__ import annotations

import logging
import os

import pytest
from engine_support import entries, log_lines
from taskflow_core import Task, TaskDependency, TaskResult, TaskStatus


def noop() -> None:
    return None


def test_task_keeps_plain_mutable_attributes(tmp_path):
    deps = [TaskDependency("a", use_result_as_additional_args=True)]
    t = Task("b", str(tmp_path / "b.log"), noop, args=(1,), kwargs={"k": 2}, dependencies=deps)
    assert (t.name, t.func, t.args, t.kwargs, t.dependencies) == ("b", noop, (1,), {"k": 2}, deps)
    assert (t.timeout, t.retries, t.retry_delay, t.retry_on) == (None, 0, 0.0, (Exception,))
    t.name = "renamed"
    t.args = (3,)
    assert t.name == "renamed" and t.args == (3,)
    assert t.get_dependencies_names() == {"a"}


def test_defaults_are_fresh_containers(tmp_path):
    a = Task("a", str(tmp_path / "a.log"), noop)
    b = Task("b", str(tmp_path / "b.log"), noop)
    assert a.kwargs == {} and a.dependencies == []
    assert a.kwargs is not b.kwargs and a.dependencies is not b.dependencies


def test_logger_is_a_logger_with_a_file_handler_that_opens_lazily(tmp_path):
    path = tmp_path / "lazy.log"
    t = Task("lazy_logger_task", str(path), noop)
    assert isinstance(t.logger, logging.Logger)
    assert t.logger.name == "lazy_logger_task"
    handlers = [h for h in t.logger.handlers if isinstance(h, logging.FileHandler)]
    assert len(handlers) == 1
    assert handlers[0].baseFilename == str(path)
    assert not path.exists(), "building a task must not open (create) its log file"
    for h in t.logger.handlers:  # scripts may close them
        h.close()


@pytest.mark.parametrize("name", ["has space", "tab\there", "new\nline", " lead"])
def test_whitespace_in_name_is_rejected(tmp_path, name):
    with pytest.raises(ValueError, match=r"Task name cannot contain spaces\. Got ") as info:
        Task(name, str(tmp_path / "x.log"), noop)
    assert str(info.value) == f"Task name cannot contain spaces. Got {name}"


def test_duplicate_dependency_and_self_dependency(tmp_path):
    log = str(tmp_path / "x.log")
    with pytest.raises(ValueError) as info:
        Task("t", log, noop, dependencies=[TaskDependency("a"), TaskDependency("a")])
    assert str(info.value) == "Duplicate dependency name: a"
    with pytest.raises(ValueError) as info:
        Task("t", log, noop, dependencies=[TaskDependency("t")])
    assert str(info.value) == "Got dependency with same name as Task. Task: t. Dependency: t"


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"name": 3}, "name"),
        ({"log_path": 3}, "log_path"),
        ({"func": "not callable"}, "func"),
        ({"args": [1]}, "args"),
        ({"kwargs": [1]}, "kwargs"),
        ({"dependencies": "a"}, "dependencies"),
        ({"dependencies": ["a"]}, "dependency"),
        ({"timeout": "1"}, "timeout"),
        ({"retries": 1.5}, "retries"),
        ({"retries": True}, "retries"),
        ({"retry_delay": "1"}, "retry_delay"),
        ({"retry_on": ValueError("x")}, "retry_on"),
        ({"retry_on": (ValueError, int)}, "retry_on"),
    ],
)
def test_wrong_types_raise_type_error_naming_the_argument(tmp_path, kwargs, argument):
    base = {"name": "t", "log_path": str(tmp_path / "t.log"), "func": noop}
    base.update(kwargs)
    with pytest.raises(TypeError) as info:
        Task(
            base.pop("name"),
            base.pop("log_path"),
            base.pop("func"),
            **base,
        )
    assert str(info.value).startswith(f"{argument} must be ")


@pytest.mark.parametrize(
    "kwargs", [{"timeout": 0}, {"timeout": -1}, {"retries": -1}, {"retry_delay": -0.5}]
)
def test_out_of_range_numbers_raise_value_error(tmp_path, kwargs):
    with pytest.raises(ValueError):
        Task("t", str(tmp_path / "t.log"), noop, **kwargs)


def test_path_like_log_path_is_accepted(tmp_path):
    t = Task("pathlike", tmp_path / "p.log", noop)
    assert t.run().worked
    assert entries(tmp_path / "p.log")[0][2] == "Starting pathlike."


@pytest.mark.parametrize(
    ("args", "argument"),
    [
        ((1,), "task_name"),
        (("a", "yes"), "use_result_as_additional_args"),
        (("a", False, 1), "use_result_as_additional_kwargs"),
    ],
)
def test_dependency_type_errors(args, argument):
    with pytest.raises(TypeError) as info:
        TaskDependency(*args)
    assert str(info.value).startswith(f"{argument} must be of type ")


def test_keyword_dependency_needs_a_name():
    with pytest.raises(TypeError, match=r"additional_kwarg_name"):
        TaskDependency("a", use_result_as_additional_kwargs=True)
    dep = TaskDependency("a", use_result_as_additional_kwargs=True, additional_kwarg_name="x")
    assert dep.additional_kwarg_name == "x"
    assert hash(dep) == hash("a")


def test_task_run_alone_logs_and_returns_a_result(tmp_path):
    path = tmp_path / "alone.log"
    t = Task("alone", str(path), lambda x: x * 2, args=(21,))
    result = t.run()
    assert isinstance(result, TaskResult)
    assert (result.worked, result.result, result.exception) == (True, 42, None)
    assert result.status is TaskStatus.SUCCESS and result.attempts == 1
    assert [m for _, _, m in entries(path)] == ["Starting alone.", "Finished alone."]


def test_task_run_never_raises_and_logs_the_traceback(tmp_path):
    path = tmp_path / "broken.log"

    def broken() -> None:
        raise KeyError("missing thing")

    result = Task("broken", str(path), broken).run()
    assert result.worked is False and result.status is TaskStatus.FAILED
    assert isinstance(result.exception, KeyError)
    lines = log_lines(path)
    assert entries(path)[0] == ("broken", "INFO", "Starting broken.")
    assert entries(path)[1] == ("broken", "ERROR", "'missing thing'")
    assert "Traceback (most recent call last):" in lines
    assert lines[-1] == "KeyError: 'missing thing'"
    assert "raise KeyError" in result.error


def test_task_run_ignores_dependencies(tmp_path):
    seen = []
    t = Task(
        "child",
        str(tmp_path / "c.log"),
        lambda *a: seen.append(a),
        args=(1,),
        dependencies=[TaskDependency("parent", use_result_as_additional_args=True)],
    )
    assert t.run().worked
    assert seen == [(1,)]


def test_task_result_keeps_the_1x_constructor():
    ok = TaskResult(True, 5, None)
    bad = TaskResult(False, None, ValueError("x"))
    assert (ok.worked, ok.result, ok.exception, ok.status) == (True, 5, None, TaskStatus.SUCCESS)
    assert bad.status is TaskStatus.FAILED
    assert ok.duration is None and ok.worker is None and ok.skipped_because is None
    timed = TaskResult(True, 1, None, started_at=10.0, finished_at=12.5)
    assert timed.duration == 2.5


def test_statuses_include_live_ones():
    assert {s.name for s in TaskStatus} == {
        "PENDING",
        "RUNNING",
        "SUCCESS",
        "FAILED",
        "SKIPPED",
        "CANCELLED",
    }


def test_retargeting_log_path_after_construction_is_honoured(tmp_path):
    t = Task("moved", str(tmp_path / "old.log"), noop)
    t.log_path = str(tmp_path / "new.log")
    assert t.run().worked
    assert not (tmp_path / "old.log").exists()
    assert os.path.exists(tmp_path / "new.log")
