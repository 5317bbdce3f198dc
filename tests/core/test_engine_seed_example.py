"""The seed document's example (three fetches, then calculate_metrics) with short sleeps."""

from __future__ import annotations

import time

from engine_support import entries
from taskflow_core import Process, Task, TaskDependency, TaskStatus

FETCH = 0.3
METRICS = 0.15


def fetch_user_count() -> int:
    time.sleep(FETCH)
    return 1000


def fetch_product_count() -> int:
    time.sleep(FETCH)
    return 5000


def fetch_order_count() -> int:
    time.sleep(FETCH)
    return 15000


def calculate_metrics(users: int, products: int, orders: int) -> dict[str, float]:
    time.sleep(METRICS)
    return {"orders_per_user": orders / users, "total": users + products + orders}


def build(logs) -> list[Task]:
    t1 = Task("fetch_users", str(logs / "fetch_users.log"), fetch_user_count)
    t2 = Task("fetch_products", str(logs / "fetch_products.log"), fetch_product_count)
    t3 = Task("fetch_orders", str(logs / "fetch_orders.log"), fetch_order_count)
    t4 = Task(
        "calculate_metrics",
        str(logs / "calculate_metrics.log"),
        calculate_metrics,
        dependencies=[
            TaskDependency("fetch_users", use_result_as_additional_args=True),
            TaskDependency("fetch_products", use_result_as_additional_args=True),
            TaskDependency("fetch_orders", use_result_as_additional_args=True),
        ],
    )
    return [t1, t2, t3, t4]


def test_seed_example_sequential_then_parallel(tmp_path):
    tasks = build(tmp_path)
    with Process(tasks) as process:
        start = time.time()
        seq = process.run(parallel=False)
        duration_seq = time.time() - start
    with Process(tasks) as process:
        start = time.time()
        par = process.run(parallel=True, max_workers=4)
        duration_par = time.time() - start

    expected = {"orders_per_user": 15.0, "total": 21000}
    for result in (seq, par):
        assert result.failed_tasks == set()
        assert result.passed_tasks_results["calculate_metrics"].result == expected
        assert result.passed_tasks_results["fetch_users"].result == 1000
    total_work = 3 * FETCH + METRICS
    assert duration_seq >= total_work * 0.95
    assert seq.mode == "sequential" and par.mode == "parallel"
    # Parallel needs about FETCH + METRICS; leave a wide margin for a busy machine.
    assert duration_par < duration_seq * 0.75
    assert duration_par >= FETCH + METRICS * 0.9
    assert par.critical_path[-1] == "calculate_metrics" and len(par.critical_path) == 2
    assert par.critical_path_seconds >= FETCH + METRICS * 0.9
    lanes = {par.results[n].worker for n in ("fetch_users", "fetch_products", "fetch_orders")}
    assert len(lanes) == 3, "the three fetches ran side by side"
    assert all(r.status is TaskStatus.SUCCESS for r in par.results.values())

    # Both runs appended to the same files: two Starting/Finished pairs each.
    for name in ("fetch_users", "calculate_metrics"):
        assert [m for _, _, m in entries(tmp_path / f"{name}.log")] == [
            f"Starting {name}.",
            f"Finished {name}.",
        ] * 2


def test_the_seed_script_runs_unchanged_with_the_documented_timings(tmp_path) -> None:
    """resources/scripts/seed_example.py: the 1.x example with only its import changed."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "resources" / "scripts" / "seed_example.py"
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "logs")],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    sequential = float(re.search(r"^Sequential: ([\d.]+) s$", run.stdout, re.M).group(1))
    parallel = float(re.search(r"^Parallel:   ([\d.]+) s", run.stdout, re.M).group(1))
    assert 7.0 <= sequential < 9.0 and 3.0 <= parallel < 5.0, run.stdout
    # Any of the three equal fetches may end last; the path is one of them, then the metrics.
    assert re.search(r"^Critical path: fetch_\w+ -> calculate_metrics \(3\.\d\d s\)$",
                     run.stdout, re.M), run.stdout
    assert "Starting fetch_users." in (tmp_path / "logs" / "fetch_users.log").read_text()
