"""The run controller against the real engine: order, batching, cancel, failures, resume."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from taskflow_core import Process, Task, TaskDependency

from taskflow_gui.docks.log import LogDock
from taskflow_gui.docks.timings import TimingsDock
from taskflow_gui.runner import MAX_LINES_PER_DELIVERY, RunController

# Released at teardown so the thread of a "never returning" task can end.
_RELEASE = threading.Event()


@pytest.fixture(autouse=True)
def _release_stuck_tasks():
    _RELEASE.clear()
    yield
    _RELEASE.set()


def chatty(name: str, lines: int) -> str:
    for i in range(lines):
        print(f"{name} says {i}")
    return name


def hang_forever() -> None:
    print("about to hang")
    _RELEASE.wait()


def fail(message: str) -> None:
    print("working on it")
    raise ValueError(message)


_ATTEMPTS: dict[str, int] = {}


def fail_first_time(key: str) -> str:
    _ATTEMPTS[key] = _ATTEMPTS.get(key, 0) + 1
    if _ATTEMPTS[key] == 1:
        raise RuntimeError("flaky the first time")
    return "ok now"


@pytest.fixture
def controller(qtbot):
    ctl = RunController()
    yield ctl
    if ctl.is_running:
        ctl.shutdown(5000)


def _record(ctl: RunController) -> list[tuple]:
    seen: list[tuple] = []
    ctl.started.connect(lambda mode: seen.append(("started", mode)))
    ctl.phase_started.connect(lambda mode, n: seen.append(("phase", mode, n)))
    ctl.run_started.connect(lambda e: seen.append(("run_started",)))
    ctl.task_started.connect(lambda e: seen.append(("task_started", e.task)))
    ctl.output.connect(lambda batch: seen.append(("output", [(r[1], r[3]) for r in batch])))
    ctl.task_finished.connect(lambda e: seen.append(("task_finished", e.task)))
    ctl.run_finished.connect(lambda r: seen.append(("run_finished",)))
    ctl.finished.connect(lambda r: seen.append(("finished",)))
    return seen


def test_events_arrive_in_order_and_output_in_batches(controller, qtbot, tmp_path):
    a = Task("a", str(tmp_path / "a.log"), chatty, args=("a", 3000))
    b = Task(
        "b", str(tmp_path / "b.log"), chatty, args=("b", 5), dependencies=[TaskDependency("a")]
    )
    seen = _record(controller)
    process = Process([a, b])
    with qtbot.waitSignal(controller.finished, timeout=20_000) as blocker:
        controller.start(process, parallel=False, max_workers=1)
        assert controller.is_running
    process.close_loggers()
    result = blocker.args[0]
    assert not controller.is_running
    assert result is controller.last_result
    assert set(result.passed_tasks_results) == {"a", "b"}
    kinds = [s[0] for s in seen]
    assert kinds[:3] == ["started", "phase", "run_started"]
    assert kinds[-2:] == ["run_finished", "finished"]
    order = [s for s in seen if s[0] in ("task_started", "task_finished")]
    assert order == [
        ("task_started", "a"),
        ("task_finished", "a"),
        ("task_started", "b"),
        ("task_finished", "b"),
    ]
    lines = [item for s in seen if s[0] == "output" for item in s[1]]
    # lines come as written to the log file: "asctime - task - LEVEL - message"
    said = [line.split(" - ", 3)[3] for task, line in lines if " says " in line]
    assert said == [f"a says {i}" for i in range(3000)] + [f"b says {i}" for i in range(5)]
    # every line of a arrives before a's task_finished, in far fewer signals than lines
    finished_a = seen.index(("task_finished", "a"))
    assert all(task != "a" for s in seen[finished_a:] if s[0] == "output" for task, _ in s[1])
    batches = sum(1 for s in seen if s[0] == "output")
    assert batches < 300


def test_a_flood_is_delivered_in_bounded_batches(controller, qtbot, tmp_path):
    tasks = [
        Task(f"loud_{i}", str(tmp_path / f"loud_{i}.log"), chatty, args=(f"loud_{i}", 15_000))
        for i in range(3)
    ]
    sizes: list[int] = []
    said: dict[str, list[str]] = {}

    def collect(batch):
        sizes.append(len(batch))
        for _time, task, _level, line in batch:  # rows: the fields of TaskOutput
            said.setdefault(task, []).append(line.split(" - ", 3)[3])

    controller.output.connect(collect)
    process = Process(tasks)
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        controller.start(process, parallel=True, max_workers=3)
    process.close_loggers()
    assert max(sizes) <= MAX_LINES_PER_DELIVERY
    for i in range(3):  # every line, each task's in its own order
        assert said[f"loud_{i}"] == [f"loud_{i} says {n}" for n in range(15_000)]


def test_cancel_a_task_that_never_returns_keeps_the_gui_responsive(controller, qtbot, tmp_path):
    stuck = Task("stuck", str(tmp_path / "stuck.log"), hang_forever)
    after = Task(
        "after",
        str(tmp_path / "after.log"),
        chatty,
        args=("after", 1),
        dependencies=[TaskDependency("stuck")],
    )
    free = Task("free", str(tmp_path / "free.log"), chatty, args=("free", 1))
    process = Process([stuck, after, free])
    ticks: list[float] = []
    probe = QTimer()
    probe.setInterval(10)
    probe.timeout.connect(lambda: ticks.append(time.monotonic()))
    probe.start()
    with qtbot.waitSignal(
        controller.task_started, timeout=10_000, check_params_cb=lambda e: e.task == "stuck"
    ):
        controller.start(process, parallel=True, max_workers=2)
    qtbot.wait(400)
    # the GUI thread kept running its timers while the task hangs
    assert len(ticks) >= 10
    assert controller.is_running
    started = time.monotonic()
    with qtbot.waitSignal(controller.finished, timeout=10_000) as blocker:
        controller.cancel()
        assert controller.is_cancelling
    probe.stop()
    process.close_loggers()
    assert time.monotonic() - started < 5.0  # generous: the engine promises about a second
    result = blocker.args[0]
    statuses = {name: r.status.name for name, r in result.results.items()}
    assert statuses["stuck"] == "CANCELLED"
    assert statuses["after"] == "CANCELLED"
    assert statuses["free"] == "SUCCESS"
    assert not controller.is_running


def test_failing_task_and_its_skipped_dependants_in_the_docks(controller, qtbot, tmp_path):
    log, timings = LogDock(), TimingsDock()
    qtbot.addWidget(log)
    qtbot.addWidget(timings)
    log.connect_controller(controller)
    timings.connect_controller(controller)
    tasks = [
        Task("extract", str(tmp_path / "etl.log"), chatty, args=("extract", 2)),
        Task(
            "transform",
            str(tmp_path / "etl.log"),
            fail,
            args=("bad row 17",),
            dependencies=[TaskDependency("extract")],
        ),
        Task(
            "load",
            str(tmp_path / "etl.log"),
            chatty,
            args=("load", 1),
            dependencies=[TaskDependency("transform")],
        ),
        Task(
            "publish",
            str(tmp_path / "etl.log"),
            chatty,
            args=("publish", 1),
            dependencies=[TaskDependency("load")],
        ),
        Task("report", str(tmp_path / "report.log"), chatty, args=("report", 1)),
    ]
    process = Process(tasks)
    with qtbot.waitSignal(controller.finished, timeout=20_000) as blocker:
        controller.start(process, parallel=True, max_workers=2)
    process.close_loggers()
    result = blocker.args[0]
    assert result.errored_tasks == {"transform"} or set(result.errored_tasks) == {"transform"}
    assert set(result.skipped_tasks) == {"load", "publish"}
    status = {
        timings.proxy.index(r, 0).data(): timings.proxy.index(r, 1).data()
        for r in range(timings.proxy.rowCount())
    }
    assert status == {
        "extract": "Succeeded",
        "transform": "Failed",
        "load": "Skipped",
        "publish": "Skipped",
        "report": "Succeeded",
    }
    assert timings.gantt.timeline.tasks["publish"].skipped_because == "transform"
    log.set_task_filter("transform")
    messages = [log.model.index(r, 3).data() for r in range(log.model.rowCount())]
    assert "working on it" in messages
    assert any(m.startswith("Traceback (most recent call last)") for m in messages)
    assert any(m.strip() == "ValueError: bad row 17" for m in messages)
    log.set_task_filter(["load", "publish"])
    messages = [log.model.index(r, 3).data() for r in range(log.model.rowCount())]
    assert messages.count("Skipped because transform failed") == 2


def test_rerun_failed_uses_resume_from(controller, qtbot, tmp_path):
    key = f"flaky-{tmp_path.name}"
    tasks = [
        Task("first", str(tmp_path / "w.log"), chatty, args=("first", 1)),
        Task(
            "flaky",
            str(tmp_path / "w.log"),
            fail_first_time,
            args=(key,),
            dependencies=[TaskDependency("first")],
        ),
        Task(
            "last",
            str(tmp_path / "w.log"),
            chatty,
            args=("last", 1),
            dependencies=[TaskDependency("flaky")],
        ),
    ]
    process = Process(tasks)
    with qtbot.waitSignal(controller.finished, timeout=20_000) as blocker:
        controller.start(process, parallel=False)
    first_run = blocker.args[0]
    assert first_run.results["flaky"].status.name == "FAILED"
    assert first_run.results["last"].status.name == "SKIPPED"
    started: list[str] = []
    controller.task_started.connect(lambda e: started.append(e.task))
    with qtbot.waitSignal(controller.finished, timeout=20_000) as blocker:
        controller.start(process, parallel=False, resume_from=controller.last_result)
    process.close_loggers()
    second = blocker.args[0]
    assert started == ["flaky", "last"]  # "first" is reused, not run again
    assert {n: r.status.name for n, r in second.results.items()} == {
        "first": "SUCCESS",
        "flaky": "SUCCESS",
        "last": "SUCCESS",
    }
    assert second.results["first"].started_at == first_run.results["first"].started_at


def test_a_run_that_raises_reports_an_error_and_finishes(controller, qtbot):
    class Broken:
        def run(self, **_kwargs):
            raise RuntimeError("engine exploded")

        def cancel(self):
            pass

    errors: list[str] = []
    controller.error.connect(errors.append)
    with qtbot.waitSignal(controller.finished, timeout=5000) as blocker:
        controller.start(Broken(), parallel=True)
    assert blocker.args == [None]
    assert len(errors) == 1 and "RuntimeError: engine exploded" in errors[0]
    assert not controller.is_running


def test_only_one_run_at_a_time(controller, qtbot, tmp_path):
    process = Process([Task("stuck", str(tmp_path / "s.log"), hang_forever)])
    controller.start(process, parallel=False)
    with pytest.raises(RuntimeError, match="already in progress"):
        controller.start(process, parallel=False)
    assert controller.shutdown(5000)
    assert not controller.is_running
    process.close_loggers()


def test_chatty_tasks_yield_only_while_the_gui_is_starved(monkeypatch):
    from taskflow_core.events import TaskOutput

    from taskflow_gui import runner

    slept: list[float] = []
    monkeypatch.setattr(runner.time, "sleep", slept.append)
    stream = runner._EventStream()
    on_event = stream.writer(process=None, cancelled=threading.Event())
    line = TaskOutput("t", "2026-01-01 00:00:00,000 - t - INFO - hi", 20, time.time())
    stream.delivered_at = time.monotonic()  # the GUI just took its events
    on_event(line)
    assert slept == []
    stream.delivered_at = time.monotonic() - 10 * runner.STARVED_AFTER  # GUI kept waiting
    on_event(line)
    assert slept == [runner.YIELD_SECONDS]
    assert stream.lines == [runner.LINE_ROW(line)] * 2


def test_a_run_shortens_the_gil_switch_interval_and_puts_it_back(controller, qtbot, tmp_path):
    import sys

    from taskflow_gui import runner

    before = sys.getswitchinterval()
    seen: list[float] = []
    controller.task_started.connect(lambda _event: seen.append(sys.getswitchinterval()))
    process = Process([Task("talk", str(tmp_path / "t.log"), chatty, args=("talk", 50))])
    with qtbot.waitSignal(controller.finished, timeout=10000):
        controller.start(process, parallel=False)
    assert seen == [pytest.approx(min(before, runner.RUN_SWITCH_INTERVAL))]
    assert sys.getswitchinterval() == pytest.approx(before)


def test_the_gui_heartbeat_keeps_the_stamp_fresh_between_deliveries(controller, qtbot, tmp_path):
    from taskflow_gui import runner

    process = Process([Task("stuck", str(tmp_path / "s.log"), hang_forever)])
    with qtbot.waitSignal(controller.task_started, timeout=5000):
        controller.start(process, parallel=False)
    stream = controller._stream
    controller._timer.stop()  # no deliveries: only the heartbeat can refresh the stamp now
    stream.delivered_at = time.monotonic() - 10  # as if the GUI had been starved
    qtbot.waitUntil(
        lambda: time.monotonic() - stream.delivered_at < runner.STARVED_AFTER, timeout=2000
    )
    controller._timer.start()
    controller.cancel()
    qtbot.waitUntil(lambda: not controller.is_running, timeout=5000)
    process.close_loggers()
