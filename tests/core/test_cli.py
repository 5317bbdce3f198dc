"""The `taskflow` command line on the example projects: output, reports and exit codes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from taskflow_core.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"
TASKFLOW = Path(sys.executable).parent / "taskflow"


def copy_example(folder: Path, stem: str, module: str, *, scale: float = 1.0) -> Path:
    """Copy an example project with its module renamed (unique) and its sleeps scaled."""
    folder.mkdir(parents=True, exist_ok=True)
    new_module = f"{module}_{uuid.uuid4().hex[:8]}"
    source = (EXAMPLES / f"{module}.py").read_text()
    source = re.sub(
        r"time\.sleep\(([\d.]+)\)",
        lambda m: f"time.sleep({float(m.group(1)) * scale!r})",
        source,
    )
    (folder / f"{new_module}.py").write_text(source)
    text = (EXAMPLES / f"{stem}.taskflow.json").read_text()
    path = folder / f"{stem}.taskflow.json"
    path.write_text(text.replace(f'"{module}:', f'"{new_module}:'))
    return path


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Run from tmp_path; restore sys.path and forget modules the commands imported."""
    monkeypatch.chdir(tmp_path)
    path, modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        del sys.modules[name]


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "seed", "seed_example", "seed_tasks", scale=0.02)


@pytest.fixture
def etl(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "etl", "etl_diamond", "etl_tasks", scale=0.1)


@pytest.fixture
def fanout(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "fanout", "fanout_50", "fanout_tasks", scale=0.2)


def write_project(folder: Path, tasks: list[dict], **top: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"format": "taskflow", "version": 1, "name": "t", "python_paths": ["."], "tasks": tasks}
    doc.update(top)
    path = folder / "p.taskflow.json"
    path.write_text(json.dumps(doc))
    return path


# -- validate ---------------------------------------------------------------------------------
def test_validate_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for path in sorted(EXAMPLES.glob("*.taskflow.json")):
        assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{EXAMPLES / 'fanout_50.taskflow.json'}: valid, 50 tasks." in out


def test_validate_resolve(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(seed), "--resolve"]) == 0
    assert "valid, 4 tasks (callables resolved)." in capsys.readouterr().out


def test_validate_problems_one_per_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_project(
        tmp_path,
        [
            {"name": "a", "callable": "m:f", "dependencies": [{"task": "ghost"}]},
            {"name": "a", "callable": "m:f"},
            {"name": "k", "callable": "m:f", "dependencies": [{"task": "a", "pass": "keyword"}]},
        ],
    )
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "a: duplicate_name: Duplicate task name: a",
        "a: missing_upstream: Task a depends on missing task: ghost",
        "k: missing_kwarg: The result of a is passed by keyword but no keyword name is set.",
    ]
    assert captured.err.strip() == f"{path}: 3 problems."


def test_validate_resolve_reports_unresolvable_callables_and_signatures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = f"mod_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text("def two(a, b):\n    return a + b\n")
    path = write_project(
        tmp_path,
        [
            {"name": "gone", "callable": "no_such_module_xyz:f"},
            {"name": "short", "callable": f"{module}:two", "args": [1]},
        ],
    )
    assert main(["validate", str(path)]) == 0  # nothing imported: only the static checks
    assert main(["validate", str(path), "--resolve"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("gone: unresolved_callable: Cannot import module 'no_such_module_xyz'")
    assert out[2].startswith(f"short: signature_mismatch: {module}:two(a, b): missing")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "there is no such file."),
        ('{"format": "taskflow",\n "version": 1,,}', "line 2, column 15: this is not valid JSON"),
        ('{"format": "taskflow", "version": 9, "tasks": []}', "needs a newer TaskFlow"),
        ('{"hello": "world"}', "this is not a TaskFlow project"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "dependencies": '
         '[{"task": "b", "pass": "up"}]}]}', "at tasks[0].dependencies[0].pass: expected one of"),
    ],
)
def test_unreadable_files_exit_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "x.taskflow.json"
    if content is not None:
        path.write_text(content)
    for command in (["validate"], ["run"], ["compare"], ["export", "--format", "dot"]):
        assert main([*command, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"taskflow: error: {path}")
        assert message in err
        assert "Traceback" not in err


def test_opening_and_validating_import_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    module = f"loud_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "def f():\n    return 1\n"
    )
    path = write_project(tmp_path, [{"name": "a", "callable": f"{module}:f"}])
    assert main(["validate", str(path)]) == 0
    for fmt in ("python", "dot", "mermaid"):
        assert main(["export", str(path), "--format", fmt, "-o", str(tmp_path / "out")]) == 0
    assert not marker.exists()
    assert main(["validate", str(path), "--resolve"]) == 0  # consent: now it is imported
    assert marker.read_text() == "ran"


# -- run ----------------------------------------------------------------------------------------
def test_run_seed_sequential(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(seed), "--sequential"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "[0/4] started   fetch_users"
    assert re.match(r"\[1/4\] done      fetch_users  \d+ ms$", lines[1])
    assert lines[6] == "[3/4] started   calculate_metrics"
    assert re.match(r"\[4/4\] done      calculate_metrics", lines[7])
    table = out[out.index("Task "):]
    assert re.search(r"^calculate_metrics\s+success\s+\d+ ms$", table, re.M)
    assert re.search(r"^4 tasks: 4 succeeded in .* \(sequential\)\.$", out, re.M)
    assert (seed.parent / "logs" / "calculate_metrics.log").read_text().strip().endswith(
        "Finished calculate_metrics."
    )


def test_run_etl_failure_skips_dependants_and_writes_json(
    etl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "reports" / "run.json"
    report.parent.mkdir()
    assert main(["run", str(etl), "--parallel", "--workers", "2", "--json", str(report)]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "Traceback" not in captured.err
    assert re.search(r"^\[\d/6\] retry 2   enrich_orders$", out, re.M)
    assert re.search(
        r"^\[\d/6\] FAILED    enrich_orders  \S+ m?s  ConnectionError: exchange-rate service "
        r"unavailable: https://rates.invalid/today \(after 2 attempts\)$",
        out,
        re.M,
    )
    skipped = r"^\[\d/6\] skipped   load_warehouse  because enrich_orders failed$"
    assert re.search(skipped, out, re.M)
    assert re.search(r"^\[6/6\] ", out, re.M)
    assert re.search(r"^daily_report\s+success\s+\d+ ms$", out, re.M)
    assert re.search(r"^notify_team\s+skipped\s+-\s+because enrich_orders failed$", out, re.M)
    assert "6 tasks: 3 succeeded, 1 failed, 2 skipped in" in out
    assert "(parallel, 2 workers)." in out
    data = json.loads(report.read_text())
    text = json.dumps(data)
    for name in ("extract_orders", "daily_report", "enrich_orders", "notify_team"):
        assert name in text
    log = (etl.parent / "logs" / "clean_orders.log").read_text()
    assert "Dropping order 4: amount 'n/a' is not a number" in log
    assert "Kept 3 of 5 rows." in log


def test_run_fanout_parallel_by_default(fanout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(fanout), "--workers", "8", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "started" not in out  # --quiet: only the table
    assert re.search(r"^combine\s+success", out, re.M)
    assert "50 tasks: 50 succeeded in" in out and "(parallel, 8 workers)." in out


def test_run_verbose_shows_task_output(etl: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", str(etl), "--sequential", "-v"])
    out = capsys.readouterr().out
    assert re.search(r"^\s+extract_orders \| .*Extracted 5 rows from orders-db\.$", out, re.M)


def test_run_refuses_a_workflow_that_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    boom = f"boom_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{boom}.py").write_text("raise RuntimeError('no database here')\n")
    path = write_project(
        tmp_path,
        [{"name": "a", "callable": "nowhere_abc:f"}, {"name": "b", "callable": f"{boom}:f"}],
    )
    assert main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("taskflow: error: the workflow cannot run:\n")
    assert "a: unresolved_callable: Cannot import module 'nowhere_abc'" in err
    assert f"b: unresolved_callable: Importing '{boom}' failed: RuntimeError: no database" in err
    assert "Traceback" not in err
    assert not (tmp_path / "logs").exists()


def test_bad_arguments_exit_2(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        [],
        ["run", str(seed), "--workers", "0"],
        ["run", str(seed), "--sequential", "--parallel"],
        ["export", str(seed), "--format", "svg"],
        ["explode"],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_help_has_examples_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "taskflow compare pipeline.taskflow.json --workers 4" in out
    assert "exit codes:" in out and "130" in out
    for command in ("validate", "run", "compare", "export"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example:\n  taskflow " + command in capsys.readouterr().out


# -- compare -----------------------------------------------------------------------------------
def test_compare_seed(seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "compare.json"
    assert main(["compare", str(seed), "--workers", "4", "--json", str(out_json), "-q"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sequential run\n")
    assert "\nParallel run (4 workers)\n" in out
    for label in ("Sequential ", "Parallel (4 workers) ", "Speedup ", "Parallel efficiency ",
                  "Best possible "):
        assert re.search(rf"^{re.escape(label)}\s*\S", out, re.M), label
    assert re.search(r"^Parallel took .* sequential: .*; the best possible with 4 workers is "
                     r"\d+\.\dx$", out, re.M)
    data = json.loads(out_json.read_text())
    assert data["workers"] == 4
    assert data["sequential_seconds"] > data["parallel_seconds"] > 0
    assert 1.5 < data["best_possible_speedup"] < 3.5  # 7 s of work on a 3 s critical path
    assert set(data["runs"]) == {"sequential", "parallel"}


def test_compare_with_failures_exits_1(etl: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(etl), "--workers", "2"]) == 1
    captured = capsys.readouterr()
    assert "Speedup" in captured.out
    assert "some tasks did not succeed" in captured.err


# -- export -------------------------------------------------------------------------------------
def test_export_to_stdout_and_to_a_file(
    seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(seed), "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR\n")
    assert main(["export", str(seed), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith('digraph "Seed example" {')
    target = tmp_path / "out" / "seed.py"
    target.parent.mkdir()
    assert main(["export", str(seed), "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    compile(target.read_text(), str(target), "exec")
    assert sorted(p.name for p in target.parent.iterdir()) == ["seed.py"]
    assert main(["export", str(seed), "-o", str(tmp_path / "missing" / "x.py")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_export_python_of_a_broken_workflow_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_project(tmp_path, [{"name": "a"}])
    assert main(["export", str(path), "--format", "python"]) == 1
    assert "a: no_callable" in capsys.readouterr().err
    assert main(["export", str(path), "--format", "dot"]) == 0  # a picture is still possible


# -- as a real command ---------------------------------------------------------------------------
def test_console_script_and_module(etl: Path, seed: Path, tmp_path: Path) -> None:
    run = subprocess.run(
        [str(TASKFLOW), "run", str(etl), "--sequential"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert run.returncode == 1
    assert "6 tasks: 3 succeeded, 1 failed, 2 skipped" in run.stdout
    assert run.stderr == ""
    module = subprocess.run(
        [sys.executable, "-m", "taskflow_core", "validate", str(seed)],
        capture_output=True, text=True, timeout=60,
    )
    assert module.returncode == 0 and "valid, 4 tasks" in module.stdout
    missing = subprocess.run(
        [str(TASKFLOW), "validate", str(tmp_path / "nope.json")],
        capture_output=True, text=True, timeout=60,
    )
    assert missing.returncode == 2
    expected = f"taskflow: error: {tmp_path / 'nope.json'}: there is no such file."
    assert missing.stderr.strip() == expected


@pytest.mark.skipif(os.name != "posix", reason="SIGINT delivery")
def test_ctrl_c_cancels_the_run(tmp_path: Path) -> None:
    project = copy_example(tmp_path, "seed_example", "seed_tasks", scale=1.0)
    proc = subprocess.Popen(
        [str(TASKFLOW), "run", str(project), "--sequential"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert "started   fetch_users" in first
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.monotonic() - started < 5
    assert "cancelling" in err
    assert "cancelled" in out
