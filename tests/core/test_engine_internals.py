"""Seams the engine is built on: driving a run from an executor, the log writer, nesting."""

from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
from engine_support import entries
from taskflow_core import Process, Task, TaskDependency, TaskStatus
from taskflow_core.capture import call_captured, capturing
from taskflow_core.logfile import FORMAT, asctime, flush
from taskflow_core.run import DONE, Run


def double(x: int = 1, *more: int) -> int:
    print(f"doubling {x} {more}")
    return 2 * (x + sum(more))


def test_a_run_can_be_driven_through_an_executor(tmp_path):
    """take/prepare/begin run on the driver, call_captured on the executor, settle anywhere:
    the seam a future `executor=` option plugs into."""
    tasks = [
        Task("a", str(tmp_path / "a.log"), double, args=(1,)),
        Task("b", str(tmp_path / "b.log"), double, args=(2,)),
        Task(
            "c",
            str(tmp_path / "c.log"),
            double,
            dependencies=[
                TaskDependency("a", use_result_as_additional_args=True),
                TaskDependency("b", use_result_as_additional_args=True),
            ],
        ),
    ]
    process = Process(tasks)
    run = Run(process._graph, lanes=2, parallel=True)
    with capturing(), ThreadPoolExecutor(2) as pool:
        pending = set()
        while not run.finished:
            node = run.take()
            if node >= 0:
                job = run.prepare(node, lane=0)
                assert run.begin(job)
                future = pool.submit(call_captured, job.func, job.args, job.kwargs, job.capture)
                future.job = job  # type: ignore[attr-defined]
                pending.add(future)
                continue
            finished, pending = wait(pending, timeout=10, return_when=FIRST_COMPLETED)
            assert finished, "an attempt did not finish"
            for future in finished:
                assert run.settle(future.job, *future.result()) == DONE
        flush()
    result = run._result(0.0)
    assert result.passed_tasks_results["c"].result == double(2, 4)
    assert all(r.status is TaskStatus.SUCCESS for r in result.results.values())
    assert ("c", "INFO", "doubling 2 (4,)") in entries(tmp_path / "c.log")


@pytest.mark.parametrize("msec_format", ["%s.%03d", None])
def test_timestamps_follow_a_changed_msec_format(monkeypatch, msec_format):
    monkeypatch.setattr(logging.Formatter, "default_msec_format", msec_format)
    t = 1712345678.25
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    record.created = t
    record.msecs = 250.0
    assert logging.Formatter(FORMAT).formatTime(record) == asctime(t)


def test_an_unwritable_log_is_reported_once_and_the_run_goes_on(tmp_path, caplog):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where a folder should be")
    tasks = [Task(f"w{i}", str(blocker / "w.log"), double) for i in range(3)]
    result = Process(tasks).run(parallel=True)
    assert len(result.passed_tasks_results) == 3
    reports = [r for r in caplog.records if r.name == "taskflow_core"]
    assert len(reports) == 1 and "cannot write the log file" in reports[0].getMessage()


def inner_workflow(folder: str) -> int:
    inner = [
        Task("inner_a", f"{folder}/inner_a.log", double, args=(5,)),
        Task("inner_b", f"{folder}/inner_b.log", double, args=(6,)),
    ]
    print("outer says hello")
    result = Process(inner).run(parallel=True)
    return sum(r.result for r in result.passed_tasks_results.values())


def test_a_task_may_run_a_process_of_its_own(tmp_path):
    outer = [Task("outer", str(tmp_path / "outer.log"), inner_workflow, args=(str(tmp_path),))]
    result = Process(outer).run()
    assert result.passed_tasks_results["outer"].result == 22
    outer_lines = [m for _, _, m in entries(tmp_path / "outer.log")]
    assert "outer says hello" in outer_lines
    assert not any("doubling" in m for m in outer_lines)
    assert ("inner_a", "INFO", "doubling 5 ()") in entries(tmp_path / "inner_a.log")


def test_the_task_logger_works_outside_runs_like_a_file_handler(tmp_path):
    t = Task("outside", str(tmp_path / "outside.log"), double)
    t.logger.info("logged by the script itself")
    t.logger.debug("below the handler's level")
    for handler in t.logger.handlers:
        handler.flush()
    assert entries(tmp_path / "outside.log") == [("outside", "INFO", "logged by the script itself")]
    process = Process([t])
    process.close_loggers()
    assert t.logger.handlers == []
