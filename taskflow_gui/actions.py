"""Every action of the main window, defined once and reused by menus and toolbar.

Standard operations use `QKeySequence.StandardKey`, so shortcuts follow the
platform (Ctrl+Shift+Z or Ctrl+Y for redo, and so on). Canvas editing actions
(copy, paste, delete, ...) are only active while the canvas has focus, so the
same keys keep working normally in the docks' text fields and lists.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup

from taskflow_gui.icons import icon

Key = QKeySequence.StandardKey


def make_action(
    parent: QObject,
    text: str,
    *,
    shortcut: QKeySequence.StandardKey | str | None = None,
    icon_name: str = "",
    tip: str = "",
) -> QAction:
    action = QAction(text, parent)
    if isinstance(shortcut, QKeySequence.StandardKey):
        action.setShortcuts(shortcut)
    elif shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if icon_name:
        action.setIcon(icon(icon_name))
    plain = text.replace("&", "").rstrip("…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{plain} ({keys})" if keys else plain)
    if tip:
        action.setStatusTip(tip)
    return action


class Actions(QObject):
    """The window's actions; `main_window` connects them and lays them out."""

    def __init__(self, parent: QObject, undo_group: QUndoGroup) -> None:
        super().__init__(parent)
        a = make_action
        # File
        self.new = a(self, "&New", shortcut=Key.New, icon_name="new",
                     tip="Start a new, empty workflow")
        self.open = a(self, "&Open…", shortcut=Key.Open, icon_name="open",
                      tip="Open a .taskflow.json project")
        self.save = a(self, "&Save", shortcut=Key.Save, icon_name="save",
                      tip="Save the project")
        self.save_as = a(self, "Save &As…", shortcut=Key.SaveAs,
                         tip="Save the project under a new name")
        self.project_settings = a(self, "Project Se&ttings…", shortcut="Ctrl+Alt+S",
                                  tip="The project's name, python paths and executor")
        self.export_png = a(self, "Export Canvas as &PNG…", icon_name="export",
                            tip="Save a picture of the whole workflow")
        self.export_svg = a(self, "Export Canvas as S&VG…",
                            tip="Save the workflow as a scalable drawing")
        self.quit = a(self, "&Quit", shortcut=Key.Quit, tip="Close the designer")
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        # Edit
        self.undo = undo_group.createUndoAction(self, "&Undo")
        self.undo.setShortcuts(Key.Undo)
        self.undo.setIcon(icon("undo"))
        self.redo = undo_group.createRedoAction(self, "&Redo")
        self.redo.setShortcuts(Key.Redo)
        self.redo.setIcon(icon("redo"))
        self.cut = a(self, "Cu&t", shortcut=Key.Cut, tip="Cut the selected tasks")
        self.copy = a(self, "&Copy", shortcut=Key.Copy, tip="Copy the selected tasks as JSON")
        self.paste = a(self, "&Paste", shortcut=Key.Paste, tip="Paste tasks from the clipboard")
        self.duplicate = a(self, "D&uplicate", shortcut="Ctrl+D",
                           tip="Copy the selected tasks next to themselves")
        self.delete = a(self, "&Delete", shortcut=Key.Delete, icon_name="delete",
                        tip="Delete the selected tasks and edges")
        self.select_all = a(self, "Select &All", shortcut=Key.SelectAll,
                            tip="Select every task")
        self.add_task = a(self, "&Add Task…", icon_name="add_task",
                          tip="Search the palette and add a task (Tab on the canvas)")
        self.add_task.setToolTip("Add task (Tab on the canvas)")
        self.canvas_actions = [
            self.cut, self.copy, self.paste, self.duplicate, self.delete, self.select_all,
        ]

        # View
        self.zoom_in = a(self, "Zoom &In", shortcut=Key.ZoomIn, icon_name="zoom_in")
        self.zoom_out = a(self, "Zoom &Out", shortcut=Key.ZoomOut, icon_name="zoom_out")
        self.fit = a(self, "&Fit All", shortcut="F", icon_name="fit",
                     tip="Zoom to show the whole workflow")
        self.auto_layout = a(self, "Auto &Layout", shortcut="L", icon_name="layout",
                             tip="Arrange tasks in columns by dependency order")

        # Run
        self.resolve = a(self, "&Resolve Callables…", shortcut="Ctrl+Shift+R",
                         icon_name="resolve",
                         tip="Import the project's modules and check every task's callable")

        # Help
        self.about = a(self, "&About TaskFlow")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.shortcuts = a(self, "&Keyboard Shortcuts", shortcut=Key.HelpContents)

        for action in (*self.canvas_actions, self.fit, self.auto_layout):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def all(self) -> list[QAction]:
        return [v for v in vars(self).values() if isinstance(v, QAction)]

