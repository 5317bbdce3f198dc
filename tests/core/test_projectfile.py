"""The project file: round trips, every bad-file case, atomic saves, a fuzzed loader."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taskflow_core import projectfile
from taskflow_core.projectfile import (
    ProjectFileError,
    dumps_project,
    load_project,
    loads_project,
    save_project,
)
from taskflow_core.workflow import Change, DependencySpec, TaskSpec, Workflow, WorkflowError

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def minimal(**top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "taskflow",
        "version": 1,
        "name": "t",
        "python_paths": ["."],
        "tasks": [
            {"name": "a", "callable": "m:f"},
            {
                "name": "b",
                "callable": "m:g",
                "dependencies": [{"task": "a", "pass": "positional"}],
            },
        ],
    }
    doc.update(top)
    return doc


def rich_workflow() -> Workflow:
    w = Workflow("Rich é ✓", python_paths=[".", "src"], extra={"zz_tool": {"opt": [1, 2]}})
    w.add_task(
        TaskSpec(
            "fetch",
            "pkg.mod:Fetch.run",
            args=["users", 3, 1.5, None, True, {"nested": [1, {"deep": "x"}]}],
            kwargs={"status": "active", "limit": 10},
            log_path="logs/shared.log",
            timeout=30,
            retries=2,
            retry_delay=0.25,
            position=(12.5, -40),
            notes="line one\nline two \"quoted\"",
            extra={"color": "#ff0000"},
        )
    )
    w.add_task(TaskSpec("use", "pkg.mod:use"))
    w.connect("fetch", "use", "keyword", "rows")
    w.task("use").dependencies[0].extra["label_pos"] = 0.5
    w.add_task(TaskSpec("after", "pkg.mod:after", position=(260, 110)))
    w.connect("use", "after")
    w.connect("fetch", "after", "positional")
    return w


def fields(w: Workflow) -> list[Any]:
    return [
        (
            t.name, t.callable, t.args, t.kwargs, t.log_path, t.timeout, t.retries,
            t.retry_delay, tuple(t.position), t.notes, t.extra,
            [(d.task, d.pass_mode, d.kwarg, d.extra) for d in t.dependencies],
        )
        for t in w
    ] + [w.name, w.python_paths, w.executor, w.dask_address, w.extra]


# -- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.taskflow.json")), ids=lambda p: p.name)
def test_examples_load_and_save_byte_stable(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    workflow = load_project(path)
    assert workflow.base_dir == path.parent
    assert workflow.problems() == []
    assert dumps_project(workflow).encode() == original
    copy_path = tmp_path / path.name
    copy_path.write_bytes(original)
    workflow = load_project(copy_path)
    save_project(workflow, copy_path)
    assert copy_path.read_bytes() == original


def test_model_file_model_round_trip(tmp_path: Path) -> None:
    w = rich_workflow()
    w.base_dir = tmp_path
    text = dumps_project(w)
    again = loads_project(text, tmp_path)
    assert fields(again) == fields(w)
    assert dumps_project(again) == text
    path = tmp_path / "rich.taskflow.json"
    save_project(again, path)
    assert path.read_text(encoding="utf-8") == text
    assert fields(load_project(path)) == fields(w)


def test_layout_is_fixed_and_readable() -> None:
    text = dumps_project(rich_workflow())
    assert text.endswith("}\n") and not text.endswith("\n\n")
    data = json.loads(text)
    assert list(data) == [
        "format", "version", "name", "python_paths", "executor", "tasks", "zz_tool"
    ]
    assert list(data["tasks"][0]) == [
        "name", "callable", "log_path", "args", "kwargs", "timeout", "retries",
        "retry_delay", "position", "notes", "dependencies", "color",
    ]
    assert data["tasks"][1]["dependencies"] == [
        {"task": "fetch", "pass": "keyword", "kwarg": "rows", "label_pos": 0.5}
    ]
    lines = text.splitlines()
    assert lines[1] == '  "format": "taskflow",'
    assert '      "position": [260, 110],' in lines
    assert '      "timeout": null,' in lines
    assert '      "retry_delay": 0.0,' in lines
    assert '        {"task": "use", "pass": "none"},' in lines
    assert '  "name": "Rich é ✓",' in lines  # non-ASCII kept readable
    # every task key is written, defaults included
    assert all(len(t) >= 11 for t in data["tasks"])


def test_unknown_keys_survive_at_every_level() -> None:
    doc = minimal(future_top={"x": 1})
    doc["tasks"][0]["future_task"] = [1, 2]
    doc["tasks"][1]["dependencies"][0]["future_dep"] = "keep me"
    w = loads_project(json.dumps(doc))
    assert w.extra == {"future_top": {"x": 1}}
    assert w.task("a").extra == {"future_task": [1, 2]}
    assert w.task("b").dependencies[0].extra == {"future_dep": "keep me"}
    again = json.loads(dumps_project(w))
    assert again["future_top"] == {"x": 1}
    assert again["tasks"][0]["future_task"] == [1, 2]
    assert again["tasks"][1]["dependencies"][0]["future_dep"] == "keep me"


def test_defaults_for_optional_keys() -> None:
    w = loads_project(json.dumps({"format": "taskflow", "version": 1, "tasks": [{"name": "a"}]}))
    a = w.task("a")
    assert (w.name, w.python_paths, w.executor, w.dask_address) == (
        "Untitled", ["."], "threads", ""
    )
    assert (a.callable, a.args, a.kwargs, a.log_path) == ("", [], {}, "logs/a.log")
    assert (a.timeout, a.retries, a.retry_delay, a.position, a.notes) == (
        None, 0, 0.0, (0.0, 0.0), ""
    )


def test_a_broken_graph_still_opens_and_problems_say_why() -> None:
    doc = minimal()
    doc["tasks"] += [
        {"name": "a", "callable": "m:f"},
        {"name": "x", "callable": "m:f", "dependencies": [{"task": "y"}]},
        {"name": "y", "callable": "m:f", "dependencies": [{"task": "x"}, {"task": "nowhere"}]},
        {"name": "k", "callable": "m:f", "dependencies": [{"task": "a", "pass": "keyword"}]},
    ]
    w = loads_project(json.dumps(doc))
    assert len(w) == 6
    assert {p.kind for p in w.problems()} == {
        "duplicate_name", "cycle", "missing_upstream", "missing_kwarg"
    }


# -- bad files ---------------------------------------------------------------------------------
class Doc:
    """A whole document for a bad-file case (other cases patch the minimal one)."""

    def __init__(self, value: Any) -> None:
        self.value = value


BAD_CASES: list[tuple[str, Any, str, str]] = [
    # (id, mutation of the minimal document, json_path, words in the message)
    ("top_not_object", Doc(["a list"]), "", "not a TaskFlow project"),
    ("no_format", Doc({"version": 1, "tasks": []}), "", "not a TaskFlow project"),
    ("other_format", {"format": "other"}, "", "not a TaskFlow"),
    ("no_version", Doc({"format": "taskflow", "tasks": []}), "version", "missing"),
    ("version_text", {"version": "1"}, "version", "whole number"),
    ("version_bool", {"version": True}, "version", "whole number"),
    ("version_newer", {"version": 2}, "version", "needs a newer TaskFlow"),
    ("version_zero", {"version": 0}, "version", "not a TaskFlow file version"),
    ("name_type", {"name": 3}, "name", "expected text"),
    ("paths_type", {"python_paths": "."}, "python_paths", "list of folders"),
    ("path_empty", {"python_paths": [".", " "]}, "python_paths[1]", "not empty"),
    ("no_tasks", Doc({"format": "taskflow", "version": 1}), "tasks", "list of tasks is missing"),
    ("tasks_null", {"tasks": None}, "tasks", "expected a list of tasks"),
    ("task_not_object", {"tasks": [3]}, "tasks[0]", "task object"),
    ("task_no_name", {"tasks": [{"callable": "m:f"}]}, "tasks[0].name", "needs a name"),
    ("task_name_type", {"tasks": [{"name": 1}]}, "tasks[0].name", "expected text"),
    ("callable_type", {"tasks": [{"name": "a", "callable": []}]}, "tasks[0].callable", "text"),
    ("log_path_empty", {"tasks": [{"name": "a", "log_path": ""}]}, "tasks[0].log_path", "path"),
    ("args_type", {"tasks": [{"name": "a", "args": {}}]}, "tasks[0].args", "expected a list"),
    ("kwargs_type", {"tasks": [{"name": "a", "kwargs": []}]}, "tasks[0].kwargs", "an object"),
    ("timeout_text", {"tasks": [{"name": "a", "timeout": "5"}]}, "tasks[0].timeout", "seconds"),
    ("timeout_zero", {"tasks": [{"name": "a", "timeout": 0}]}, "tasks[0].timeout", "more than 0"),
    ("retries_float", {"tasks": [{"name": "a", "retries": 1.5}]}, "tasks[0].retries", "whole"),
    ("retries_neg", {"tasks": [{"name": "a", "retries": -1}]}, "tasks[0].retries", "whole"),
    ("retries_bool", {"tasks": [{"name": "a", "retries": True}]}, "tasks[0].retries", "whole"),
    ("delay_neg", {"tasks": [{"name": "a", "retry_delay": -1}]}, "tasks[0].retry_delay",
     "negative"),
    ("position_short", {"tasks": [{"name": "a", "position": [1]}]}, "tasks[0].position", "two"),
    ("position_text", {"tasks": [{"name": "a", "position": [1, "2"]}]}, "tasks[0].position[1]",
     "number"),
    ("notes_type", {"tasks": [{"name": "a", "notes": None}]}, "tasks[0].notes", "text"),
    ("deps_type", {"tasks": [{"name": "a", "dependencies": {}}]}, "tasks[0].dependencies", "list"),
    ("dep_not_object", {"tasks": [{"name": "a", "dependencies": ["b"]}]},
     "tasks[0].dependencies[0]", "dependency object"),
    ("dep_no_task", {"tasks": [{"name": "a", "dependencies": [{"pass": "none"}]}]},
     "tasks[0].dependencies[0].task", "name its upstream"),
    ("dep_kwarg_type", {"tasks": [{"name": "a", "dependencies": [{"task": "b", "kwarg": 1}]}]},
     "tasks[0].dependencies[0].kwarg", "text"),
]


@pytest.mark.parametrize(("mutation", "json_path", "words"),
                         [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_values_are_located(mutation: Any, json_path: str, words: str) -> None:
    doc = mutation.value if isinstance(mutation, Doc) else minimal(**mutation)
    with pytest.raises(ProjectFileError) as info:
        loads_project(json.dumps(doc), source="bad.taskflow.json")
    err = info.value
    assert err.json_path == json_path
    assert words in err.message
    assert err.path == "bad.taskflow.json"
    assert (err.line, err.column) == (None, None)
    text = str(err)
    assert text.startswith("bad.taskflow.json")
    if json_path:
        assert f"at {json_path}:" in text


def test_bad_pass_mode_names_the_exact_place() -> None:
    doc = minimal()
    doc["tasks"] += [
        {"name": "c"},
        {"name": "d", "dependencies": [{"task": "c", "pass": "sideways"}]},
    ]
    with pytest.raises(ProjectFileError) as info:
        loads_project(json.dumps(doc), source="p.taskflow.json")
    assert info.value.json_path == "tasks[3].dependencies[0].pass"
    assert str(info.value) == (
        'p.taskflow.json, at tasks[3].dependencies[0].pass: expected one of "none", '
        '"positional", "keyword", not "sideways".'
    )


def test_newer_version_message() -> None:
    with pytest.raises(ProjectFileError) as info:
        loads_project(json.dumps(minimal(version=7, tasks="new layout")), source="f.json")
    assert str(info.value) == (
        "f.json, at version: this project needs a newer TaskFlow: it is file version 7 "
        "and this TaskFlow reads version 1."
    )


def test_not_json_gives_line_and_column() -> None:
    text = '{\n  "format": "taskflow",\n  "version": 1\n  "tasks": []\n}\n'
    with pytest.raises(ProjectFileError) as info:
        loads_project(text, source="broken.json")
    err = info.value
    assert (err.line, err.column) == (4, 3)
    assert str(err).startswith("broken.json, line 4, column 3: this is not valid JSON")


@pytest.mark.parametrize(
    ("text", "json_path", "words"),
    [
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "args": [1e400]}]}',
         "tasks[0].args[0]", "too large"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "args": [NaN]}]}',
         "tasks[0].args[0]", "not a number"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "notes": "\\ud800"}]}',
         "tasks[0].notes", "surrogate"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "kwargs": {"\\udfff": 1}}]}',
         'tasks[0].kwargs["\\udfff"]', "surrogate"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "position": [1e400, 0]}]}',
         "tasks[0].position[0]", "too large"),
        ('{"format": "taskflow", "version": 1, "tasks": [{"name": "a", "timeout": 1e999}]}',
         "tasks[0].timeout", "too large"),
    ],
)
def test_values_that_could_not_be_saved_back_are_refused(
    text: str, json_path: str, words: str
) -> None:
    with pytest.raises(ProjectFileError) as info:
        loads_project(text)
    assert info.value.json_path == json_path
    assert words in info.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"format": "taskflow", "format": "taskflow", "version": 1, "tasks": []}',
         'the key "format" appears twice'),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "taskflow", "version": 1, "tasks": [], "x": ' + "9" * 5000 + "}",
         "not a readable JSON value"),
        ("", "not valid JSON"),
    ],
)
def test_other_unreadable_json(text: str, words: str) -> None:
    with pytest.raises(ProjectFileError, match=words):
        loads_project(text)


def test_load_project_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="there is no such file") as info:
        load_project(tmp_path / "missing.taskflow.json")
    assert info.value.path == str(tmp_path / "missing.taskflow.json")
    with pytest.raises(ProjectFileError, match="folder"):
        load_project(tmp_path)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{\n  "name": "caf\xe9"}')
    with pytest.raises(ProjectFileError, match="not UTF-8") as info:
        load_project(latin1)
    assert (info.value.line, info.value.column) == (2, 15)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.taskflow.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(minimal()).encode())
    assert [t.name for t in load_project(path)] == ["a", "b"]


# -- opening runs nothing --------------------------------------------------------------------
def test_opening_a_project_imports_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "side_effect_mod.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n"
        "def f():\n    return 1\n"
    )
    doc = minimal()
    doc["tasks"][0]["callable"] = "side_effect_mod:f"
    path = tmp_path / "p.taskflow.json"
    path.write_text(json.dumps(doc))
    w = load_project(path)
    assert w.problems() == []
    save_project(w, path)
    assert not marker.exists()


# -- saving ------------------------------------------------------------------------------------
def test_save_as_rebases_relative_python_paths(tmp_path: Path) -> None:
    old = tmp_path / "old"
    new = tmp_path / "elsewhere" / "deeper"
    old.mkdir()
    new.mkdir(parents=True)
    w = Workflow(python_paths=[".", "src", "/opt/abs", "~/lib"], base_dir=old)
    w.add_task(TaskSpec("a", "m:f"))
    save_project(w, old / "p.taskflow.json")
    assert w.python_paths == [".", "src", "/opt/abs", "~/lib"]
    changes: list[Change] = []
    w.subscribe(changes.append)
    save_project(w, new / "p.taskflow.json")
    assert w.python_paths == ["../../old", "../../old/src", "/opt/abs", "~/lib"]
    assert w.base_dir == new
    assert [c.kind for c in changes] == ["workflow_changed"]
    saved = json.loads((new / "p.taskflow.json").read_text())
    assert saved["python_paths"] == w.python_paths
    assert w.resolved_path(w.python_paths[1]).resolve() == (old / "src").resolve()
    assert w.task("a").log_path == "logs/a.log"  # logs follow the file


def test_save_sets_base_dir_for_a_new_workflow(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = Workflow()
    save_project(w, "new.taskflow.json")
    assert w.base_dir == tmp_path
    assert w.python_paths == ["."]
    assert load_project(tmp_path / "new.taskflow.json").tasks == []


def test_a_failed_save_leaves_the_old_file_whole(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "p.taskflow.json"
    w = rich_workflow()
    save_project(w, path)
    before = path.read_bytes()
    w.set_field("fetch", "notes", "changed")

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(projectfile.os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        save_project(w, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.taskflow.json"]


def test_a_value_json_cannot_store_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "p.taskflow.json"
    w = rich_workflow()
    save_project(w, path)
    before = path.read_bytes()
    w.task("fetch").args.append({1, 2})  # bypassing set_field's checks
    with pytest.raises(ProjectFileError) as info:
        save_project(w, path)
    assert info.value.json_path == "tasks[0].args[6]"
    assert info.value.path == str(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.taskflow.json"]


def test_save_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "p.taskflow.json"
    w = rich_workflow()
    save_project(w, path)
    os.chmod(path, 0o640)
    save_project(w, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_write_atomic_text_and_bytes(tmp_path: Path) -> None:
    projectfile.write_atomic(tmp_path / "t.txt", "héllo\n")
    projectfile.write_atomic(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "t.txt").read_bytes() == "héllo\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


# -- fuzzing -----------------------------------------------------------------------------------
def _check_loader(text: str) -> None:
    try:
        w = loads_project(text, source="fuzz.json")
    except ProjectFileError as exc:
        assert str(exc).startswith("fuzz.json")
        return
    once = dumps_project(w)
    assert dumps_project(loads_project(once)) == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_fuzzed_text_raises_only_project_file_errors(text: str) -> None:
    _check_loader(text)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)

BASE_DOC = json.loads((EXAMPLES / "etl_diamond.taskflow.json").read_text())


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*prefix, i))
    return found


ALL_PATHS = _paths(BASE_DOC)


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(BASE_DOC)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        if not path:
            doc = draw(json_values)
            continue
        parent: Any = doc
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            parent[last]  # the path may be gone after an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add_key"]))
        if action == "replace":
            parent[last] = draw(json_values)
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=6))] = draw(json_values)
    return doc


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_fuzzed_structure_raises_only_project_file_errors(doc: Any) -> None:
    _check_loader(json.dumps(doc))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_fuzzed_bytes_file(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.taskflow.json"
    path.write_bytes(data)
    with contextlib.suppress(ProjectFileError):
        load_project(path)


def test_loaded_specs_are_plain_model_objects() -> None:
    w = loads_project(json.dumps(minimal()))
    b = w.task("b")
    assert isinstance(b, TaskSpec) and isinstance(b.dependencies[0], DependencySpec)
    w.rename_task("a", "first")  # a loaded workflow is editable as usual
    assert b.dependencies[0].task == "first"


# -- where runs execute -----------------------------------------------------------------------
def test_executor_and_dask_address_round_trip(tmp_path: Path) -> None:
    w = rich_workflow()
    w.set_properties(executor="dask", dask_address=" tcp://10.0.0.5:8786 ")
    text = dumps_project(w)
    assert '  "executor": "dask",\n  "dask_address": "tcp://10.0.0.5:8786",\n' in text
    again = loads_project(text, tmp_path)
    assert (again.executor, again.dask_address) == ("dask", "tcp://10.0.0.5:8786")
    again.set_properties(executor="processes", dask_address="")
    assert '"dask_address"' not in dumps_project(again)  # written only when set
    assert '  "executor": "processes",\n' in dumps_project(again)


@pytest.mark.parametrize(("value", "words"), [("gpu", '"gpu"'), (3, "3"), (None, "null")])
def test_a_bad_executor_is_located(value: object, words: str) -> None:
    with pytest.raises(ProjectFileError) as info:
        loads_project(json.dumps(minimal(executor=value)), source="bad.taskflow.json")
    assert info.value.json_path == "executor"
    assert 'expected one of "threads", "processes", "dask"' in info.value.message
    assert words in info.value.message


def test_the_model_refuses_an_unknown_executor() -> None:
    w = rich_workflow()
    with pytest.raises(WorkflowError, match='one of "threads", "processes", "dask"'):
        w.set_properties(name="renamed", executor="cluster")
    assert (w.name, w.executor) == ("Rich é ✓", "threads")  # nothing half-applied
