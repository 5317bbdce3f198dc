"""10,000 tasks, each with its own log file, under `ulimit -n 256`."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("resource")


def test_ten_thousand_log_files_with_256_descriptors(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
        from taskflow_core import Process, Task, TaskDependency
        folder = {str(tmp_path)!r}
        def noop(*args):
            return None
        tasks = []
        for i in range(10_000):
            deps = [TaskDependency(f"t{{j}}") for j in sorted({{i // 2, i // 3}}) if j < i]
            tasks.append(Task(f"t{{i}}", os.path.join(folder, f"t{{i}}.log"), noop,
                              dependencies=deps))
        with Process(tasks) as process:
            result = process.run(parallel=True, max_workers=4)
        print(len(result.passed_tasks_results), len(result.failed_tasks))
        print(len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-2000:]
    passed, failed = done.stdout.split("\n")[0].split()
    assert (int(passed), int(failed)) == (10_000, 0)
    assert int(done.stdout.split("\n")[1]) < 32
    files = list(tmp_path.glob("t*.log"))
    assert len(files) == 10_000
    assert files[0].read_text().count("\n") == 2
