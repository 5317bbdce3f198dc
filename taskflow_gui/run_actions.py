"""The Run menu and toolbar: mode, workers, Run, Cancel, Re-run Failed, Compare, exports.

Only the controls live here; what they do is `RunFlow`'s business. The toolbar
has three sections::

    Resolve | Mode [Parallel v]  Workers [4]  <options> | Run  Cancel  Re-run Failed | Compare

Run options (the mode, the workers, and whatever is added with `add_option`,
e.g. an executor choice) sit in the middle section, are remembered in
QSettings where it makes sense, and are disabled while a run is going on.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QSpinBox, QToolBar, QWidget

from taskflow_gui.actions import make_action

__all__ = ["DEFAULT_WORKERS", "MAX_WORKERS", "MODES", "SETTINGS_GROUP", "RunActions"]

MODES: tuple[str, ...] = ("sequential", "parallel")
DEFAULT_MODE = "parallel"
DEFAULT_WORKERS = 4
MAX_WORKERS = 64
SETTINGS_GROUP = "run"


class RunActions(QObject):
    """The run controls; `install` lays them out in a menu and a toolbar."""

    optionsChanged = Signal()
    """The mode or the number of workers changed."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        a = make_action
        self.sequential = a(self, "&Sequential", tip="Run one task at a time, in dependency order")
        self.parallel = a(self, "&Parallel",
                          tip="Run independent tasks at the same time on several workers")
        self.mode_group = QActionGroup(self)
        for action in (self.sequential, self.parallel):
            action.setCheckable(True)
            self.mode_group.addAction(action)

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("runMode")
        self.mode_combo.addItem("Sequential", "sequential")
        self.mode_combo.addItem("Parallel", "parallel")
        self.mode_combo.setToolTip("How Run executes the workflow")
        self.workers_spin = QSpinBox()
        self.workers_spin.setObjectName("runWorkers")
        self.workers_spin.setRange(1, MAX_WORKERS)
        self.workers_spin.setValue(DEFAULT_WORKERS)
        self.workers_spin.setToolTip("Workers for parallel runs and for the parallel half of "
                                     "Compare")

        self.run = a(self, "&Run", shortcut="F5", icon_name="run",
                     tip="Run the workflow with the chosen mode and workers")
        self.cancel = a(self, "&Cancel Run", shortcut="Shift+F5", icon_name="stop",
                        tip="Stop the run: no task starts any more (Esc works too)")
        self.cancel.setShortcuts([QKeySequence("Shift+F5"), QKeySequence(Qt.Key.Key_Escape)])
        self.cancel.setIconText("Cancel")
        self.rerun_failed = a(self, "Re-run &Failed", shortcut="Ctrl+F5", icon_name="rerun",
                              tip="Run only the tasks that failed, were skipped or cancelled "
                                  "last time, reusing the other results")
        self.rerun_failed.setIconText("Re-run Failed")
        self.compare = a(self, "&Compare Sequential vs Parallel", shortcut="Ctrl+Shift+F5",
                         icon_name="compare",
                         tip="Run sequentially, then in parallel, and show both side by side")
        self.compare.setIconText("Compare")
        self.export_json = a(self, "Export Comparison &Report (JSON)…",
                             tip="Save the last comparison's numbers and both runs as JSON")
        self.export_png = a(self, "Export Comparison C&harts (PNG)…",
                            tip="Save the last comparison's charts as a picture")

        self._options: list[QWidget | QAction] = [self.sequential, self.parallel,
                                                  self.mode_combo, self.workers_spin]
        self._toolbar: QToolBar | None = None
        self._options_end: QAction | None = None
        self._idle = True

        self._restore()
        self.mode_group.triggered.connect(self._mode_action_triggered)
        self.mode_combo.currentIndexChanged.connect(self._mode_combo_changed)
        self.workers_spin.valueChanged.connect(self._workers_changed)
        self.set_state(running=False, cancelling=False, can_rerun=False, can_export=False)

    # -- layout ------------------------------------------------------------------------
    def install(self, menu: QMenu, toolbar: QToolBar) -> None:
        """Add the controls after what `menu` and `toolbar` already hold (Resolve)."""
        menu.addSeparator()
        mode_menu = menu.addMenu("&Mode")
        mode_menu.addActions([self.sequential, self.parallel])
        menu.addSeparator()
        menu.addActions([self.run, self.cancel, self.rerun_failed])
        menu.addSeparator()
        menu.addAction(self.compare)
        menu.addActions([self.export_json, self.export_png])

        toolbar.addSeparator()
        toolbar.addWidget(_caption("Mode"))
        toolbar.addWidget(self.mode_combo)
        toolbar.addWidget(_caption("Workers"))
        toolbar.addWidget(self.workers_spin)
        self._options_end = toolbar.addSeparator()
        toolbar.addActions([self.run, self.cancel, self.rerun_failed])
        toolbar.addSeparator()
        toolbar.addAction(self.compare)
        self._toolbar = toolbar

    def add_option(self, widget: QWidget, label: str = "") -> None:
        """Put one more run option (e.g. an executor choice) next to Workers.

        The widget is disabled while a run is going on, like the mode and workers.
        """
        if self._toolbar is None or self._options_end is None:
            raise RuntimeError("install() the run actions before adding options")
        if label:
            self._toolbar.insertWidget(self._options_end, _caption(label))
        self._toolbar.insertWidget(self._options_end, widget)
        self._options.append(widget)
        widget.setEnabled(self._idle)

    # -- state -------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """"sequential" or "parallel"."""
        return "parallel" if self.parallel.isChecked() else "sequential"

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}. Got {mode!r}")
        (self.parallel if mode == "parallel" else self.sequential).setChecked(True)
        self._sync_combo()
        self._save()

    @property
    def workers(self) -> int:
        return int(self.workers_spin.value())

    def set_workers(self, workers: int) -> None:
        self.workers_spin.setValue(workers)

    def set_state(self, *, running: bool, cancelling: bool, can_rerun: bool,
                  can_export: bool) -> None:
        """Enable what makes sense: nothing starts while a run goes on."""
        idle = self._idle = not running
        for action in (self.run, self.compare):
            action.setEnabled(idle)
        self.rerun_failed.setEnabled(idle and can_rerun)
        self.cancel.setEnabled(running and not cancelling)
        for option in self._options:
            option.setEnabled(idle)
        for action in (self.export_json, self.export_png):
            action.setEnabled(can_export)

    # -- internals ---------------------------------------------------------------------
    def _restore(self) -> None:
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        mode = str(settings.value("mode", DEFAULT_MODE) or DEFAULT_MODE)
        try:
            workers = int(settings.value("workers", DEFAULT_WORKERS))
        except (TypeError, ValueError):
            workers = DEFAULT_WORKERS
        settings.endGroup()
        (self.parallel if mode != "sequential" else self.sequential).setChecked(True)
        self._sync_combo()
        self.workers_spin.setValue(min(MAX_WORKERS, max(1, workers)))

    def _save(self) -> None:
        settings = QSettings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("mode", self.mode)
        settings.setValue("workers", self.workers)
        settings.endGroup()

    def _sync_combo(self) -> None:
        index = self.mode_combo.findData(self.mode)
        if index != self.mode_combo.currentIndex():
            blocked = self.mode_combo.blockSignals(True)
            self.mode_combo.setCurrentIndex(index)
            self.mode_combo.blockSignals(blocked)

    def _mode_action_triggered(self, _action: QAction) -> None:
        self._sync_combo()
        self._save()
        self.optionsChanged.emit()

    def _mode_combo_changed(self, _index: int) -> None:
        mode = self.mode_combo.currentData()
        (self.parallel if mode == "parallel" else self.sequential).setChecked(True)
        self._save()
        self.optionsChanged.emit()

    def _workers_changed(self, _value: int) -> None:
        self._save()
        self.optionsChanged.emit()


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setContentsMargins(6, 0, 4, 0)
    label.setStyleSheet("color: #4a5361;")
    return label
