"""The Inspector dock: edit the selected task, or the binding of the selected edge.

Fields are checked as the user types: an invalid value turns its field red
with a message under it and never reaches the model. A valid value is sent
as one undo command when editing finishes (Enter, or leaving the field).
The dock re-reads the task whenever the model changes (undo included).

After a run, a read-only "Last run" section shows the selected task's result
(its repr, truncated) or its error (the traceback); the results come from
whoever runs the workflow, through `set_result_lookup`.
"""

from __future__ import annotations

import json
import os
import reprlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from taskflow_core.discovery import ParamInfo
from taskflow_core.workflow import PASS_MODES, Change, TaskSpec, Workflow, WorkflowError, name_error

from taskflow_gui.callables import CallableCatalog
from taskflow_gui.commands import ModelCommand, RenameTask, SetDependency, SetField
from taskflow_gui.docks.arguments import (
    keyword_choices,
    param_rows,
    parse_json,
    with_param_value,
)
from taskflow_gui.status_style import (
    CANCELLED,
    FAILED,
    SKIPPED,
    SUCCEEDED,
    status_color,
    status_key,
)

INVALID_STYLE = """
QLineEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 1px solid #c62828; background: #fdecea;
}
QLabel#fieldError { color: #c62828; }
QLabel#fieldHint { color: palette(placeholder-text); }
"""

RESULT_MAX_CHARS = 2000
"""A result's repr is cut here: the Inspector is for a glance, the log for the full story."""

PASS_MODE_LABELS = {
    "none": "order only",
    "positional": "positional",
    "keyword": "keyword",
}
PASS_MODE_TIPS = {
    "none": "Runs after the upstream task; its result is not passed",
    "positional": "The result is appended to the positional arguments",
    "keyword": "The result is passed as the chosen keyword argument",
}


def _set_invalid(widget: QWidget, invalid: bool) -> None:
    if widget.property("invalid") != invalid:
        widget.setProperty("invalid", invalid)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class CheckedLine(QWidget):
    """A line edit with a live check and an error line under it.

    `check(text)` returns an error message or None; `committed(text)` is emitted
    when editing finishes on a valid, changed value.
    """

    committed = Signal(str)

    def __init__(self, check: Callable[[str], str | None], placeholder: str = "") -> None:
        super().__init__()
        self.check = check
        self.edit = QLineEdit(placeholderText=placeholder)
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self._shown = ""
        self.edit.textEdited.connect(self.validate)
        self.edit.editingFinished.connect(self._finished)

    def set_text(self, text: str) -> None:
        """Show the model's value (clears any error)."""
        self._shown = text
        self.edit.setText(text)
        self.edit.setCursorPosition(0)
        self.show_error(None)

    def text(self) -> str:
        return self.edit.text()

    def is_valid(self) -> bool:
        return self.check(self.edit.text()) is None

    def validate(self, *_: object) -> bool:
        message = self.check(self.edit.text())
        self.show_error(message)
        return message is None

    def show_error(self, message: str | None) -> None:
        _set_invalid(self.edit, message is not None)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def _finished(self) -> None:
        if self.validate() and self.edit.text() != self._shown:
            self.committed.emit(self.edit.text())


class BindingEditor(QWidget):
    """Pass mode and keyword of one dependency; emits `changed(mode, kwarg)` when valid."""

    changed = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.mode = QComboBox()
        for i, mode in enumerate(PASS_MODES):
            self.mode.addItem(PASS_MODE_LABELS[mode], mode)
            self.mode.setItemData(i, PASS_MODE_TIPS[mode], Qt.ItemDataRole.ToolTipRole)
        self.mode.setToolTip("How the upstream result reaches this task")
        self.kwarg = QComboBox(editable=True)
        for combo in (self.mode, self.kwarg):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        self.kwarg.setToolTip("Parameter that receives the upstream result")
        self.kwarg.lineEdit().setPlaceholderText("parameter")
        self.error = QLabel(objectName="fieldError", wordWrap=True)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mode, 1)
        row.addWidget(self.kwarg, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self._current = ("none", "")
        self.mode.activated.connect(self._edited)
        self.kwarg.activated.connect(self._edited)
        self.kwarg.lineEdit().editingFinished.connect(self._edited)

    def set_binding(self, mode: str, kwarg: str, choices: Sequence[str]) -> None:
        self._current = (mode, kwarg)
        self.mode.blockSignals(True)
        self.kwarg.blockSignals(True)
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))
        self.kwarg.clear()
        self.kwarg.addItems(list(choices))
        self.kwarg.setEditText(kwarg)
        self.kwarg.setVisible(mode == "keyword")
        self.mode.blockSignals(False)
        self.kwarg.blockSignals(False)
        self._show_error(None)

    def _edited(self, *_: object) -> None:
        mode = self.mode.currentData()
        kwarg = self.kwarg.currentText().strip() if mode == "keyword" else ""
        self.kwarg.setVisible(mode == "keyword")
        if mode == "keyword" and not kwarg and self.kwarg.count():
            kwarg = self.kwarg.itemText(0)
            self.kwarg.setEditText(kwarg)
        if mode == "keyword" and not kwarg.isidentifier():
            self._show_error("Choose the parameter that receives the result.")
            return
        self._show_error(None)
        if (mode, kwarg) != self._current:
            self._current = (mode, kwarg)
            self.changed.emit(mode, kwarg)

    def _show_error(self, message: str | None) -> None:
        _set_invalid(self.kwarg, message is not None)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))


class InspectorDock(QDockWidget):
    """Shows the selection; edits go out through `push` as undo commands."""

    statusMessage = Signal(str)

    def __init__(self, catalog: CallableCatalog, parent: QWidget | None = None) -> None:
        super().__init__("Inspector", parent)
        self.setObjectName("InspectorDock")
        self.catalog = catalog
        self.workflow: Workflow | None = None
        self.push: Callable[[ModelCommand], None] = lambda command: None
        self.spec: TaskSpec | None = None
        self.edge: tuple[str, TaskSpec] | None = None
        self._unsubscribe: Callable[[], None] = lambda: None
        self._result_lookup: Callable[[str], Any] = lambda name: None
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)

        self.pages = QStackedWidget()
        self.pages.setStyleSheet(INVALID_STYLE)
        self.empty = QLabel(wordWrap=True, alignment=Qt.AlignmentFlag.AlignTop)
        self.empty.setContentsMargins(10, 10, 10, 10)
        self.empty.setObjectName("fieldHint")
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self._build_task_page())
        self.pages.addWidget(self._build_edge_page())
        self.setWidget(self.pages)
        catalog.changed.connect(self._schedule_refresh)
        self._show_empty("Select a task to edit it, or an edge to edit how its result is passed.")

    # -- wiring ------------------------------------------------------------
    def set_document(self, workflow: Workflow, push: Callable[[ModelCommand], None]) -> None:
        self._unsubscribe()
        self.workflow = workflow
        self.push = push
        self._unsubscribe = workflow.subscribe(self._on_change)
        self.show_selection([], [])

    def set_result_lookup(self, lookup: Callable[[str], Any]) -> None:
        """Where "Last run" finds a task's `TaskResult` (by name; None when it has none)."""
        self._result_lookup = lookup
        self.refresh_result()

    def refresh_result(self, name: str = "") -> None:
        """Re-read the shown task's last result ("" or its name; other names are ignored)."""
        if self.spec is not None and (not name or name == self.spec.name):
            self._fill_result(self.spec)

    def show_selection(self, tasks: Sequence[TaskSpec], edges: Sequence[tuple[Any, Any]]) -> None:
        """Follow the canvas selection: one task, or one edge, or a hint."""
        self.spec, self.edge = None, None
        if len(tasks) == 1 and not edges:
            self.spec = tasks[0]
        elif len(edges) == 1 and not tasks:
            up, down = edges[0]
            up_name = up.name if isinstance(up, TaskSpec) else str(up)
            try:
                self.edge = (up_name, self.workflow.task(down)) if self.workflow else None
            except WorkflowError:
                self.edge = None
        self.refresh()
        if not self.spec and not self.edge:
            if tasks or edges:
                self._show_empty(f"{len(tasks)} tasks and {len(edges)} edges selected.")
            else:
                self._show_empty(
                    "Select a task to edit it, or an edge to edit how its result is passed."
                )

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.pages.setCurrentIndex(0)

    def _on_change(self, change: Change) -> None:
        if change.kind == "task_removed" and change.spec is self.spec:
            self.spec = None
            self._show_empty("The task was deleted.")
            return
        edge = self.edge
        removed = change.kind == "dependency_removed"
        if edge and removed and change.spec is edge[1] and change.upstream == edge[0]:
            self.edge = None
            self._show_empty("The edge was deleted.")
            return
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        self._refresh_timer.start()

    def _send(self, command: ModelCommand) -> bool:
        try:
            self.push(command)
        except WorkflowError as exc:
            self.statusMessage.emit(str(exc))
            return False
        return True

    # -- task page ---------------------------------------------------------
    def _build_task_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(6, 6, 6, 6)

        task_box = QGroupBox("Task")
        form = QFormLayout(task_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = CheckedLine(self._name_error, "task_name")
        self.name.committed.connect(self._rename)
        form.addRow("Name", self.name)
        self.callable = CheckedLine(_reference_error, "module:function")
        self.callable_model = QStringListModel(self)
        completer = QCompleter(self.callable_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.callable.edit.setCompleter(completer)
        completer.activated.connect(lambda text: self._set("callable", text))
        self.callable.committed.connect(lambda text: self._set("callable", text.strip()))
        form.addRow("Callable", self.callable)
        self.signature = QLabel(objectName="fieldHint", wordWrap=True)
        self.signature.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.signature.setMinimumWidth(60)
        form.addRow(self.signature)
        column.addWidget(task_box)
        column.addWidget(self._build_result_box())

        self.args_box = QGroupBox("Arguments")
        self.args_form = QFormLayout(self.args_box)
        self.args_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addWidget(self.args_box)

        self.deps_box = QGroupBox("Dependencies")
        self.deps_form = QFormLayout(self.deps_box)
        self.deps_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column.addWidget(self.deps_box)

        run_box = QGroupBox("Run settings")
        run = QFormLayout(run_box)
        run.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.log_path = CheckedLine(
            lambda t: None if t.strip() else "A log path is needed.", "logs/task.log"
        )
        self.log_path.committed.connect(lambda text: self._set("log_path", text.strip()))
        browse = QToolButton(text="…", toolTip="Choose the log file")
        browse.clicked.connect(self._browse_log)
        log_row = QHBoxLayout()
        log_row.setContentsMargins(0, 0, 0, 0)
        log_row.addWidget(self.log_path, 1)
        log_row.addWidget(browse, 0, Qt.AlignmentFlag.AlignTop)
        run.addRow("Log file", log_row)
        self.timeout = QDoubleSpinBox(
            minimum=0, maximum=7 * 24 * 3600, decimals=1, suffix=" s", keyboardTracking=False
        )
        self.timeout.setSpecialValueText("none")
        self.timeout.setToolTip("Stop the task after this long (none: no limit)")
        self.timeout.valueChanged.connect(lambda v: self._set("timeout", v or None))
        run.addRow("Timeout", self.timeout)
        self.retries = QSpinBox(minimum=0, maximum=1000, keyboardTracking=False)
        self.retries.valueChanged.connect(lambda v: self._set("retries", int(v)))
        run.addRow("Retries", self.retries)
        self.retry_delay = QDoubleSpinBox(
            minimum=0, maximum=24 * 3600, decimals=1, suffix=" s", keyboardTracking=False
        )
        self.retry_delay.valueChanged.connect(lambda v: self._set("retry_delay", float(v)))
        run.addRow("Retry delay", self.retry_delay)
        column.addWidget(run_box)

        notes_box = QGroupBox("Notes")
        notes_layout = QVBoxLayout(notes_box)
        self.notes = QPlainTextEdit(placeholderText="What this task is for…")
        self.notes.setFixedHeight(70)
        self.notes.installEventFilter(self)
        notes_layout.addWidget(self.notes)
        column.addWidget(notes_box)
        column.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _build_result_box(self) -> QGroupBox:
        self.result_box = QGroupBox("Last run")
        self.result_box.setObjectName("inspectorResult")
        layout = QVBoxLayout(self.result_box)
        self.result_status = QLabel(wordWrap=True)
        self.result_status.setObjectName("resultStatus")
        self.result_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_text = QPlainTextEdit(readOnly=True)
        self.result_text.setObjectName("resultText")
        self.result_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.result_text.setMaximumHeight(150)
        layout.addWidget(self.result_status)
        layout.addWidget(self.result_text)
        self.result_box.hide()
        return self.result_box

    def _fill_result(self, spec: TaskSpec) -> None:
        result = self._result_lookup(spec.name)
        if result is None:
            self.result_box.hide()
            return
        headline, body = describe_result(result)
        color = status_color(getattr(result, "status", None)).darker(150).name()
        self.result_status.setText(f"<span style='color:{color}'><b>{_escape(headline)}</b></span>")
        self.result_text.setPlainText(body)
        self.result_text.setVisible(bool(body))
        self.result_box.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self._set("notes", self.notes.toPlainText())
        return super().eventFilter(watched, event)

    def _name_error(self, text: str) -> str | None:
        message = name_error(text)
        if message:
            return message
        spec, workflow = self.spec, self.workflow
        if spec is not None and workflow is not None and text != spec.name and text in workflow:
            return f"Another task is already named {text}."
        return None

    def _rename(self, text: str) -> None:
        if self.spec is not None and self.workflow is not None:
            self._send(RenameTask(self.workflow, self.spec, text))

    def _set(self, field: str, value: Any) -> None:
        if self._refreshing or self.spec is None or self.workflow is None:
            return
        if getattr(self.spec, field) == value:
            return
        self._send(SetField(self.workflow, self.spec, field, value))

    def _browse_log(self) -> None:
        if self.spec is None or self.workflow is None:
            return
        base = self.workflow.base_dir or Path.cwd()
        start = str(self.workflow.resolved_path(self.spec.log_path))
        path, _ = QFileDialog.getSaveFileName(
            self, "Log file", start, "Log files (*.log);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        chosen = Path(path)
        if chosen.resolve().is_relative_to(Path(base).resolve()):
            text = os.path.relpath(chosen.resolve(), Path(base).resolve())
        else:
            text = str(chosen)
        self._set("log_path", Path(text).as_posix())

    # -- refresh -----------------------------------------------------------
    _refreshing = False

    def refresh(self) -> None:
        """Re-read the shown task or edge from the model."""
        if self.spec is not None and self.workflow is not None:
            self._refreshing = True
            try:
                self._fill_task(self.spec)
            finally:
                self._refreshing = False
            self.pages.setCurrentIndex(1)
        elif self.edge is not None:
            self._fill_edge(*self.edge)
            self.pages.setCurrentIndex(2)

    def _fill_task(self, spec: TaskSpec) -> None:
        if not self.name.edit.hasFocus() or self.name.text() == spec.name:
            self.name.set_text(spec.name)
        self.callable_model.setStringList(self.catalog.references())
        self.callable.set_text(spec.callable)
        info = self.catalog.info(spec.callable) if spec.callable else None
        if info is not None:
            doc = f"<br><i>{_escape(info.doc)}</i>" if info.doc else ""
            self.signature.setText(f"{_escape(info.qualname + info.signature)}{doc}")
        elif spec.callable:
            self.signature.setText("Signature unknown: not found in the palette's modules.")
        else:
            self.signature.setText("No callable yet: pick one from the palette.")
        params = list(info.parameters) if info else []
        self._fill_arguments(spec, params)
        self._fill_dependencies(spec, params)
        self.log_path.set_text(spec.log_path)
        for box, value in (
            (self.timeout, spec.timeout or 0.0),
            (self.retries, spec.retries),
            (self.retry_delay, spec.retry_delay),
        ):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        if not self.notes.hasFocus():
            self.notes.setPlainText(spec.notes)
        self._fill_result(spec)

    _args_layout: tuple[Any, ...] = ()

    def _fill_arguments(self, spec: TaskSpec, params: list[ParamInfo]) -> None:
        rows = param_rows(spec, params) if params else []
        layout = (id(spec), tuple(params), tuple((r.param.name, r.source, r.upstream) for r in rows
                  if r.source == "upstream"))
        if layout == self._args_layout:
            # Same rows: update the values in place so the field being typed in survives.
            values = {r.param.name: r.text for r in rows} if params else {
                "args": json.dumps(spec.args) if spec.args else "",
                "kwargs": json.dumps(spec.kwargs) if spec.kwargs else "",
            }
            for name, field in self.arg_fields.items():
                if not field.edit.hasFocus():
                    field.set_text(values.get(name, ""))
            return
        self._args_layout = layout
        _clear_form(self.args_form)
        self.arg_fields: dict[str, CheckedLine] = {}
        if not params:
            self._add_raw_row("args", "JSON list", spec.args, list)
            self._add_raw_row("kwargs", "JSON object", spec.kwargs, dict)
            return
        for row in rows:
            p = row.param
            label = QLabel(_param_label(p))
            label.setToolTip(_param_tooltip(p))
            if row.source == "upstream":
                fed = QLabel(f"← result of <b>{_escape(row.upstream)}</b>", objectName="fieldHint")
                self.args_form.addRow(label, fed)
                continue
            placeholder = "required" if p.required else (
                f"default {p.default}" if p.default is not None else "optional"
            )
            field = CheckedLine(_json_error, placeholder)
            field.set_text(row.text)
            field.committed.connect(lambda text, name=p.name: self._set_param(params, name, text))
            self.arg_fields[p.name] = field
            self.args_form.addRow(label, field)

    def _add_raw_row(self, field: str, what: str, value: Any, kind: type) -> None:
        def check(text: str) -> str | None:
            message = _json_error(text)
            if message:
                return message
            if text.strip() and not isinstance(json.loads(text), kind):
                return f"{field} must be a {what}."
            return None

        line = CheckedLine(check, "[]" if kind is list else "{}")
        line.set_text(json.dumps(value) if value else "")
        line.committed.connect(
            lambda text: self._set(field, json.loads(text) if text.strip() else kind())
        )
        self.arg_fields[field] = line
        self.args_form.addRow(field, line)

    def _set_param(self, params: list[ParamInfo], name: str, text: str) -> None:
        if self.spec is None:
            return
        field = self.arg_fields[name]
        try:
            args, kwargs = with_param_value(self.spec, params, name, parse_json(text))
        except ValueError as exc:
            field.show_error(str(exc))
            return
        if args != self.spec.args:
            self._set("args", args)
        if kwargs != self.spec.kwargs:
            self._set("kwargs", kwargs)

    def _fill_dependencies(self, spec: TaskSpec, params: list[ParamInfo]) -> None:
        _clear_form(self.deps_form)
        self.dep_editors: dict[str, BindingEditor] = {}
        if not spec.dependencies:
            hint = QLabel(
                "None. Drag from another task's output port to this task's input.",
                objectName="fieldHint",
                wordWrap=True,
            )
            self.deps_form.addRow(hint)
            return
        choices = keyword_choices(params)
        for dep in spec.dependencies:
            editor = BindingEditor()
            editor.set_binding(dep.pass_mode, dep.kwarg, choices)
            editor.changed.connect(
                lambda mode, kwarg, up=dep.task: self._set_binding(up, spec, mode, kwarg)
            )
            self.dep_editors[dep.task] = editor
            self.deps_form.addRow(QLabel(dep.task), editor)

    def _set_binding(self, upstream: str, spec: TaskSpec, mode: str, kwarg: str) -> None:
        if self.workflow is not None:
            self._send(SetDependency(self.workflow, upstream, spec, mode, kwarg))

    # -- edge page ---------------------------------------------------------
    def _build_edge_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        box = QGroupBox("Dependency")
        form = QFormLayout(box)
        self.edge_label = QLabel(wordWrap=True)
        form.addRow(self.edge_label)
        self.edge_binding = BindingEditor()
        self.edge_binding.changed.connect(self._edge_changed)
        form.addRow("Result", self.edge_binding)
        layout.addWidget(box)
        layout.addStretch(1)
        return page

    def _fill_edge(self, upstream: str, downstream: TaskSpec) -> None:
        dep = downstream.dependency_on(upstream)
        if dep is None:
            self._show_empty("The edge was deleted.")
            return
        self.edge_label.setText(
            f"<b>{_escape(upstream)}</b> → <b>{_escape(downstream.name)}</b><br>"
            f"{_escape(downstream.name)} runs after {_escape(upstream)} finishes."
        )
        info = self.catalog.info(downstream.callable) if downstream.callable else None
        choices = keyword_choices(info.parameters) if info else []
        self.edge_binding.set_binding(dep.pass_mode, dep.kwarg, choices)

    def _edge_changed(self, mode: str, kwarg: str) -> None:
        if self.edge is not None:
            self._set_binding(self.edge[0], self.edge[1], mode, kwarg)


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel = 4
_SHORT_REPR.maxlist = _SHORT_REPR.maxtuple = _SHORT_REPR.maxset = 20
_SHORT_REPR.maxdict = 20
_SHORT_REPR.maxstring = 400
_SHORT_REPR.maxother = 400


def short_repr(value: Any, limit: int = RESULT_MAX_CHARS) -> str:
    """`repr(value)`, shortened for display; never raises (it runs the task's own code)."""
    try:
        text = _SHORT_REPR.repr(value)
    except Exception as exc:  # a broken __repr__ must not break the Inspector
        text = f"<{type(value).__name__} object: repr() failed: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_result(result: Any) -> tuple[str, str]:
    """(headline, body) of a task's last result: the value's repr, or the traceback."""
    key = status_key(getattr(result, "status", None))
    duration = getattr(result, "duration", None)
    took = f" in {duration:.2f} s" if duration is not None else ""
    attempts = int(getattr(result, "attempts", 0) or 0)
    extra = f" (attempt {attempts})" if attempts > 1 else ""
    if key == SUCCEEDED:
        return f"Succeeded{took}{extra}", short_repr(getattr(result, "result", None))
    if key == FAILED:
        exc = getattr(result, "exception", None)
        what = f": {type(exc).__name__}" if exc is not None else ""
        after = f" after {duration:.2f} s" if duration is not None else ""
        body = getattr(result, "error", None) or (repr(exc) if exc is not None else "")
        return f"Failed{after}{what}{extra}", body.rstrip()
    if key == SKIPPED:
        upstream = getattr(result, "skipped_because", None)
        why = f": {upstream} failed" if upstream else ": an upstream task failed"
        return f"Skipped{why}", ""
    if key == CANCELLED:
        return "Cancelled", ""
    return "Not finished", ""


def _reference_error(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    module, sep, qualname = text.partition(":")
    if not sep or not module or not qualname:
        return "Write it as module:function, e.g. etl.steps:load."
    return None


def _json_error(text: str) -> str | None:
    try:
        parse_json(text)
    except ValueError as exc:
        return str(exc)
    return None


def _param_label(p: ParamInfo) -> str:
    prefix = {"var_positional": "*", "var_keyword": "**"}.get(p.kind, "")
    return f"{prefix}{p.name}"


def _param_tooltip(p: ParamInfo) -> str:
    parts = [p.kind.replace("_", " ")]
    if p.annotation:
        parts.append(f"type {p.annotation}")
    if p.default is not None:
        parts.append(f"default {p.default}")
    return ", ".join(parts) + ". Values are JSON: 3, 2.5, \"text\", true, null, [1, 2]."


def _clear_form(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
