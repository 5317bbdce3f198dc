"""The "dask" executor on a real LocalCluster: one cluster for the module, plus one
that `executor="dask"` starts and closes itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import executor_tasks as xt
import pytest
from engine_support import Recorder, entries, log_lines, run_or_fail
from taskflow_core import Process, Task, TaskDependency, TaskStatus
from taskflow_core.events import TaskOutput
from taskflow_core.projectfile import load_project

distributed = pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


@pytest.fixture(scope="module")
def address():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _strip_times(path: Path) -> list[str]:
    return [line.split(" - ", 1)[-1] for line in log_lines(path)]


def _tasks(folder: Path) -> list[Task]:
    return [
        Task("a", str(folder / "a.log"), xt.shout, args=("hi",)),
        Task("b", str(folder / "b.log"), xt.shout, args=("hi",)),  # same call: must run again
        Task(
            "c",
            str(folder / "c.log"),
            xt.join,
            dependencies=[
                TaskDependency("a", use_result_as_additional_args=True),
                TaskDependency("b", use_result_as_additional_args=True),
            ],
        ),
        Task("bad", str(folder / "bad.log"), xt.fail, args=("no luck",), retries=1),
        Task("skip", str(folder / "skip.log"), xt.pid, dependencies=[TaskDependency("bad")]),
        Task("res", str(folder / "res.log"), xt.lock_result),
    ]


def test_results_logs_and_events_match_threads(tmp_path, address):
    with Process(_tasks(tmp_path / "threads")) as p:
        expected = run_or_fail(p, parallel=True, max_workers=2)
    recorder = Recorder()
    folder = tmp_path / "dask"
    with Process(_tasks(folder)) as p:
        result = run_or_fail(
            p,
            parallel=True,
            max_workers=2,
            executor="dask",
            dask_address=address,
            on_event=recorder,
            timeout=60,
        )
    statuses = {n: r.status for n, r in result.results.items()}
    assert statuses.pop("res") is TaskStatus.FAILED  # a lock cannot leave its process
    assert statuses == {n: r.status for n, r in expected.results.items() if n != "res"}
    assert result.passed_tasks_results["c"].result == "HI+HI"
    assert result.results["bad"].attempts == 2
    assert result.results["skip"].status is TaskStatus.SKIPPED
    assert "cannot be sent back" in str(result.results["res"].exception)
    for name in ("a", "b", "c", "bad"):
        assert _strip_times(folder / f"{name}.log") == _strip_times(
            tmp_path / "threads" / f"{name}.log"
        )
    assert ("a", "INFO", "saying hi") in entries(folder / "a.log")
    assert any(e.task == "b" and e.line.endswith("loudly: hi") for e in recorder.of(TaskOutput))


def test_the_etl_example_on_a_cluster(tmp_path, address):
    for name in ("etl_diamond.taskflow.json", "etl_tasks.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    with load_project(tmp_path / "etl_diamond.taskflow.json").to_process() as p:
        result = run_or_fail(
            p, parallel=True, max_workers=2, executor="dask", dask_address=address, timeout=60
        )
    assert result.errored_tasks == {"enrich_orders"}
    assert result.skipped_tasks == {"load_warehouse", "notify_team"}
    logs = tmp_path / "logs"
    assert ("extract_orders", "INFO", "Connecting to orders-db ...") in entries(
        logs / "extract_orders.log"
    )


def test_a_local_cluster_for_the_run_on_the_fanout_example(tmp_path):
    for name in ("fanout_50.taskflow.json", "fanout_tasks.py"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    with load_project(tmp_path / "fanout_50.taskflow.json").to_process() as p:
        result = run_or_fail(p, parallel=True, max_workers=2, executor="dask", timeout=120)
    assert not result.failed_tasks and not result.cancelled_tasks
    assert result.executor == "dask"
    names = {name for name, _, _ in entries(tmp_path / "logs" / "fanout.log")}
    assert len(names) >= 50


def test_lambdas_are_refused_for_dask(tmp_path, address):
    tasks = [Task("fetch_users", str(tmp_path / "f.log"), lambda: 1)]
    with Process(tasks) as p, pytest.raises(ValueError, match="fetch_users: a lambda cannot"):
        p.run(executor="dask", dask_address=address)
