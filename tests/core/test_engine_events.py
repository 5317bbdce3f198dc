"""on_event: the events a run sends, their order, and listeners that misbehave."""

from __future__ import annotations

import dataclasses
import logging
import pickle

import pytest
from engine_support import Recorder
from taskflow_core import Process, Task, TaskDependency, TaskStatus, events


def talk(word: str) -> str:
    print(word)
    logging.getLogger("events.lib").warning("warned %s", word)
    return word


def boom() -> None:
    raise ValueError("nope")


def tasks_for(tmp_path) -> list[Task]:
    return [
        Task("a", str(tmp_path / "a.log"), talk, args=("alpha",)),
        Task("b", str(tmp_path / "b.log"), boom, dependencies=[TaskDependency("a")]),
        Task(
            "c", str(tmp_path / "c.log"), talk, args=("gamma",), dependencies=[TaskDependency("b")]
        ),
        Task("d", str(tmp_path / "d.log"), talk, args=("delta",)),
    ]


@pytest.mark.parametrize("parallel", [False, True])
def test_event_sequence(tmp_path, parallel):
    rec = Recorder()
    result = Process(tasks_for(tmp_path)).run(parallel=parallel, on_event=rec)
    first, last = rec.events[0], rec.events[-1]
    assert isinstance(first, events.RunStarted)
    assert first.tasks == ("a", "b", "c", "d")
    assert first.mode == ("parallel" if parallel else "sequential")
    assert first.max_workers == (4 if parallel else 1)
    assert isinstance(last, events.RunFinished) and last.result is result

    finished = rec.of(events.TaskFinished)
    assert sorted(e.task for e in finished) == ["a", "b", "c", "d"]  # exactly once each
    assert {e.task: e.result.status for e in finished} == {
        "a": TaskStatus.SUCCESS,
        "b": TaskStatus.FAILED,
        "c": TaskStatus.SKIPPED,
        "d": TaskStatus.SUCCESS,
    }
    assert all(e.result is result.results[e.task] for e in finished)

    started = rec.of(events.TaskStarted)
    assert sorted(e.task for e in started) == ["a", "b", "d"]
    for e in started:
        assert e.attempt == 1 and 0 <= e.worker < first.max_workers
        assert rec.events.index(e) < next(
            i
            for i, f in enumerate(rec.events)
            if isinstance(f, events.TaskFinished) and f.task == e.task
        )
    # An upstream task is reported finished before its dependant starts.
    a_done = next(
        i for i, e in enumerate(rec.events) if isinstance(e, events.TaskFinished) and e.task == "a"
    )
    b_start = next(
        i for i, e in enumerate(rec.events) if isinstance(e, events.TaskStarted) and e.task == "b"
    )
    assert a_done < b_start

    out = rec.of(events.TaskOutput)
    by_task = {(e.task, e.level, e.line.split(" - ", 3)[3]) for e in out}
    assert ("a", logging.INFO, "alpha") in by_task
    assert ("a", logging.WARNING, "warned alpha") in by_task
    assert ("d", logging.INFO, "delta") in by_task
    assert not any(e.task == "c" for e in out)
    assert all(e.line == e.line.rstrip("\n") for e in out)


def test_events_are_frozen_dataclasses():
    e = events.TaskStarted("x", 1, 0, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.task = "y"  # type: ignore[misc]
    assert events.describe(e) == "x: attempt 1 started on worker 0"


def test_task_output_behaves_like_the_other_events():
    """TaskOutput is a tuple (cheap to make per line) but reads like a frozen dataclass."""
    e = events.TaskOutput("t", "a line", logging.INFO, 1.5)
    assert (e.task, e.line, e.level, e.time) == ("t", "a line", logging.INFO, 1.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.line = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        e.extra = 1  # type: ignore[attr-defined]
    assert e == events.TaskOutput("t", "a line", logging.INFO, 1.5)
    assert hash(e) == hash(events.TaskOutput("t", "a line", logging.INFO, 1.5))
    assert e != events.TaskOutput("t", "a line", logging.INFO, 2.5)
    plain = ("t", "a line", logging.INFO, 1.5)
    assert e != plain
    assert not plain == e  # noqa: SIM201 - the tuple asks TaskOutput first
    assert repr(e) == "TaskOutput(task='t', line='a line', level=20, time=1.5)"
    assert dataclasses.asdict(e) == {"task": "t", "line": "a line", "level": 20, "time": 1.5}
    assert dataclasses.replace(e, line="b") == events.TaskOutput("t", "b", logging.INFO, 1.5)
    assert pickle.loads(pickle.dumps(e)) == e
    # How the engine makes them, without calling the class:
    assert tuple.__new__(events.TaskOutput, ("t", "a line", logging.INFO, 1.5)) == e
    assert events.describe(e) == "t: a line"


def test_a_run_sends_task_outputs_in_order_per_task(tmp_path):
    def count(n: int) -> None:
        for i in range(n):
            print(f"line {i}")

    rec = Recorder()
    tasks = [Task(f"t{k}", str(tmp_path / f"t{k}.log"), count, args=(300,)) for k in range(3)]
    Process(tasks).run(parallel=True, max_workers=3, on_event=rec)
    for k in range(3):
        out = [e for e in rec.of(events.TaskOutput) if e.task == f"t{k}"]
        assert all(type(e) is events.TaskOutput for e in out)
        assert [e.line.rsplit(" - ", 1)[1] for e in out] == [f"line {i}" for i in range(300)]
        assert all(e.level == logging.INFO and isinstance(e.time, float) for e in out)


def test_a_listener_that_raises_does_not_break_the_run(tmp_path, caplog):
    calls = []

    def bad_listener(event) -> None:
        calls.append(event)
        raise RuntimeError("listener bug")

    result = Process(tasks_for(tmp_path)).run(parallel=True, on_event=bad_listener)
    assert set(result.passed_tasks_results) == {"a", "d"}
    assert isinstance(calls[-1], events.RunFinished)
    reports = [r for r in caplog.records if r.name == "taskflow_core"]
    assert len(reports) == 1, "reported once, not once per event"
    assert "listener bug" in caplog.text


def test_a_listener_that_prints_is_not_captured_into_a_task(tmp_path, capsys):
    def printer(event) -> None:
        if isinstance(event, events.TaskOutput):
            print(f"LISTENER {event.task}")

    Process([Task("p", str(tmp_path / "p.log"), talk, args=("hi",))]).run(on_event=printer)
    assert "LISTENER p" in capsys.readouterr().out
    assert "LISTENER" not in (tmp_path / "p.log").read_text()
