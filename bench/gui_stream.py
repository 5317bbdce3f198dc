"""Streaming a flood of log lines into the designer: does the GUI stay responsive?

Eight parallel tasks each print 20,000 lines. The same workflow is run headless
(``Process.run`` on the main thread) and through the designer's RunController
with the Log and Timings docks on screen. While the GUI run streams, a 10 ms
QTimer probe records how late each tick fires: that lateness is the event
loop's latency, what a user feels as lag. Printed side by side:

    run time (headless vs GUI) and the GUI's latency p50 / p99 / max.

Targets: p99 latency under 100 ms; the GUI run at most 1.3x the headless run.

    .venv/bin/python bench/gui_stream.py [--tasks 8] [--lines 20000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if "DISPLAY" not in os.environ and "WAYLAND_DISPLAY" not in os.environ:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer
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


def run_headless(
    folder: Path, tasks: int, lines: int, on_event: object = None
) -> tuple[float, float]:
    """(end-to-end seconds, engine wall seconds)."""
    with Process(build(folder, tasks, lines)) as process:
        start = time.perf_counter()
        result = process.run(parallel=True, max_workers=tasks, on_event=on_event)
        elapsed = time.perf_counter() - start
    return elapsed, result.wall_seconds


class GuiRun:
    """One run through the controller with the docks shown, probed by a 10 ms timer."""

    def __init__(self, window: QMainWindow, log: LogDock, timings: TimingsDock) -> None:
        self.window, self.log, self.timings = window, log, timings
        self.controller = RunController(window)
        log.connect_controller(self.controller)
        timings.connect_controller(self.controller)

    def run(self, folder: Path, tasks: int, lines: int) -> tuple[float, float, list[float], int]:
        """(end-to-end seconds, engine wall seconds, probe lateness in ms, log rows)."""
        lateness: list[float] = []
        last = [0.0]

        def tick() -> None:
            now = time.perf_counter()
            lateness.append(max(0.0, (now - last[0]) * 1000 - PROBE_MS))
            last[0] = now

        probe = QTimer()
        probe.setInterval(PROBE_MS)
        probe.timeout.connect(tick)
        loop = QEventLoop()
        outcome: dict[str, object] = {}

        def done(result: object) -> None:
            outcome["end"] = time.perf_counter()
            outcome["result"] = result
            loop.quit()

        self.controller.finished.connect(done)
        with Process(build(folder, tasks, lines)) as process:
            last[0] = start = time.perf_counter()
            probe.start()
            self.controller.start(process, parallel=True, max_workers=tasks)
            loop.exec()
            probe.stop()
        self.controller.finished.disconnect(done)
        result = outcome["result"]
        rows = self.log.model.total_count
        return float(outcome["end"]) - start, result.wall_seconds, lateness, rows


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

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 800)
    log, timings = LogDock(window), TimingsDock(window)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, log)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, timings)
    window.show()
    app.processEvents()
    gui = GuiRun(window, log, timings)

    headless, listened, gui_times, latencies, rows = [], [], [], [], 0
    with tempfile.TemporaryDirectory(prefix="taskflow-gui-stream-") as tmp:
        folder = Path(tmp)
        run_headless(folder, options.tasks, 200)  # warm-up: imports, first log files
        for _ in range(options.repeats):  # interleaved, so load changes hit all three alike
            headless.append(run_headless(folder, options.tasks, options.lines)[0])
            listened.append(run_headless(folder, options.tasks, options.lines, ignore)[0])
            elapsed, _wall, lateness, rows = gui.run(folder, options.tasks, options.lines)
            gui_times.append(elapsed)
            latencies.extend(lateness)

    h, hl = statistics.median(headless), statistics.median(listened)
    g = statistics.median(gui_times)
    total_lines = options.tasks * options.lines
    print(
        f"{options.tasks} parallel tasks x {options.lines:,} lines = {total_lines:,} lines; "
        f"median of {options.repeats} runs each; the Log dock held {rows:,} rows"
    )
    print()
    print(f"{'run time':34}{'seconds':>10}{'vs headless':>14}{'target':>12}")
    print(f"{'headless, no listener':34}{h:>10.2f}{1.0:>13.2f}x")
    print(f"{'headless, no-op on_event':34}{hl:>10.2f}{hl / h:>13.2f}x")
    print(f"{'designer (Log + Timings docks)':34}{g:>10.2f}{g / h:>13.2f}x{'<= 1.30x':>12}")
    print(f"{'  designer vs no-op listener':34}{'':>10}{g / hl:>13.2f}x")
    print()
    print(f"{'GUI event loop latency':34}{'ms':>10}{'':>14}{'target':>12}")
    for label, p in (("p50", 50), ("p99", 99), ("max", 100)):
        target = "< 100 ms" if label == "p99" else ""
        print(f"{'  ' + label:34}{percentile(latencies, p):>10.1f}{'':>14}{target:>12}")
    print(f"{'  probe ticks':34}{len(latencies):>10,}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
