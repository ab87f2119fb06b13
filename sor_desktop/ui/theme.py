"""Dark theme: palette, style sheet, venue colours, mode colours. One place for every colour."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

BG = "#14171c"
PANEL = "#1b1f26"
PANEL_ALT = "#20252d"
BORDER = "#2c323c"
TEXT = "#d7dce3"
MUTED = "#7d8692"
GREY = "#545b66"  # stale venues, wherever they appear
BID = "#26a69a"
ASK = "#ef5350"
ACCENT = "#4f9dff"
WARN = "#f0b429"
ERROR = "#ff5c5c"

MODE_COLOURS = {
    "simulated": ("#1e5aa8", "#ffffff"),
    "paper": ("#8a6d00", "#ffffff"),
    "replay": ("#5b4a8a", "#ffffff"),
    "live": ("#d0021b", "#ffffff"),
}

_VENUE_COLOURS = {
    "binanceusdm": "#f0b90b",
    "bybit": "#ff5fa2",
    "bingx": "#2f7bff",
    "weex": "#b56cff",
    "mexc": "#19c2a0",
}
_SPARE = ["#e377c2", "#8cd17d", "#ff9d9a", "#9edae5", "#c49c94"]
CONSOLIDATED = "#e8e8e8"


def venue_colour(venue: str) -> str:
    if venue in _VENUE_COLOURS:
        return _VENUE_COLOURS[venue]
    return _SPARE[sum(map(ord, venue)) % len(_SPARE)]


def mono_font(size: int = 10) -> QFont:
    f = QFont("DejaVu Sans Mono")
    f.setStyleHint(QFont.StyleHint.Monospace)
    f.setPointSize(size)
    return f


STYLE = f"""
QMainWindow, QDialog {{ background: {BG}; }}
QWidget {{ color: {TEXT}; font-size: 10pt; }}
QDockWidget::title {{ background: {PANEL_ALT}; padding: 4px 8px; border-bottom: 1px solid {BORDER}; }}
QTableView, QTableWidget {{ background: {PANEL}; alternate-background-color: {PANEL_ALT};
    gridline-color: {BORDER}; selection-background-color: #2d3f5c; border: none; }}
QHeaderView::section {{ background: {PANEL_ALT}; color: {MUTED}; border: none;
    border-bottom: 1px solid {BORDER}; padding: 3px 6px; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QPlainTextEdit {{ background: #0f1216;
    border: 1px solid {BORDER}; border-radius: 3px; padding: 3px 5px; }}
QLineEdit[invalid="true"] {{ border: 1px solid {ERROR}; background: #2a1416; }}
QPushButton {{ background: {PANEL_ALT}; border: 1px solid {BORDER}; border-radius: 3px; padding: 5px 12px; }}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:disabled {{ color: {GREY}; }}
QPushButton#buy:checked {{ background: {BID}; color: #06110f; font-weight: bold; }}
QPushButton#sell:checked {{ background: {ASK}; color: #1a0707; font-weight: bold; }}
QPushButton#route {{ background: {ACCENT}; color: #06101f; font-weight: bold; padding: 8px; }}
QPushButton#route:disabled {{ background: {PANEL_ALT}; color: {GREY}; }}
QStatusBar {{ background: {PANEL_ALT}; border-top: 1px solid {BORDER}; }}
QLabel#error {{ color: {ERROR}; }}
QLabel#muted {{ color: {MUTED}; }}
QCheckBox:disabled {{ color: {GREY}; }}
QTabBar::tab {{ background: {PANEL_ALT}; padding: 4px 10px; border: 1px solid {BORDER}; }}
QTabBar::tab:selected {{ background: {PANEL}; border-bottom-color: {ACCENT}; }}
QToolTip {{ background: #0f1216; color: {TEXT}; border: 1px solid {BORDER}; }}
"""


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, BG), (QPalette.ColorRole.Base, PANEL),
        (QPalette.ColorRole.AlternateBase, PANEL_ALT), (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.WindowText, TEXT), (QPalette.ColorRole.Button, PANEL_ALT),
        (QPalette.ColorRole.ButtonText, TEXT), (QPalette.ColorRole.Highlight, "#2d3f5c"),
        (QPalette.ColorRole.ToolTipBase, "#0f1216"), (QPalette.ColorRole.ToolTipText, TEXT),
    ):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    app.setStyleSheet(STYLE)
    pg.setConfigOptions(background=PANEL, foreground=MUTED, antialias=False)


def cache_axes(plot: pg.PlotWidget) -> None:
    """Paint each axis (ticks, labels, grid) once into a pixmap and blit it on every frame: replaying
    the axis picture costs ~10 ms per frame in software rendering; it changes only with the range."""
    from PySide6.QtWidgets import QGraphicsItem

    from sor_desktop.ui.price_axis import no_multipliers

    for axis in plot.getPlotItem().axes.values():
        axis["item"].setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # no "(x0.001)" multipliers on any chart: values are written out (DOGE sizes, bps)
        no_multipliers(axis["item"])
    legend = plot.getPlotItem().legend
    if legend is not None:  # its text re-rendered on every frame otherwise
        legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def compact(value: float) -> str:
    """1.2M, 350k, 42.5: amounts on an axis, readable at a glance."""
    a = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.4g}"


class CompactAxis(pg.AxisItem):
    """A value axis with k/M suffixes instead of pyqtgraph's scientific notation."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if self.logMode:  # values are log10 of the amounts (the depth chart's log scale)
            return [compact(10 ** (v * scale)) for v in values]
        return [compact(v * scale) for v in values]
