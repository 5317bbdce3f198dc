"""`taskflow-gui [FILE] [--run MODE] [--screenshot OUT.png] [--size WxH] [--quit]`.

Starts the designer. `--screenshot` renders the window (after layout and
fit-to-view) to a PNG and exits, which works without a display
(``QT_QPA_PLATFORM=offscreen``); it is how README screenshots and smoke tests
are made. `--run sequential|parallel|compare` runs the opened workflow first
(importing its modules without asking: the command line was the question);
with `--quit` or `--screenshot` it waits for the end, and the exit status says
whether every task succeeded (0), not (1), or the file could not be read (2).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QSaveFile,
    QSize,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

if TYPE_CHECKING:
    from taskflow_gui.main_window import MainWindow

ORGANIZATION = "TaskFlow"
APPLICATION = "TaskFlow Designer"
RUN_CHOICES = ("sequential", "parallel", "compare")
UNREADABLE_FILE = 2

STYLE_SHEET = """
QMainWindow::separator { background: #dde1e7; width: 1px; height: 1px; }
QDockWidget::title {
    background: #e8ebef; padding: 6px 8px 6px 8px; border-bottom: 1px solid #d5dae1;
}
QToolBar { background: #f3f4f6; border: none; border-bottom: 1px solid #dde1e7;
           spacing: 2px; padding: 3px 6px; }
QToolBar::separator { background: #d5dae1; width: 1px; margin: 4px 6px; }
QToolButton { padding: 3px; border-radius: 4px; }
QToolButton:hover { background: #e2e7ef; }
QToolButton:pressed { background: #d3dbe8; }
QStatusBar { background: #f3f4f6; border-top: 1px solid #dde1e7; }
QStatusBar::item { border: none; }
QGroupBox { font-weight: 600; border: 1px solid #dde1e7; border-radius: 6px;
            margin-top: 14px; padding: 8px 6px 6px 6px; background: #fbfbfc; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #4a5361; }
QTreeView, QListView, QTableView { border: 1px solid #dde1e7; }
QToolTip { color: #ffffff; background: #2b2f36; border: none; padding: 4px; }
"""


def light_palette() -> QPalette:
    """A calm light palette: soft grey chrome, white editing surfaces, one blue accent."""
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.WindowText: "#1f2328",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f6f7f9",
        QPalette.ColorRole.ToolTipBase: "#2b2f36",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#8a93a3",
        QPalette.ColorRole.Text: "#1f2328",
        QPalette.ColorRole.Button: "#f7f8fa",
        QPalette.ColorRole.ButtonText: "#1f2328",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Light: "#ffffff",
        QPalette.ColorRole.Midlight: "#e9ecf0",
        QPalette.ColorRole.Mid: "#c9ced6",
        QPalette.ColorRole.Dark: "#a3aab5",
        QPalette.ColorRole.Shadow: "#6b7280",
        QPalette.ColorRole.Highlight: "#2f6fdd",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#2f6fdd",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(disabled, role, QColor("#a3aab5"))
    return p


def configure_application(app: QApplication) -> None:
    """Names for QSettings/QStandardPaths, the Fusion style and the light palette."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("TaskFlow")
    style = QStyleFactory.create("Fusion")
    if style is not None:
        app.setStyle(style)
    app.setPalette(light_palette())
    app.setStyleSheet(STYLE_SHEET)


def _size(text: str) -> QSize:
    width, sep, height = text.lower().partition("x")
    try:
        size = QSize(int(width), int(height))
    except ValueError:
        size = QSize()
    if not sep or size.width() < 200 or size.height() < 150:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 1400x900, got {text!r}")
    return size


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="taskflow-gui", description="TaskFlow designer: draw, edit and run task workflows."
    )
    parser.add_argument("file", nargs="?", type=Path, help="a .taskflow.json project to open")
    parser.add_argument(
        "--screenshot", type=Path, metavar="OUT.png",
        help="render the window to this PNG after layout, then exit",
    )
    parser.add_argument("--size", type=_size, metavar="WxH", help="window size, e.g. 1400x900")
    parser.add_argument(
        "--quit", action="store_true",
        help="exit after opening (errors go to stderr instead of dialogs)",
    )
    parser.add_argument(
        "--run", choices=RUN_CHOICES, metavar="MODE",
        help="run FILE (sequential, parallel or compare) without asking before importing "
             "its modules; with --quit or --screenshot, wait for the end and exit with 0 "
             "when every task succeeded, 1 otherwise, 2 when FILE cannot be read",
    )
    return parser


def save_screenshot(window: MainWindow, path: Path) -> None:
    """Lay out, fit, render and write the PNG atomically (never a half-written file)."""
    app = QApplication.instance()
    window.show()
    for _ in range(3):
        app.processEvents()
    window.view.fit_all()
    app.processEvents()
    pixmap = window.grab()
    out = QSaveFile(str(path))
    if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
        raise OSError(f"cannot write {path}: {out.errorString()}")
    if not pixmap.save(out, "PNG") or not out.commit():
        out.cancelWriting()
        raise OSError(f"cannot write {path}: {out.errorString()}")


_QUIET_MESSAGES = ("This plugin does not support propagateSizeHints()",)


def _quiet_offscreen_noise() -> Callable[[], None]:
    """Batch runs on the offscreen platform: drop its harmless "not supported" notices.

    Returns the function that puts the previous message handler back.
    """
    previous = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in _QUIET_MESSAGES:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    return lambda: qInstallMessageHandler(previous)


class _EngineOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.name == "taskflow_core" or record.name.startswith("taskflow_core.")


class _QuietHandler(logging.StreamHandler):
    """The designer's root handler: the engine's own warnings only, on stderr."""


def install_quiet_logging() -> logging.Handler:
    """Keep task log records (a failed task's traceback) off stderr; idempotent.

    Like processes 1.x, the engine hands a task's records to `logging.lastResort`
    (stderr) when no handler is configured. In the designer they are in the Log
    panel and the task's log file already, so a root handler that prints only the
    engine's own warnings takes that place (as `taskflow run` does for a run).
    """
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, _QuietHandler):
            return handler
    handler = _QuietHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.addFilter(_EngineOnly())
    handler.setFormatter(logging.Formatter("taskflow-gui: %(levelname)s: %(message)s"))
    root.addHandler(handler)
    return handler


def _run_and_wait(window: MainWindow, mode: str) -> int:
    """Run the open workflow to its end; 0 when every task succeeded, else 1."""
    app = QApplication.instance()
    window.show()  # the run's panels lay themselves out for the picture
    app.processEvents()
    ok = window.runs.run_to_end(mode)
    out = sys.stdout if ok else sys.stderr
    if out is not None:
        print(f"taskflow-gui: {window.runs.message}", file=out)
    window.runs.arrange_for_picture()
    app.processEvents()
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the designer; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.run and args.file is None:
        parser.error("--run needs a FILE to run")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    install_quiet_logging()

    from taskflow_gui.file_actions import print_error
    from taskflow_gui.main_window import MainWindow

    batch = bool(args.quit or args.screenshot)
    restore_messages = _quiet_offscreen_noise() if batch else (lambda: None)
    window = MainWindow(restore=not batch)
    if args.size is not None:
        window.resize(args.size)
    if batch:
        window.files.report_error = print_error
    if not batch:
        window.show()  # questions and errors below appear over the window
        app.processEvents()
    status = 0
    recovered = False if batch else window.files.offer_recovery()
    if args.file is not None:
        if recovered:
            window.show_status(f"Recovered unsaved work; {args.file} was not opened.", 10000)
        elif not window.files.open_path(args.file, ask=False):
            status = UNREADABLE_FILE if args.run else 1
        elif args.run and batch:
            status = _run_and_wait(window, args.run)
        elif args.run:
            QTimer.singleShot(0, lambda: window.runs.start(args.run, ask=False))
    if args.screenshot is not None:
        try:
            save_screenshot(window, args.screenshot)
        except OSError as exc:
            print(f"taskflow-gui: {exc}", file=sys.stderr)
            status = 1
    if batch:
        window.document.close()
        window.deleteLater()
        restore_messages()
        return status
    return app.exec()
