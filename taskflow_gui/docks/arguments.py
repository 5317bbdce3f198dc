"""How a task's args/kwargs line up with its callable's parameters (no Qt).

The engine calls ``func(*args, *positional_results, **kwargs, **keyword_results)``.
The inspector shows one row per parameter of the signature; this module says
which value (or which upstream result) fills each row, and turns an edit of one
row back into new ``args``/``kwargs`` for a `SetField` command.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from taskflow_core.discovery import ParamInfo
from taskflow_core.workflow import TaskSpec

POSITIONAL = ("positional_only", "positional_or_keyword")
UNSET = object()
"""The value of a cleared row: the parameter takes its default."""


@dataclass(frozen=True)
class ParamRow:
    """One inspector row: the parameter and what currently fills it."""

    param: ParamInfo
    source: str
    """"arg" (from args), "kwarg" (from kwargs), "upstream" (a dependency's result), "" (unset)."""
    value: Any = UNSET
    upstream: str = ""

    @property
    def text(self) -> str:
        """The value as JSON for the field, "" when unset or fed by an upstream task."""
        return "" if self.value is UNSET else json.dumps(self.value)


def param_rows(spec: TaskSpec, params: Sequence[ParamInfo]) -> list[ParamRow]:
    """A row per parameter, filled as the engine would fill it for this task."""
    positional = [p for p in params if p.kind in POSITIONAL]
    pos_upstreams = [d.task for d in spec.dependencies if d.pass_mode == "positional"]
    kw_upstreams = {d.kwarg: d.task for d in spec.dependencies if d.pass_mode == "keyword"}
    named = {p.name for p in params if p.kind not in ("var_positional", "var_keyword")}
    rows = []
    for p in params:
        if p.kind in POSITIONAL:
            i = positional.index(p)
            if i < len(spec.args):
                rows.append(ParamRow(p, "arg", spec.args[i]))
                continue
            if i - len(spec.args) < len(pos_upstreams):
                rows.append(ParamRow(p, "upstream", upstream=pos_upstreams[i - len(spec.args)]))
                continue
        if p.kind == "var_positional":
            extra = list(spec.args[len(positional) :])
            rows.append(ParamRow(p, "arg" if extra else "", extra if extra else UNSET))
            continue
        if p.kind == "var_keyword":
            extra_kw = {k: v for k, v in spec.kwargs.items() if k not in named}
            rows.append(ParamRow(p, "kwarg" if extra_kw else "", extra_kw if extra_kw else UNSET))
            continue
        if p.name in kw_upstreams:
            rows.append(ParamRow(p, "upstream", upstream=kw_upstreams[p.name]))
        elif p.name in spec.kwargs and p.kind != "positional_only":
            rows.append(ParamRow(p, "kwarg", spec.kwargs[p.name]))
        else:
            rows.append(ParamRow(p, ""))
    return rows


def with_param_value(
    spec: TaskSpec, params: Sequence[ParamInfo], name: str, value: Any
) -> tuple[list[Any], dict[str, Any]]:
    """New (args, kwargs) with parameter `name` set to `value` (`UNSET` clears it).

    Raises ValueError with a message for the field when the edit cannot be
    expressed (a positional-only gap, say).
    """
    args, kwargs = list(spec.args), dict(spec.kwargs)
    param = next(p for p in params if p.name == name)
    positional = [p for p in params if p.kind in POSITIONAL]
    named = {p.name for p in params if p.kind not in ("var_positional", "var_keyword")}
    if param.kind == "var_positional":
        if value is not UNSET and not isinstance(value, list):
            raise ValueError(f"*{name} takes a JSON list, like [1, 2].")
        if value not in (UNSET, []):
            # Extra positionals only reach *name once every parameter before it is
            # positional too: move keyword values over, in order, where they exist.
            for p in positional[len(args) :]:
                if p.name not in kwargs:
                    missing = ", ".join(q.name for q in positional[len(args) :])
                    raise ValueError(f"To pass *{name}, first give {missing} a value.")
                args.append(kwargs.pop(p.name))
        return args[: len(positional)] + ([] if value is UNSET else list(value)), kwargs
    if param.kind == "var_keyword":
        if value is not UNSET and not isinstance(value, dict):
            raise ValueError(f'**{name} takes a JSON object, like {{"key": 1}}.')
        if value is not UNSET and any(k in named for k in value):
            clash = next(k for k in value if k in named)
            raise ValueError(f"{clash} is a parameter of its own; set it in its row.")
        kept = {k: v for k, v in kwargs.items() if k in named}
        return args, {**kept, **({} if value is UNSET else value)}
    if param.kind in POSITIONAL:
        i = positional.index(param)
        if i < len(args):
            if value is not UNSET:
                args[i] = value
            elif i == len(args) - 1:
                args.pop()
            else:
                raise ValueError("A later positional value is set; this one cannot be empty.")
            return args, kwargs
        if param.kind == "positional_only":
            if value is UNSET:
                return args, kwargs
            if i != len(args):
                raise ValueError("Set the positional parameters before this one first.")
            args.append(value)
            return args, kwargs
    if value is UNSET:
        kwargs.pop(name, None)
    else:
        kwargs[name] = value
    return args, kwargs


def parse_json(text: str) -> Any:
    """The JSON value typed in a field, `UNSET` for an empty field; ValueError explains."""
    if not text.strip():
        return UNSET
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"Not valid JSON ({exc.msg}, column {exc.colno}). Text needs quotes: \"like this\"."
        ) from None


def keyword_choices(params: Sequence[ParamInfo]) -> list[str]:
    """Parameter names an upstream result can be passed to by keyword."""
    return [p.name for p in params if p.kind in ("positional_or_keyword", "keyword_only")]
