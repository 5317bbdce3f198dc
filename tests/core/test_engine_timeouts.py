"""Timeouts, retries with doubling delays, and stuck tasks that never block exit."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

from engine_support import Recorder, entries, log_lines, run_or_fail
from taskflow_core import Process, Task, TaskDependency, TaskStatus, events

RELEASE = threading.Event()


def stuck() -> None:
    RELEASE.wait(30)


def quick() -> str:
    return "quick"


def test_a_task_past_its_timeout_fails_and_the_run_goes_on(tmp_path):
    RELEASE.clear()
    try:
        tasks = [
            Task("slow", str(tmp_path / "slow.log"), stuck, timeout=0.3),
            Task(
                "after", str(tmp_path / "after.log"), quick, dependencies=[TaskDependency("slow")]
            ),
            Task("other", str(tmp_path / "other.log"), quick),
        ]
        start = time.monotonic()
        r = run_or_fail(Process(tasks), parallel=True, max_workers=2, timeout=10)
        elapsed = time.monotonic() - start
    finally:
        RELEASE.set()
    assert elapsed < 2.0
    slow = r.results["slow"]
    assert slow.status is TaskStatus.FAILED and isinstance(slow.exception, TimeoutError)
    assert str(slow.exception) == "Task slow timed out after 0.3 seconds"
    assert slow.duration >= 0.3
    assert r.skipped_tasks == {"after"} and r.results["after"].skipped_because == "slow"
    assert r.passed_tasks_results["other"].result == "quick"
    lines = log_lines(tmp_path / "slow.log")
    assert entries(tmp_path / "slow.log")[:2] == [
        ("slow", "INFO", "Starting slow."),
        ("slow", "ERROR", "Task slow timed out after 0.3 seconds"),
    ]
    assert lines[-1] == "TimeoutError: Task slow timed out after 0.3 seconds"


def test_a_timed_out_lane_is_replaced_so_sequential_runs_continue(tmp_path):
    RELEASE.clear()
    try:
        tasks = [Task("hang", str(tmp_path / "h.log"), stuck, timeout=0.2)]
        tasks += [Task(f"n{i}", str(tmp_path / f"n{i}.log"), quick) for i in range(3)]
        r = run_or_fail(Process(tasks), parallel=False, timeout=10)
    finally:
        RELEASE.set()
    assert r.errored_tasks == {"hang"}
    assert set(r.passed_tasks_results) == {"n0", "n1", "n2"}
    assert {r.results[f"n{i}"].worker for i in range(3)} == {0}


def test_a_stuck_task_never_keeps_the_interpreter_alive(tmp_path):
    script = textwrap.dedent(
        f"""
        import time
        from taskflow_core import Process, Task
        def forever():
            while True:
                time.sleep(0.05)
        t = Task("forever", {str(tmp_path / "f.log")!r}, forever, timeout=0.2)
        r = Process([t]).run()
        print("status", r.results["forever"].status.value)
        """
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert "status failed" in done.stdout
    assert time.monotonic() - start < 15


class Flaky:
    """Fails `failures` times (recording when), then succeeds."""

    def __init__(self, failures: int, exc: type[BaseException] = ConnectionError) -> None:
        self.failures = failures
        self.exc = exc
        self.calls: list[float] = []

    def __call__(self) -> str:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.failures:
            raise self.exc(f"failure {len(self.calls)}")
        return "done"


def test_retries_wait_doubling_delays_and_count_attempts(tmp_path):
    flaky = Flaky(3)
    t = Task("flaky", str(tmp_path / "flaky.log"), flaky, retries=3, retry_delay=0.1)
    rec = Recorder()
    r = Process([t]).run(on_event=rec)
    res = r.results["flaky"]
    assert res.status is TaskStatus.SUCCESS and res.result == "done"
    assert res.attempts == 4 and len(flaky.calls) == 4
    gaps = [b - a for a, b in zip(flaky.calls, flaky.calls[1:], strict=False)]
    for gap, want in zip(gaps, (0.1, 0.2, 0.4), strict=True):
        assert want * 0.9 <= gap < want + 0.5
    assert [e.attempt for e in rec.of(events.TaskStarted)] == [1, 2, 3, 4]
    assert len(rec.of(events.TaskFinished)) == 1
    messages = [m for _, level, m in entries(tmp_path / "flaky.log") if level == "WARNING"]
    assert messages[0] == (
        "Attempt 1 of 4 of flaky failed: ConnectionError: failure 1. Retrying in 0.1 s."
    )
    assert len(messages) == 3
    assert entries(tmp_path / "flaky.log")[-1] == ("flaky", "INFO", "Finished flaky.")


def test_retries_run_out(tmp_path):
    flaky = Flaky(5)
    r = Process([Task("f", str(tmp_path / "f.log"), flaky, retries=2)]).run()
    res = r.results["f"]
    assert res.status is TaskStatus.FAILED and res.attempts == 3
    assert str(res.exception) == "failure 3"
    assert log_lines(tmp_path / "f.log")[-1] == "ConnectionError: failure 3"


def test_only_exceptions_in_retry_on_are_retried(tmp_path):
    flaky = Flaky(1, exc=ValueError)
    t = Task("picky", str(tmp_path / "p.log"), flaky, retries=3, retry_on=(ConnectionError,))
    res = Process([t]).run().results["picky"]
    assert res.status is TaskStatus.FAILED and res.attempts == 1 and len(flaky.calls) == 1


def test_timeouts_are_per_attempt_and_retried(tmp_path):
    calls = []

    def slow_then_fast() -> str:
        calls.append(1)
        if len(calls) == 1:
            RELEASE.wait(5)
        return "second time lucky"

    RELEASE.clear()
    try:
        t = Task("sf", str(tmp_path / "sf.log"), slow_then_fast, timeout=0.2, retries=1)
        res = run_or_fail(Process([t]), timeout=10).results["sf"]
    finally:
        RELEASE.set()
    assert res.status is TaskStatus.SUCCESS and res.result == "second time lucky"
    assert res.attempts == 2
    messages = [m for _, _, m in entries(tmp_path / "sf.log")]
    assert (
        "Attempt 1 of 2 of sf failed: TimeoutError: Task sf timed out after 0.2 seconds."
        " Retrying in 0 s." in messages
    )
