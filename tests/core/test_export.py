"""Exporters: DOT and Mermaid graphs, and a Python script that reproduces the run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from taskflow_core.export import ExportError, export, to_dot, to_mermaid, to_python
from taskflow_core.projectfile import load_project
from taskflow_core.workflow import DependencySpec, TaskSpec, Workflow

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


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


@pytest.fixture
def isolated():
    path, modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        del sys.modules[name]


# -- graphs -----------------------------------------------------------------------------------
def test_dot_labels_edges_by_how_results_pass() -> None:
    dot = to_dot(load_project(EXAMPLES / "etl_diamond.taskflow.json"))
    assert dot.startswith('digraph "ETL diamond" {\n  rankdir=LR;')
    assert dot.endswith("}\n")
    assert '"clean_orders" -> "load_warehouse" [label="cleaned"];' in dot
    assert '"enrich_orders" -> "load_warehouse" [label="enriched"];' in dot
    assert '"extract_orders" -> "clean_orders" [label="args[0]"];' in dot
    assert '"daily_report" [label="daily_report\\netl_tasks:daily_report"];' in dot


def test_positional_slots_follow_args_and_order_only_edges_are_dashed() -> None:
    w = Workflow('Odd "names"')
    w.add_task(TaskSpec("a", "m:f"))
    w.add_task(TaskSpec("b", "m:f"))
    w.add_task(TaskSpec("c", "m:f", args=[1, 2]))
    w.connect("a", "c", "positional")
    w.connect("b", "c")
    w.add_task(TaskSpec("d", "m:f", dependencies=[DependencySpec("ghost")]))
    w.connect("c", "d", "positional")
    dot = to_dot(w)
    assert 'digraph "Odd \\"names\\"" {' in dot
    assert '"a" -> "c" [label="args[2]"];' in dot
    assert '"b" -> "c" [style="dashed"];' in dot
    assert '"ghost" [style="dashed", color="red", label="ghost (missing)"];' in dot
    assert '"c" -> "d" [label="args[0]"];' in dot
    mermaid = to_mermaid(w)
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  n0["a<br/>m:f"]' in lines
    assert '  n0 -->|"args[2]"| n2' in lines
    assert "  n1 -.-> n2" in lines
    assert '  n4["ghost (missing)"]' in lines
    assert "  class n4 missing" in lines


def test_mermaid_on_the_fanout_example() -> None:
    mermaid = to_mermaid(load_project(EXAMPLES / "fanout_50.taskflow.json"))
    lines = mermaid.splitlines()
    assert len([line for line in lines if "-->" in line]) == 96
    assert '  n48 -->|"args[47]"| n49' in lines  # the sink gets chunk 47 in slot 47
    assert '  n0 -->|"args[1]"| n1' in lines  # each worker gets the chunks after its index


def test_mermaid_escapes_quotes() -> None:
    w = Workflow()
    w.add_task(TaskSpec('say"hi"', "m:f"))
    assert '  n0["say#quot;hi#quot;<br/>m:f"]' in to_mermaid(w)


def test_unknown_format() -> None:
    with pytest.raises(ExportError, match="Unknown export format 'svg'"):
        export(Workflow(), "svg")


# -- Python --------------------------------------------------------------------------------------
def test_python_export_refuses_a_workflow_that_cannot_run() -> None:
    w = Workflow()
    w.add_task(TaskSpec("unbound"))
    with pytest.raises(ExportError, match="unbound: no_callable"):
        to_python(w)
    w = Workflow.from_specs([TaskSpec("x", "m:f", dependencies=[DependencySpec("y")])])
    with pytest.raises(ExportError, match="missing_upstream"):
        to_python(w)
    w = Workflow()
    w.add_task(TaskSpec("bad", "my-module:f"))
    with pytest.raises(ExportError, match="not an importable reference"):
        to_python(w)


def test_python_export_imports_each_callable_once_with_aliases_on_clashes() -> None:
    w = Workflow()
    w.add_task(TaskSpec("a", "one:run"))
    w.add_task(TaskSpec("b", "two:run"))
    w.add_task(TaskSpec("c", "one:run"))
    w.add_task(TaskSpec("d", "pkg.three:Klass.method"))
    w.add_task(TaskSpec("e", "four:Task"))
    script = to_python(w)
    compile(script, "exported.py", "exec")
    assert "from one import run  # noqa: E402" in script
    assert "from two import run as run_2  # noqa: E402" in script
    assert "from pkg.three import Klass  # noqa: E402" in script
    assert "from four import Task as Task_2  # noqa: E402" in script
    assert 'Task("c", str(PROJECT_DIR / "logs/c.log"), run),' in script
    assert 'Task("d", str(PROJECT_DIR / "logs/d.log"), Klass.method),' in script
    assert 'Task("e", str(PROJECT_DIR / "logs/e.log"), Task_2),' in script


def test_python_export_writes_every_option() -> None:
    w = Workflow(base_dir=Path("/somewhere"))
    w.add_task(TaskSpec("a", "m:f"))
    w.add_task(
        TaskSpec(
            "b", "m:g", args=["x", None, True, 1.5], kwargs={"k": {"n": [1]}},
            log_path="/var/log/b.log", timeout=3, retries=2, retry_delay=0.5,
        )
    )
    w.connect("a", "b", "keyword", "upstream")
    script = to_python(w)
    compile(script, "exported.py", "exec")
    assert 'args=("x", None, True, 1.5),' in script
    assert 'kwargs={"k": {"n": [1]}},' in script
    assert 'str(Path("/var/log/b.log").expanduser()),' in script
    assert (
        'TaskDependency("a", use_result_as_additional_kwargs=True, '
        'additional_kwarg_name="upstream"),'
    ) in script
    assert "timeout=3.0," in script and "retries=2," in script and "retry_delay=0.5," in script


def _statuses(report: dict) -> dict:
    """{task: (status, result)} from a ProcessResult.to_dict()."""
    return {name: (t["status"], t["result"]) for name, t in report["tasks"].items()}


def test_exported_script_reproduces_the_run(tmp_path: Path, isolated: None) -> None:
    project = copy_example(tmp_path / "project", "etl_diamond", "etl_tasks", scale=0.1)
    workflow = load_project(project)
    with workflow.to_process() as process:
        original = process.run(parallel=False).to_dict()
    # The script lives in another folder than the project: paths must still work.
    script = tmp_path / "scripts" / "etl.py"
    script.parent.mkdir()
    script.write_text(to_python(workflow, script_dir=script.parent))
    report = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, str(script), "--sequential", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr  # enrich_orders fails on purpose
    exported = json.loads(report.read_text())
    assert _statuses(exported) == _statuses(original)
    statuses = {name: status for name, (status, _) in _statuses(exported).items()}
    assert statuses["enrich_orders"] == "failed"
    assert statuses["load_warehouse"] == statuses["notify_team"] == "skipped"
    assert statuses["daily_report"] == "success"
    assert "daily_report: SUCCESS {'EUR': 120.5, 'USD': 80.0, 'GBP': 42.0}" in run.stdout
    assert (tmp_path / "project" / "logs" / "daily_report.log").exists()


def test_exported_fanout_script_gives_the_same_sum(tmp_path: Path, isolated: None) -> None:
    project = copy_example(tmp_path, "fanout_50", "fanout_tasks", scale=0.2)
    workflow = load_project(project)
    for spec in workflow:
        if spec.kwargs.get("delay"):
            workflow.set_field(spec, "kwargs", {"delay": 0.005})
    with workflow.to_process() as process:
        expected = process.run(parallel=True, max_workers=8).results["combine"].result
    script = tmp_path / "fanout.py"
    script.write_text(to_python(workflow, script_dir=tmp_path))
    run = subprocess.run(
        [sys.executable, str(script), "--workers", "8"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert f"combine: SUCCESS {expected!r}" in run.stdout
    assert expected == sum(range(48 * 1000))


def test_exported_script_runs_on_the_project_executor(tmp_path: Path, isolated: None) -> None:
    project = copy_example(tmp_path, "fanout_50", "fanout_tasks", scale=0.0)
    workflow = load_project(project)
    workflow.set_properties(executor="processes")
    text = to_python(workflow, script_dir=tmp_path)
    assert "EXECUTOR = 'processes'\nDASK_ADDRESS = None\n" in text
    script = tmp_path / "fanout.py"
    script.write_text(text)
    run = subprocess.run(
        [sys.executable, str(script), "--workers", "2"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert f"combine: SUCCESS {sum(range(48 * 1000))!r}" in run.stdout
    log = (project.parent / "logs" / "fanout.log").read_text()
    assert "chunk 0: 499500" in log  # lines printed in the worker processes reach the file
