"""Log files: the 1.x format byte for byte, capture per task in parallel, shared files."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from engine_support import LINE, entries, log_lines
from taskflow_core import Process, Task, TaskDependency
from taskflow_core.logfile import FORMAT, format_line

STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}")


@pytest.mark.parametrize(
    "t", [0.0, 1.0, 1700000000.0004, 1700000000.9996, 1712345678.123456, 1799999999.5]
)
@pytest.mark.parametrize("converter", [time.localtime, time.gmtime])
def test_engine_lines_match_logging_formatter_byte_for_byte(t, converter, monkeypatch):
    monkeypatch.setattr(logging.Formatter, "converter", converter)
    record = logging.LogRecord(
        "my_task", logging.INFO, __file__, 1, "Starting my_task.", None, None
    )
    record.created = t
    record.msecs = int((t - int(t)) * 1000) + 0.0
    expected = logging.Formatter(FORMAT).format(record) + "\n"
    assert format_line("my_task", "INFO", "Starting my_task.", t) == expected


def test_a_quiet_task_writes_exactly_what_processes_1x_writes(tmp_path):
    processes = pytest.importorskip("processes")

    def quiet() -> int:
        return 1

    ours = tmp_path / "ours.log"
    theirs = tmp_path / "theirs.log"
    Process([Task("quiet", str(ours), quiet)]).run()
    with processes.Process([processes.Task("quiet_ref", str(theirs), quiet)]) as p:
        p.run()

    def masked(path, name):
        return [STAMP.sub("<time>", line).replace(name, "<name>") for line in log_lines(path)]

    assert masked(ours, "quiet") == masked(theirs, "quiet_ref")
    assert masked(ours, "quiet") == [
        "<time> - <name> - INFO - Starting <name>.",
        "<time> - <name> - INFO - Finished <name>.",
    ]
    assert ours.read_bytes().endswith(b"Finished quiet.\n")


def test_a_failing_task_logs_like_processes_1x(tmp_path):
    processes = pytest.importorskip("processes")

    def fails() -> None:
        raise ValueError("bad input 42")

    ours, theirs = tmp_path / "ours.log", tmp_path / "theirs.log"
    Process([Task("fails", str(ours), fails)]).run()
    with processes.Process([processes.Task("fails_ref", str(theirs), fails)]) as p:
        p.run()
    mine, ref = log_lines(ours), log_lines(theirs)
    assert STAMP.sub("", mine[1]) == STAMP.sub("", ref[1]).replace("fails_ref", "fails")
    assert mine[-1] == ref[-1] == "ValueError: bad input 42"
    assert mine[2] == ref[2] == "Traceback (most recent call last):"


def chatter(name: str, n: int) -> str:
    log = logging.getLogger(f"lib.{name}")
    for i in range(n):
        print(f"{name} print {i}")
        log.info("%s info %d", name, i)
        if i % 7 == 0:
            time.sleep(0.001)  # let the other workers interleave
    print(f"{name} partial", end="")
    print(f"{name} to stderr", file=sys.stderr)
    return name


def test_parallel_capture_keeps_each_tasks_output_in_its_own_file(tmp_path):
    names = [f"worker{i}" for i in range(8)]
    tasks = [Task(n, str(tmp_path / f"{n}.log"), chatter, args=(n, 40)) for n in names]
    result = Process(tasks).run(parallel=True, max_workers=4)
    assert len(result.passed_tasks_results) == 8
    for n in names:
        found = entries(tmp_path / f"{n}.log")
        others = [m for _, _, m in found if any(o in m for o in names if o != n)]
        assert others == [], f"{n}.log holds other tasks' lines: {others[:3]}"
        messages = [m for _, _, m in found]
        assert messages[0] == f"Starting {n}." and messages[-1] == f"Finished {n}."
        prints = [m for m in messages if " print " in m]
        infos = [m for m in messages if " info " in m]
        assert prints == [f"{n} print {i}" for i in range(40)]
        assert infos == [f"{n} info {i}" for i in range(40)]
        assert (n, "WARNING", f"{n} to stderr") in found
        assert (n, "INFO", f"{n} partial") in found
        assert (f"lib.{n}", "INFO", f"{n} info 0") in found


def test_tasks_sharing_a_file_never_split_lines(tmp_path):
    shared = tmp_path / "all.log"
    names = [f"s{i}" for i in range(12)]
    tasks = [Task(n, str(shared), chatter, args=(n, 60)) for n in names]
    Process(tasks).run(parallel=True, max_workers=4)
    lines = log_lines(shared)
    assert all(LINE.match(line) for line in lines), [x for x in lines if not LINE.match(x)][:3]
    found = entries(shared)
    for n in names:
        assert sum(1 for _, _, m in found if m.startswith(f"{n} print ")) == 60
        assert found.count((n, "INFO", f"Starting {n}.")) == 1
        assert found.count((n, "INFO", f"Finished {n}.")) == 1


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def loud() -> None:
    logging.getLogger("third.party").info("info from a library")
    logging.getLogger("third.party").warning("warning from a library")
    logging.info("info on the root logger")


def test_info_is_captured_whatever_the_root_level_and_other_handlers_keep_their_view(
    tmp_path,
):
    root = logging.getLogger()
    old_level, old_handlers = root.level, list(root.handlers)
    old_out, old_err = sys.stdout, sys.stderr
    mine = Collect()
    root.addHandler(mine)
    root.setLevel(logging.WARNING)
    try:
        Process([Task("loud", str(tmp_path / "loud.log"), loud)]).run()
        assert root.level == logging.WARNING
        assert root.handlers == [*old_handlers, mine]
        assert mine.filters == []
    finally:
        root.removeHandler(mine)
        root.setLevel(old_level)
    assert sys.stdout is old_out and sys.stderr is old_err
    found = entries(tmp_path / "loud.log")
    assert ("third.party", "INFO", "info from a library") in found
    assert ("third.party", "WARNING", "warning from a library") in found
    assert ("root", "INFO", "info on the root logger") in found
    assert "warning from a library" in mine.messages
    assert "info from a library" not in mine.messages
    assert "info on the root logger" not in mine.messages


def test_the_task_logger_is_written_once(tmp_path):
    holder = {}

    def uses_own_logger() -> None:
        holder["task"].logger.info("through task.logger")

    t = Task("own", str(tmp_path / "own.log"), uses_own_logger)
    holder["task"] = t
    Process([t]).run()
    messages = [m for _, _, m in entries(tmp_path / "own.log")]
    assert messages == ["Starting own.", "through task.logger", "Finished own."]


def test_output_of_threads_running_no_task_is_not_captured(tmp_path, capsys):
    stop = threading.Event()

    def background() -> None:
        while not stop.is_set():
            print("background noise")
            time.sleep(0.005)

    thread = threading.Thread(target=background)
    thread.start()
    try:
        tasks = [
            Task(f"q{i}", str(tmp_path / f"q{i}.log"), time.sleep, args=(0.02,)) for i in range(4)
        ]
        Process(tasks).run(parallel=True)
    finally:
        stop.set()
        thread.join()
    for i in range(4):
        assert "background" not in (tmp_path / f"q{i}.log").read_text()
    assert "background noise" in capsys.readouterr().out


def test_log_folders_are_created_when_missing(tmp_path):
    path = tmp_path / "deep" / "er" / "t.log"
    assert Process([Task("t", str(path), int)]).run().passed_tasks_results["t"].result == 0
    assert [m for _, _, m in entries(path)] == ["Starting t.", "Finished t."]


def test_without_logging_configured_failures_reach_stderr_and_prints_stay_in_files(tmp_path):
    script = textwrap.dedent(
        f"""
        from taskflow_core import Process, Task, TaskDependency
        def talk():
            print("said by the task")
        def fail():
            raise RuntimeError("visible failure")
        Process([
            Task("talk", {str(tmp_path / "talk.log")!r}, talk),
            Task("fail", {str(tmp_path / "fail.log")!r}, fail),
        ]).run()
        print("script done")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "script done\n"
    assert "RuntimeError: visible failure" in done.stderr
    assert "said by the task" in (tmp_path / "talk.log").read_text()


def test_dependency_results_and_logs_with_keyword_passing(tmp_path):
    def make() -> dict:
        return {"rows": 3}

    def use(data: dict, *, factor: int, extra: dict) -> int:
        print(f"got {data} {extra}")
        return data["rows"] * factor

    tasks = [
        Task("make", str(tmp_path / "m.log"), make),
        Task(
            "use",
            str(tmp_path / "u.log"),
            use,
            kwargs={"factor": 2},
            dependencies=[
                TaskDependency(
                    "make",
                    use_result_as_additional_args=True,
                    use_result_as_additional_kwargs=True,
                    additional_kwarg_name="extra",
                ),
            ],
        ),
    ]
    r = Process(tasks).run()
    assert r.passed_tasks_results["use"].result == 6
    assert ("use", "INFO", "got {'rows': 3} {'rows': 3}") in entries(tmp_path / "u.log")


def test_engine_lines_reach_the_programs_own_handlers_as_in_1x(tmp_path):
    """A script with logging.basicConfig() saw "Starting x." on its console under
    1.x (task loggers propagate); without handlers no task logger is even made."""
    script = textwrap.dedent(
        f"""
        import logging, sys
        from taskflow_core import Process, Task
        quiet = [Task(f"quiet{{i}}", {str(tmp_path)!r} + f"/q{{i}}.log", int) for i in range(3)]
        Process(quiet).run()
        made = [n for n in ("quiet0", "quiet1", "quiet2") if n in logging.root.manager.loggerDict]
        print("loggers made:", made)
        logging.basicConfig(stream=sys.stdout, format="%(name)s|%(message)s")
        Process([Task("loud", {str(tmp_path / "loud.log")!r}, int)]).run()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "loggers made: []",
        "loud|Starting loud.",
        "loud|Finished loud.",
    ]
