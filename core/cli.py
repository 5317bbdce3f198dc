"""The `taskflow` command: validate, run, compare and export project files without the GUI.

Made for scheduled jobs and CI: results go to stdout, errors to stderr as one
line each (never a traceback for a user's mistake), and the exit code says
what happened (see `EXIT_CODES`). `main(argv)` returns the code instead of
exiting, so tests and other programs can call it in-process.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from taskflow_core.executors import EXECUTORS
from taskflow_core.projectfile import ProjectFileError, load_project, write_atomic
from taskflow_core.workflow import Problem, Workflow, WorkflowError

__all__ = ["EXIT_CODES", "build_parser", "main"]

OK, FAILED, UNREADABLE, INTERRUPTED = 0, 1, 2, 130
EXIT_CODES = {
    OK: "success: the file is valid / every task succeeded / the export was written",
    FAILED: "problems found, a task did not succeed, or the workflow cannot be run or exported",
    UNREADABLE: "the project file is missing or unreadable (or the command line is wrong)",
    INTERRUPTED: "interrupted with Ctrl-C (running tasks were cancelled)",
}

EXAMPLES = """\
examples:
  taskflow validate pipeline.taskflow.json
  taskflow validate pipeline.taskflow.json --resolve     # also import and check callables
  taskflow run pipeline.taskflow.json --parallel --workers 8 --json report.json
  taskflow run pipeline.taskflow.json --sequential
  taskflow compare pipeline.taskflow.json --workers 4
  taskflow run pipeline.taskflow.json --executor processes   # CPU-bound tasks
  taskflow run pipeline.taskflow.json --dask-address tcp://scheduler:8786
  taskflow export pipeline.taskflow.json --format python -o pipeline.py
  taskflow export pipeline.taskflow.json --format dot | dot -Tsvg > pipeline.svg
  taskflow export pipeline.taskflow.json --format mermaid

exit codes:
""" + "\n".join(f"  {code:<3} {text}" for code, text in EXIT_CODES.items())


class CliError(Exception):
    """A user-facing failure: printed as one line on stderr, then exit with `code`."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code


# -- entry point ------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]) and return the exit code."""
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        return int(options.handler(options))
    except CliError as exc:
        _error(str(exc))
        return exc.code
    except ProjectFileError as exc:
        _error(str(exc))
        return UNREADABLE
    except KeyboardInterrupt:
        _error("interrupted.")
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`taskflow export ... | head`): not an error worth a trace.
        sys.stderr.close()
        return FAILED


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser for every subcommand (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="taskflow",
        description="Validate, run, compare and export TaskFlow workflow projects "
        "(*.taskflow.json) without the designer.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("file", metavar="FILE", help="the project file (*.taskflow.json)")
        return p

    p = command(
        "validate",
        "Check a project for problems; exit 0 when valid, 1 with problems, 2 when unreadable.",
        "taskflow validate pipeline.taskflow.json --resolve",
    )
    p.add_argument(
        "--resolve",
        action="store_true",
        help="also import each task's module and check the callable's signature "
        "(runs the modules' top-level code)",
    )
    p.set_defaults(handler=cmd_validate)

    p = command(
        "run",
        "Run a project with live progress and a summary table; exit 0 when every task "
        "succeeded, 1 otherwise.",
        "taskflow run pipeline.taskflow.json --parallel --workers 8 --json report.json",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--sequential", action="store_true", help="one task at a time")
    mode.add_argument(
        "--parallel",
        action="store_true",
        help="on worker threads (the default for 10 tasks or more)",
    )
    _add_workers(p)
    _add_executor(p)
    p.add_argument("--json", metavar="REPORT", help="write the run's full report as JSON")
    _add_verbosity(p)
    p.set_defaults(handler=cmd_run)

    p = command(
        "compare",
        "Run sequentially, then in parallel, and print both wall times, the speedup, the "
        "parallel efficiency and the best possible speedup.",
        "taskflow compare pipeline.taskflow.json --workers 4 --json compare.json",
    )
    _add_workers(p)
    _add_executor(p)
    p.add_argument("--json", metavar="OUT", help="write the comparison (and both runs) as JSON")
    _add_verbosity(p)
    p.set_defaults(handler=cmd_compare)

    p = command(
        "export",
        "Write the workflow as a runnable Python script, a Graphviz DOT graph or a "
        "Mermaid flowchart.",
        "taskflow export pipeline.taskflow.json --format python -o pipeline.py",
    )
    p.add_argument(
        "-f",
        "--format",
        choices=("python", "dot", "mermaid"),
        default="python",
        help="output format (default: python)",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here (atomically) instead of to stdout; a Python script finds the "
        "project's modules and log folder relative to where it is written (the current "
        "folder when printed)",
    )
    p.set_defaults(handler=cmd_export)
    return parser


def _add_workers(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=4,
        metavar="N",
        help="parallel workers: threads, worker processes or Dask tasks at once (default: 4)",
    )


def _add_executor(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--executor",
        choices=EXECUTORS,
        help="where tasks run: threads in this process (I/O-bound work), worker processes "
        "(CPU-bound Python; a timed-out task is really stopped) or a Dask cluster "
        '(default: the project\'s "executor", else threads)',
    )
    p.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="the scheduler of an existing Dask cluster, e.g. tcp://host:8786 (implies "
        "--executor dask; without it a dask run starts a local cluster of its own)",
    )


def _executor_options(options: argparse.Namespace, workflow: Workflow) -> dict[str, Any]:
    """The `executor=` and `dask_address=` run arguments: the command line over the project."""
    address = options.dask_address
    executor = options.executor or ("dask" if address else workflow.executor)
    if address and executor != "dask":
        raise CliError(f"--dask-address needs --executor dask, not {executor}.", UNREADABLE)
    if executor == "dask":
        address = address or workflow.dask_address or None
        if importlib.util.find_spec("distributed") is None:
            raise CliError(
                'the dask executor needs Dask: pip install "taskflow-gui[dask]".', UNREADABLE
            )
        return {"executor": executor, "dask_address": address}
    return {"executor": executor}


def _on(run_options: dict[str, Any]) -> str:
    """" on processes" / " on dask at ADDR" for headings; empty for threads."""
    executor = run_options.get("executor", "threads")
    if executor == "threads":
        return ""
    address = run_options.get("dask_address")
    return f" on {executor}" + (f" at {address}" if address else "")


def _add_verbosity(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress lines, only the summary"
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", help="also show what each task prints or logs"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("taskflow-gui")
    except Exception:  # not installed as a distribution (running from a checkout)
        return "unknown"


# -- validate ---------------------------------------------------------------------------
def cmd_validate(options: argparse.Namespace) -> int:
    """`taskflow validate FILE [--resolve]`."""
    workflow = load_project(options.file)
    problems = workflow.problems(resolve=options.resolve)
    if problems:
        for problem in problems:
            print(_problem_line(problem))
        noun = "problem" if len(problems) == 1 else "problems"
        _error(f"{options.file}: {len(problems)} {noun}.", prefix=False)
        return FAILED
    checked = " (callables resolved)" if options.resolve else ""
    print(f"{options.file}: valid, {len(workflow)} tasks{checked}.")
    return OK


def _problem_line(problem: Problem) -> str:
    return f"{problem.task or '-'}: {problem.kind}: {problem.message}"


# -- run ----------------------------------------------------------------------------------
def cmd_run(options: argparse.Namespace) -> int:
    """`taskflow run FILE [--sequential | --parallel] [--workers N] [--json REPORT]`."""
    workflow = load_project(options.file)
    if options.sequential:
        parallel, workers = False, 1
    else:
        parallel, workers = (True if options.parallel else None), options.workers
    out = sys.stdout
    where = _executor_options(options, workflow)
    with _build_process(workflow) as process:
        progress = Progress(len(workflow), out, quiet=options.quiet, verbose=options.verbose)
        if where["executor"] != "threads" and not options.quiet:
            print(f"Running{_on(where)}", file=out, flush=True)
        result, interrupted = _run(
            process, progress, parallel=parallel, max_workers=workers, **where
        )
    if result is None:
        return INTERRUPTED
    print_summary(result, out)
    if options.json:
        _write_output(options.json, json.dumps(result.to_dict(), indent=2, default=repr) + "\n")
    if interrupted:
        return INTERRUPTED
    return OK if _all_succeeded(result) else FAILED


def _build_process(workflow: Workflow) -> Any:
    """The engine Process, or a CliError listing what stops the workflow from running."""
    problems = workflow.problems(resolve=True)
    if problems:
        lines = "\n".join(_problem_line(p) for p in problems)
        raise CliError(f"the workflow cannot run:\n{lines}")
    _make_log_folders(workflow)
    try:
        return workflow.to_process()
    except (WorkflowError, ValueError, LookupError) as exc:  # the engine's own refusals
        raise CliError(f"the workflow cannot run: {exc}") from None


def _make_log_folders(workflow: Workflow) -> None:
    """Create the folders the log files go to, so `logs/x.log` works in a fresh checkout."""
    for spec in workflow.tasks:
        folder = workflow.resolved_path(spec.log_path).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CliError(
                f"cannot create the log folder {folder} for task {spec.name}: "
                f"{exc.strerror or exc}."
            ) from None


def _run(process: Any, on_event: Callable[[Any], None], **run_options: Any) -> tuple[Any, bool]:
    """Run on a thread so Ctrl-C can cancel cleanly; returns (result or None, interrupted).

    The main thread waits on an Event rather than `Thread.join`: a join cut short
    by KeyboardInterrupt can leave the thread looking finished on Python 3.11.
    """
    box: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            box["result"] = process.run(on_event=on_event, **run_options)
        except BaseException as exc:  # re-raised on the main thread
            box["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=target, name="taskflow-run", daemon=True)
    interrupted = False
    with _task_logs_stay_in_files():
        thread.start()
        try:
            while not done.wait(0.1):
                pass
        except KeyboardInterrupt:
            interrupted = True
            _error("interrupted: cancelling the run ...")
            process.cancel()
            done.wait(5.0)
    error = box.get("error")
    if isinstance(error, ValueError | OSError | RuntimeError):
        # Refused before any task ran: a callable that cannot go to another
        # process, a Dask scheduler that cannot be reached, a missing package.
        raise CliError(f"the workflow cannot run: {error}") from None
    if error is not None:
        raise error
    return box.get("result"), interrupted


class _EngineOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name == "taskflow_core" or record.name.startswith("taskflow_core.")


@contextlib.contextmanager
def _task_logs_stay_in_files() -> Iterator[None]:
    """Keep task log records (a failure's traceback) off stderr during a run.

    Like processes 1.x, the engine hands a task's records to `logging.lastResort`
    (stderr) when no handler is configured. Here they are already in the task's
    log file and summarised in the table, so a root handler that prints only the
    engine's own warnings takes that place for the duration of the run.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.addFilter(_EngineOnly())
    handler.setFormatter(logging.Formatter("taskflow: %(levelname)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


def _all_succeeded(result: Any) -> bool:
    return not (result.failed_tasks or result.cancelled_tasks)


class Progress:
    """Prints one line per task start and finish, with a done/total count.

    Engine events arrive on worker threads; a lock keeps lines whole. The count
    restarts at each `RunStarted`, so one instance serves several runs.
    """

    def __init__(
        self, total: int, out: TextIO, *, quiet: bool = False, verbose: bool = False
    ) -> None:
        self.total = total
        self.done = 0
        self.out = out
        self.quiet = quiet
        self.verbose = verbose
        self._lock = threading.Lock()
        self._width = len(str(total))

    def __call__(self, event: Any) -> None:
        kind = type(event).__name__
        with self._lock:
            if kind == "RunStarted":
                self.done = 0
                return
            if kind == "TaskFinished":
                self.done += 1
            if self.quiet:
                return
            line = self._line(kind, event)
            if line is not None:
                print(line, file=self.out, flush=True)

    def _line(self, kind: str, event: Any) -> str | None:
        count = f"[{self.done:>{self._width}}/{self.total}]"
        if kind == "TaskStarted":
            attempt = getattr(event, "attempt", 1) or 1
            verb = "started" if attempt <= 1 else f"retry {attempt}"
            return f"{count} {verb:<9} {event.task}"
        if kind == "TaskFinished":
            result = event.result
            status = _status(result)
            word = {"success": "done", "failed": "FAILED"}.get(status, status)
            text = f"{count} {word:<9} {event.task}"
            if status in ("success", "failed"):
                text += f"  {_seconds(getattr(result, 'duration', None))}"
            detail = _detail(result)
            return f"{text}  {detail}" if detail else text
        if kind == "TaskOutput" and self.verbose:
            return f"{'':>{len(count)}} {event.task} | {event.line}"
        return None


def print_summary(result: Any, out: TextIO) -> None:
    """The table (task, status, duration, detail) and a one-line total."""
    rows = [("Task", "Status", "Duration", "Detail")]
    counts: dict[str, int] = {}
    for name, task_result in result.results.items():
        status = _status(task_result)
        counts[status] = counts.get(status, 0) + 1
        duration = getattr(task_result, "duration", None)
        rows.append((name, status, _seconds(duration) if duration else "-", _detail(task_result)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print(file=out)
    for i, row in enumerate(rows):
        line = f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}"
        print(line.rstrip(), file=out)
        if i == 0:
            print("-" * len(line.rstrip()), file=out)
    parts = [f"{counts.get(s, 0)} {word}" for s, word in _COUNT_WORDS if counts.get(s)]
    mode = getattr(result, "mode", "")
    workers = getattr(result, "max_workers", None)
    how = f"{mode}, {workers} workers" if mode == "parallel" else mode
    print(file=out)
    print(
        f"{len(result.results)} tasks: {', '.join(parts) or 'none run'} "
        f"in {_seconds(result.wall_seconds)} ({how}).",
        file=out,
    )


_COUNT_WORDS = (
    ("success", "succeeded"),
    ("failed", "failed"),
    ("skipped", "skipped"),
    ("cancelled", "cancelled"),
)


def _status(task_result: Any) -> str:
    status = getattr(task_result, "status", None)
    name = getattr(status, "name", None) or str(status or "")
    return name.lower()


def _detail(task_result: Any) -> str:
    status = _status(task_result)
    if status == "skipped":
        because = getattr(task_result, "skipped_because", None)
        return f"because {because} failed" if because else ""
    if status == "failed":
        exc = getattr(task_result, "exception", None)
        text = f"{type(exc).__name__}: {exc}" if exc is not None else "failed"
        attempts = getattr(task_result, "attempts", 1) or 1
        if attempts > 1:
            text += f" (after {attempts} attempts)"
        return text if len(text) <= 100 else text[:97] + "..."
    return ""


def _seconds(value: float | None) -> str:
    from taskflow_core.compare import format_seconds

    return "-" if value is None else format_seconds(float(value))


# -- compare ------------------------------------------------------------------------------
def cmd_compare(options: argparse.Namespace) -> int:
    """`taskflow compare FILE [--workers N] [--json OUT]`."""
    from taskflow_core.compare import compare_results

    workflow = load_project(options.file)
    out = sys.stdout
    workers = options.workers
    where = _executor_options(options, workflow)
    with _build_process(workflow) as process:
        progress = Progress(len(workflow), out, quiet=options.quiet, verbose=options.verbose)
        print(f"Sequential run{_on(where)}", file=out, flush=True)
        sequential, interrupted = _run(process, progress, parallel=False, max_workers=1, **where)
        if interrupted or sequential is None:
            return INTERRUPTED
        print(f"\nParallel run ({workers} workers{_on(where)})", file=out, flush=True)
        parallel, interrupted = _run(
            process, progress, parallel=True, max_workers=workers, **where
        )
        if interrupted or parallel is None:
            return INTERRUPTED
    report = compare_results(sequential, parallel, workers)
    print(file=out)
    for line in report.lines():
        print(line, file=out)
    if options.json:
        _write_output(options.json, report.to_json() + "\n")
    ok = _all_succeeded(sequential) and _all_succeeded(parallel)
    if not ok:
        _error("some tasks did not succeed; run `taskflow run` for the details.", prefix=False)
    return OK if ok else FAILED


# -- export -------------------------------------------------------------------------------
def cmd_export(options: argparse.Namespace) -> int:
    """`taskflow export FILE --format python|dot|mermaid [-o FILE]`."""
    from taskflow_core.export import ExportError, export

    workflow = load_project(options.file)
    script_dir = Path(options.output).parent if options.output else Path.cwd()
    try:
        text = export(workflow, options.format, script_dir=script_dir)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    if options.output:
        _write_output(options.output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return OK


# -- helpers ------------------------------------------------------------------------------
def _write_output(path: str, text: str) -> None:
    try:
        write_atomic(Path(path), text)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}.") from None


def _error(message: str, *, prefix: bool = True) -> None:
    print(f"taskflow: error: {message}" if prefix else message, file=sys.stderr, flush=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
