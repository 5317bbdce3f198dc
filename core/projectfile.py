"""The project file (``*.taskflow.json``): reading, writing and its version.

The format is plain JSON so a workflow can be reviewed and diffed in git::

    {
      "format": "taskflow",
      "version": 1,
      "name": "Seed example",
      "python_paths": ["."],
      "executor": "threads",
      "tasks": [
        {
          "name": "calculate_metrics",
          "callable": "seed_tasks:calculate_metrics",
          "log_path": "logs/calculate_metrics.log",
          "args": [],
          "kwargs": {},
          "timeout": null,
          "retries": 0,
          "retry_delay": 0.0,
          "position": [260, 110],
          "notes": "",
          "dependencies": [
            {"task": "fetch_users", "pass": "positional"},
            {"task": "fetch_orders", "pass": "keyword", "kwarg": "orders"}
          ]
        }
      ]
    }

Writing is deterministic (fixed key order, 2-space indent, every task key, a
trailing newline), so loading and saving an unedited file gives the same
bytes; keys this version does not know are kept, at the top, task and
dependency level, in the model's `extra` dicts. Paths are stored relative to
the file. Reading never imports anything. Every way a file can be wrong ends
in one `ProjectFileError` that names the file and the place.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from taskflow_core.executors import EXECUTORS
from taskflow_core.workflow import PASS_MODES, DependencySpec, TaskSpec, Workflow

__all__ = [
    "FORMAT",
    "SUFFIX",
    "VERSION",
    "ProjectFileError",
    "dumps_project",
    "load_project",
    "loads_project",
    "save_project",
    "write_atomic",
]

FORMAT = "taskflow"
"""The value of the ``"format"`` key that marks a file as ours."""
VERSION = 1
"""The newest file version this program reads and the one it writes."""
SUFFIX = ".taskflow.json"
"""The conventional file name ending."""

TOP_KEYS = ("format", "version", "name", "python_paths", "executor", "dask_address", "tasks")
TASK_KEYS = (
    "name",
    "callable",
    "log_path",
    "args",
    "kwargs",
    "timeout",
    "retries",
    "retry_delay",
    "position",
    "notes",
    "dependencies",
)
DEPENDENCY_KEYS = ("task", "pass", "kwarg")


class ProjectFileError(Exception):
    """A project file that cannot be read or written, located for the user.

    Attributes: `path` (the file, or the ``source`` given to `loads_project`),
    `json_path` (where in the document, like ``tasks[3].dependencies[0].pass``,
    ``""`` for the document as a whole), `line` and `column` (1-based, for text
    that is not JSON; otherwise None) and `message` (the reason alone).
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | os.PathLike[str] = "<string>",
        json_path: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path)
        self.json_path = json_path
        self.line = line
        self.column = column
        super().__init__(message)

    def __str__(self) -> str:
        if self.line is not None:
            where = f", line {self.line}, column {self.column}"
        elif self.json_path:
            where = f", at {self.json_path}"
        else:
            where = ""
        return f"{self.path}{where}: {self.message}"


class _Invalid(Exception):
    """Raised while checking a document; becomes a ProjectFileError with the source."""

    def __init__(self, json_path: str, message: str) -> None:
        super().__init__(message)
        self.json_path = json_path
        self.message = message


class _DuplicateKey(Exception):
    pass


# -- reading ---------------------------------------------------------------------------
def loads_project(
    text: str, base_dir: Path | str | None = None, *, source: str = "<string>"
) -> Workflow:
    """Build a `Workflow` from the text of a project file; nothing is imported.

    `base_dir` is the folder relative paths in the file are relative to (it
    becomes `workflow.base_dir`); `source` names the text in error messages.
    A file with duplicate task names, dangling dependencies or a cycle still
    loads: `workflow.problems()` reports those so the user can repair them.
    Raises `ProjectFileError` and nothing else for any bad input.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _not_utf8(bytes(text), exc, source) from None
    if not isinstance(text, str):
        raise ProjectFileError("expected the text of a project file.", path=source)
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise ProjectFileError(
            f"this is not valid JSON ({exc.msg}).", path=source, line=exc.lineno, column=exc.colno
        ) from None
    except _DuplicateKey as exc:
        raise ProjectFileError(
            f'the key "{exc}" appears twice in one object; keep one of them.', path=source
        ) from None
    except RecursionError:
        raise ProjectFileError("the JSON is nested too deeply to read.", path=source) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ProjectFileError(f"this is not a readable JSON value ({exc}).", path=source) from None
    try:
        return _workflow(data, base_dir)
    except _Invalid as exc:
        raise ProjectFileError(exc.message, path=source, json_path=exc.json_path) from None
    except RecursionError:
        raise ProjectFileError("the JSON is nested too deeply to read.", path=source) from None


def load_project(path: Path | str) -> Workflow:
    """Read a project file; `workflow.base_dir` becomes the file's folder.

    Raises `ProjectFileError` for a missing, unreadable or bad file.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProjectFileError("there is no such file.", path=path) from None
    except IsADirectoryError:
        raise ProjectFileError("this is a folder, not a project file.", path=path) from None
    except OSError as exc:
        raise ProjectFileError(f"cannot read it: {exc.strerror or exc}.", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(raw, exc, str(path)) from None
    return loads_project(text, Path(os.path.abspath(path)).parent, source=str(path))


def _not_utf8(raw: bytes, exc: UnicodeDecodeError, source: str) -> ProjectFileError:
    before = raw[: exc.start]
    line = before.count(b"\n") + 1
    column = exc.start - (before.rfind(b"\n") + 1) + 1
    return ProjectFileError(
        "this is not UTF-8 text, so it is not a project file.",
        path=source,
        line=line,
        column=column,
    )


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Refuse duplicate keys instead of silently keeping the last (that would lose data)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _workflow(data: Any, base_dir: Path | str | None) -> Workflow:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _Invalid("", f'this is not a TaskFlow project (it has no "format": "{FORMAT}" key).')
    if "version" not in data:
        raise _Invalid("version", "the file version is missing.")
    version = data["version"]
    if not _is_int(version):
        raise _Invalid("version", f"the file version must be a whole number, not {_kind(version)}.")
    if version > VERSION:
        raise _Invalid(
            "version",
            f"this project needs a newer TaskFlow: it is file version {version} and this "
            f"TaskFlow reads version {VERSION}.",
        )
    if version < 1:
        raise _Invalid("version", f"{version} is not a TaskFlow file version.")
    _check_json_safe(data, "")
    name = _get(data, "name", "", _check_str, "Untitled")
    python_paths = _get(data, "python_paths", "", _check_paths, ["."])
    executor = _get(data, "executor", "", _check_executor, "threads")
    dask_address = _get(data, "dask_address", "", _check_str, "")
    if "tasks" not in data:
        raise _Invalid("tasks", "the list of tasks is missing.")
    tasks = data["tasks"]
    if not isinstance(tasks, list):
        raise _Invalid("tasks", f"expected a list of tasks, not {_kind(tasks)}.")
    specs = [_task(t, f"tasks[{i}]") for i, t in enumerate(tasks)]
    extra = {k: v for k, v in data.items() if k not in TOP_KEYS}
    return Workflow.from_specs(
        specs,
        name,
        python_paths=python_paths,
        executor=executor,
        dask_address=dask_address,
        base_dir=base_dir,
        extra=extra,
    )


def _task(data: Any, where: str) -> TaskSpec:
    if not isinstance(data, dict):
        raise _Invalid(where, f"expected a task object, not {_kind(data)}.")
    if "name" not in data:
        raise _Invalid(f"{where}.name", "every task needs a name, and this one has none.")
    name = _get(data, "name", where, _check_str, "")
    log_path = _get(data, "log_path", where, _check_path, "")
    args = _get(data, "args", where, _check_list, [])
    kwargs = _get(data, "kwargs", where, _check_object, {})
    deps = _get(data, "dependencies", where, _check_list, [])
    extra = {k: v for k, v in data.items() if k not in TASK_KEYS}
    return TaskSpec(
        name=name,
        callable=_get(data, "callable", where, _check_str, ""),
        args=args,
        kwargs=kwargs,
        log_path=log_path,
        timeout=_get(data, "timeout", where, _check_timeout, None),
        retries=_get(data, "retries", where, _check_retries, 0),
        retry_delay=_get(data, "retry_delay", where, _check_delay, 0.0),
        position=_get(data, "position", where, _check_position, (0.0, 0.0)),
        notes=_get(data, "notes", where, _check_str, ""),
        dependencies=[_dependency(d, f"{where}.dependencies[{i}]") for i, d in enumerate(deps)],
        extra=extra,
    )


def _dependency(data: Any, where: str) -> DependencySpec:
    if not isinstance(data, dict):
        raise _Invalid(where, f"expected a dependency object, not {_kind(data)}.")
    if "task" not in data:
        raise _Invalid(f"{where}.task", "a dependency must name its upstream task.")
    extra = {k: v for k, v in data.items() if k not in DEPENDENCY_KEYS}
    return DependencySpec(
        task=_get(data, "task", where, _check_str, ""),
        pass_mode=_get(data, "pass", where, _check_pass, "none"),
        kwarg=_get(data, "kwarg", where, _check_str, ""),
        extra=extra,
    )


def _get(data: dict[str, Any], key: str, where: str, check: Any, default: Any) -> Any:
    if key not in data:
        return default
    path = f"{where}.{key}" if where else key
    return check(data[key], path)


def _check_str(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _Invalid(path, f"expected text, not {_kind(value)}.")
    return value


def _check_path(value: Any, path: str) -> str:
    value = _check_str(value, path)
    if not value.strip():
        raise _Invalid(path, "expected a path, not empty text.")
    return value


def _check_paths(value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        raise _Invalid(path, f"expected a list of folders, not {_kind(value)}.")
    return [_check_path(v, f"{path}[{i}]") for i, v in enumerate(value)]


def _check_executor(value: Any, path: str) -> str:
    if value not in EXECUTORS:
        names = ", ".join(f'"{e}"' for e in EXECUTORS)
        raise _Invalid(path, f"expected one of {names}, not {_show(value)}.")
    return value


def _check_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(path, f"expected a list, not {_kind(value)}.")
    return value


def _check_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid(path, f"expected an object, not {_kind(value)}.")
    return value


def _check_timeout(value: Any, path: str) -> float | None:
    if value is None:
        return None
    seconds = _number(value, path, "a number of seconds or null")
    if seconds <= 0:
        raise _Invalid(path, f"a timeout must be more than 0 seconds (or null), not {value}.")
    return seconds


def _check_retries(value: Any, path: str) -> int:
    if not _is_int(value) or value < 0:
        raise _Invalid(path, f"expected a whole number, 0 or more, not {_show(value)}.")
    return value


def _check_delay(value: Any, path: str) -> float:
    seconds = _number(value, path, "a number of seconds")
    if seconds < 0:
        raise _Invalid(path, f"a delay cannot be negative ({value}).")
    return seconds


def _check_position(value: Any, path: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise _Invalid(path, f"expected two numbers [x, y], not {_show(value)}.")
    x = _number(value[0], f"{path}[0]", "a number")
    y = _number(value[1], f"{path}[1]", "a number")
    return (x, y)


def _check_pass(value: Any, path: str) -> str:
    if value not in PASS_MODES or not isinstance(value, str):
        choices = ", ".join(f'"{m}"' for m in PASS_MODES)
        raise _Invalid(path, f"expected one of {choices}, not {_show(value)}.")
    return value


def _number(value: Any, path: str, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(path, f"expected {expected}, not {_kind(value)}.")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise _Invalid(path, "this number is too large.")
    return number


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_json_safe(value: Any, path: str) -> None:
    """Refuse what could be read but not written back: infinite numbers, broken text.

    One fast encode checks the common case; the slow walk runs only to say where.
    """
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        raise _Invalid(*_first_unsafe(value, path)) from None


def _first_unsafe(value: Any, path: str) -> tuple[str, str]:
    if isinstance(value, float) and not math.isfinite(value):
        return path, "this number is too large (or not a number)."
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path, "this text holds an unpaired surrogate escape (\\ud800 to \\udfff)."
        return path, "this value cannot be stored."
    if isinstance(value, list):
        for i, item in enumerate(value):
            try:
                _check_json_safe(item, f"{path}[{i}]")
            except _Invalid as exc:
                return exc.json_path, exc.message
    if isinstance(value, dict):
        for key, item in value.items():
            sub = _join(path, key)
            try:
                _check_json_safe(key, sub)
                _check_json_safe(item, sub)
            except _Invalid as exc:
                return exc.json_path, exc.message
    return path, "this value cannot be stored."


def _join(path: str, key: str) -> str:
    step = key if key.isidentifier() else json.dumps(key)
    if not key.isidentifier():
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    if isinstance(value, str | int | float | bool) or value is None:
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 40 else text[:37] + "..."
    return _kind(value)


# -- writing ---------------------------------------------------------------------------
def dumps_project(workflow: Workflow) -> str:
    """The file text for `workflow`: fixed key order, 2-space indent, trailing newline.

    Every task key is written (defaults too) so edits show up as one-line diffs.
    Raises `ProjectFileError` when the model holds a value JSON cannot store.
    """
    return _dumps(workflow, workflow.python_paths)


def _dumps(workflow: Workflow, python_paths: Sequence[str]) -> str:
    lines = ["{"]
    top: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("version", VERSION),
        ("name", workflow.name),
        ("python_paths", list(python_paths)),
        ("executor", workflow.executor),
    ]
    if workflow.dask_address:
        top.append(("dask_address", workflow.dask_address))
    body = [f'  "{key}": {_encode(value, 1, key)}' for key, value in top]
    tasks = [_encode_task(spec, f"tasks[{i}]") for i, spec in enumerate(workflow.tasks)]
    if tasks:
        body.append('  "tasks": [\n' + ",\n".join(tasks) + "\n  ]")
    else:
        body.append('  "tasks": []')
    for key, value in workflow.extra.items():
        if key in TOP_KEYS:
            continue
        body.append(f"  {_key(key)}: {_encode(value, 1, _join('', key))}")
    lines.append(",\n".join(body))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _encode_task(spec: TaskSpec, where: str) -> str:
    fields: list[tuple[str, Any]] = [
        ("name", spec.name),
        ("callable", spec.callable),
        ("log_path", spec.log_path),
        ("args", list(spec.args)),
        ("kwargs", dict(spec.kwargs)),
        ("timeout", None if spec.timeout is None else float(spec.timeout)),
        ("retries", spec.retries),
        ("retry_delay", float(spec.retry_delay)),
        ("position", [_coordinate(v) for v in spec.position]),
        ("notes", spec.notes),
    ]
    pad = "      "
    body = [f'{pad}"{key}": {_encode(value, 3, f"{where}.{key}")}' for key, value in fields]
    deps = [
        pad + "  " + _encode_dependency(d, f"{where}.dependencies[{i}]")
        for i, d in enumerate(spec.dependencies)
    ]
    if deps:
        body.append(f'{pad}"dependencies": [\n' + ",\n".join(deps) + f"\n{pad}]")
    else:
        body.append(f'{pad}"dependencies": []')
    for key, value in spec.extra.items():
        if key in TASK_KEYS:
            continue
        body.append(f"{pad}{_key(key)}: {_encode(value, 3, _join(where, key))}")
    return "    {\n" + ",\n".join(body) + "\n    }"


def _encode_dependency(dep: DependencySpec, where: str) -> str:
    items: dict[str, Any] = {"task": dep.task, "pass": dep.pass_mode}
    if dep.pass_mode == "keyword" or dep.kwarg:
        items["kwarg"] = dep.kwarg
    for key, value in dep.extra.items():
        if key not in DEPENDENCY_KEYS:
            items[key] = value
    return _encode(items, 0, where, inline=True)


def _coordinate(value: float) -> int | float:
    """Whole coordinates are written as integers: ``[260, 110]`` reads better."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _encode(value: Any, level: int, where: str, *, inline: bool = False) -> str:
    """JSON text for one value: flat lists and objects on one line, nested ones indented."""
    try:
        if isinstance(value, tuple):
            value = list(value)
        if isinstance(value, list | dict) and value and not inline and not _flat(value):
            pad = "  " * (level + 1)
            if isinstance(value, list):
                items = [pad + _encode(v, level + 1, f"{where}[{i}]") for i, v in enumerate(value)]
                return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
            items = [
                f"{pad}{_key(k)}: {_encode(v, level + 1, _join(where, k))}"
                for k, v in value.items()
            ]
            return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
        return text
    except (TypeError, ValueError, UnicodeEncodeError) as exc:
        raise ProjectFileError(
            f"cannot save {_kind(value)} here: {exc}", json_path=where, path="<project>"
        ) from None


def _flat(value: list[Any] | dict[str, Any]) -> bool:
    items = value if isinstance(value, list) else value.values()
    return not any(isinstance(v, list | dict | tuple) for v in items)


def save_project(workflow: Workflow, path: Path | str) -> None:
    """Write `workflow` to `path` atomically; a failed save leaves the old file whole.

    On a save to another folder ("Save As"), relative `python_paths` are rebased
    so they still name the same folders (the model is updated and notifies);
    relative log paths are kept, so logs go next to the new file. Afterwards
    `workflow.base_dir` is the file's folder. Raises `OSError` when the file
    cannot be written and `ProjectFileError` when the model holds a value JSON
    cannot store; in both cases nothing on disk has changed.
    """
    path = Path(path)
    folder = Path(os.path.abspath(path)).parent
    paths = _rebased(workflow.python_paths, workflow.base_dir, folder)
    try:
        text = _dumps(workflow, paths)
    except ProjectFileError as exc:
        exc.path = str(path)
        raise
    write_atomic(path, text)
    if paths != list(workflow.python_paths):
        workflow.set_properties(python_paths=paths)
    workflow.base_dir = folder


def _rebased(paths: Sequence[str], old: Path | None, new: Path) -> list[str]:
    if old is None:
        return list(paths)
    old = Path(os.path.abspath(old))
    if old == new:
        return list(paths)
    result = []
    for raw in paths:
        p = Path(raw)
        if p.is_absolute() or raw.startswith("~"):
            result.append(raw)
            continue
        target = os.path.normpath(old / p)
        try:
            result.append(Path(os.path.relpath(target, new)).as_posix())
        except ValueError:  # another drive on Windows: keep it absolute
            result.append(Path(target).as_posix())
    return result


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Replace `path` with `data` (text is written as UTF-8) so readers see old or new, never half.

    The data goes to a temporary file in the same folder, is flushed and
    fsynced, then renamed over the target with `os.replace`. An existing
    file's permissions are kept.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    """The process umask, read without changing it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
