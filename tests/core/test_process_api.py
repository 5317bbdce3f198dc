"""Process: validation before anything runs, look-ups, ordering, run() arguments."""

from __future__ import annotations

import os
import sys

import pytest
from engine_support import Recorder, entries
from taskflow_core import (
    CircularDependencyError,
    DependencyNotFoundError,
    Process,
    ProcessResult,
    Task,
    TaskDependency,
    TaskNotFoundError,
    events,
)

CALLS: list[str] = []


def record(name: str) -> str:
    CALLS.append(name)
    return name


def make(tmp_path, name, deps=(), **kwargs):
    return Task(
        name,
        str(tmp_path / f"{name}.log"),
        record,
        args=(name,),
        dependencies=[TaskDependency(d) for d in deps],
        **kwargs,
    )


def open_fds() -> int | None:
    if sys.platform != "linux":
        return None
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def test_duplicate_task_name(tmp_path):
    with pytest.raises(ValueError) as info:
        Process([make(tmp_path, "a"), make(tmp_path, "a")])
    assert str(info.value) == "Duplicate task name: a"


def test_missing_dependency(tmp_path):
    with pytest.raises(DependencyNotFoundError) as info:
        Process([make(tmp_path, "a"), make(tmp_path, "b", ["ghost"])])
    assert str(info.value) == "Task b depends on missing task: ghost"


def test_two_task_cycle_is_named(tmp_path):
    with pytest.raises(CircularDependencyError) as info:
        Process([make(tmp_path, "a", ["b"]), make(tmp_path, "b", ["a"])])
    assert str(info.value) == "Circular dependency detected. a -> b -> a"


def test_longer_cycle_is_named_in_run_order_with_bystanders(tmp_path):
    tasks = [
        make(tmp_path, "root"),
        make(tmp_path, "x", ["root", "z"]),
        make(tmp_path, "y", ["x"]),
        make(tmp_path, "z", ["y"]),
        make(tmp_path, "after", ["z"]),
    ]
    with pytest.raises(CircularDependencyError) as info:
        Process(tasks)
    # x needs z, y needs x, z needs y: x runs before y, y before z, z before x.
    assert str(info.value) == "Circular dependency detected. x -> y -> z -> x"


def test_type_errors(tmp_path):
    with pytest.raises(TypeError, match=r"^tasks must be list\. Got "):
        Process((make(tmp_path, "a"),))
    with pytest.raises(TypeError, match=r"^task must be Task\. Got "):
        Process([make(tmp_path, "a"), "b"])


def test_attributes_are_checked_again_when_the_process_is_built(tmp_path):
    t = make(tmp_path, "a")
    t.name = "now has space"
    with pytest.raises(ValueError, match=r"Task name cannot contain spaces\. Got now has space"):
        Process([t])
    t2 = make(tmp_path, "b")
    t2.args = ["not", "a", "tuple"]
    with pytest.raises(TypeError, match=r"^args must be tuple"):
        Process([t2])


def test_nothing_runs_and_no_file_is_left_open_when_validation_fails(tmp_path):
    before = open_fds()
    tasks = [make(tmp_path, f"t{i}") for i in range(50)]
    tasks.append(make(tmp_path, "bad", ["missing"]))
    with pytest.raises(DependencyNotFoundError):
        Process(tasks)
    assert CALLS == []
    assert list(tmp_path.iterdir()) == []
    if before is not None:
        assert open_fds() <= before


def test_get_task_and_task_not_found(tmp_path):
    a = make(tmp_path, "a")
    p = Process([a])
    assert p.get_task("a") is a
    with pytest.raises(TaskNotFoundError) as info:
        p.get_task("zzz")
    assert "zzz" in str(info.value)


def test_get_dependant_tasks_is_transitive(tmp_path):
    tasks = [
        make(tmp_path, "a"),
        make(tmp_path, "b", ["a"]),
        make(tmp_path, "c", ["b"]),
        make(tmp_path, "d"),
        make(tmp_path, "e", ["d", "c"]),
    ]
    p = Process(tasks)
    assert [t.name for t in p.get_dependant_tasks("a")] == ["b", "c", "e"]
    assert [t.name for t in p.get_dependant_tasks("d")] == ["e"]
    assert p.get_dependant_tasks("e") == []
    assert p.get_dependant_tasks("unknown") == []


def test_sequential_order_is_input_order_among_ready_tasks(tmp_path):
    tasks = [
        make(tmp_path, "late", ["first"]),
        make(tmp_path, "first"),
        make(tmp_path, "independent"),
        make(tmp_path, "last", ["late", "independent"]),
    ]
    p = Process(tasks)
    assert [t.name for t in p.tasks] == ["first", "late", "independent", "last"]
    result = p.run(parallel=False)
    assert CALLS == ["first", "late", "independent", "last"]
    assert list(result.results) == ["first", "late", "independent", "last"]


def test_a_dependency_retargeted_after_construction_is_used(tmp_path):
    a, b = make(tmp_path, "a"), make(tmp_path, "b")
    c = Task("c", str(tmp_path / "c.log"), lambda *got: got, dependencies=[TaskDependency("a")])
    c.dependencies[0].task_name = "b"
    c.dependencies[0].use_result_as_additional_args = True
    c.name = "c2"
    p = Process([c, a, b])
    result = p.run(parallel=False)
    assert result.passed_tasks_results["c2"].result == ("b",)
    assert [t.name for t in p.tasks] == ["a", "b", "c2"]
    assert [m for _, _, m in entries(tmp_path / "c.log")] == ["Starting c2.", "Finished c2."]


def test_run_argument_types(tmp_path):
    p = Process([make(tmp_path, "a")])
    with pytest.raises(TypeError, match=r"^parallel must be bool or None"):
        p.run(parallel="yes")
    with pytest.raises(TypeError, match=r"^max_workers must be int"):
        p.run(max_workers=2.0)
    with pytest.raises(TypeError, match=r"^on_event must be callable"):
        p.run(on_event=3)
    with pytest.raises(TypeError, match=r"^resume_from must be ProcessResult"):
        p.run(resume_from={})
    assert CALLS == []


def test_parallel_none_means_parallel_from_ten_tasks(tmp_path):
    few = Process([make(tmp_path, f"f{i}") for i in range(9)])
    many = Process([make(tmp_path, f"m{i}") for i in range(10)])
    assert few.run().mode == "sequential"
    r = many.run()
    assert (r.mode, r.max_workers) == ("parallel", 4)


def test_one_worker_means_sequential(tmp_path):
    p = Process([make(tmp_path, f"t{i}") for i in range(12)])
    r = p.run(parallel=True, max_workers=1)
    assert (r.mode, r.max_workers) == ("sequential", 1)
    assert {res.worker for res in r.results.values()} == {0}
    r = p.run(parallel=True, max_workers=0)  # clamped to 1, as in 1.x
    assert r.mode == "sequential"


def test_each_run_is_fresh(tmp_path):
    p = Process([make(tmp_path, "a"), make(tmp_path, "b", ["a"])])
    first = p.run()
    second = p.run()
    assert first is not second
    assert first.results["a"] is not second.results["a"]
    assert CALLS == ["a", "b", "a", "b"]
    assert isinstance(second, ProcessResult) and p.last_result is second


def test_context_manager_closes_and_removes_handlers(tmp_path):
    tasks = [make(tmp_path, "a"), make(tmp_path, "b")]
    for t in tasks:  # a second handler each, to catch the 1.x skip-every-other bug
        t.logger.addHandler(__import__("logging").NullHandler())
    with Process(tasks) as p:
        p.run()
    assert all(t.logger.handlers == [] for t in tasks)


def test_runs_cannot_overlap(tmp_path):
    import threading

    gate = threading.Event()
    t = Task("waits", str(tmp_path / "w.log"), gate.wait, args=(5,))
    p = Process([t])
    started = threading.Event()
    rec = Recorder(lambda e: started.set() if isinstance(e, events.TaskStarted) else None)
    thread = threading.Thread(target=p.run, kwargs={"on_event": rec})
    thread.start()
    assert started.wait(5)
    assert p.running
    with pytest.raises(RuntimeError, match=r"already running"):
        p.run()
    gate.set()
    thread.join(5)
    assert not p.running
