"""The Workflow model: edits, notifications, refusals and problems."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from taskflow_core.workflow import (
    Change,
    CycleError,
    DependencySpec,
    TaskSpec,
    Workflow,
    WorkflowError,
    default_log_path,
    name_error,
)


@pytest.fixture
def events() -> list[Change]:
    return []


@pytest.fixture
def wf(events: list[Change]) -> Workflow:
    """a -> b -> c, plus a -> c by keyword; subscribed after building."""
    w = Workflow("demo")
    w.add_task(TaskSpec("a", "mod:fa", position=(0, 0)))
    w.add_task(TaskSpec("b", "mod:fb"))
    w.add_task(TaskSpec("c", "mod:fc"))
    w.connect("a", "b", "positional")
    w.connect("b", "c")
    w.connect("a", "c", "keyword", "first")
    w.subscribe(events.append)
    return w


def kinds(events: list[Change]) -> list[str]:
    return [e.kind for e in events]


# -- editing and notifications ---------------------------------------------------------
def test_add_task_notifies_and_keeps_order(events: list[Change]) -> None:
    w = Workflow()
    w.subscribe(events.append)
    first = w.add_task(TaskSpec("first"))
    w.add_task(TaskSpec("zero"), index=0)
    assert [t.name for t in w] == ["zero", "first"]
    assert kinds(events) == ["task_added", "task_added"]
    assert events[0].spec is first
    assert first.log_path == default_log_path("first")


def test_add_task_refuses_bad_and_taken_names() -> None:
    w = Workflow()
    w.add_task(TaskSpec("a"))
    with pytest.raises(WorkflowError, match="Duplicate task name: a"):
        w.add_task(TaskSpec("a"))
    with pytest.raises(WorkflowError, match=r"Task name cannot contain spaces\. Got a b"):
        w.add_task(TaskSpec("a b"))
    with pytest.raises(WorkflowError, match="empty"):
        w.add_task(TaskSpec(""))
    assert len(w) == 1


def test_unsubscribe_stops_notifications(events: list[Change]) -> None:
    w = Workflow()
    unsubscribe = w.subscribe(events.append)
    w.add_task(TaskSpec("a"))
    unsubscribe()
    w.add_task(TaskSpec("b"))
    assert kinds(events) == ["task_added"]


def test_set_field_checks_types_and_notifies(wf: Workflow, events: list[Change]) -> None:
    wf.set_field("a", "args", ("x", 1))
    wf.set_field("a", "kwargs", {"k": [1, 2]})
    wf.set_field("a", "timeout", 5)
    wf.set_field("a", "retries", 2)
    wf.set_field("a", "retry_delay", 1)
    wf.set_field("a", "notes", "hello")
    wf.set_field("a", "callable", "  mod:other  ")
    a = wf.task("a")
    assert a.args == ["x", 1] and a.kwargs == {"k": [1, 2]}
    assert a.timeout == 5.0 and isinstance(a.timeout, float)
    assert a.retries == 2 and a.retry_delay == 1.0 and a.notes == "hello"
    assert a.callable == "mod:other"
    assert [e.field for e in events] == [
        "args", "kwargs", "timeout", "retries", "retry_delay", "notes", "callable"
    ]
    assert all(e.kind == "task_changed" for e in events)
    events.clear()
    wf.set_field("a", "notes", "hello")  # no change, no notification
    assert events == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("args", "not a list"),
        ("args", [object()]),
        ("kwargs", {1: 2}),
        ("timeout", 0),
        ("timeout", True),
        ("retries", -1),
        ("retries", 1.5),
        ("retry_delay", -0.1),
        ("log_path", "  "),
        ("position", [1]),
        ("notes", 3),
        ("no_such_field", 1),
    ],
)
def test_set_field_refuses_bad_values(wf: Workflow, field: str, value: object) -> None:
    with pytest.raises(WorkflowError):
        wf.set_field("a", field, value)


def test_move_task(wf: Workflow, events: list[Change]) -> None:
    wf.move_task("a", [10, 20.5])
    assert wf.task("a").position == (10.0, 20.5)
    wf.set_field("a", "position", (10, 20.5))  # same place: nothing happens
    assert kinds(events) == ["task_moved"]


def test_rename_updates_dependencies_and_default_log_path(
    wf: Workflow, events: list[Change]
) -> None:
    wf.rename_task("a", "source")
    assert [d.task for d in wf.task("b").dependencies] == ["source"]
    assert wf.task("c").dependency_on("source").kwarg == "first"
    assert wf.task("source").log_path == "logs/source.log"
    assert events[-1] == Change("task_renamed", wf.task("source"), "source", old_name="a")
    assert ("source", "b") in wf.edges()


def test_rename_keeps_custom_log_path_and_refuses_taken_names(wf: Workflow) -> None:
    wf.set_field("b", "log_path", "shared.log")
    wf.rename_task("b", "middle")
    assert wf.task("middle").log_path == "shared.log"
    with pytest.raises(WorkflowError, match="Duplicate task name: c"):
        wf.rename_task("middle", "c")
    with pytest.raises(WorkflowError, match="spaces"):
        wf.rename_task("middle", "has space")


def test_rename_onto_a_dangling_dependency_that_closes_a_cycle_is_refused() -> None:
    w = Workflow()
    w.add_task(TaskSpec("a"))
    w.add_task(TaskSpec("b", dependencies=[DependencySpec("ghost")]))
    w.connect("b", "a")
    with pytest.raises(CycleError) as info:
        w.rename_task("a", "ghost")
    assert info.value.cycle[0] == info.value.cycle[-1] == "ghost"
    assert "ghost -> b -> ghost" in str(info.value)
    assert [t.name for t in w] == ["a", "b"]  # nothing changed
    assert w.task("b").dependencies[0].task == "ghost"
    assert w.task("a").log_path == "logs/a.log"


# -- connecting ----------------------------------------------------------------------------
def test_connect_refuses_a_cycle_naming_it(wf: Workflow, events: list[Change]) -> None:
    with pytest.raises(CycleError) as info:
        wf.connect("c", "a")
    assert info.value.cycle == ["c", "a", "c"] or info.value.cycle[0] == "c"
    assert "would create a cycle: c -> a" in str(info.value)
    assert str(info.value).endswith("-> c")
    with pytest.raises(CycleError, match="a -> a"):
        wf.connect("a", "a")
    assert events == []
    assert wf.task("a").dependencies == []


def test_connect_refuses_unknown_duplicate_and_bad_binding(wf: Workflow) -> None:
    with pytest.raises(WorkflowError, match="No task named nope"):
        wf.connect("nope", "a")
    with pytest.raises(WorkflowError, match="already depends"):
        wf.connect("a", "b")
    with pytest.raises(WorkflowError, match="pass must be one of"):
        wf.connect("b", "a", "sideways")
    with pytest.raises(WorkflowError, match="keyword dependency needs"):
        wf.connect("c", "b", "keyword")


def test_connect_disconnect_and_set_dependency(wf: Workflow, events: list[Change]) -> None:
    index, dep = wf.disconnect("a", "b")
    assert (index, dep.task, dep.pass_mode) == (0, "a", "positional")
    assert wf.task("b").dependencies == []
    wf.connect("a", "b", "keyword", "x", index=0)
    wf.set_dependency("a", "b", "positional", "ignored")
    assert (wf.task("b").dependencies[0].pass_mode, wf.task("b").dependencies[0].kwarg) == (
        "positional",
        "",
    )
    assert kinds(events) == ["dependency_removed", "dependency_added", "dependency_changed"]
    assert events[0].task == "b" and events[0].upstream == "a"
    with pytest.raises(WorkflowError, match="does not depend"):
        wf.disconnect("c", "a")


def test_an_existing_cycle_elsewhere_does_not_block_unrelated_edits() -> None:
    w = Workflow.from_specs(
        [
            TaskSpec("x", dependencies=[DependencySpec("y")]),
            TaskSpec("y", dependencies=[DependencySpec("x")]),
        ]
    )
    w.add_task(TaskSpec("z"))
    w.connect("x", "z")
    w.rename_task("z", "zz")
    assert [p.kind for p in w.problems()].count("cycle") == 1


# -- remove / restore ----------------------------------------------------------------------
def test_remove_and_restore_round_trip(wf: Workflow, events: list[Change]) -> None:
    before = [(t.name, [(d.task, d.pass_mode, d.kwarg) for d in t.dependencies]) for t in wf]
    removed = wf.remove_task("a")
    assert [t.name for t in wf] == ["b", "c"]
    assert wf.task("b").dependencies == []
    assert [d.task for d in wf.task("c").dependencies] == ["b"]
    assert kinds(events) == ["dependency_removed", "dependency_removed", "task_removed"]
    events.clear()
    wf.restore_task(removed)
    after = [(t.name, [(d.task, d.pass_mode, d.kwarg) for d in t.dependencies]) for t in wf]
    assert after == before
    assert kinds(events) == ["task_added", "dependency_added", "dependency_added"]
    assert wf.task("a") is removed.spec


def test_copy_is_deep_and_detached(wf: Workflow) -> None:
    a = wf.task("c")
    a.args.append([1])
    clone = a.copy()
    clone.args[0].append(2)
    clone.dependencies[0].task = "other"
    assert a.args == [[1]] and a.dependencies[0].task == "b"
    with pytest.raises(WorkflowError):
        wf.task(clone)


def test_unique_name(wf: Workflow) -> None:
    assert wf.unique_name("new task") == "new_task"
    assert wf.unique_name("a") == "a_2"
    wf.add_task(TaskSpec("a_2"))
    assert wf.unique_name("a_2") == "a_3"


def test_set_properties(events: list[Change]) -> None:
    w = Workflow()
    w.subscribe(events.append)
    w.set_properties(name="New", python_paths=["src", "."])
    assert (w.name, w.python_paths) == ("New", ["src", "."])
    assert kinds(events) == ["workflow_changed"]


def test_name_error() -> None:
    assert name_error("ok_name") is None
    assert name_error("") and name_error(None)
    assert name_error("tab\there") == "Task name cannot contain spaces. Got tab\there"


# -- problems ------------------------------------------------------------------------------
def test_problems_of_each_static_kind() -> None:
    w = Workflow.from_specs(
        [
            TaskSpec("bad name", "m:f"),
            TaskSpec("dup", "m:f"),
            TaskSpec("dup", "m:f"),
            TaskSpec("orphan", "m:f", dependencies=[DependencySpec("missing")]),
            TaskSpec(
                "kw",
                "m:f",
                dependencies=[DependencySpec("orphan", "keyword"), DependencySpec("orphan")],
            ),
            TaskSpec("selfish", "m:f", dependencies=[DependencySpec("selfish")]),
            TaskSpec("odd", "m:f", dependencies=[DependencySpec("orphan", "sideways")]),
            TaskSpec("x", "m:f", dependencies=[DependencySpec("y")]),
            TaskSpec("y", "m:f", dependencies=[DependencySpec("x")]),
            TaskSpec("unbound"),
        ]
    )
    found = {(p.kind, p.task) for p in w.problems()}
    assert found == {
        ("invalid_name", "bad name"),
        ("duplicate_name", "dup"),
        ("missing_upstream", "orphan"),
        ("missing_kwarg", "kw"),
        ("duplicate_dependency", "kw"),
        ("self_dependency", "selfish"),
        ("bad_binding", "odd"),
        ("cycle", "x") if ("cycle", "x") in found else ("cycle", "y"),
        ("no_callable", "unbound"),
    }
    messages = {p.kind: p.message for p in w.problems()}
    assert messages["missing_upstream"] == "Task orphan depends on missing task: missing"
    assert messages["cycle"].startswith("Circular dependency detected. ")
    assert "x -> y" in messages["cycle"] or "y -> x" in messages["cycle"]
    assert str(w.problems()[0]) == (
        "bad name: invalid_name: Task name cannot contain spaces. Got bad name"
    )


def test_a_healthy_workflow_has_no_problems(wf: Workflow) -> None:
    assert wf.problems() == []


@pytest.fixture
def module_dir(tmp_path: Path):
    """A folder with a uniquely named module; sys.path and sys.modules restored after."""
    name = f"wfmod_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(
        textwrap.dedent(
            """
            def needs_two(a, b, *, c=0):
                return a + b + c

            def anything(*args, **kwargs):
                return args, kwargs

            NOT_CALLABLE = 3
            """
        )
    )
    saved = list(sys.path)
    yield tmp_path, name
    sys.path[:] = saved
    sys.modules.pop(name, None)


def test_problems_with_resolve(module_dir: tuple[Path, str]) -> None:
    folder, mod = module_dir
    w = Workflow(python_paths=["."], base_dir=folder)
    w.add_task(TaskSpec("src", f"{mod}:anything"))
    w.add_task(TaskSpec("ok", f"{mod}:needs_two", args=[1]))
    w.connect("src", "ok", "positional")
    w.add_task(TaskSpec("unbound", f"{mod}:needs_two", args=[1]))
    w.add_task(TaskSpec("too_many", f"{mod}:needs_two", args=[1, 2, 3]))
    w.add_task(TaskSpec("unknown_kw", f"{mod}:needs_two", args=[1, 2], kwargs={"d": 1}))
    w.add_task(TaskSpec("clash", f"{mod}:needs_two", args=[1], kwargs={"b": 1}))
    w.connect("src", "clash", "keyword", "b")
    w.add_task(TaskSpec("no_module", "no_such_module_here:f"))
    w.add_task(TaskSpec("no_attr", f"{mod}:missing"))
    w.add_task(TaskSpec("not_callable", f"{mod}:NOT_CALLABLE"))
    w.add_task(TaskSpec("malformed", "no colon"))
    assert w.problems() == []  # nothing imported without resolve
    assert mod not in sys.modules
    found = {p.task: p for p in w.problems(resolve=True)}
    assert set(found) == {
        "unbound", "too_many", "unknown_kw", "clash",
        "no_module", "no_attr", "not_callable", "malformed",
    }
    for name in ("unbound", "too_many", "unknown_kw", "clash"):
        assert found[name].kind == "signature_mismatch"
    assert "missing a required argument: 'b'" in found["unbound"].message
    assert "too many positional arguments" in found["too_many"].message
    assert "unexpected keyword argument 'd'" in found["unknown_kw"].message
    assert "set both in kwargs and by dependency src" in found["clash"].message
    for name in ("no_module", "no_attr", "not_callable", "malformed"):
        assert found[name].kind == "unresolved_callable"
    assert "no_such_module_here" in found["no_module"].message
    assert "has no attribute 'missing'" in found["no_attr"].message


def test_resolved_path(tmp_path: Path) -> None:
    w = Workflow(base_dir=tmp_path)
    assert w.resolved_path("logs/a.log") == tmp_path / "logs/a.log"
    assert w.resolved_path("/abs/a.log") == Path("/abs/a.log")
    assert Workflow().resolved_path("x.log") == Path("x.log")


def test_to_process_builds_engine_tasks(module_dir: tuple[Path, str]) -> None:
    folder, mod = module_dir
    w = Workflow(base_dir=folder)
    w.add_task(TaskSpec("one", f"{mod}:anything", args=[1], kwargs={"k": "v"}, timeout=3,
                        retries=2, retry_delay=0.5))
    w.add_task(TaskSpec("two", f"{mod}:needs_two", args=[1]))
    w.connect("one", "two", "keyword", "b")
    with w.to_process() as process:
        one, two = process.get_task("one"), process.get_task("two")
        assert Path(one.log_path) == folder / "logs/one.log"
        assert tuple(one.args) == (1,) and one.kwargs == {"k": "v"}
        assert (one.timeout, one.retries, one.retry_delay) == (3.0, 2, 0.5)
        dep = two.dependencies[0]
        assert dep.task_name == "one" and dep.use_result_as_additional_kwargs
        assert dep.additional_kwarg_name == "b"


def test_to_process_refuses_a_workflow_with_problems() -> None:
    w = Workflow()
    w.add_task(TaskSpec("lonely"))
    with pytest.raises(WorkflowError, match="no_callable"):
        w.to_process()


def test_add_python_paths_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from taskflow_core import resolve

    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "src").mkdir()
    entries = resolve.add_python_paths(["src", ".", "src"], tmp_path)
    assert entries == [str((tmp_path / "src").resolve()), str(tmp_path.resolve())]
    assert sys.path[:2] == entries
    flushed: list[bool] = []
    monkeypatch.setattr(resolve.importlib, "invalidate_caches", lambda: flushed.append(True))
    assert resolve.add_python_paths(["src", "."], tmp_path) == entries
    assert flushed == []  # already in front: sys.path and the import caches untouched
    assert sys.path.count(entries[0]) == 1
