"""Sequential against parallel, side by side.

The two Gantt charts share one time scale (and one left edge), so the parallel
run's bars visibly shrink against the sequential ones. The numbers and the
sentence come from :mod:`taskflow_core.compare`, the same code the command line
prints, so both always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from taskflow_core.compare import (
    CompareReport,
    compare_results,
    format_seconds,
    format_speedup,
)

from taskflow_gui.docks.timings import GanttChart, RunTimeline

__all__ = ["CompareDock", "CompareView"]


class _Metric(QFrame):
    """A small card: caption above, value below."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareMetric")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self.caption = QLabel(caption, self)
        faint = self.caption.palette()
        color = faint.windowText().color()
        color.setAlphaF(0.65)
        faint.setColor(self.caption.foregroundRole(), color)
        self.caption.setPalette(faint)
        self.value = QLabel("-", self)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("", self)
        self.detail.setPalette(faint)
        small = QFont(self.detail.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.detail.setFont(small)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)


class CompareView(QWidget):
    """The comparison of one sequential and one parallel run of the same workflow.

    Wiring: ``view.connect_controller(run_controller)`` fills it when a
    comparison finishes; ``set_results(sequential, parallel)`` does it by hand.
    """

    #: A file was written by an export: its path.
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self._report: CompareReport | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)

        # Everything inside ``charts`` is what "Export PNG" saves.
        self.charts = QWidget(self)
        self.charts.setObjectName("compareCharts")
        self.charts.setAutoFillBackground(True)
        layout = QVBoxLayout(self.charts)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(10)

        self.sentence_label = QLabel("Run a comparison to see both runs side by side.")
        self.sentence_label.setObjectName("compareSentence")
        self.sentence_label.setWordWrap(True)
        self.sentence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.sentence_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.sentence_label.setFont(font)
        layout.addWidget(self.sentence_label)

        cards = QGridLayout()
        cards.setHorizontalSpacing(8)
        self.sequential_metric = _Metric("Sequential")
        self.parallel_metric = _Metric("Parallel")
        self.speedup_metric = _Metric("Speedup")
        self.efficiency_metric = _Metric("Parallel efficiency")
        self.best_metric = _Metric("Best possible")
        for column, card in enumerate(
            (
                self.sequential_metric,
                self.parallel_metric,
                self.speedup_metric,
                self.efficiency_metric,
                self.best_metric,
            )
        ):
            cards.addWidget(card, 0, column)
            cards.setColumnStretch(column, 1)
        layout.addLayout(cards)

        self.sequential_chart = GanttChart(self.charts, title="Sequential")
        self.sequential_chart.setObjectName("compareSequentialChart")
        self.parallel_chart = GanttChart(self.charts, title="Parallel")
        self.parallel_chart.setObjectName("compareParallelChart")
        self.parallel_chart.show_legend = False
        layout.addWidget(self.sequential_chart)
        layout.addWidget(self.parallel_chart)
        layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.charts)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_json_button = QPushButton("Export JSON…", self)
        self.export_json_button.setObjectName("compareExportJson")
        self.export_png_button = QPushButton("Export PNG…", self)
        self.export_png_button.setObjectName("compareExportPng")
        buttons.addWidget(self.export_json_button)
        buttons.addWidget(self.export_png_button)
        outer.addLayout(buttons)
        self.export_json_button.clicked.connect(self._ask_export_json)
        self.export_png_button.clicked.connect(self._ask_export_png)
        self._update_buttons()

    # -- public API -------------------------------------------------------------------

    @property
    def report(self) -> CompareReport | None:
        """The numbers on show (None before the first comparison)."""
        return self._report

    def connect_controller(self, controller: Any) -> None:
        """Fill the view whenever ``controller`` finishes a comparison."""
        controller.compare_finished.connect(self.set_results)

    @Slot(object, object)
    def set_results(self, sequential: Any, parallel: Any) -> CompareReport:
        """Show two ``ProcessResult`` objects of the same workflow."""
        report = compare_results(sequential, parallel)
        self._report = report
        seq_timeline = RunTimeline.from_result(sequential)
        par_timeline = RunTimeline.from_result(parallel)
        self.sequential_chart.set_timeline(seq_timeline)
        self.parallel_chart.set_timeline(par_timeline)
        span = max(seq_timeline.span(), par_timeline.span(), 1e-3)
        label_width = max(self.sequential_chart.label_width(), self.parallel_chart.label_width())
        for chart in (self.sequential_chart, self.parallel_chart):
            chart.set_time_span(span)
            chart.set_label_width(label_width)
        self.sequential_chart.set_title(
            f"Sequential: {format_seconds(report.sequential_seconds)}"
            + ("" if report.sequential_ok else "  (not every task succeeded)")
        )
        noun = "worker" if report.workers == 1 else "workers"
        self.parallel_chart.set_title(
            f"Parallel, {report.workers} {noun}: {format_seconds(report.parallel_seconds)}"
            + ("" if report.parallel_ok else "  (not every task succeeded)")
        )
        self.sentence_label.setText(report.sentence + ".")
        self.sequential_metric.set(format_seconds(report.sequential_seconds), "wall time")
        self.parallel_metric.set(
            format_seconds(report.parallel_seconds), f"wall time, {report.workers} {noun}"
        )
        self.speedup_metric.set(
            format_speedup(report.speedup),
            f"parallel / sequential = {report.parallel_over_sequential:.2f}",
        )
        self.efficiency_metric.set(
            f"{report.efficiency * 100:.0f} %", f"speedup / {report.workers} {noun}"
        )
        self.best_metric.set(
            format_speedup(report.best_possible_speedup),
            f"critical path {format_seconds(report.critical_path_seconds)}, "
            f"work {format_seconds(report.work_seconds)}",
        )
        self._update_buttons()
        return report

    def export_json(self, path: str | Path) -> Path:
        """Write the report (numbers, sentence and both runs) as JSON."""
        if self._report is None:
            raise RuntimeError("Nothing to export: no comparison has been run yet")
        target = Path(path)
        target.write_text(self._report.to_json() + "\n", encoding="utf-8")
        self.exported.emit(str(target))
        return target

    def export_png(self, path: str | Path) -> Path:
        """Save the sentence, the numbers and both charts as one PNG image."""
        if self._report is None:
            raise RuntimeError("Nothing to export: no comparison has been run yet")
        target = Path(path)
        pixmap = self.charts.grab()
        if not pixmap.save(str(target), "PNG"):
            raise OSError(f"Could not write {target}")
        self.exported.emit(str(target))
        return target

    # -- internals --------------------------------------------------------------------

    def _update_buttons(self) -> None:
        enabled = self._report is not None
        self.export_json_button.setEnabled(enabled)
        self.export_png_button.setEnabled(enabled)

    @Slot()
    def _ask_export_json(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export comparison report", "comparison.json", "JSON (*.json)"
        )
        if path:
            self.export_json(path)

    @Slot()
    def _ask_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export comparison charts", "comparison.png", "PNG image (*.png)"
        )
        if path:
            self.export_png(path)


class CompareDock(QDockWidget):
    """A dock holding a :class:`CompareView` (``dock.view``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Compare", parent)
        self.setObjectName("CompareDock")
        self.view = CompareView(self)
        self.setWidget(self.view)

    def connect_controller(self, controller: Any) -> None:
        """Fill the view when a comparison finishes, and show the dock."""
        self.view.connect_controller(controller)
        controller.compare_finished.connect(self._reveal)

    @Slot(object, object)
    def _reveal(self, *_results: Any) -> None:
        self.show()
        self.raise_()
