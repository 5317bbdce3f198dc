"""ProcessResult: statuses, resume_from, critical path and the JSON view."""

from __future__ import annotations

import json
import math
import time

from taskflow_core import Process, ProcessResult, Task, TaskDependency, TaskStatus

CALLS: list[str] = []
BROKEN = {"flag": True}


def step(name: str, seconds: float = 0.0) -> str:
    CALLS.append(name)
    if seconds:
        time.sleep(seconds)
    return name


def maybe_broken() -> str:
    CALLS.append("flaky")
    if BROKEN["flag"]:
        raise RuntimeError("not yet")
    return "fixed"


def chain(tmp_path) -> list[Task]:
    def t(name, deps=(), func=step, args=None):
        return Task(
            name,
            str(tmp_path / f"{name}.log"),
            func,
            args=(name,) if args is None else args,
            dependencies=[TaskDependency(d) for d in deps],
        )

    return [
        t("extract"),
        t("flaky", ["extract"], func=maybe_broken, args=()),
        t("load", ["flaky"]),
        t("report", ["load"]),
        t("side"),
    ]


def test_resume_from_reruns_only_what_did_not_succeed(tmp_path):
    CALLS.clear()
    BROKEN["flag"] = True
    process = Process(chain(tmp_path))
    first = process.run(parallel=False)
    assert first.errored_tasks == {"flaky"} and first.skipped_tasks == {"load", "report"}
    assert CALLS == ["extract", "flaky", "side"]

    CALLS.clear()
    BROKEN["flag"] = False
    second = process.run(parallel=False, resume_from=first)
    assert CALLS == ["flaky", "load", "report"]
    assert second.failed_tasks == set()
    assert second.results["extract"] is first.results["extract"]
    assert second.results["side"] is first.results["side"]
    assert second.passed_tasks_results["report"].result == "report"
    assert list(second.results) == ["extract", "flaky", "load", "report", "side"]

    CALLS.clear()
    third = process.run(parallel=True, resume_from=second)
    assert CALLS == [] and third.failed_tasks == set()


def test_statuses_and_result_fields(tmp_path):
    BROKEN["flag"] = True
    r = Process(chain(tmp_path)).run(parallel=True, max_workers=2)
    assert isinstance(r, ProcessResult)
    assert r.errored_tasks == {"flaky"}
    assert r.skipped_tasks == {"load", "report"}
    assert r.cancelled_tasks == set()
    assert r.failed_tasks == {"flaky", "load", "report"}
    assert set(r.passed_tasks_results) == {"extract", "side"}
    ok = r.results["extract"]
    assert ok.started_at <= ok.finished_at and ok.duration >= 0 and ok.worker in (0, 1)
    assert r.results["load"].skipped_because == "flaky"
    assert r.results["load"].started_at is None and r.results["load"].worker is None
    assert r.results["flaky"].error.splitlines()[-1] == "RuntimeError: not yet"
    assert r.wall_seconds > 0 and r.mode == "parallel" and r.max_workers == 2


def test_critical_path_follows_measured_durations(tmp_path):
    def t(name, seconds, deps=()):
        return Task(
            name,
            str(tmp_path / f"{name}.log"),
            step,
            args=(name, seconds),
            dependencies=[TaskDependency(d) for d in deps],
        )

    tasks = [
        t("a", 0.05),
        t("b", 0.25, ["a"]),
        t("c", 0.02, ["a"]),
        t("d", 0.02, ["b", "c"]),
        t("e", 0.15),
    ]
    r = Process(tasks).run(parallel=True)
    assert r.critical_path == ["a", "b", "d"]
    durations = sum(r.results[n].duration for n in ("a", "b", "d"))
    assert math.isclose(r.critical_path_seconds, durations, rel_tol=1e-9)
    assert r.critical_path_seconds >= 0.32


class Opaque:
    def __repr__(self) -> str:
        return "<Opaque>"


def odd_values() -> dict:
    cyclic: list = [1]
    cyclic.append(cyclic)
    return {
        "plain": [1, 2.5, "x", None, True],
        "tuple": (1, 2),
        "set": {3},
        "nan": math.nan,
        "object": Opaque(),
        1: "int key",
        "cyclic": cyclic,
    }


def test_to_dict_is_json_safe(tmp_path):
    BROKEN["flag"] = True
    tasks = [
        Task("odd", str(tmp_path / "odd.log"), odd_values),
        Task("bad", str(tmp_path / "bad.log"), maybe_broken),
        Task(
            "after",
            str(tmp_path / "after.log"),
            step,
            args=("after",),
            dependencies=[TaskDependency("bad")],
        ),
    ]
    r = Process(tasks).run()
    data = r.to_dict()
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text)
    odd = back["tasks"]["odd"]["result"]
    assert odd["plain"] == [1, 2.5, "x", None, True]
    assert odd["tuple"] == [1, 2]
    assert odd["set"] == "{3}"
    assert odd["nan"] == "nan"
    assert odd["object"] == "<Opaque>"
    assert odd["1"] == "int key"
    assert odd["cyclic"][0] == 1 and isinstance(odd["cyclic"][1], str)
    assert back["tasks"]["bad"]["status"] == "failed"
    assert back["tasks"]["bad"]["exception"] == "RuntimeError('not yet')"
    assert back["tasks"]["after"]["skipped_because"] == "bad"
    assert back["failed_tasks"] == ["after", "bad"]
    assert back["mode"] == "sequential" and back["critical_path"]
    assert list(back["tasks"]) == ["odd", "bad", "after"]


def test_result_status_values_are_strings():
    assert TaskStatus.SUCCESS == "success" and TaskStatus.CANCELLED.value == "cancelled"
