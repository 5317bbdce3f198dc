"""cancel() from another thread: nothing starts after it and run() returns within a second."""

from __future__ import annotations

import threading
import time

from engine_support import Recorder, run_in_thread
from taskflow_core import Process, Task, TaskDependency, TaskStatus, events

RELEASE = threading.Event()


def blocked() -> str:
    RELEASE.wait(20)
    return "released"


def short() -> str:
    time.sleep(0.05)
    return "short"


def test_cancel_while_a_task_cannot_be_stopped(tmp_path):
    RELEASE.clear()
    started = threading.Event()
    rec = Recorder(
        lambda e: started.set() if isinstance(e, events.TaskStarted) and e.task == "stuck" else None
    )
    tasks = [
        Task("stuck", str(tmp_path / "stuck.log"), blocked),
        Task("child", str(tmp_path / "child.log"), short, dependencies=[TaskDependency("stuck")]),
    ]
    tasks += [Task(f"s{i}", str(tmp_path / f"s{i}.log"), short) for i in range(40)]
    process = Process(tasks)
    try:
        thread, box = run_in_thread(process, parallel=True, max_workers=2, on_event=rec)
        assert started.wait(5)
        time.sleep(0.1)
        cancelled_at = time.monotonic()
        process.cancel()
        thread.join(5)
        returned_after = time.monotonic() - cancelled_at
    finally:
        RELEASE.set()
    assert not thread.is_alive()
    assert returned_after < 1.0
    result = box["result"]
    assert result.results["stuck"].status is TaskStatus.CANCELLED
    assert result.results["stuck"].worker is not None
    assert result.results["child"].status is TaskStatus.CANCELLED
    assert result.cancelled_tasks >= {"stuck", "child"}
    assert result.cancelled_tasks | set(result.passed_tasks_results) == {t.name for t in tasks}
    assert result.failed_tasks == set()
    # Nothing started after cancel(): every started task is either done or cancelled-while-running.
    started_names = {e.task for e in rec.of(events.TaskStarted)}
    never_started = {t.name for t in tasks} - started_names
    assert never_started and never_started <= result.cancelled_tasks
    assert all(result.results[n].started_at is None for n in never_started)
    finished = [e.task for e in rec.of(events.TaskFinished)]
    assert sorted(finished) == sorted(t.name for t in tasks)
    assert isinstance(rec.events[-1], events.RunFinished)
    assert "WARNING - Cancelled stuck." in (tmp_path / "stuck.log").read_text()


def test_cancel_during_a_retry_delay(tmp_path):
    calls = []

    def always_fails() -> None:
        calls.append(1)
        raise OSError("down")

    rec = Recorder()
    t = Task("retrying", str(tmp_path / "r.log"), always_fails, retries=5, retry_delay=10)
    process = Process([t])
    thread, box = run_in_thread(process, on_event=rec)
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    process.cancel()
    thread.join(2)
    assert not thread.is_alive()
    res = box["result"].results["retrying"]
    assert res.status is TaskStatus.CANCELLED and res.attempts == 1 and len(calls) == 1


def test_cancel_without_a_run_does_nothing(tmp_path):
    p = Process([Task("a", str(tmp_path / "a.log"), short)])
    p.cancel()
    assert p.run().passed_tasks_results["a"].result == "short"
