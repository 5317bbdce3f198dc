"""Callable discovery: ast scans run nothing; inspect_module imports only when asked."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from taskflow_core.discovery import (
    CallableInfo,
    ParamInfo,
    inspect_module,
    module_name_for_file,
    modules_to_import,
    scan_file,
    scan_project,
)
from taskflow_core.projectfile import load_project
from taskflow_core.resolve import ResolveError
from taskflow_core.workflow import TaskSpec, Workflow

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"

SAMPLE = '''\
"""A module with a bit of everything."""
import os
from os.path import join

CONSTANT = 3


def fetch(table: str, status="active", /, limit: int = 10, *rest, flag: bool = False,
          **extra) -> int:
    """Count rows.

    The rest of the docstring is not shown.
    """
    return 0


def bare(a, b):
    return a + b


def keyword_only(*, key=None, other: "list[int]" = [1, 2]):
    """

    Docstring whose first line is blank.
    """


async def not_for_tasks():
    pass


def _private():
    pass


class Widget:
    def method(self):
        pass


alias = join
'''


@pytest.fixture
def isolated():
    """Restore sys.path and drop modules imported by a test."""
    path, modules = list(sys.path), set(sys.modules)
    yield
    sys.path[:] = path
    for name in set(sys.modules) - modules:
        del sys.modules[name]


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def test_scan_file_lists_public_functions_with_signatures(tmp_path: Path) -> None:
    path = tmp_path / "sample.py"
    path.write_text(SAMPLE)
    infos = scan_file(path, "pkg.sample")
    assert [i.qualname for i in infos] == ["fetch", "bare", "keyword_only"]
    fetch, bare, kw = infos
    assert fetch.reference == "pkg.sample:fetch" and fetch.module == "pkg.sample"
    assert fetch.signature == (
        "(table: str, status='active', /, limit: int = 10, *rest, flag: bool = False, "
        "**extra) -> int"
    )
    assert fetch.doc == "Count rows."
    assert fetch.path == str(path)
    assert fetch.parameters == (
        ParamInfo("table", "positional_only", None, "str"),
        ParamInfo("status", "positional_only", "'active'", ""),
        ParamInfo("limit", "positional_or_keyword", "10", "int"),
        ParamInfo("rest", "var_positional", None, ""),
        ParamInfo("flag", "keyword_only", "False", "bool"),
        ParamInfo("extra", "var_keyword", None, ""),
    )
    assert [p.required for p in fetch.parameters] == [True, False, False, False, False, False]
    assert bare.signature == "(a, b)" and bare.doc == ""
    assert kw.signature == "(*, key=None, other: 'list[int]' = [1, 2])"
    assert kw.doc == "Docstring whose first line is blank."


def test_scan_signatures_match_inspect(tmp_path: Path, isolated: None) -> None:
    module = unique("sigs")
    (tmp_path / f"{module}.py").write_text(SAMPLE)
    scanned = {i.qualname: i for i in scan_file(tmp_path / f"{module}.py", module)}
    imported = {i.qualname: i for i in inspect_module(module, ["."], tmp_path)}
    assert list(scanned) == list(imported)
    for name in scanned:
        assert scanned[name].signature == imported[name].signature
        assert scanned[name].parameters == imported[name].parameters
        assert scanned[name].doc == imported[name].doc
        assert scanned[name].reference == imported[name].reference


def test_scan_file_errors_are_resolve_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def oops(:\n")
    with pytest.raises(ResolveError, match=r"Cannot parse .*broken\.py, line 1"):
        scan_file(broken, "broken")
    with pytest.raises(ResolveError, match="Cannot read"):
        scan_file(tmp_path / "missing.py", "missing")


def make_tree(root: Path) -> None:
    files = {
        "top.py": "def top_level():\n    pass\n",
        "pkg/__init__.py": "def from_init():\n    pass\n",
        "pkg/sub/deep.py": "def deep_one(x):\n    'Deep.'\n",
        "src/lib_mod.py": "def in_src(a=1):\n    pass\n",
        "nsfolder/plain.py": "def namespaced():\n    pass\n",
        ".hidden/secret.py": "def hidden():\n    pass\n",
        "venv/lib/site.py": "def from_venv():\n    pass\n",
        "myenv/pyvenv.cfg": "home = /usr\n",
        "myenv/lib/x.py": "def from_other_venv():\n    pass\n",
        "__pycache__/cached.py": "def cached():\n    pass\n",
        "not-a-package/x.py": "def unreachable():\n    pass\n",
        "bad-name.py": "def not_importable():\n    pass\n",
        "broken.py": "def broken(:\n",
        "a/b/c/d/e/f/g/too_deep.py": "def too_deep():\n    pass\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_scan_project_walks_python_paths_and_skips_the_rest(tmp_path: Path) -> None:
    make_tree(tmp_path)
    infos = scan_project([".", "src"], tmp_path)
    refs = [i.reference for i in infos]
    assert refs == [
        "nsfolder.plain:namespaced",
        "pkg:from_init",
        "pkg.sub.deep:deep_one",
        "src.lib_mod:in_src",
        "top:top_level",
    ]
    # A file reachable from two paths is listed once, under the first path.
    assert scan_project(["src", "."], tmp_path)[0].reference == "lib_mod:in_src"
    assert [i.reference for i in scan_project(["src", "."], tmp_path)].count(
        "src.lib_mod:in_src"
    ) == 0
    assert scan_project(["does_not_exist"], tmp_path) == []


def test_module_name_for_file(tmp_path: Path) -> None:
    make_tree(tmp_path)
    assert module_name_for_file(tmp_path / "top.py", ["."], tmp_path) == "top"
    assert module_name_for_file(tmp_path / "pkg/__init__.py", ["."], tmp_path) == "pkg"
    assert module_name_for_file("pkg/sub/deep.py", ["."], tmp_path) == "pkg.sub.deep"
    assert module_name_for_file(tmp_path / "src/lib_mod.py", ["src", "."], tmp_path) == "lib_mod"
    assert module_name_for_file(tmp_path / "bad-name.py", ["."], tmp_path) is None
    assert module_name_for_file(tmp_path / "top.py", ["src"], tmp_path) is None
    assert module_name_for_file(tmp_path / "notes.txt", ["."], tmp_path) is None


def test_scanning_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "imported.txt"
    (tmp_path / "loud.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        "raise SystemExit('should never run')\n"
        "def f():\n    pass\n"
    )
    assert [i.qualname for i in scan_file(tmp_path / "loud.py", "loud")] == ["f"]
    assert [i.reference for i in scan_project(["."], tmp_path)] == ["loud:f"]
    assert not marker.exists()
    assert "loud" not in sys.modules


def test_inspect_module_imports_and_describes(tmp_path: Path, isolated: None) -> None:
    module = unique("insp")
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            from os.path import join

            def second(x, y=(1, 2)):
                '''Second, in source order.'''

            def first(*, flag=True) -> None:
                pass

            def _hidden():
                pass
            """
        ).replace("def second", "def second_fn").replace("def first", "def first_fn")
    )
    infos = inspect_module(module, ["."], tmp_path)
    assert [i.qualname for i in infos] == ["second_fn", "first_fn"]
    assert infos[0].parameters[1] == ParamInfo("y", "positional_or_keyword", "(1, 2)", "")
    assert infos[0].doc == "Second, in source order."
    assert infos[1].signature == "(*, flag=True) -> None"
    assert infos[0].path == str(tmp_path / f"{module}.py")
    assert isinstance(infos[0], CallableInfo)


def test_inspect_module_errors(tmp_path: Path, isolated: None) -> None:
    with pytest.raises(ResolveError, match="Cannot import module 'surely_not_a_module_x'"):
        inspect_module("surely_not_a_module_x", ["."], tmp_path)
    boom, quits = unique("boom"), unique("quits")
    (tmp_path / f"{boom}.py").write_text("raise RuntimeError('no database')\n")
    (tmp_path / f"{quits}.py").write_text("import sys\nsys.exit(3)\n")
    with pytest.raises(ResolveError, match=f"Importing '{boom}' failed: RuntimeError: no database"):
        inspect_module(boom, ["."], tmp_path)
    with pytest.raises(ResolveError, match=r"called sys\.exit\(3\)"):
        inspect_module(quits, ["."], tmp_path)


def test_modules_to_import() -> None:
    w = Workflow()
    w.add_task(TaskSpec("a", "pkg.one:f"))
    w.add_task(TaskSpec("b", "two:g"))
    w.add_task(TaskSpec("c", "pkg.one:h"))
    w.add_task(TaskSpec("d", ""))
    w.add_task(TaskSpec("e", "malformed"))
    assert modules_to_import(w) == ["pkg.one", "two"]


def test_examples_are_discoverable_without_importing() -> None:
    already = {"seed_tasks", "etl_tasks", "fanout_tasks"} & set(sys.modules)
    infos = {i.reference: i for i in scan_project(["."], EXAMPLES)}
    assert infos["seed_tasks:fetch_user_count"].signature == "() -> int"
    assert infos["seed_tasks:fetch_user_count"].doc == "Simulate fetching the user count."
    assert infos["etl_tasks:notify_team"].signature == (
        "(rows_loaded: int, channel: str = '#data') -> str"
    )
    w = load_project(EXAMPLES / "fanout_50.taskflow.json")
    assert modules_to_import(w) == ["fanout_tasks"]
    assert all(spec.callable in infos for spec in w)
    assert {"seed_tasks", "etl_tasks", "fanout_tasks"} & set(sys.modules) == already
