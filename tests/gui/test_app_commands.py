"""Undo commands against the model alone: exact restores, atomic failures, merging."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack
from taskflow_core.workflow import CycleError, DependencySpec, TaskSpec, Workflow, WorkflowError

from taskflow_gui.commands import (
    AddTasks,
    AutoLayout,
    Connect,
    Disconnect,
    ModelCommand,
    Paste,
    RemoveTasks,
    SetDependency,
    SetField,
)


def state(wf: Workflow) -> list[tuple]:
    return [(t.name, [(d.task, d.pass_mode, d.kwarg) for d in t.dependencies], t.position,
             t.args) for t in wf.tasks]


def push(stack: QUndoStack, command: ModelCommand) -> None:
    command.execute()
    stack.push(command)


@pytest.fixture
def stack(qapp):
    return QUndoStack()


def diamond() -> Workflow:
    wf = Workflow()
    for name in "abcd":
        wf.add_task(TaskSpec(name))
    wf.connect("a", "b", "positional")
    wf.connect("a", "c", "keyword", "x")
    wf.connect("b", "d")
    wf.connect("c", "d", "keyword", "y")
    return wf


def test_removing_any_subset_restores_exactly(stack):
    for subset in ("a", "ad", "bc", "abcd", "da", "cb"):
        wf = diamond()
        before = state(wf)
        push(stack, RemoveTasks(wf, [wf.task(n) for n in subset]))
        assert [t.name for t in wf.tasks] == [n for n in "abcd" if n not in subset]
        stack.undo()
        assert state(wf) == before, subset
        stack.redo()
        stack.undo()
        assert state(wf) == before, subset


def test_removing_from_a_hand_edited_cycle_still_restores(stack):
    a = TaskSpec("a", dependencies=[DependencySpec("b")])
    b = TaskSpec("b", dependencies=[DependencySpec("a", "keyword", "v")])
    wf = Workflow.from_specs([a, b])
    before = state(wf)
    push(stack, RemoveTasks(wf, [a]))
    stack.undo()
    assert state(wf) == before


def test_a_failing_step_rolls_back_the_whole_command(stack):
    wf = diamond()
    before = state(wf)
    new = TaskSpec("e")
    command = AddTasks(wf, [new], [("d", new, "none", ""), ("zz", new, "none", "")])
    with pytest.raises(WorkflowError):
        command.execute()
    assert state(wf) == before
    assert stack.count() == 0


def test_cycle_is_refused_before_anything_changes():
    wf = diamond()
    with pytest.raises(CycleError) as caught:
        Connect(wf, "d", wf.task("a")).execute()
    assert caught.value.cycle[0] == "d"


def test_disconnect_undo_puts_the_edge_back_at_its_index(stack):
    wf = diamond()
    before = state(wf)
    push(stack, Disconnect(wf, "b", wf.task("d")))
    stack.undo()
    assert state(wf) == before


def test_paste_keeps_internal_edges_through_undo_and_redo(stack):
    wf = diamond()
    x = TaskSpec("x")
    y = TaskSpec("y", dependencies=[DependencySpec("x", "keyword", "k")])
    push(stack, Paste(wf, [x, y]))
    assert wf.edges()[-1] == ("x", "y")
    stack.undo()
    assert "x" not in wf and "y" not in wf
    stack.redo()
    assert y.dependency_on("x").kwarg == "k"


def test_set_field_and_binding_and_layout(stack):
    wf = diamond()
    before = state(wf)
    push(stack, SetField(wf, wf.task("a"), "args", [1, 2]))
    push(stack, SetDependency(wf, "c", wf.task("d"), "positional", ""))
    push(stack, AutoLayout(wf, {s: (i * 100.0, 0.0) for i, s in enumerate(wf.tasks)}))
    assert wf.task("d").position == (300.0, 0.0)
    for _ in range(3):
        stack.undo()
    assert state(wf) == before
