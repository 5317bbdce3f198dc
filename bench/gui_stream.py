"""Streaming a flood of log lines into the designer: does the GUI stay responsive?

Eight parallel tasks each print 20,000 lines. The same workflow runs

1. headless: ``Process.run`` on the main thread, no listener;
2. headless with a no-op ``on_event`` listener: what the engine's events cost alone;
3. in the background with only a 10 ms QTimer probe on the GUI thread: the event
   loop latency that the GIL alone imposes while eight threads print (the floor);
4. through the designer's RunController with the Log and Timings docks on screen,
   with the same 10 ms probe.

The probe records how late each tick fires: that lateness is the event loop's
latency, what a user feels as lag. Targets: p99 under 100 ms in the designer, and
the designer's run at most 1.3x the headless one.

    .venv/bin/python bench/gui_stream.py [--tasks 8] [--lines 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow
from taskflow_core import Process, Task

from taskflow_gui.docks.log import LogDock
from taskflow_gui.docks.timings import TimingsDock
from taskflow_gui.runner import RunController

PROBE_MS = 10


def stream(name: str, lines: int) -> int:
    """A task that does nothing but talk."""
    for i in range(lines):
        print(f"{name}: processed record {i} of {lines}")
    return lines


def build(folder: Path, tasks: int, lines: int) -> list[Task]:
    return [
        Task(f"stream_{i}", str(folder / f"stream_{i}.log"), stream, args=(f"stream_{i}", lines))
        for i in range(tasks)
    ]


def ignore(_event: object) -> None:
    """A listener that does nothing: what the engine's events cost by themselves."""


def run_headless(folder: Path, tasks: int, lines: int, on_event: Any = None) -> float:
    """Seconds for one run on this thread."""
    with Process(build(folder, tasks, lines)) as process:
        start = time.perf_counter()
        process.run(parallel=True, max_workers=tasks, on_event=on_event)
        return time.perf_counter() - start


class Probe:
    """A 10 ms QTimer on the GUI thread; ``lateness`` holds how late each tick was (ms)."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, (now - self._last) * 1000 - PROBE_MS))
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()


class _Done(QObject):
    done = Signal()


class _Background(QRunnable):
    def __init__(self, work: Callable[[], None], done: _Done) -> None:
        super().__init__()
        self._work, self._done = work, done

    def run(self) -> None:
        try:
            self._work()
        finally:
            self._done.done.emit()


def run_probe_only(folder: Path, tasks: int, lines: int) -> tuple[float, list[float]]:
    """The run in the background, nothing on the GUI thread but the probe."""
    probe, loop, done = Probe(), QEventLoop(), _Done()
    done.done.connect(loop.quit)
    with Process(build(folder, tasks, lines)) as process:

        def work() -> None:
            process.run(parallel=True, max_workers=tasks, on_event=ignore)

        start = time.perf_counter()
        probe.start()
        QThreadPool.globalInstance().start(_Background(work, done))
        loop.exec()
        probe.stop()
        return time.perf_counter() - start, probe.lateness


class GuiRun:
    """One run through the controller with the docks shown, probed by a 10 ms timer."""

    def __init__(self, window: QMainWindow, log: LogDock, timings: TimingsDock) -> None:
        self.log = log
        self.controller = RunController(window)
        log.connect_controller(self.controller)
        timings.connect_controller(self.controller)

    def run(self, folder: Path, tasks: int, lines: int) -> tuple[float, list[float]]:
        """(seconds from start to the controller's ``finished``, probe lateness in ms)."""
        probe, loop = Probe(), QEventLoop()
        self.controller.finished.connect(loop.quit)
        with Process(build(folder, tasks, lines)) as process:
            start = time.perf_counter()
            probe.start()
            self.controller.start(process, parallel=True, max_workers=tasks)
            loop.exec()
            elapsed = time.perf_counter() - start
            probe.stop()
        self.controller.finished.disconnect(loop.quit)
        return elapsed, probe.lateness


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=8)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args(argv)
    n, lines = options.tasks, options.lines

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 800)
    log, timings = LogDock(window), TimingsDock(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, log)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, timings)
    window.show()
    app.processEvents()
    gui = GuiRun(window, log, timings)

    headless: list[float] = []
    listened: list[float] = []
    floor_times: list[float] = []
    floor_lateness: list[float] = []
    gui_times: list[float] = []
    gui_lateness: list[float] = []
    with tempfile.TemporaryDirectory(prefix="taskflow-gui-stream-") as tmp:
        folder = Path(tmp)
        run_headless(folder, n, 200)  # warm-up: imports, first log files
        for _ in range(options.repeats):  # interleaved, so load changes hit all alike
            headless.append(run_headless(folder, n, lines))
            listened.append(run_headless(folder, n, lines, ignore))
            elapsed, lateness = run_probe_only(folder, n, lines)
            floor_times.append(elapsed)
            floor_lateness.extend(lateness)
            elapsed, lateness = gui.run(folder, n, lines)
            gui_times.append(elapsed)
            gui_lateness.extend(lateness)
    rows = log.model.total_count

    h = statistics.median(headless)
    print(
        f"{n} parallel tasks x {lines:,} lines = {n * lines:,} lines; median of "
        f"{options.repeats} runs each, interleaved; the Log dock held {rows:,} rows"
    )
    print()
    print(f"{'run time':40}{'seconds':>9}{'vs headless':>13}{'target':>11}")
    for label, times, target in (
        ("headless, no listener", headless, ""),
        ("headless, no-op on_event", listened, ""),
        ("background run, GUI thread only probes", floor_times, ""),
        ("designer (Log + Timings docks)", gui_times, "<= 1.30x"),
    ):
        t = statistics.median(times)
        print(f"{label:40}{t:>9.2f}{t / h:>12.2f}x{target:>11}")
    print()
    print(f"{'GUI event loop latency (ms)':40}{'p50':>9}{'p99':>9}{'max':>9}{'ticks':>8}")
    for label, lateness, target in (
        ("GUI thread only probes (the GIL floor)", floor_lateness, ""),
        ("designer (Log + Timings docks)", gui_lateness, "  target p99 < 100"),
    ):
        print(
            f"{label:40}{percentile(lateness, 50):>9.1f}{percentile(lateness, 99):>9.1f}"
            f"{percentile(lateness, 100):>9.1f}{len(lateness):>8,}{target}"
        )
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
