"""The comparison arithmetic shared by `taskflow compare` and the designer."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pytest
from taskflow_core.compare import (
    best_possible_seconds,
    best_possible_speedup,
    compare_results,
    efficiency,
    format_seconds,
    format_speedup,
    speedup,
    summary_sentence,
    total_work,
)


def _result(wall: float, durations: dict[str, float], *, workers: int = 1, path=(), path_s=0.0):
    results = {name: SimpleNamespace(duration=d) for name, d in durations.items()}
    return SimpleNamespace(
        results=results,
        wall_seconds=wall,
        max_workers=workers,
        critical_path=list(path),
        critical_path_seconds=path_s,
        failed_tasks=set(),
        cancelled_tasks=set(),
        to_dict=lambda: {"wall_seconds": wall},
    )


SEED = {"fetch_users": 2.0, "fetch_products": 2.0, "fetch_orders": 2.0, "calculate_metrics": 1.0}


def test_seed_example_sentence_matches_the_documented_one():
    seq = _result(7.0, SEED, path=["fetch_users", "calculate_metrics"], path_s=3.0)
    par = _result(3.0, SEED, workers=4, path=["fetch_users", "calculate_metrics"], path_s=3.0)
    report = compare_results(seq, par)
    assert report.sentence == (
        "Parallel took 3.0 s against 7.0 s sequential: 2.3x faster; "
        "the best possible with 4 workers is 2.3x"
    )
    assert report.workers == 4
    assert report.speedup == pytest.approx(7 / 3)
    assert report.efficiency == pytest.approx(7 / 3 / 4)
    assert report.work_seconds == pytest.approx(7.0)
    assert report.best_possible_seconds == pytest.approx(3.0)
    assert report.best_possible_speedup == pytest.approx(7 / 3)
    assert report.parallel_over_sequential == pytest.approx(3 / 7)


def test_best_possible_is_bounded_by_workers_when_work_dominates():
    # eight independent one-second tasks on two workers: the path is 1 s, the work 8 s
    assert best_possible_seconds(8.0, 1.0, 2) == pytest.approx(4.0)
    assert best_possible_speedup(8.0, 1.0, 2) == pytest.approx(2.0)
    # a chain cannot go faster than its critical path, however many workers
    assert best_possible_speedup(6.0, 6.0, 16) == pytest.approx(1.0)


def test_speedup_and_efficiency_edge_cases():
    assert speedup(4.0, 2.0) == 2.0
    assert math.isinf(speedup(1.0, 0.0))
    assert speedup(0.0, 0.0) == 1.0
    assert efficiency(3.0, 4) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        efficiency(1.0, 0)
    with pytest.raises(ValueError, match="workers must be at least 1"):
        best_possible_seconds(1.0, 1.0, 0)


def test_sentence_says_slower_and_uses_the_singular():
    text = summary_sentence(2.0, 3.0, 1, 1.0)
    assert text == (
        "Parallel took 3.0 s against 2.0 s sequential: 1.5x slower; "
        "the best possible with 1 worker is 1.0x"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(7.0, "7.0 s"), (2.96, "3.0 s"), (0.1, "0.1 s"), (0.045, "45 ms"), (0.00012, "120 µs")],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def test_format_speedup_rounds_to_one_decimal():
    assert format_speedup(2.333) == "2.3x"
    assert format_speedup(math.inf) == "∞x"


def test_total_work_ignores_tasks_that_never_ran():
    result = _result(1.0, {"a": 0.5, "b": 0.25})
    result.results["skipped"] = SimpleNamespace(duration=None)
    assert total_work(result) == pytest.approx(0.75)


def test_report_is_json_and_carries_both_runs():
    seq = _result(7.0, SEED, path=["fetch_users"], path_s=3.0)
    par = _result(3.0, SEED, workers=4, path=["fetch_users"], path_s=3.0)
    data = json.loads(compare_results(seq, par).to_json())
    assert data["sequential_seconds"] == 7.0
    assert data["parallel_seconds"] == 3.0
    assert data["runs"] == {"sequential": {"wall_seconds": 7.0}, "parallel": {"wall_seconds": 3.0}}
    assert data["sentence"].startswith("Parallel took 3.0 s against 7.0 s sequential")


def test_zero_length_parallel_run_stays_json_safe():
    seq = _result(1.0, {"a": 1.0}, path=["a"], path_s=1.0)
    par = _result(0.0, {"a": 0.0}, workers=2, path=["a"], path_s=0.0)
    data = json.loads(compare_results(seq, par).to_json())
    assert data["speedup"] is None  # infinite: not valid JSON, so null


def test_report_lines_are_a_readable_table():
    seq = _result(7.0, SEED, path=["fetch_users"], path_s=3.0)
    par = _result(3.0, SEED, workers=4, path=["fetch_users"], path_s=3.0)
    lines = compare_results(seq, par).lines()
    assert lines[0].split() == ["Sequential", "7.0", "s"]
    assert "Parallel efficiency" in lines[3] and lines[3].endswith("58 %")
    assert lines[-1].startswith("Parallel took")
