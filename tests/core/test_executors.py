"""The "processes" executor and Executor instances: same results, logs and events as threads,
stuck tasks really stopped, and clear errors for what cannot leave the process."""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import executor_tasks as xt
import pytest
from engine_support import Recorder, entries, log_lines, run_or_fail
from taskflow_core import Process, Task, TaskDependency, TaskStatus
from taskflow_core.events import TaskOutput
from taskflow_core.projectfile import load_project

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A terminated child that is not reaped yet is a zombie: gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(predicate, seconds: float = 5.0) -> bool:
    end = time.time() + seconds
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def _strip_times(path: Path) -> list[str]:
    return [line.split(" - ", 1)[-1] for line in log_lines(path)]


def _small_workflow(folder: Path) -> list[Task]:
    return [
        Task("a", str(folder / "a.log"), xt.shout, args=("hi",)),
        Task("b", str(folder / "b.log"), xt.shout, args=("there",)),
        Task(
            "c",
            str(folder / "c.log"),
            xt.join,
            kwargs={"sep": " "},
            dependencies=[
                TaskDependency("a", use_result_as_additional_args=True),
                TaskDependency("b", use_result_as_additional_args=True),
            ],
        ),
        Task("bad", str(folder / "bad.log"), xt.fail, args=("no luck",)),
        Task(
            "after_bad", str(folder / "after_bad.log"), xt.pid, dependencies=[TaskDependency("bad")]
        ),
    ]


@pytest.mark.parametrize("executor", ["processes", "pool"])
def test_same_results_logs_and_events_as_threads(tmp_path, executor):
    with Process(_small_workflow(tmp_path / "threads")) as p:
        expected = run_or_fail(p, parallel=True, max_workers=2)
    recorder = Recorder()
    folder = tmp_path / executor
    with ThreadPoolExecutor(2) as pool, Process(_small_workflow(folder)) as p:
        chosen = pool if executor == "pool" else executor
        result = run_or_fail(p, parallel=True, max_workers=2, executor=chosen, on_event=recorder)
    assert {n: r.status for n, r in result.results.items()} == {
        n: r.status for n, r in expected.results.items()
    }
    assert result.passed_tasks_results["c"].result == "HI THERE"
    assert result.results["after_bad"].skipped_because == "bad"
    assert str(result.results["bad"].exception) == "no luck"
    assert "raise ValueError(message)" in result.results["bad"].error
    for name in ("a", "b", "c", "bad"):
        assert _strip_times(folder / f"{name}.log") == _strip_times(
            tmp_path / "threads" / f"{name}.log"
        )
    assert ("a", "INFO", "saying hi") in entries(folder / "a.log")
    assert ("executor_tasks", "WARNING", "loudly: hi") in entries(folder / "a.log")
    outputs = [(e.task, e.line.split(" - ", 1)[1]) for e in recorder.of(TaskOutput)]
    assert ("a", "a - INFO - saying hi") in outputs
    assert ("bad", "bad - INFO - failing now") in outputs


def test_the_etl_example_on_processes(tmp_path):
    for name in ("etl_diamond.taskflow.json", "etl_tasks.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    workflow = load_project(tmp_path / "etl_diamond.taskflow.json")
    with workflow.to_process() as p:
        result = run_or_fail(p, parallel=True, max_workers=2, executor="processes")
    assert result.errored_tasks == {"enrich_orders"}
    assert result.skipped_tasks == {"load_warehouse", "notify_team"}
    assert "daily_report" in result.passed_tasks_results
    logs = tmp_path / "logs"
    assert ("extract_orders", "INFO", "Connecting to orders-db ...") in entries(
        logs / "extract_orders.log"
    )
    assert any("Dropping order 4" in m for _, _, m in entries(logs / "clean_orders.log"))
    assert entries(logs / "enrich_orders.log")[-1][1] == "ERROR"


def test_timeout_terminates_the_worker_and_the_run_goes_on(tmp_path):
    pid_file = tmp_path / "pid"
    tasks = [
        Task("stuck", str(tmp_path / "stuck.log"), xt.hang, args=(str(pid_file),), timeout=1.0),
        Task("next", str(tmp_path / "next.log"), xt.pid, dependencies=[]),
        Task("later", str(tmp_path / "later.log"), xt.pid, dependencies=[TaskDependency("next")]),
    ]
    started = time.time()
    with Process(tasks) as p:
        result = run_or_fail(p, parallel=False, max_workers=1, executor="processes")
    assert time.time() - started < 10
    stuck = result.results["stuck"]
    assert stuck.status is TaskStatus.FAILED and isinstance(stuck.exception, TimeoutError)
    pid = int(pid_file.read_text())
    assert _wait_for(lambda: not _pid_alive(pid)), "the stuck worker is still running"
    # The lane got a fresh process for the tasks after it.
    assert result.passed_tasks_results["next"].result != pid
    assert "later" in result.passed_tasks_results
    assert entries(tmp_path / "stuck.log")[-1][1:] == (
        "ERROR",
        "Task stuck timed out after 1 seconds",
    )


def test_cancel_terminates_running_workers(tmp_path):
    pids = [tmp_path / "p0", tmp_path / "p1"]
    tasks = [
        Task(f"h{i}", str(tmp_path / f"h{i}.log"), xt.hang, args=(str(pids[i]),)) for i in range(2)
    ] + [Task("never", str(tmp_path / "never.log"), xt.pid)]
    with Process(tasks) as p:
        timer = threading.Timer(
            0.2, lambda: _wait_for(lambda: all(f.exists() for f in pids)) and p.cancel()
        )
        timer.start()
        started = time.time()
        result = run_or_fail(p, parallel=True, max_workers=2, executor="processes")
    assert time.time() - started < 10
    assert result.cancelled_tasks == {"h0", "h1", "never"}
    for f in pids:
        pid = int(f.read_text())
        assert _wait_for(lambda pid=pid: not _pid_alive(pid)), "a cancelled worker is still running"


@pytest.mark.parametrize(
    ("func", "words"),
    [
        (lambda: 1, "a lambda cannot run in another process; use a module-level function"),
        (None, "a local function cannot run in another process; use a module-level function"),
    ],
)
def test_lambdas_and_local_functions_are_refused_before_anything_runs(tmp_path, func, words):
    if func is None:

        def func() -> int:
            return 1

    tasks = [
        Task("first", str(tmp_path / "first.log"), xt.pid),
        Task("fetch_users", str(tmp_path / "f.log"), func),
    ]
    with Process(tasks) as p, pytest.raises(ValueError) as info:
        p.run(executor="processes")
    assert str(info.value) == f"fetch_users: {words}"
    assert not (tmp_path / "first.log").exists()


def test_unpicklable_argument_and_result_fail_their_task_only(tmp_path):
    tasks = [
        Task("arg", str(tmp_path / "arg.log"), xt.identity, args=(threading.Lock(),)),
        Task("res", str(tmp_path / "res.log"), xt.lock_result),
        Task("exc", str(tmp_path / "exc.log"), xt.raise_unsendable),
        Task("fine", str(tmp_path / "fine.log"), xt.shout, args=("ok",)),
    ]
    with Process(tasks) as p:
        result = run_or_fail(p, parallel=True, max_workers=2, executor="processes")
    assert result.passed_tasks_results["fine"].result == "OK"
    arg, res, exc = (result.results[n] for n in ("arg", "res", "exc"))
    assert arg.status is res.status is exc.status is TaskStatus.FAILED
    assert "arg: its arguments cannot be sent to another process" in str(arg.exception)
    assert "cannot pickle" in str(arg.exception)
    assert "its result (lock) cannot be sent back from the worker process" in str(res.exception)
    assert "Unsendable: x y" in str(exc.exception)
    assert "raise Unsendable" in exc.error
    assert "cannot be sent back" in entries(tmp_path / "res.log")[-1][2]


def test_retries_are_sent_again(tmp_path):
    tasks = [Task("flaky", str(tmp_path / "f.log"), xt.fail, args=("again",), retries=2)]
    with Process(tasks) as p:
        result = run_or_fail(p, executor="processes")
    assert result.results["flaky"].attempts == 3
    messages = [m for _, _, m in entries(tmp_path / "f.log")]
    assert messages.count("Starting flaky.") == 3
    assert messages.count("failing now") == 3


def test_a_custom_thread_pool_runs_lambdas_in_this_process(tmp_path):
    tasks = [
        Task("l", str(tmp_path / "l.log"), lambda: print("from a lambda") or os.getpid()),
    ]
    with ThreadPoolExecutor(1) as pool, Process(tasks) as p:
        result = run_or_fail(p, executor=pool)
    assert result.passed_tasks_results["l"].result == os.getpid()
    assert ("l", "INFO", "from a lambda") in entries(tmp_path / "l.log")


def test_an_unknown_executor_is_refused(tmp_path):
    with Process([Task("a", str(tmp_path / "a.log"), xt.pid)]) as p, pytest.raises(ValueError):
        p.run(executor="gpu")
