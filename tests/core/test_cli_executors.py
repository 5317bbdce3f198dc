"""`taskflow run/compare --executor ...`: the flag over the project's "executor" key."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

import pytest
from taskflow_core.cli import main
from test_cli import copy_example, isolated, write_project  # noqa: F401  (autouse fixture)


def pid_project(folder: Path, **top: object) -> Path:
    """Two tasks that return the id of the process they ran in."""
    module = f"pids_{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(
        "import os\n\n\ndef pid():\n    print('running')\n    return os.getpid()\n"
    )
    tasks = [{"name": n, "callable": f"{module}:pid"} for n in ("a", "b")]
    return write_project(folder, tasks, **top)


def pids(report: Path) -> set[int]:
    data = json.loads(report.read_text())
    return {entry["result"] for entry in data["tasks"].values()}


def test_the_project_executor_is_used_and_the_flag_overrides_it(tmp_path: Path) -> None:
    path = pid_project(tmp_path / "p", executor="processes")
    report = tmp_path / "r.json"
    assert main(["run", str(path), "-q", "--json", str(report)]) == 0
    assert os.getpid() not in pids(report)
    assert "running" in (path.parent / "logs" / "a.log").read_text()  # shipped back
    assert main(["run", str(path), "-q", "--executor", "threads", "--json", str(report)]) == 0
    assert pids(report) == {os.getpid()}


def test_etl_on_processes_matches_threads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    etl = copy_example(tmp_path / "etl", "etl_diamond", "etl_tasks", scale=0.1)
    assert main(["run", str(etl), "--parallel", "--workers", "2", "--executor", "processes"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Running on processes\n")
    assert re.search(r"^enrich_orders\s+failed\s+.*ConnectionError: exchange-rate", out, re.M)
    assert re.search(r"^notify_team\s+skipped\s+-\s+because enrich_orders failed$", out, re.M)
    assert "6 tasks: 3 succeeded, 1 failed, 2 skipped in" in out
    log = (etl.parent / "logs" / "clean_orders.log").read_text()
    assert "Dropping order 4: amount 'n/a' is not a number" in log


def test_compare_on_processes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = copy_example(tmp_path / "seed", "seed_example", "seed_tasks", scale=0.05)
    assert main(["compare", str(seed), "--executor", "processes", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "Sequential run on processes" in out
    assert "Parallel run (2 workers on processes)" in out


def test_dask_runs_on_a_local_cluster_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    path = pid_project(tmp_path / "p")
    report = tmp_path / "r.json"
    assert main(["run", str(path), "--executor", "dask", "--json", str(report)]) == 0
    assert "Running on dask\n" in capsys.readouterr().out
    assert os.getpid() not in pids(report)
    assert "running" in (path.parent / "logs" / "b.log").read_text()


def test_a_dask_address_needs_the_dask_executor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = pid_project(tmp_path / "p")
    argv = ["run", str(path), "--executor", "threads", "--dask-address", "tcp://127.0.0.1:8786"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == "taskflow: error: --dask-address needs --executor dask, not threads.\n"
    assert not (path.parent / "logs" / "a.log").exists()


def test_an_unknown_executor_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = pid_project(tmp_path / "p")
    with pytest.raises(SystemExit) as info:
        main(["run", str(path), "--executor", "gpu"])
    assert info.value.code == 2
    assert "invalid choice: 'gpu'" in capsys.readouterr().err


def test_a_bad_executor_in_the_file_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = pid_project(tmp_path / "p", executor="gpu")
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "at executor:" in err and 'not "gpu"' in err and "Traceback" not in err
