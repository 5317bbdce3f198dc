"""The seed document's example, run on the TaskFlow engine.

Three independent 2-second fetches feed a 1-second `calculate_metrics`. The
script is the `processes` 1.x example with only its import line changed: it
runs the workflow sequentially (about 7 s), then in parallel (about 3 s), and
prints both wall times. Logs go to `logs/` under the current directory, as in
the document; pass another folder as the first argument to put them elsewhere.

    python resources/scripts/seed_example.py [LOG_FOLDER]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from taskflow_core import Process, Task, TaskDependency


def fetch_user_count() -> int:
    """Simulate fetching user count."""
    time.sleep(2)  # Simulate I/O operation
    return 1000


def fetch_product_count() -> int:
    """Simulate fetching product count."""
    time.sleep(2)  # Simulate I/O operation
    return 5000


def fetch_order_count() -> int:
    """Simulate fetching order count."""
    time.sleep(2)  # Simulate I/O operation
    return 15000


def calculate_metrics(users: int, products: int, orders: int) -> dict[str, float]:
    """Combine the three counts (the document leaves this one to the reader)."""
    time.sleep(1)  # Simulate computation
    return {"orders_per_user": orders / users, "products_per_user": products / users}


def main(log_folder: str = "logs") -> None:
    logs = Path(log_folder)
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

    with Process([t1, t2, t3, t4]) as process:
        # Sequential execution: ~7 seconds total (2+2+2+1)
        start = time.time()
        seq = process.run(parallel=False)
        duration_seq = time.time() - start

    with Process([t1, t2, t3, t4]) as process:
        # Parallel execution: ~3 seconds total (the fetches run concurrently)
        start = time.time()
        par = process.run(parallel=True, max_workers=4)
        duration_par = time.time() - start

    metrics = par.passed_tasks_results["calculate_metrics"].result
    print(f"Sequential: {duration_seq:.2f} s")
    print(f"Parallel:   {duration_par:.2f} s ({duration_seq / duration_par:.1f}x faster)")
    print(f"Critical path: {' -> '.join(par.critical_path)} ({par.critical_path_seconds:.2f} s)")
    print(f"Metrics: {metrics}")
    print(f"Logs in {logs.resolve()}")
    if seq.failed_tasks or par.failed_tasks:
        sys.exit(1)


if __name__ == "__main__":
    main(*sys.argv[1:2])
