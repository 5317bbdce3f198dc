"""The main window: canvas in the centre, docks around it, menus, toolbars, status bar.

Thin on purpose: it builds the widgets, lays out the actions and hands each
gesture to the controller that owns it (`EditController`, `FileController`,
`CallableChecker`). The current `Document` is the only holder of the
workflow; swapping documents (New, Open, recovery) goes through `set_document`.

Extension points for run-time features: `run_menu` and `run_toolbar` (add run
actions there), `add_bottom_dock` (tabbed with Problems), `documentChanged`
(the new `Document`), `scene` and `view`. `runs` (a `RunFlow`) owns running:
its actions, the Log, Timings and Compare docks and the run's statuses.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QUndoView,
    QWidget,
)
from taskflow_core.workflow import TaskSpec, WorkflowError

from taskflow_gui.actions import Actions
from taskflow_gui.callable_check import CallableChecker
from taskflow_gui.callables import CallableCatalog
from taskflow_gui.canvas import WorkflowScene, WorkflowView
from taskflow_gui.canvas.view import HINT_TEXT
from taskflow_gui.commands import SetPythonPaths
from taskflow_gui.docks.inspector import InspectorDock
from taskflow_gui.docks.palette import PaletteDock
from taskflow_gui.docks.problems import ProblemsDock
from taskflow_gui.document import Document
from taskflow_gui.edit_actions import EditController
from taskflow_gui.file_actions import FileController, example_files, recent_files
from taskflow_gui.project_settings import ProjectSettingsDialog, path_entry
from taskflow_gui.quick_add import QuickAddPopup
from taskflow_gui.run_flow import RunFlow
from taskflow_gui.start_panel import StartPanel

SETTINGS_GROUP = "mainWindow"
LAYOUT_VERSION = 1
START_HINT = (
    "Drag a function from the Palette or press Tab on the canvas to add a task; "
    "Help ▸ Examples opens a ready-made workflow."
)


class MainWindow(QMainWindow):
    """One designer window, showing one document at a time."""

    documentChanged = Signal(object)
    """The new `Document`, after New, Open or recovery (and once at start)."""

    def __init__(
        self,
        document: Document | None = None,
        parent: QWidget | None = None,
        *,
        restore: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TaskFlowMainWindow")
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        self.undo_group = QUndoGroup(self)
        self.actions = Actions(self, self.undo_group)
        self.catalog = CallableCatalog(self)

        self.scene = WorkflowScene(parent=self)
        self.view = WorkflowView(self.scene)
        self.view.setObjectName("Canvas")
        self.setCentralWidget(self.view)
        self.view.addActions([*self.actions.canvas_actions, self.actions.fit,
                              self.actions.auto_layout])

        self.palette_dock = PaletteDock(self.catalog, self)
        self.inspector = InspectorDock(self.catalog, self)
        self.problems = ProblemsDock(self)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("HistoryDock")
        self.history_view = QUndoView(self.undo_group)
        self.history_view.setEmptyLabel("Opened")
        self.history_dock.setWidget(self.history_view)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.palette_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.inspector)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems)
        self.history_dock.hide()
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self.quick_add = QuickAddPopup(self.catalog, self)
        self.edit = EditController(self.scene, self.view, lambda: self.document, self.quick_add,
                                   self)
        self.files = FileController(self, self)
        self.checker = CallableChecker(self.catalog, self.scene.set_task_problem, self)
        self.start_panel = StartPanel(self.view, example_files(), self.files.open_path,
                                      self.files.open)
        self.start_panel.set_recent(recent_files())
        self.files.recentChanged.connect(lambda: self.start_panel.set_recent(recent_files()))
        self._unwatch_emptiness = lambda: None

        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()
        self._connect()
        self.runs = RunFlow(self)

        self.set_document(document or Document())
        self.resize(1400, 900)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self.resizeDocks([self.palette_dock, self.inspector], [260, 330],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems], [150], Qt.Orientation.Vertical)
        self._persist_layout = restore
        if restore:
            self.restore_layout()

    # -- building ------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file = bar.addMenu("&File")
        file.addActions([a.new, a.open])
        self.recent_menu = file.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(
            lambda: self.files.fill_recent_menu(self.recent_menu)
        )
        file.addSeparator()
        file.addActions([a.save, a.save_as])
        file.addSeparator()
        file.addAction(a.project_settings)
        file.addSeparator()
        file.addActions([a.export_png, a.export_svg])
        file.addSeparator()
        file.addAction(a.quit)

        edit = bar.addMenu("&Edit")
        edit.addActions([a.undo, a.redo])
        edit.addSeparator()
        edit.addActions([a.cut, a.copy, a.paste, a.duplicate, a.delete])
        edit.addSeparator()
        edit.addActions([a.select_all, a.add_task])
        edit.addSeparator()
        self.history_action = self.history_dock.toggleViewAction()
        self.history_action.setText("&History")
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setStatusTip("Every edit so far; click one to go back to it")
        edit.addAction(self.history_action)

        view = bar.addMenu("&View")
        view.addActions([a.zoom_in, a.zoom_out, a.fit])
        view.addSeparator()
        view.addAction(a.auto_layout)
        view.addSeparator()
        self.panels_menu = view.addMenu("&Panels")
        for dock in (self.palette_dock, self.inspector, self.problems):
            self.panels_menu.addAction(dock.toggleViewAction())
        self.toolbars_menu = view.addMenu("&Toolbars")
        view.addSeparator()
        view.addAction("Reset &Layout", self.reset_layout)

        self.run_menu = bar.addMenu("&Run")
        self.run_menu.addAction(a.resolve)

        help_menu = bar.addMenu("&Help")
        self.examples_menu = help_menu.addMenu("&Examples")
        self.examples_menu.aboutToShow.connect(
            lambda: self.files.fill_examples_menu(self.examples_menu)
        )
        self.files.fill_examples_menu(self.examples_menu)
        help_menu.addAction(a.shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(a.about)

    def _build_toolbars(self) -> None:
        a = self.actions
        main = QToolBar("Main", self)
        main.setObjectName("MainToolBar")
        main.setIconSize(QSize(20, 20))
        main.setMovable(False)
        main.addActions([a.new, a.open, a.save])
        main.addSeparator()
        main.addActions([a.undo, a.redo])
        main.addSeparator()
        main.addActions([a.add_task, a.delete])
        main.addSeparator()
        main.addActions([a.zoom_out, a.zoom_in, a.fit, a.auto_layout])
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, main)
        self.main_toolbar = main

        run = QToolBar("Run", self)
        run.setObjectName("RunToolBar")
        run.setIconSize(QSize(20, 20))
        run.setMovable(False)
        run.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        a.resolve.setIconText("Resolve")
        run.addAction(a.resolve)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, run)
        self.run_toolbar = run
        for bar in (main, run):
            self.toolbars_menu.addAction(bar.toggleViewAction())

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.counts_label = QLabel()
        self.counts_label.setContentsMargins(8, 0, 8, 0)
        self.problems_label = QLabel()
        self.problems_label.setContentsMargins(8, 0, 8, 0)
        status.addPermanentWidget(self.problems_label)
        status.addPermanentWidget(self.counts_label)

    def _connect(self) -> None:
        a, e, f = self.actions, self.edit, self.files
        a.new.triggered.connect(f.new)
        a.open.triggered.connect(f.open)
        a.save.triggered.connect(f.save)
        a.save_as.triggered.connect(f.save_as)
        a.project_settings.triggered.connect(self.edit_project_settings)
        a.export_png.triggered.connect(lambda: f.export("png"))
        a.export_svg.triggered.connect(lambda: f.export("svg"))
        a.quit.triggered.connect(self.close)
        a.cut.triggered.connect(e.cut)
        a.copy.triggered.connect(e.copy)
        a.paste.triggered.connect(e.paste)
        a.duplicate.triggered.connect(e.duplicate)
        a.delete.triggered.connect(e.delete)
        a.select_all.triggered.connect(e.select_all)
        a.add_task.triggered.connect(lambda: e.open_quick_add())
        a.zoom_in.triggered.connect(self.view.zoom_in)
        a.zoom_out.triggered.connect(self.view.zoom_out)
        a.fit.triggered.connect(self.view.fit_all)
        a.auto_layout.triggered.connect(e.auto_layout)
        a.resolve.triggered.connect(self.resolve_callables)
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(self.show_about)

        e.statusMessage.connect(self.show_status)
        self.scene.statusMessage.connect(self._scene_status)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.taskActivated.connect(self._task_activated)
        self.palette_dock.callableActivated.connect(lambda ref: e.add_callable(ref))
        self.palette_dock.pythonPathRequested.connect(self._add_python_path)
        self.palette_dock.statusMessage.connect(self.show_status)
        self.inspector.statusMessage.connect(self.show_status)
        self.problems.taskActivated.connect(self.reveal_task)
        self.problems.countChanged.connect(self._problems_counted)
        self.checker.problemsChanged.connect(
            lambda found: self.problems.set_extra("callables", found)
        )

    # -- the document --------------------------------------------------------------
    def set_document(self, document: Document) -> None:
        """Show `document` instead of the current one (which is closed for good)."""
        old = getattr(self, "document", None)
        if old is not None and old is not document:
            old.modifiedChanged.disconnect(self.setWindowModified)
            old.pathChanged.disconnect(self._update_title)
            self.undo_group.removeStack(old.undo_stack)
            old.close()
            old.deleteLater()
        self.document = document
        document.setParent(self)
        document.modifiedChanged.connect(self.setWindowModified)
        document.pathChanged.connect(self._update_title)
        document.autosaveFailed.connect(lambda message: self.show_status(message, 10000))
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        workflow = document.workflow
        self.scene.set_workflow(workflow)
        self._unwatch_emptiness()
        self._unwatch_emptiness = workflow.subscribe(lambda _change: self._update_start_panel())
        self._update_start_panel()
        self.catalog.set_workflow(workflow)
        self.inspector.set_document(workflow, document.push)
        self.problems.set_workflow(workflow)
        self.checker.set_workflow(workflow)
        self.setWindowModified(document.is_modified())
        self._update_title()
        QTimer.singleShot(0, self.view.fit_all)
        self._selection_changed()
        if not len(workflow):
            self.show_status(START_HINT)
        self.documentChanged.emit(document)

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.document.display_name}[*] — TaskFlow")
        path = self.document.path
        self.setWindowFilePath(str(path) if path else "")

    # -- reactions -------------------------------------------------------------------
    def _update_start_panel(self) -> None:
        """The start panel shows exactly while the canvas has no task."""
        empty = not len(self.document.workflow)
        if empty and not self.start_panel.isVisible():
            self.start_panel.set_recent(recent_files())  # files may have gone meanwhile
        self.start_panel.setVisible(empty)
        self.view.hint_text = "" if empty else HINT_TEXT
        self.view.viewport().update()

    def show_status(self, message: str, timeout: int = 8000) -> None:
        self.statusBar().showMessage(message, timeout)

    def _scene_status(self, message: str) -> None:
        if message:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    def _selection_changed(self) -> None:
        tasks = self.scene.selected_tasks()
        edges = self.scene.selected_edges()
        self.inspector.show_selection(tasks, edges)
        has_tasks = bool(tasks)
        for action in (self.actions.cut, self.actions.copy, self.actions.duplicate):
            action.setEnabled(has_tasks)
        self.actions.delete.setEnabled(has_tasks or bool(edges))

    def _task_activated(self, spec: TaskSpec) -> None:
        self.inspector.show()
        self.inspector.raise_()
        self.scene.select_tasks([spec])
        self.inspector.name.edit.setFocus()
        self.inspector.name.edit.selectAll()

    def reveal_task(self, name: str) -> None:
        """Select a task and scroll the canvas to it (from Problems)."""
        item = self.scene.item_for(name)
        if item is None:
            self.show_status(f"No task named {name} on the canvas.")
            return
        self.scene.select_tasks([name])
        self.view.centerOn(item)
        self.view.setFocus()

    def _problems_counted(self, count: int) -> None:
        workflow = self.document.workflow
        tasks, edges = len(workflow), len(workflow.edges())
        self.counts_label.setText(f"{tasks} task{'s' * (tasks != 1)} · "
                                  f"{edges} dependenc{'ies' if edges != 1 else 'y'}")
        if count:
            self.problems_label.setText(f"⚠ {count} problem{'s' * (count != 1)}")
            self.problems_label.setStyleSheet("color: #b3261e;")
            self.problems_label.setToolTip("See the Problems panel")
        else:
            self.problems_label.setText("✓ Ready to run" if tasks else "")
            self.problems_label.setStyleSheet("color: #2e7d32;")
            self.problems_label.setToolTip("")

    def _add_python_path(self, folder: str) -> None:
        workflow = self.document.workflow
        entry = path_entry(workflow, folder)
        if entry in workflow.python_paths:
            return
        try:
            self.document.push(SetPythonPaths(workflow, [*workflow.python_paths, entry]))
        except WorkflowError as exc:
            self.show_status(str(exc))

    def edit_project_settings(self) -> None:
        """File ▸ Project Settings…: one undoable edit for whatever the dialog changed."""
        dialog = ProjectSettingsDialog(self.document.workflow, self)
        if dialog.exec() != ProjectSettingsDialog.DialogCode.Accepted:
            return
        command = dialog.command()
        if not command.changes_anything():
            return
        try:
            self.document.push(command)
        except WorkflowError as exc:
            self.show_status(str(exc))
            return
        self._update_title()
        self.show_status("Project settings changed.", 5000)

    def resolve_callables(self) -> None:
        count = self.checker.resolve(self)
        if count is None:
            self.show_status("Resolving cancelled: nothing was imported.")
        elif count:
            self.problems.show()
            self.problems.raise_()
            self.show_status(f"{count} task(s) have callables that do not resolve or fit; "
                             "see Problems.", 10000)
        else:
            self.show_status("Every callable resolves.", 8000)

    def show_shortcuts(self) -> None:
        rows = [
            ("Add a task", "Tab or double-click on the canvas"),
            ("Connect", "drag from a task's output port to another's input"),
            ("Pan", "middle button, or Space + drag"),
            ("Zoom", "wheel, Ctrl++ / Ctrl+-"),
            ("Fit all / Auto layout", "F / L"),
            ("Select several", "rubber band, or Ctrl + click"),
            ("Delete", "Delete"),
            ("Copy, paste, duplicate", "Ctrl+C, Ctrl+V, Ctrl+D"),
            ("Undo, redo", "Ctrl+Z, Ctrl+Shift+Z"),
            ("Run, cancel", "F5, Shift+F5 or Esc"),
            ("Re-run failed, compare", "Ctrl+F5, Ctrl+Shift+F5"),
        ]
        body = "".join(f"<tr><td><b>{what}</b>&nbsp;&nbsp;</td><td>{how}</td></tr>"
                       for what, how in rows)
        QMessageBox.information(self, "Keyboard shortcuts", f"<table>{body}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About TaskFlow",
            "<b>TaskFlow</b><br>Design, run and compare Python task workflows.",
        )

    # -- extension points --------------------------------------------------------------
    def add_bottom_dock(self, dock: QDockWidget) -> None:
        """Add a dock tabbed with Problems, listed under View ▸ Panels."""
        if not dock.objectName():
            dock.setObjectName(type(dock).__name__)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.tabifyDockWidget(self.problems, dock)
        self.panels_menu.addAction(dock.toggleViewAction())
        self.problems.raise_()

    # -- layout persistence ------------------------------------------------------------
    def restore_layout(self) -> None:
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        geometry = settings.value("geometry")
        state = settings.value("state")
        settings.endGroup()
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), LAYOUT_VERSION)

    def save_layout(self) -> None:
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState(LAYOUT_VERSION))
        settings.endGroup()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in (self.palette_dock, self.inspector, self.problems):
            dock.show()
        self.resizeDocks([self.palette_dock, self.inspector], [260, 330],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems], [150], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.runs.confirm_close() or not self.files.maybe_close():
            event.ignore()
            return
        self.runs.shutdown()
        if self._persist_layout:
            self.save_layout()
        self.document.close()
        event.accept()
