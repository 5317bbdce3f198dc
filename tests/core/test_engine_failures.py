"""Failure isolation: a failed task skips exactly its descendants; nothing stalls."""

from __future__ import annotations

import tempfile
from pathlib import Path

import networkx as nx
from engine_support import entries, run_or_fail
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taskflow_core import Process, Task, TaskDependency, TaskStatus


def ok(*_: object) -> str:
    return "ok"


def boom(*_: object) -> None:
    raise RuntimeError("boom")


def build(folder: Path, parents: list[list[int]], failing: set[int]) -> list[Task]:
    return [
        Task(
            f"t{i}",
            str(folder / f"t{i}.log"),
            boom if i in failing else ok,
            dependencies=[TaskDependency(f"t{j}") for j in ups],
        )
        for i, ups in enumerate(parents)
    ]


def expected(parents: list[list[int]], failing: set[int]) -> tuple[set[str], set[str]]:
    g = nx.DiGraph()
    g.add_nodes_from(range(len(parents)))
    g.add_edges_from((j, i) for i, ups in enumerate(parents) for j in ups)
    skipped = set().union(*(nx.descendants(g, f) for f in failing)) if failing else set()
    errored = failing - skipped
    return {f"t{i}" for i in errored}, {f"t{i}" for i in skipped}


@st.composite
def dags(draw):
    n = draw(st.integers(1, 24))
    parents = [
        sorted(draw(st.sets(st.integers(0, i - 1), max_size=min(3, i)))) if i else []
        for i in range(n)
    ]
    failing = draw(st.sets(st.integers(0, n - 1), max_size=max(1, n // 3)))
    return parents, failing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags(), st.integers(2, 5))
def test_skipped_are_exactly_the_descendants_of_failures(case, workers):
    parents, failing = case
    want_errored, want_skipped = expected(parents, failing)
    with tempfile.TemporaryDirectory() as folder:
        tasks = build(Path(folder), parents, failing)
        with Process(tasks) as process:
            seq = run_or_fail(process, parallel=False)
            par = run_or_fail(process, parallel=True, max_workers=workers)
    for r in (seq, par):
        assert r.errored_tasks == want_errored
        assert r.skipped_tasks == want_skipped
        assert r.failed_tasks == want_errored | want_skipped
        assert set(r.passed_tasks_results) == {t.name for t in tasks} - r.failed_tasks
        assert len(r.results) == len(tasks)
        for name in want_skipped:
            because = r.results[name].skipped_because
            assert because in want_errored
    assert {k: v.status for k, v in seq.results.items()} == {
        k: v.status for k, v in par.results.items()
    }


def test_parallel_run_does_not_stall_when_only_dependants_of_a_failure_remain(tmp_path):
    # processes 1.0.5 raises "Parallel execution stalled" on exactly this shape.
    tasks = [
        Task("a", str(tmp_path / "a.log"), boom),
        Task("b", str(tmp_path / "b.log"), ok),
        Task("c", str(tmp_path / "c.log"), ok, dependencies=[TaskDependency("a")]),
        Task("d", str(tmp_path / "d.log"), ok, dependencies=[TaskDependency("c")]),
    ]
    result = run_or_fail(Process(tasks), parallel=True, max_workers=4, timeout=10)
    assert result.errored_tasks == {"a"} and result.skipped_tasks == {"c", "d"}
    assert result.results["d"].skipped_because == "a"
    assert result.results["d"].status is TaskStatus.SKIPPED
    assert not (tmp_path / "c.log").exists(), "a skipped task writes nothing"


def test_unrelated_tasks_still_run_after_a_failure(tmp_path):
    tasks = [Task("bad", str(tmp_path / "bad.log"), boom)]
    tasks += [Task(f"good{i}", str(tmp_path / f"g{i}.log"), ok) for i in range(5)]
    for parallel in (False, True):
        r = Process(tasks).run(parallel=parallel)
        assert set(r.passed_tasks_results) == {f"good{i}" for i in range(5)}
        assert r.failed_tasks == {"bad"}
        failed = r.results["bad"]
        assert isinstance(failed.exception, RuntimeError)
        assert failed.error.splitlines()[-1] == "RuntimeError: boom"
    lines = entries(tmp_path / "bad.log")
    assert lines[:2] == [("bad", "INFO", "Starting bad."), ("bad", "ERROR", "boom")]


def test_base_exceptions_in_a_task_are_failures_too(tmp_path):
    def leaves() -> None:
        raise SystemExit(3)

    r = Process([Task("exits", str(tmp_path / "e.log"), leaves)]).run()
    assert r.errored_tasks == {"exits"}
    assert isinstance(r.results["exits"].exception, SystemExit)
