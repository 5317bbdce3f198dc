"""How inspector rows map onto args/kwargs, checked against what the engine would call."""

from __future__ import annotations

import inspect

import pytest
from taskflow_core.discovery import scan_file
from taskflow_core.workflow import DependencySpec, TaskSpec, signature_mismatch

from taskflow_gui.docks.arguments import (
    UNSET,
    keyword_choices,
    param_rows,
    parse_json,
    with_param_value,
)

SOURCE = '''
def f(a, b, /, c, d=1, *rest, e, g=2, **extra):
    return (a, b, c, d, rest, e, g, extra)
'''


@pytest.fixture
def params(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    return scan_file(path, "mod")[0].parameters


def func(a, b, /, c, d=1, *rest, e, g=2, **extra):
    return (a, b, c, d, rest, e, g, extra)


def test_rows_follow_the_engine_call(params):
    spec = TaskSpec("t", "mod:f", args=[1], kwargs={"e": 5, "zz": 9},
                    dependencies=[DependencySpec("up", "positional"),
                                  DependencySpec("kw", "keyword", "g")])
    rows = {r.param.name: r for r in param_rows(spec, params)}
    assert (rows["a"].source, rows["a"].value) == ("arg", 1)
    assert (rows["b"].source, rows["b"].upstream) == ("upstream", "up")
    assert rows["c"].source == "" and rows["c"].text == ""
    assert (rows["e"].source, rows["e"].text) == ("kwarg", "5")
    assert (rows["g"].source, rows["g"].upstream) == ("upstream", "kw")
    assert rows["extra"].value == {"zz": 9}
    assert keyword_choices(params) == ["c", "d", "e", "g"]


def test_edits_produce_calls_that_bind(params):
    spec = TaskSpec("t", "mod:f")
    for name, value in [("a", 1), ("b", 2), ("c", 3), ("e", 4), ("extra", {"k": 1})]:
        spec.args, spec.kwargs = with_param_value(spec, params, name, value)
    assert (spec.args, spec.kwargs) == ([1, 2], {"c": 3, "e": 4, "k": 1})
    assert signature_mismatch(func, spec) is None
    with pytest.raises(ValueError, match="first give d a value"):
        with_param_value(spec, params, "rest", [7, 8])
    spec.args, spec.kwargs = with_param_value(spec, params, "d", 5)
    spec.args, spec.kwargs = with_param_value(spec, params, "rest", [7, 8])
    assert (spec.args, spec.kwargs) == ([1, 2, 3, 5, 7, 8], {"e": 4, "k": 1})
    bound = inspect.signature(func).bind(*spec.args, **spec.kwargs)
    assert bound.arguments["rest"] == (7, 8) and bound.arguments["extra"] == {"k": 1}
    rows = {r.param.name: r for r in param_rows(spec, params)}
    assert rows["rest"].value == [7, 8] and rows["c"].value == 3


def test_positional_only_gap_and_middle_clear_are_refused(params):
    spec = TaskSpec("t", "mod:f")
    with pytest.raises(ValueError, match="before this one"):
        with_param_value(spec, params, "b", 2)
    spec.args = [1, 2]
    with pytest.raises(ValueError, match="later positional"):
        with_param_value(spec, params, "a", UNSET)
    assert with_param_value(spec, params, "b", UNSET) == ([1], {})


def test_clearing_a_keyword_removes_it(params):
    spec = TaskSpec("t", "mod:f", kwargs={"e": 1, "g": 3})
    assert with_param_value(spec, params, "g", UNSET) == ([], {"e": 1})


def test_json_parsing_messages():
    assert parse_json("") is UNSET
    assert parse_json(' "x" ') == "x"
    assert parse_json("[1, 2]") == [1, 2]
    with pytest.raises(ValueError, match="Not valid JSON"):
        parse_json("hello")
