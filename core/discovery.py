"""Finding the functions a task can call, for the designer's palette and inspector.

Two ways in, on purpose:

* `scan_file` / `scan_project` read source with `ast` only. They never import or
  run anything, so the palette can fill itself as soon as a project opens.
* `inspect_module` imports a module (its top-level code runs) and reads real
  signatures; call it only after the user agreed to import, as for a run.

Both describe each public module-level function as a `CallableInfo` whose
`reference` ("module:qualname") is what a task stores in its `callable` field.
"""

from __future__ import annotations

import ast
import inspect
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskflow_core.resolve import ResolveError, import_module, split_reference

__all__ = [
    "CallableInfo",
    "ParamInfo",
    "inspect_module",
    "module_name_for_file",
    "modules_to_import",
    "scan_file",
    "scan_project",
]

PARAM_KINDS = (
    "positional_only",
    "positional_or_keyword",
    "var_positional",
    "keyword_only",
    "var_keyword",
)
"""The values of `ParamInfo.kind`, in the order Python requires them."""

SKIPPED_DIRS = frozenset(
    {"__pycache__", "venv", "env", "site-packages", "node_modules", "build", "dist"}
)
"""Folder names `scan_project` never enters (hidden folders are skipped too)."""

MAX_DEPTH = 6
"""How many package levels below a python path `scan_project` descends."""

MAX_FILES = 2000
"""`scan_project` stops after this many modules, so a path set to a huge tree stays quick."""

MAX_FILE_BYTES = 2_000_000
"""Larger files are skipped: generated code, not task functions."""


@dataclass(frozen=True)
class ParamInfo:
    """One parameter of a callable, as text ready to show in the inspector."""

    name: str
    kind: str
    """One of `PARAM_KINDS`."""
    default: str | None
    """Source text of the default value (``"'active'"``), None when the parameter is required."""
    annotation: str
    """Source text of the annotation, ``""`` when there is none."""

    @property
    def required(self) -> bool:
        """True for a parameter the call must bind (not *args/**kwargs, no default)."""
        return self.default is None and self.kind not in ("var_positional", "var_keyword")


@dataclass(frozen=True)
class CallableInfo:
    """A function a task can call, described without necessarily importing it."""

    reference: str
    """``"module:qualname"``, the value for `TaskSpec.callable`."""
    module: str
    qualname: str
    signature: str
    """As Python shows it: ``"(table: str, status='active') -> int"``."""
    doc: str
    """First line of the docstring, ``""`` when there is none."""
    parameters: tuple[ParamInfo, ...]
    path: str | None
    """The source file, when known."""


# -- reading source without running it -----------------------------------------
def scan_file(path: Path | str, module: str) -> list[CallableInfo]:
    """Public functions defined at the top level of the file `path`, read with `ast` only.

    Nothing is imported or executed. Names starting with ``_``, imported names,
    classes and ``async def`` functions (the engine calls a task synchronously)
    are left out. Raises `ResolveError` when the file cannot be read or parsed.
    """
    path = Path(path)
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise ResolveError(f"Cannot read {path}: {exc.strerror or exc}") from None
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise ResolveError(f"Cannot parse {path}, line {exc.lineno}: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ResolveError(f"Cannot parse {path}: {type(exc).__name__}") from None
    infos = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        parameters = _ast_parameters(node.args)
        returns = f" -> {_unparse(node.returns)}" if node.returns is not None else ""
        infos.append(
            CallableInfo(
                reference=f"{module}:{node.name}",
                module=module,
                qualname=node.name,
                signature=_format_signature(parameters) + returns,
                doc=_first_line(ast.get_docstring(node)),
                parameters=parameters,
                path=str(path),
            )
        )
    return infos


def scan_project(python_paths: Sequence[str], base_dir: Path | str | None) -> list[CallableInfo]:
    """Every public function of every module under the project's python paths (ast only).

    Walks each path (relative ones against `base_dir`) for ``*.py`` files whose
    dotted name is importable from there, packages included, skipping hidden
    folders, virtual environments, ``__pycache__`` and other `SKIPPED_DIRS`, at
    most `MAX_DEPTH` levels deep. A file reached through two paths is listed
    once, under the first. Files that do not parse are skipped. Ordered by
    module name, then by position in the file.
    """
    seen: set[Path] = set()
    found: list[tuple[str, Path]] = []
    for root in _roots(python_paths, base_dir):
        for module, file in _modules_under(root):
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append((module, file))
            if len(found) >= MAX_FILES:
                break
        if len(found) >= MAX_FILES:
            break
    infos: list[CallableInfo] = []
    for module, file in sorted(found, key=lambda item: item[0]):
        try:
            infos.extend(scan_file(file, module))
        except ResolveError:
            continue
    return infos


def module_name_for_file(
    path: Path | str, python_paths: Sequence[str], base_dir: Path | str | None
) -> str | None:
    """The dotted module name under which `path` imports with these python paths, or None.

    ``pkg/__init__.py`` is ``pkg``. None when the file is outside every path or a
    part of its name is not a Python identifier.
    """
    file = Path(path)
    if not file.is_absolute() and base_dir is not None:
        file = Path(base_dir) / file
    file = file.resolve()
    if file.suffix != ".py":
        return None
    for root in _roots(python_paths, base_dir):
        try:
            parts = list(file.relative_to(root.resolve()).parts)
        except ValueError:
            continue
        parts[-1] = parts[-1][:-3]
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            return ".".join(parts)
    return None


# -- importing, with consent ------------------------------------------------------
def inspect_module(
    module: str, python_paths: Sequence[str] = (), base_dir: Path | str | None = None
) -> list[CallableInfo]:
    """Import `module` (running its top-level code) and describe its public functions.

    Only functions defined in that module are listed (not ones it imports), in
    source order, with signatures as `inspect.signature` sees them. A module
    already imported is not re-imported. Raises `ResolveError` with a message
    for the user when the import fails.
    """
    base = Path(base_dir) if base_dir is not None else None
    mod = import_module(module, python_paths, base)
    path = getattr(mod, "__file__", None)
    infos = []
    for name, obj in list(vars(mod).items()):
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if inspect.iscoroutinefunction(obj) or inspect.isasyncgenfunction(obj):
            continue
        if getattr(obj, "__module__", None) != mod.__name__:
            continue
        try:
            signature = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        parameters = tuple(_param_info(p) for p in signature.parameters.values())
        infos.append(
            (
                getattr(getattr(obj, "__code__", None), "co_firstlineno", 0),
                CallableInfo(
                    reference=f"{module}:{name}",
                    module=module,
                    qualname=name,
                    signature=str(signature),
                    doc=_first_line(inspect.getdoc(obj)),
                    parameters=parameters,
                    path=path,
                ),
            )
        )
    return [info for _, info in sorted(infos, key=lambda item: item[0])]


def modules_to_import(workflow: Any) -> list[str]:
    """The modules a resolve or a run of `workflow` imports, in task order, each once.

    For the "these modules will be imported" prompt. Tasks without a callable or
    with a malformed reference are left out (they are reported by `problems()`).
    Modules already imported in this process are listed too.
    """
    modules: dict[str, None] = {}
    for spec in workflow.tasks:
        if not spec.callable:
            continue
        try:
            module, _ = split_reference(spec.callable)
        except ResolveError:
            continue
        modules.setdefault(module, None)
    return list(modules)


# -- helpers ------------------------------------------------------------------------
def _roots(python_paths: Sequence[str], base_dir: Path | str | None) -> list[Path]:
    roots = []
    for raw in python_paths:
        p = Path(raw).expanduser()
        if not p.is_absolute() and base_dir is not None:
            p = Path(base_dir) / p
        if p.is_dir():
            roots.append(p)
    return roots


def _modules_under(root: Path) -> list[tuple[str, Path]]:
    """(dotted name, file) for the importable modules below `root`, breadth-limited."""
    found: list[tuple[str, Path]] = []
    stack: list[tuple[Path, tuple[str, ...]]] = [(root, ())]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        if prefix and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtual environment someone named differently
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if name in SKIPPED_DIRS or not name.isidentifier():
                    continue
                if len(prefix) + 1 < MAX_DEPTH:
                    stack.append((Path(entry.path), (*prefix, name)))
            elif is_file and name.endswith(".py"):
                stem = name[:-3]
                if not stem.isidentifier():
                    continue
                try:
                    if entry.stat().st_size > MAX_FILE_BYTES:
                        continue
                except OSError:
                    continue
                parts = prefix if stem == "__init__" else (*prefix, stem)
                if parts:
                    found.append((".".join(parts), Path(entry.path)))
    return found


def _unparse(node: ast.AST | None) -> str:
    if node is None:
        return ""
    try:
        return ast.unparse(node)
    except Exception:  # unparse of exotic nodes; never fail a whole scan for text
        return "..."


def _ast_parameters(args: ast.arguments) -> tuple[ParamInfo, ...]:
    positional = [*args.posonlyargs, *args.args]
    # Defaults belong to the last positional parameters.
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    params = []
    for i, arg in enumerate(positional):
        kind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        default = defaults[i]
        params.append(_ast_param(arg, kind, default))
    if args.vararg is not None:
        params.append(_ast_param(args.vararg, "var_positional", None))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(_ast_param(arg, "keyword_only", default))
    if args.kwarg is not None:
        params.append(_ast_param(args.kwarg, "var_keyword", None))
    return tuple(params)


def _ast_param(arg: ast.arg, kind: str, default: ast.expr | None) -> ParamInfo:
    return ParamInfo(
        name=arg.arg,
        kind=kind,
        default=_unparse(default) if default is not None else None,
        annotation=_unparse(arg.annotation),
    )


def _param_info(param: inspect.Parameter) -> ParamInfo:
    kind = {
        inspect.Parameter.POSITIONAL_ONLY: "positional_only",
        inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
        inspect.Parameter.VAR_POSITIONAL: "var_positional",
        inspect.Parameter.KEYWORD_ONLY: "keyword_only",
        inspect.Parameter.VAR_KEYWORD: "var_keyword",
    }[param.kind]
    default = None if param.default is inspect.Parameter.empty else repr(param.default)
    annotation = (
        ""
        if param.annotation is inspect.Parameter.empty
        else inspect.formatannotation(param.annotation)
    )
    return ParamInfo(param.name, kind, default, annotation)


def _format_signature(params: Sequence[ParamInfo]) -> str:
    """Parameters written the way `str(inspect.signature(f))` writes them."""
    parts: list[str] = []
    wrote_star = False
    for i, p in enumerate(params):
        if p.kind == "keyword_only" and not wrote_star:
            parts.append("*")
            wrote_star = True
        text = p.name
        if p.kind == "var_positional":
            text = "*" + text
            wrote_star = True
        elif p.kind == "var_keyword":
            text = "**" + text
        if p.annotation:
            text += f": {p.annotation}"
            if p.default is not None:
                text += f" = {p.default}"
        elif p.default is not None:
            text += f"={p.default}"
        parts.append(text)
        last_posonly = p.kind == "positional_only" and (
            i + 1 == len(params) or params[i + 1].kind != "positional_only"
        )
        if last_posonly:
            parts.append("/")
    return f"({', '.join(parts)})"


def _first_line(doc: str | None) -> str:
    if not doc:
        return ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""
