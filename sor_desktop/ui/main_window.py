"""The main window: mode banner, docked panels (depth, impact, ladder, routing, blotter, positions,
log), venue chips, hotkeys, and the frame timer that redraws from the store's dirty keys.

It reads state from the session and sends intents to it; it never awaits a venue.
"""

from __future__ import annotations

import gc
import logging
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal

from PySide6.QtCore import QByteArray, QObject, QProcess, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import Plan, VenueInput
from sor_desktop.core.price_format import display_tick
from sor_desktop.engine.flatten import plan_flatten_underlying
from sor_desktop.engine.limit_entry import on_tick
from sor_desktop.engine.preview import (
    BASE,
    AmountError,
    Preview,
    PreviewRequest,
    Sweep,
    hold_funding,
    parse_amount,
    reference_mid,
    sweep_to_price,
)
from sor_desktop.engine.session import Session
from sor_desktop.engine.session_events import (
    AccountUpdate,
    ElsewhereUpdate,
    LegUpdate,
    Notice,
    RouteDone,
    RouteStarted,
    SessionEvent,
)
from sor_desktop.engine.session_routes import AlreadySent
from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.about import show_about
from sor_desktop.ui.blotter import Blotter, leg_failure, venue_words
from sor_desktop.ui.confirm_dialog import ConfirmDialog, Quote, needs_typing
from sor_desktop.ui.depth_chart import DepthChart
from sor_desktop.ui.futures_inputs import terms_tooltip
from sor_desktop.ui.hotkeys import show_hotkeys
from sor_desktop.ui.impact_chart import PENDING, ImpactChart, Pending
from sor_desktop.ui.ladder import Ladder, funding_short
from sor_desktop.ui.log_panel import SHOWN, LogPanel, NoticeLabel, StickyNotices
from sor_desktop.ui.mode_banner import ModeBanner
from sor_desktop.ui.positions import Positions
from sor_desktop.ui.preview_planner import PreviewPlanner
from sor_desktop.ui.routing_panel import RoutingPanel
from sor_desktop.ui.size_presets import (
    MAX_PRESETS,
    Preset,
    SizePresets,
    convert_amount,
    default_presets,
    parse_presets,
)
from sor_desktop.ui.slippage_chart import SlippageChart
from sor_desktop.ui.vault_menu import VaultMenu
from sor_desktop.ui.venue_chips import VenueChip
from sor_desktop.ui.working_orders import WorkingOrders
from sor_desktop.venues.errors import without_request

log = logging.getLogger(__name__)

FRAME_MS = 33  # ~30 Hz, however fast books arrive
SLOW_EVERY = 8  # chips and the live preview every 8th frame (~4 Hz): a trader's reading speed
LADDER_EVERY = 16  # the ladder: ~2 Hz
# on frames 12 mod 16: not a slow frame (0 mod 8: chips and preview) nor a margins frame (4 mod 16).
# At 8 mod 16 it ran with the chips and the preview every time, and those frames were most of the
# bench's worst event-loop lags.
LADDER_PHASE = 3 * SLOW_EVERY // 2
IMPACT_EVERY = 90  # a new impact pass every 3 s; its router plans spread over the frames between
LAYOUT_VERSION = 1
COMPACT_CHIPS_BELOW = 1700  # window width under which the chips leave age, rate and rtt to their tooltips


_gc_frozen = False


def _freeze_startup_objects() -> None:
    """Move everything alive after start-up (Qt wrappers, modules, ccxt, markets: ~80k objects) out
    of the collector's reach, once per process. A full collection then scans only what was made
    since: measured 45-53 ms -> 0.2-0.4 ms, a pause the frame timer would otherwise feel."""
    global _gc_frozen
    if _gc_frozen:
        return
    _gc_frozen = True
    gc.collect()  # do not freeze garbage
    gc.freeze()


def _fitting(width: int, height: int, widget: QWidget) -> QSize:
    """The default size, shrunk to the screen's free area (a 1280x720 screen cut the window off)."""
    screen = widget.screen()
    # offscreen (tests, --screenshot) has a nominal 800x600 screen: keep the full default there
    if screen is None or QGuiApplication.platformName() == "offscreen":
        return QSize(width, height)
    free = screen.availableGeometry()
    return QSize(min(width, free.width()), min(height, free.height()))


class _Bridge(QObject):
    happened = Signal(object)


class MainWindow(QMainWindow):
    window_closed = Signal()

    def __init__(self, session: Session, settings: settings_mod.QSettings | None = None, *,
                 restore: bool = True) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or settings_mod.open_settings()
        self.prefs, pref_problems = settings_mod.read_prefs(self.settings)
        session.leverage = self.prefs.leverage  # where a venue's position does not give its own
        self.setWindowTitle(f"sor-desktop · {session.mode.upper()}")
        self.setObjectName("main")
        self.resize(_fitting(1600, 1000, self))
        self.setDockNestingEnabled(True)
        self.frame_no = 0
        self.update_to_screen_ms: deque[float] = deque(maxlen=100_000)
        self.first_frame_at: float | None = None
        self._stale: set[str] = set()
        self._preview: Preview | None = None
        self._quoted_at: float | None = None
        self._books_moved = False
        self._impact_started = False
        self._impact_capped = False  # the last pass knew every usable venue's margin cap
        self.confirm: ConfirmDialog | None = None
        self.trading_locked: str | None = None  # why order entry is stopped (vault auto-locked)
        self.tick: Decimal | None = None  # the symbol's display tick: how every panel writes its prices

        self.banner = ModeBanner(str(session.mode))
        self.depth_chart = DepthChart()
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.banner)
        lay.addWidget(self.depth_chart, 1)
        self.setCentralWidget(central)

        self.routing = RoutingPanel()
        self.routing.slippage.setValue(self.prefs.slippage_bps)
        self.routing.leg_cost.setValue(self.prefs.leg_cost)
        self.sizes = SizePresets()
        self.routing.add_sizes_row(self.sizes)
        self.sizes.picked.connect(self.use_preset)
        # after Qt has laid the grown table out (its header lengths are only right then)
        self.routing.preview.needs_room.connect(lambda: QTimer.singleShot(50, self._give_preview_room))
        self._unit_was = str(self.routing.unit.currentData() or BASE)
        # a percent size while the amount is the one its button wrote: (percent, text written)
        self._percent_size: tuple[Decimal, str] | None = None
        self.routing.unit.currentIndexChanged.connect(self._unit_changed)
        self.impact = ImpactChart()
        self.ladder = Ladder()
        self.blotter = Blotter()
        self.working = WorkingOrders()  # own orders still working: the ladder's mine column
        self.positions = Positions()
        self.log_panel = LogPanel()
        self.slippage = SlippageChart()
        self.docks: dict[str, QDockWidget] = {}
        self.routing.set_compact(self.height() < 900)
        # the right column runs the full height: the Route form and the ladder keep their room,
        # the bottom panels share the width under the chart (the window's minimum height was the
        # Route form plus the ladder plus the bottom panels: 734 px, more than a 720 screen)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._scaling = False
        self._laid_out = False  # set by default_sizes, or by a layout restored from the last run
        self._compact_bottom = False  # the bottom panels as tabs (a window narrower than 1500)
        # the Route dock's width and height before and after a split grew them
        self._route_grown: dict[Qt.Orientation, tuple[int, int]] = {}
        self._dock("routing", "Route", self.routing, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("ladder", "Consolidated ladder", self.ladder, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("impact", "Price impact", self.impact, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("blotter", "Blotter", self.blotter, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("positions", "Positions && margin", self.positions, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("slippage", "Slippage", self.slippage, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("log", "Log", self.log_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["routing"], self.docks["ladder"], Qt.Orientation.Vertical)
        self.splitDockWidget(self.docks["impact"], self.docks["blotter"], Qt.Orientation.Horizontal)
        self.tabifyDockWidget(self.docks["blotter"], self.docks["positions"])
        self.tabifyDockWidget(self.docks["positions"], self.docks["slippage"])
        self.tabifyDockWidget(self.docks["slippage"], self.docks["log"])
        self.docks["blotter"].raise_()
        self.resizeDocks([self.docks["routing"]], [560], Qt.Orientation.Horizontal)
        self._default_state = self.saveState(LAYOUT_VERSION)

        self.chips: dict[str, VenueChip] = {}
        self.notice = NoticeLabel()
        # rejects and errors stay until dismissed, on a strip of their own along the bottom edge,
        # right above the status bar: beside the five venue chips they were cut to a few words
        self.alerts = StickyNotices()
        strip = QToolBar("Notices")
        strip.setObjectName("notices")
        strip.setMovable(False)
        strip.setFloatable(False)
        strip.toggleViewAction().setVisible(False)
        strip.addWidget(self.alerts)
        self.alerts_strip = strip
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, strip)
        self.alerts.shown_changed.connect(strip.setVisible)
        strip.hide()
        self.statusBar().addPermanentWidget(self.notice, 1)
        self._failures: dict[tuple[str, int], str] = {}  # (route, leg) -> how it fell short, as last told
        self._rejects: dict[str, dict[int, str]] = {}  # route -> leg -> "mexc [2005] Insufficient balance"
        self._waiting_for_books = False  # the preview says no book has come yet
        self._menus()
        self._hotkeys()
        for line in pref_problems:  # shown, logged to the file (notify), and the default guards apply
            self.notify("warning", line)

        self.bridge = _Bridge()
        self.bridge.happened.connect(self._on_event)
        session.listeners.append(self.bridge.happened.emit)
        # previews are planned on a worker thread (each job carries when its books arrived: the
        # quote age the confirmation shows)
        self.planner = PreviewPlanner(self.session.plan_job, self)
        self.planner.finished.connect(self._on_planned)
        self.planner.background_done.connect(self._impact_landed)
        self._impact_pass = 0  # the impact chart's routed curve: its pass, sizes asked and planned
        self._impact_asked: set[tuple[int, float]] = set()
        self._impact_prices: dict[object, Preview] = {}
        self._impact_failed = 0  # the last pass a size of which could not be planned
        self._reasked = 0
        self.routing.changed.connect(self.refresh_preview)
        self.routing.preview_now.connect(lambda: self.refresh_preview(now=True))
        self.positions.flatten_requested.connect(self.flatten)
        self.ladder.sweep_requested.connect(self.sweep_to)  # the same sweep as a click on the depth chart
        self.positions.close_requested.connect(lambda venue: self.flatten({venue}))
        self.routing.symbol_changed.connect(self._change_symbol)
        self.routing.route_requested.connect(self.on_route_requested)
        self.depth_chart.price_clicked.connect(
            lambda price: self.sweep_to(price, shown=self.depth_chart.shown_sweep(price)))
        self.depth_chart.sim_requested.connect(self.open_simulated_market)
        self.depth_chart.sweep_source = self.sweep_at

        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.on_frame)
        self.keep_layout = restore
        self._restored = restore and self._restore()
        self._laid_out = self._restored

    # -- layout ------------------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        d = QDockWidget(title, self)
        d.setObjectName(f"dock_{name}")
        d.setWidget(widget)
        d.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                      | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                      | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, d)
        self.docks[name] = d
        # after the docks left behind have taken its space: the Route button moves down when the
        # ladder under it floats, into where the floated ladder still is
        d.topLevelChanged.connect(
            lambda floating, d=d: QTimer.singleShot(0, lambda: self._place_floating(d)) if floating else None)

    def _place_floating(self, dock: QDockWidget) -> None:
        """A panel floated from its dock opens over the chart, never over the Route button (a
        floated ladder landed on it)."""
        route = self.routing.route
        button = route.rect().translated(route.mapToGlobal(route.rect().topLeft()))
        if not dock.isFloating() or not dock.frameGeometry().intersects(button) or dock is self.docks["routing"]:
            return
        chart = self.centralWidget()
        if chart is None:
            return
        top_left = chart.mapToGlobal(chart.rect().topLeft())
        dock.move(top_left.x() + 20, top_left.y() + 20)
        if dock.frameGeometry().intersects(button):  # a chart too small to hold it: shrink to fit
            dock.resize(max(200, button.left() - dock.x() - 10), dock.height())

    def _ladder_min_height(self) -> int:
        """The ladder dock's height that shows eight rows and what is around them (the header, the
        dock's title) as laid out now."""
        view = self.ladder.view
        return 8 * view.verticalHeader().defaultSectionSize() + self.docks["ladder"].height() - view.viewport().height() + 6

    def _give_preview_room(self) -> None:
        """The split grew (more legs, the funding and liquidation columns): the Route dock grows to
        show it uncut, wider up to leaving the chart 560 px and taller down to leaving the ladder
        eight rows. While there is a split it does not shrink, so the panels do not jump as legs
        come and go; when the split goes, the room it took goes back (the dock stayed 655 px of
        600 wide, and the ladder 50 px shorter, after the ticket was cleared), unless the trader
        has sized the dock since."""
        dock = self.docks["routing"]
        if not self._laid_out or dock.isFloating() or not dock.isVisible():
            return
        preview = self.routing.preview
        ladder = self.docks["ladder"]
        if preview.plan is None or not preview.plan.legs:
            self._give_room_back(dock, ladder)
            return
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        extra = preview.missing_width()
        if extra:
            width = min(dock.width() + extra, self.width() - 560)
            if width > dock.width():
                before = self._route_grown.get(horizontal, (dock.width(), 0))[0]
                self.resizeDocks([dock], [width], horizontal)
                self._route_grown[horizontal] = (before, self._laid_out_now(dock).width())
        if ladder.isFloating() or not ladder.isVisible():
            return
        title = dock.height() - self.routing.height()
        want = self.routing.whole_height() + title
        if want > dock.height():
            room = dock.height() + ladder.height() - self._ladder_min_height()
            height = min(want, room)
            if height > dock.height():
                before = self._route_grown.get(vertical, (dock.height(), 0))[0]
                self.resizeDocks([dock, ladder], [height, dock.height() + ladder.height() - height], vertical)
                self._route_grown[vertical] = (before, self._laid_out_now(dock).height())

    def _laid_out_now(self, dock: QDockWidget) -> QDockWidget:
        """``dock`` with the sizes just asked for applied (Qt applies them at its next pass, and
        may give less: the chart's minimum capped a width asked as 706 at 655)."""
        layout = self.layout()
        if layout is not None:
            layout.activate()
        return dock

    def _give_room_back(self, dock: QDockWidget, ladder: QDockWidget) -> None:
        grown, self._route_grown = self._route_grown, {}
        width = grown.get(Qt.Orientation.Horizontal)
        if width is not None and dock.width() == width[1]:  # not sized by the trader since
            self.resizeDocks([dock], [width[0]], Qt.Orientation.Horizontal)
        height = grown.get(Qt.Orientation.Vertical)
        if height is not None and dock.height() == height[1] and not ladder.isFloating() and ladder.isVisible():
            total = dock.height() + ladder.height()
            self.resizeDocks([dock, ladder], [height[0], total - height[0]], Qt.Orientation.Vertical)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        """Docks keep their pixel sizes when the window changes size; the chart alone took what was
        gained, so a window grown back from 1280x720 kept a narrow Route panel. The right column
        and the bottom panels keep their share of the window instead."""
        super().resizeEvent(event)
        old, new = event.oldSize(), event.size()
        if (self._scaling or not self._laid_out or not self.isVisible() or old.width() <= 0
                or old.height() <= 0):
            return
        fx, fy = new.width() / old.width(), new.height() / old.height()
        if abs(fx - 1) < 0.02 and abs(fy - 1) < 0.02:
            return
        self._scaling = True
        try:
            right = [d for n, d in self.docks.items() if n in ("routing",) and not d.isFloating()]
            if right:
                self.resizeDocks(right, [int(d.width() * fx) for d in right], Qt.Orientation.Horizontal)
            bottom = [d for n, d in self.docks.items() if n in ("impact", "blotter") and not d.isFloating()]
            if bottom:
                self.resizeDocks(bottom, [int(d.height() * fy) for d in bottom], Qt.Orientation.Vertical)
        finally:
            self._scaling = False

    def _menus(self) -> None:
        filem = self.menuBar().addMenu("&File")
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        # closing the window is what starts the app's ordered shutdown (layout, feeds, venues, quit)
        self.quit_action.triggered.connect(self.close)
        filem.addAction(self.quit_action)
        self.addAction(self.quit_action)  # Ctrl+Q works with the menu bar hidden too
        view = self.menuBar().addMenu("&View")
        for d in self.docks.values():
            view.addAction(d.toggleViewAction())
        view.addSeparator()
        reset = QAction("Reset layout", self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        tools = self.menuBar().addMenu("&Tools")
        prefs = QAction("Settings...", self)
        prefs.triggered.connect(self.edit_settings)
        tools.addAction(prefs)
        cancel = QAction("Cancel all open orders (Ctrl+Shift+X)", self)
        cancel.triggered.connect(self.cancel_all)
        tools.addAction(cancel)
        presets = QAction("Size &presets for this symbol…", self)
        presets.triggered.connect(self.edit_presets)
        tools.addAction(presets)
        self.tools_menu = tools
        # the app attaches the session's vault and the venue checker; without a vault the trader
        # can still create one here
        self.vault_menu = VaultMenu(self, tools, notify=self.notify, on_unlocked=self._vault_unlocked)
        helpm = self.menuBar().addMenu("&Help")
        keys = QAction("Keyboard shortcuts", self)
        keys.triggered.connect(lambda: show_hotkeys(self))
        helpm.addAction(keys)
        about = QAction("About sor-desktop", self)
        about.triggered.connect(lambda: show_about(self))
        helpm.addAction(about)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        # the saved default has the bottom panels side by side: default_sizes makes them tabs again
        # under a narrow chart (told they already were, it left Price impact split at 1280x720)
        self._compact_bottom = False
        self._notices_as_they_are()
        self.default_sizes()

    def _notices_as_they_are(self) -> None:
        # a saved layout holds the notice strip as it was at close (a reject showing): restored,
        # it was an empty bar with a "dismiss" button; it shows only while there is a notice
        self.alerts_strip.setVisible(self.alerts.showing)

    def _hotkeys(self) -> None:
        def key(seq: str | QKeySequence.StandardKey, slot: object) -> None:
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)

        key("B", lambda: self.routing.pick_side("buy"))
        key("S", lambda: self.routing.pick_side("sell"))
        key("Return", self._enter)
        key("Enter", self._enter)
        key("Escape", self._escape)
        key("Ctrl+Shift+X", self.cancel_all)
        key("Ctrl+L", self.routing.symbol.start_search)  # not Ctrl+K: a text field deletes to the end with it
        key("Ctrl+Shift+F", self.flatten)  # flatten the symbol across venues, after the confirmation
        for n in range(1, MAX_PRESETS + 1):  # size presets (typing digits in the amount field still types)
            key(str(n), lambda n=n: self.sizes.pick(n))

    def _enter(self) -> None:
        """Enter routes the ticket, unless it picks a symbol in the symbol box."""
        if not self.routing.symbol.take_enter():
            self.routing.request_route()

    def _escape(self) -> None:
        """Escape clears the ticket, unless it abandons typing in the symbol box."""
        if not self.routing.symbol.take_escape():
            self.routing.clear()

    def _restore(self) -> bool:
        geo = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        restored = isinstance(state, QByteArray) and bool(self.restoreState(state, LAYOUT_VERSION))
        self._notices_as_they_are()
        return restored

    def default_sizes(self) -> None:
        """Dock sizes of the default layout at 1600x1000; applied once the window is shown,
        since Qt only honours them then."""
        d = self.docks
        self._laid_out = True  # from now on the docks keep their share when the window is resized
        # scaled to a smaller window (a 1280x720 screen), the Route dock kept wide enough for its form
        fx, fy = min(1.0, self.width() / 1600), min(1.0, self.height() / 1000)
        # the Route form and its split take what they need, the ladder the rest of the right
        # column, at least eight rows (at 1080 high, three dozen)
        column = self.height() - self.menuBar().height() - self.statusBar().height()
        ladder_min = self._ladder_min_height()
        title = d["routing"].height() - self.routing.height()
        # before any amount the totals say one line; a plan's say up to five
        totals = 5 * self.routing.preview.totals.fontMetrics().lineSpacing()
        form = min(self.routing.whole_height() + title + totals, max(self.routing.minimumSizeHint().height(),
                                                              column - ladder_min))
        self.resizeDocks([d["routing"], d["ladder"]], [form, max(100, column - form)], Qt.Orientation.Vertical)
        # 600 px hold the split's eight columns with BTC's prices and costs uncut
        self.resizeDocks([d["routing"]], [max(600, int(self.width() * 0.36))], Qt.Orientation.Horizontal)
        if self.width() - 600 < 900 and not self._compact_bottom:
            # under a chart narrower than 900 px two bottom panels side by side are each cut (the
            # impact chart's legend covered its curves): they become tabs, the impact chart in front
            self._compact_bottom = True
            self.tabifyDockWidget(d["log"], d["impact"])
            d["impact"].raise_()
        # 216 px at 720 high: at 300 x fy² (155 px) the impact plot was 50 px of overlapping ticks
        self.resizeDocks([d["impact"], d["blotter"]], [int(300 * fy), int(300 * fy)], Qt.Orientation.Vertical)
        if not self._compact_bottom:
            self.resizeDocks([d["impact"], d["blotter"]], [int(430 * fx), int(600 * fx)], Qt.Orientation.Horizontal)
        # a split already on screen (an amount given at start) asks for its room now: it asked
        # before the layout was made, when it could not be given
        QTimer.singleShot(50, self._give_preview_room)

    def save_layout(self) -> None:
        if not self.keep_layout:  # screenshots and tests start from, and leave, the default layout
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.setValue("session/symbol", self.session.symbol)
        self.prefs.slippage_bps = self.routing.slippage.value()
        self.prefs.leg_cost = self.routing.leg_cost.value()
        settings_mod.save_prefs(self.settings, self.prefs)
        self.settings.sync()

    def edit_settings(self) -> None:
        dlg = settings_mod.SettingsDialog(self.prefs, self)
        if dlg.exec():
            self.prefs = dlg.prefs(self.prefs)
            settings_mod.save_prefs(self.settings, self.prefs)
            self.session.leverage = self.prefs.leverage  # the positions panel follows at its next refresh
            self._refresh_margins()
            self.refresh_preview()

    # -- start -------------------------------------------------------------------------------
    def on_session_started(self) -> None:
        """Called once the session has connected: symbols, units, venues, then the frame timer."""
        insts = self.session.symbol_instruments()
        # the symbol traded is in the box even when not every venue lists it (the box showed
        # BTC/USDT:USDT while the window traded DOGE)
        self.routing.set_symbols(self.session.symbol_choices(), self.session.symbol)
        self.routing.set_instruments(insts)
        self.routing.set_companions(sorted(self.session.companions()))
        self._set_tick(insts)
        self.depth_chart.set_venues(sorted(insts))
        for v in sorted(self.session.venues):
            if v not in self.chips:
                chip = self.chips[v] = VenueChip(v)
                self.statusBar().insertWidget(len(self.chips) - 1, chip)
        if not self._restored:
            self.default_sizes()
        journal = getattr(self.session, "journal", None)
        if journal is not None:
            try:
                self.slippage.load(journal.recent_tca(100, mode=str(self.session.mode)))
            except Exception as exc:  # an old or locked journal must not keep the window from opening
                log.warning("could not read recent routes from the journal: %s", exc, exc_info=True)
        _freeze_startup_objects()
        self.timer.start()

    def _change_symbol(self, symbol: str) -> None:
        self.session.spawn(self._switch(symbol), "set-symbol")

    async def _switch(self, symbol: str) -> None:
        # an amount typed for the old symbol means nothing for the new one ("0.1" BTC re-read as 0.1 ETH)
        self.routing.amount.clear()
        self.routing.clear_limit()
        await self.session.set_symbol(symbol)
        self.routing.set_instruments(self.session.symbol_instruments())
        self.routing.set_companions(sorted(self.session.companions()))
        self._set_tick(self.session.symbol_instruments())
        self.depth_chart.keep_venues(self.session.route_instruments())
        self.depth_chart.reset_view()
        self._impact_started = False  # the impact view starts over with the new symbol's first books
        self.refresh_preview()

    def _set_tick(self, insts: Mapping[str, Instrument]) -> None:
        """Every panel writes the symbol's prices with its tick (the finest of the venues')."""
        self.tick = display_tick(i.price_tick for i in insts.values())
        self.routing.preview.tick = self.tick
        self.blotter.tick = self.tick
        self.positions.tick = self.tick
        self.positions.set_symbol(self.session.symbol)
        self.ladder.set_tick(None)  # the next books choose the new symbol's row step
        self._unit_was = str(self.routing.unit.currentData() or BASE)
        self._load_presets()

    # -- sizes ---------------------------------------------------------------------------------
    def _load_presets(self) -> None:
        symbol = self.session.symbol
        text = str(self.settings.value(f"presets/{symbol}", default_presets(symbol)))
        try:
            presets = parse_presets(text)
        except ValueError as exc:  # a bad settings value: said, and the defaults apply
            self.notify("warning", f"{exc}; the default presets apply")
            presets = parse_presets(default_presets(symbol))
        self.sizes.set_presets(presets, lambda p: f"{p.percent:f}% of what the free margin lets the router fill"
                               if p.percent is not None else f"{p.amount:f} {self.routing.base_ccy}")

    def edit_presets(self) -> None:
        symbol = self.session.symbol
        now = ", ".join(p.label for p in self.sizes.presets)
        text, why = now, ""
        while True:  # a bad entry brings the dialog back with what was typed and why
            ask = (f"{symbol}: amounts in base or percents of the free margin the router can use, comma "
                   "separated (keys 1-9)" + (f"\n\n{why}: fix it, or Cancel to keep {now}" if why else ""))
            text, ok = QInputDialog.getText(self, "Size presets", ask, text=text)
            if not ok:
                return
            try:
                parse_presets(text)
            except ValueError as exc:
                why = str(exc)
                continue
            break
        self.settings.setValue(f"presets/{symbol}", text)
        self._load_presets()

    def use_preset(self, p: Preset) -> None:
        self._percent_size = None
        if p.amount is not None:
            amount = p.amount
        else:
            got = self._percent_amount(p.percent)
            if got is None:
                self.routing.show_hint("No free margin known yet for a percent size.")
                return
            amount = got
        self._unit_was = BASE
        self.routing.unit.setCurrentIndex(0)
        text = f"{amount.normalize():f}"
        self.routing.amount.setText(text)
        if p.percent is not None:
            self._percent_size = (p.percent, text)

    def _percent_amount(self, percent: Decimal | None) -> Decimal | None:
        """``percent`` of what the free margin lets the router fill now, on the finest lot of the
        venues (100 % of DOGE was "5890449.952616" on lots of 1)."""
        fill, lot = self.margin_fill_base(), self._finest_lot()
        if not fill or percent is None:
            return None
        share = Decimal(str(fill)) * percent / 100
        return (share / lot).to_integral_value(rounding=ROUND_DOWN) * lot

    def follow_percent_size(self) -> None:
        """A percent size taken again from the margin of now (it moves with the mark, and the
        size taken at the click was short of the caps a second later: "unfilled 2,756 DOGE"),
        while the amount is still the one the button wrote; the trader's own typing ends it."""
        if self._percent_size is None:
            return
        percent, written = self._percent_size
        if self.routing.amount.text() != written or self.routing.unit.currentIndex() != 0:
            self._percent_size = None
            return
        got = self._percent_amount(percent)
        if got is None:
            return
        text = f"{got.normalize():f}"
        if text != written:
            self._percent_size = (percent, text)
            self.routing.amount.setText(text)

    def margin_fill_base(self) -> float:
        """What the free margin of the venues switched on lets the router fill, in base: the sum of
        the venues' margin caps for the ticket's side (the preview's own caps)."""
        books = self.session.route_books()
        req = self.routing.request(self.session.symbol, self.prefs.max_notional)
        total = 0.0
        for vi in self._inputs(req, books):
            if vi.excluded or not vi.cap_base:
                continue
            lot = _lot_base(vi.instrument)  # what the venue can take of its cap: whole lots
            total += float((Decimal(str(vi.cap_base)) / lot).to_integral_value(rounding=ROUND_DOWN) * lot) \
                if lot else vi.cap_base
        return total

    def _finest_lot(self) -> Decimal:
        """The smallest lot in base of the symbol's linear markets (an inverse lot's base moves
        with the price); a millionth when none is known."""
        lots = [lot for inst in self.session.symbol_instruments().values() if (lot := _lot_base(inst))]
        return min(lots, default=Decimal("0.000001"))

    def _unit_changed(self, *_: object) -> None:
        new = str(self.routing.unit.currentData() or BASE)
        old, self._unit_was = self._unit_was, new
        text = self.routing.amount.text().strip()
        if old == new or not text:
            return
        try:
            value = parse_amount(text)
        except AmountError:
            return  # the field already says what is wrong with it
        insts = self.session.symbol_instruments()
        books = self.session.store.books(self.session.symbol, insts)
        out = convert_amount(value, old, new, insts, reference_mid(books))
        if out is None:
            self.routing.amount.clear()  # no price to convert with: never the same digits in another unit
            self.routing.show_hint("Amount cleared: no price yet to convert it to the new unit.")
            return
        self.routing.amount.setText(f"{out:f}")

    # -- frame timer -------------------------------------------------------------------------
    def on_frame(self) -> None:
        """The depth chart from the store's dirty keys, then the slower views in turn. (Running
        those half a frame later was tried: a second paint pass per frame cost more than it saved.)"""
        self.frame_no += 1
        dirty = self.session.store.take_dirty()
        if dirty or self.depth_chart.dirty:
            self._books_moved = True
            # the companion inverse markets (Session.companions) are drawn too: they route with the rest
            insts = self.session.instruments_at_own_fees()  # fee-adjusted as the router charges
            books = self.session.route_books()
            self.depth_chart.refresh(books, insts, self._stale)
            drawn = time.monotonic()
            for arrived in dirty.values():
                self.update_to_screen_ms.append((drawn - arrived) * 1e3)
            if self.first_frame_at is None and books:
                self.first_frame_at = drawn
        self._side_work(self.frame_no, bool(dirty))

    def _side_work(self, frame: int, dirty: bool) -> None:
        slow = frame % SLOW_EVERY == 0
        if slow:
            self._refresh_health()
        if frame % (2 * SLOW_EVERY) == SLOW_EVERY // 2:
            self._refresh_margins()
        # the heavier views take turns on different frames, so no frame paints them all at once
        ladder = frame % LADDER_EVERY == LADDER_PHASE
        if ladder:
            # with the venues' inverse markets of the base (Session.companions), amounts in base
            self.ladder.refresh(self.session.route_books(), self.session.instruments_at_own_fees(), self._stale)
        if slow and self._books_moved:
            self._books_moved = False
            self.follow_percent_size()
            if self.routing.amount.text().strip():
                self.refresh_preview(books_only=True)
            elif self._waiting_for_books:
                # "no live books yet ... (0 connected)" stayed under SOL's books after a switch
                # until an amount was typed
                self.refresh_preview()
        if frame % IMPACT_EVERY == 3 or (not self._impact_started and dirty):
            self._impact_started = self._refresh_impact()
        elif not slow and not ladder:
            self.impact.step(1)  # one router plan per frame: the impact pass spreads over ~24 frames

    def _refresh_margins(self) -> None:
        """Positions: which venues the router leaves out for their margin, and why (the reasons
        the preview's venue inputs carry, for the side on the ticket)."""
        insts = self.session.symbol_instruments()
        books = self.session.store.books(self.session.symbol, insts)
        req = self.routing.request(self.session.symbol, self.prefs.max_notional)
        self.positions.set_margin_reasons(self.session.margin_reasons(books, req))

    def _refresh_health(self) -> None:
        health = self.session.health_now()
        if not self.trading_locked:  # the vault's lock says its own words on the button
            self.routing.set_blocked(self.session.orders_blocked())
        self._show_waiting(health)
        terms = self.session.terms.for_symbol(self.session.symbol)
        self.positions.brackets = {v: t.brackets for v, t in terms.items() if t.brackets}
        self.positions.set_funding({v: t.funding_label() for v, t in terms.items() if t.funding is not None})
        # under each venue's name in the ladder, where the height allows (at 720 high the second
        # header line cost the split its last line; the chips and Positions still say it)
        self.ladder.set_funding({v: (funding_short(t.funding.rate, t.funding.interval_hours),
                                     t.funding_label().removeprefix("funding "))
                                 for v, t in self.session.route_terms().items() if t.funding is not None}
                                if self.height() >= 900 else {})
        self.positions.default_leverage = self.session.leverage
        stale = {v for v, h in health.items() if h.state is not LinkState.CONNECTED}
        listed = self.session.symbol_instruments()
        for v, h in health.items():
            chip = self.chips.get(v)
            if chip is not None:
                chip.terms_note = terms_tooltip(terms.get(v))
                chip.compact = self.width() < COMPACT_CHIPS_BELOW
                chip.show_health(h)
                if v not in listed and self.session.instruments.get(v):
                    # its markets are loaded and the symbol is not among them: it will never connect
                    chip.show_unlisted(self.session.symbol)
        if stale != self._stale:
            self._stale = stale
            self.depth_chart.set_stale(stale)
            self._impact_started = False  # redraw the impact view with the venue greyed (or back)
            self.refresh_preview()
        self.routing.set_venue_states({
            v: (h.state is LinkState.CONNECTED and not h.view_only,
                h.reason if h.view_only and h.state is LinkState.CONNECTED else (f"{h.state}" if h.state
                                                                                  is not LinkState.CONNECTED else None))
            for v, h in health.items()
        })

    def _waiting_line(self) -> str:
        health = self.session.health_now()
        up = sum(1 for h in health.values() if h.state is LinkState.CONNECTED)
        return f"connecting to {len(health)} venues ({up} connected)"

    def _show_waiting(self, health: Mapping[str, VenueHealth]) -> None:
        """Over an empty depth chart: what each venue is doing and its last error, and the way to
        the simulated market (empty 0-1 axes and 'down' chips said nothing)."""
        if self.session.store.books(self.session.symbol, self.session.symbol_instruments()):
            self.depth_chart.show_waiting(None)
            return
        lines = [f"No live books yet for {self.session.symbol}: {self._waiting_line()}."]
        down = [(v, h) for v, h in sorted(health.items()) if h.state is not LinkState.CONNECTED]
        # one cause for all (no DNS): each venue names its host and the cause is said once, where
        # five copies of the resolver's words wrapped over ten lines at 720 px
        unresolved = bool(down) and all(h.reason and _UNRESOLVED.search(h.reason) for _, h in down)
        for v, h in down:
            host = _HOST.search(h.reason or "") if unresolved else None
            cause = (f" · {host.group(1)} does not resolve" if host else
                     f" · last error: {without_request(h.reason)}" if h.reason else "")
            lines.append(f"{v}: {h.state}{cause}")
        if unresolved:
            lines.append("No venue's host name resolves: this machine seems to have no network (or no DNS).")
        sim = str(self.session.mode) in ("simulated", "replay")  # offline already: nothing to offer
        lines.append("Each venue is retried with backoff." + ("" if sim else
                     " Without network, the simulated market trades the same venues offline."))
        self.depth_chart.show_waiting("\n".join(lines), offer_sim=not sim)

    def open_simulated_market(self) -> None:
        """The empty state's button: start ``sor-desktop --sim`` on this symbol, then close this
        window (after the trader agrees: a live or paper session ends)."""
        answer = QMessageBox.question(
            self, "Open the simulated market",
            f"Close this {self.session.mode} window and open the simulated market on {self.session.symbol}?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        args = ["-m", "sor_desktop", "--sim", "--symbol", self.session.symbol]
        if not QProcess.startDetached(sys.executable, args):
            self.alert("error", f"could not start the simulated market ({sys.executable} {' '.join(args)})")
            return
        log.info("simulated market started from the empty state; closing the %s window", self.session.mode)
        self.close()

    def _refresh_impact(self) -> bool:
        own = self.session.instruments_at_own_fees()  # each venue's curve at the rate it charges
        insts = {v: own.get(v, i) for v, i in self.session.symbol_instruments().items()}
        books = self.session.store.books(self.session.symbol, insts)
        if not books:
            return False
        plan = self._preview.plan if self._preview else None
        order = plan.filled if plan else None
        depth_sizes = [float(b.asks[:50, 1].sum()) * float(insts[v].contract_size) for v, b in books.items()
                       if v in insts and len(b.asks)]
        depth = sorted(depth_sizes)[len(depth_sizes) // 2] if depth_sizes else 1.0
        buy = self.routing.side == "buy"
        # the curves are price against size: the ticket's price limit would only cut them short
        req = replace(self.routing.request(self.session.symbol, self.prefs.max_notional), limit_text="")
        inputs = self._inputs(req, books)
        caps = {vi.instrument.venue: vi.cap_base for vi in inputs if vi.cap_base is not None}
        usable = [vi for vi in inputs if not vi.excluded]
        self._impact_capped = bool(usable) and all(vi.cap_base is not None for vi in usable)
        if self._impact_capped:
            # up to twice what the margin lets the router fill: DOGE's 50 ticks held 140 M, the
            # margin 6 M, and the routed curve was a stub at the left of the axis
            depth = min(depth, 2 * sum(vi.cap_base or 0.0 for vi in usable)) or depth
        max_size = max(order * 2 if order else 0.0, depth)
        route_books = {**self.session.route_books(), **books}
        self._impact_pass += 1
        pass_no = self._impact_pass
        self.planner.drop_background()
        self._impact_asked.clear()
        self._impact_prices.clear()
        # every routed point of the pass is planned on this snapshot and request, the ones the
        # reference price and single-venue curves come from: a moving market cannot zigzag the line
        self.impact.refresh(books, insts, self._stale, buy=buy, max_size=max_size,
                            routed=lambda size: self._routed_price(size, req, route_books, pass_no),
                            order_size=order, caps=caps, funding=hold_funding(req, inputs, self.session.symbol),
                            hold_hours=req.hold_hours)
        return True

    def _routed_price(self, size: float, req: PreviewRequest, books: dict[str, BookSnapshot],
                      pass_no: int) -> float | None | Pending:
        """The routed average price of ``size`` for the impact pass ``pass_no``, planned on the
        planner's thread: PENDING until it lands (the chart asks again on a later frame)."""
        key = (pass_no, size)
        if key not in self._impact_prices and key not in self._impact_asked:
            self._impact_asked.add(key)
            try:
                job = self.session.preview_job(replace(req, amount_text=f"{size:.8f}", unit=BASE,
                                                       max_notional=float("inf")), books)
            except Exception:  # the impact view is advisory: a failure shows as a gap in it
                if self._impact_failed != pass_no:  # in the log file once a pass, not once a size
                    self._impact_failed = pass_no
                    log.warning("price impact: no plan at size %s (pass %d)", size, pass_no, exc_info=True)
                return None
            self.planner.ask_background(job, key)
        if key not in self._impact_prices:
            return PENDING
        self._impact_asked.discard(key)
        p = self._impact_prices.pop(key).plan
        # a size off the venues' lot grid leaves a sliver unfilled: only a real shortfall ends the curve
        if p is None or not p.filled or p.unfilled > size * 1e-3:
            return None
        # with a holding time, on the basis the router chose the split on: funding paid is a cost
        paid = (p.funding or 0.0) if p.side is Side.BUY else -(p.funding or 0.0)
        return (p.total_cost + paid) / p.filled

    def _impact_landed(self, key: object, pv: Preview) -> None:
        if isinstance(key, tuple) and key[0] == self._impact_pass:  # an older pass's: dropped
            self._impact_prices[key] = pv

    # -- preview and routes ------------------------------------------------------------------
    def refresh_preview(self, *, now: bool = False, books_only: bool = False) -> None:
        """Preview the ticket on the current books. The plan runs on the planner's thread and
        shows when it lands (``_on_planned``); until then the preview is marked as recomputing and
        Route waits, unless only the books moved (``books_only``: the ticket's plan on books a
        frame older stays current, and the confirmation re-plans if the books moved under it).
        With ``now``, on this thread before returning (Enter pressed while a preview was pending:
        what is routed is what was typed)."""
        req = self.routing.request(self.session.symbol, self.prefs.max_notional)
        books = self.session.route_books()
        try:
            job = self.session.preview_job(req, books)
        except Exception as exc:  # a router input bug must not take the window down
            log.exception("preview failed")
            self._show_preview(Preview(req, None, f"preview failed: {exc}"), None)
            return
        arrivals = self._arrivals((b.venue, b.symbol) for b in books.values())
        if now or job.plan_request is None:  # nothing to plan (a bad amount, no book) shows at once
            self._show_preview(self.planner.plan_now(job), arrivals)
            return
        self.planner.ask(job, arrivals)
        if self.planner.busy and not books_only:
            self.routing.set_planning(True)

    def _on_planned(self, number: int, pv: Preview, arrivals: Mapping[tuple[str, str], float]) -> None:
        if number != self.planner.latest:
            return  # a newer ticket or newer books are being planned: this one is never shown
        if pv.request != self.routing.request(self.session.symbol, self.prefs.max_notional):
            # the ticket moved on since the plan was asked: the preview stays marked pending until
            # the plan of what is typed lands (its debounce asks for it, or it is asked here; a
            # ticket that never equals itself, NaN in a field, must not re-plan forever)
            if not self.routing.typing and self._reasked < 3:
                self._reasked += 1
                self.refresh_preview()
            return
        self._reasked = 0
        self._show_preview(pv, arrivals)

    def _show_preview(self, pv: Preview, arrivals: Mapping[tuple[str, str], float] | None) -> None:
        self._preview = pv
        self._quoted_at = self._quoted_at_of(pv.plan, arrivals)
        self.routing.show_preview(pv)
        self._waiting_for_books = not self.session.store.books(self.session.symbol, self.session.symbol_instruments())
        if self._waiting_for_books:
            # not "type an amount to see the split": there is nothing to split on yet
            self.routing.preview.totals.setText(f"no live books yet for {self.session.symbol}: "
                                                f"{self._waiting_line()}")
        if self.trading_locked:
            self.routing.route.setEnabled(False)
        self.depth_chart.set_plan(pv.plan if not pv.error else None)

    def _quote(self, req: PreviewRequest, books: Mapping[str, BookSnapshot] | None = None
               ) -> tuple[Preview, float | None]:
        """The preview of ``req`` on the current books (or ``books``), and when the oldest book of
        its legs arrived (store clock): the quote age the confirmation shows."""
        books = dict(books) if books is not None else self.session.route_books()
        try:
            pv = self.session.preview(req, books)
        except Exception as exc:  # a router bug must not take the window down
            log.exception("preview failed")
            return Preview(req, None, f"preview failed: {exc}"), None
        return pv, self._quoted_at_of(pv.plan, self._arrivals((b.venue, b.symbol) for b in books.values()))

    def _arrivals(self, markets: Iterable[tuple[str, str]]) -> dict[tuple[str, str], float]:
        """When the store's book of each (venue, symbol) arrived (store clock), read as the books
        are handed to the router: a plan that lands later is quoted on those books, not on ones
        that came in meanwhile."""
        store = self.session.store
        now = store.clock()
        out: dict[tuple[str, str], float] = {}
        for venue, symbol in markets:
            age = store.book_age(venue, symbol)
            if age is not None:
                out[(venue, symbol)] = now - age
        return out

    @staticmethod
    def _quoted_at_of(plan: Plan | None, arrivals: Mapping[tuple[str, str], float] | None) -> float | None:
        """When the oldest book of ``plan``'s legs arrived (store clock), or None if unknown."""
        known = [a for lg in (plan.legs if plan else ()) if (a := (arrivals or {}).get((lg.venue, lg.symbol)))
                 is not None]
        return min(known) if known else None

    def _requote(self, req: PreviewRequest) -> Quote:
        books = self.session.route_books()
        pv, at = self._quote(req, books)
        return Quote(None if pv.error else pv.plan, at, books)

    def _inputs(self, req: PreviewRequest, books: Mapping[str, BookSnapshot]) -> list[VenueInput]:
        """Router inputs for ``req`` on ``books``: the venues, caps and exclusions the preview uses."""
        return self.session.route_inputs(req, books)

    def _drawn_books(self) -> Mapping[str, BookSnapshot]:
        """The books the depth chart shows (the store's, before its first frame)."""
        return self.depth_chart.books or self.session.store.books(self.session.symbol,
                                                                  self.session.symbol_instruments())

    def sweep_at(self, price: float, side: Side) -> Sweep | None:
        """What "sweep to here" takes at ``price`` (as drawn: all-in when the chart shows fee-adjusted
        prices) on the books the depth chart drew: the tooltip and the click both ask this. ``price``
        is first put on the symbol's tick toward the safe side (a buy's down, a sell's up), as the
        limit field reads a typed price: the amount filled in is what fills within the limit written."""
        books = self._drawn_books()
        if not books:
            return None
        if self.tick:
            price = float(on_tick(Decimal(repr(price)), side, self.tick))
        req = replace(self.routing.request(self.session.symbol, self.prefs.max_notional), side=side)
        return sweep_to_price(self._inputs(req, books), side, price,
                              fee_adjusted=self.depth_chart.fee_adjusted.isChecked(), max_venues=req.max_venues)

    def sweep_to(self, price: float, shown: Sweep | None = None) -> None:
        """Click to route: everything routable up to ``price`` on the side the order takes, and
        ``price`` as the order's hard limit (no leg's IOC limit passes it). ``shown``: the figure
        the depth chart's tooltip showed for ``price``, which is what the click fills in (made again
        at the click it said 22.9679 BTC where the tooltip had said 17.4475).

        A click on the other side of the book keeps the side and the amount and says why at the
        field: flipping a buy into a sell because of where the pointer landed (a near-mid click
        included) is a wrong-direction order one Enter away."""
        buy = self.routing.side == "buy"
        books = self._drawn_books()
        mid = reference_mid({v: b for v, b in books.items() if v not in self._stale} or books)
        if mid is not None and (price < mid) == buy:
            here, there, key = ("bid", "asks", "S to sell") if buy else ("ask", "bids", "B to buy")
            # one line: a wrapped hint squeezes the form in a short Route dock
            self.routing.show_hint(f"{here.capitalize()} side clicked: a {'buy' if buy else 'sell'} takes the "
                                   f"{there}. Press {key} there.")
            return
        side = self.routing.side
        sweep = shown if shown is not None and shown.side is side else self.sweep_at(price, side)
        if sweep is None or not sweep.total_base:
            self.routing.show_hint("Nothing routable up to that price: click further from the mid.")
            return
        self.routing.set_sweep(sweep)
        self.refresh_preview()

    def demo_sweep(self, bps: float) -> None:
        """README screenshots: the pointer over the depth chart ``bps`` from the mid, then a click
        there, as a trader would (tooltip shown, sweep to here)."""
        self.on_frame()
        mid = self.depth_chart.mid
        if mid is None:
            return
        price = mid * (1 + bps / 1e4)
        self.depth_chart.hover_at(price)
        self.depth_chart.click_at(price)

    def on_route_requested(self, plan: Plan) -> None:
        if self.confirm is not None:
            return
        if self.trading_locked:
            self.notify("warning", f"order entry stopped: {self.trading_locked}")
            return
        if self.prefs.skip_confirm and not needs_typing(plan, self.prefs.type_above_notional):
            # without the dialog only up to the typed-amount threshold: above it, the dialog asks
            # for the amount typed whatever the confirmation setting says
            self._send(plan)
            return
        shown = self._preview
        req = (shown.request if shown is not None and shown.plan is plan
               else self.routing.request(self.session.symbol, self.prefs.max_notional))
        dlg = ConfirmDialog(plan, base=self.routing.base_ccy, mode=str(self.session.mode),
                            type_above=self.prefs.type_above_notional,
                            reduce_only=self.routing.reduce_only.isChecked(), parent=self,
                            quoted_at=self._quoted_at if shown is not None and shown.plan is plan else None,
                            clock=self.session.store.clock, replan=lambda: self._requote(req),
                            problems=None if req.reduce_only else self._send_problems, tick=self.tick)
        self.confirm = dlg
        self.routing.route.setEnabled(False)
        # what is sent is the plan the dialog shows when Send goes through (re-planned if the
        # books moved under it), never the older one it opened with
        dlg.accepted.connect(lambda: self._send(dlg.plan, req.reduce_only))
        dlg.finished.connect(self._confirm_closed)
        dlg.open()

    def _send_problems(self, plan: Plan) -> list[str]:
        return [str(p) for p in self.session.send_problems(plan)]

    def _confirm_closed(self, _result: int) -> None:
        if self.confirm is not None:
            self.confirm.deleteLater()
        self.confirm = None
        self.refresh_preview()

    def _send(self, plan: Plan, reduce_only: bool | None = None) -> None:
        self.routing.mark_sent(plan)
        if reduce_only is None:
            reduce_only = self.routing.reduce_only.isChecked()
        try:
            route_id = self.session.submit(plan, reduce_only)
        except (AlreadySent, ValueError) as exc:
            self.notify("warning", str(exc))
            return
        # the executor checks it before anything leaves: its own lines say "sent" or "not sent"
        log.info("route %s confirmed: %s %s on %d venue(s), to the executor", route_id, plan.side, plan.filled,
                 len(plan.legs))

    def flatten(self, venues: Collection[str] | None = None) -> None:
        """Close the symbol's positions (on ``venues``, or everywhere): reduce-only legs planned on
        each venue's own book, one route (sells of the longs and buys of the shorts together),
        confirmed once as any route is."""
        if self.confirm is not None:
            return
        if self.trading_locked:
            self.notify("warning", f"order entry stopped: {self.trading_locked}")
            return
        waiting = self.session.orders_blocked()
        if waiting:  # said now, not after a confirmation the executor would refuse
            self.notify("warning", f"flatten waits: {waiting.why}")
            return
        symbol = self.session.symbol
        # the venues' inverse markets of the base too (Session.companions): one route for all
        fl = plan_flatten_underlying(symbol, self.session.companions(), self.session.positions,
                                     self.session.route_instruments(), self.session.route_books(),
                                     self.session.health_now(), slippage_bps=self.routing.slippage.value(), keys=venues,
                                     fees=self.session.own_fees())
        where = ", ".join(sorted(venues)) if venues else "all venues"
        for venue, why in fl.problems:
            self.alert("error", f"close {symbol} on {venue}: {why}")
        if fl.plan is None:
            if not fl.problems:
                self.notify("info", f"no {symbol} position to close on {where}")
            return
        slippage = self.routing.slippage.value()

        def replan() -> Quote:  # the same close on the books of now: each leg stays on its venue
            books = self.session.route_books()
            again = plan_flatten_underlying(symbol, self.session.companions(), self.session.positions,
                                            self.session.route_instruments(), books, self.session.health_now(),
                                            slippage_bps=slippage, keys=venues, fees=self.session.own_fees())
            at = self._quoted_at_of(again.plan, self._arrivals((b.venue, b.symbol) for b in books.values()))
            return Quote(again.plan, at, books)

        self._confirm_reduce(fl.plan, replan)

    def _confirm_reduce(self, plan: Plan, replan: Callable[[], Quote] | None = None) -> None:
        """Confirm and send a reduce-only plan, its legs on both sides when longs and shorts are
        closed together. ``replan``: the same close on the current books, asked every second as
        for any route (a close's legs stay bound to their venues; their limits follow the books)."""
        # the close was planned just now on the books in the store: their age is the quote's
        dlg = ConfirmDialog(plan, base=self.routing.base_ccy, mode=str(self.session.mode),
                            type_above=self.prefs.type_above_notional, reduce_only=True, parent=self,
                            quoted_at=self._quoted_at_of(plan, self._arrivals((lg.venue, lg.symbol) for lg in plan.legs)),
                            clock=self.session.store.clock, replan=replan, tick=self.tick)
        dlg.setWindowTitle("Confirm close (reduce-only)")
        self.confirm = dlg

        def sent() -> None:
            try:
                route_id = self.session.submit(dlg.plan, True)
            except (AlreadySent, ValueError) as exc:
                self.notify("warning", str(exc))
                return
            sides = " + ".join(f"{s} {sum(lg.amount_base for lg in plan.side_legs(s)):g}" for s in plan.sides)
            log.info("close route %s confirmed: %s on %d leg(s), reduce-only, to the executor", route_id, sides,
                     len(plan.legs))

        dlg.accepted.connect(sent)
        dlg.finished.connect(self._confirm_closed)
        dlg.open()

    def lock_trading(self, reason: str) -> None:
        """Stop order entry (the vault locked itself after the idle time); previews go on."""
        self.trading_locked = reason
        self.routing.route.setEnabled(False)
        self.routing.route.setText("Route  (locked)")
        if self.confirm is not None:
            self.confirm.reject()
        self.notify("warning", f"order entry stopped: {reason}")

    def _vault_unlocked(self) -> None:
        if self.trading_locked:
            self.unlock_trading()

    def unlock_trading(self) -> None:
        self.trading_locked = None
        self.routing.restore_route_text()
        self.refresh_preview()

    def cancel_all(self) -> None:
        self.notify("warning", "cancelling all open orders on all venues...")
        self.session.cancel_all()

    # -- events ------------------------------------------------------------------------------
    def _ladder_symbols(self) -> set[str]:
        """The symbols the ladder shows: the window's and its companion inverse markets'."""
        return {self.session.symbol, *(sym for _, sym in self.session.companions().values())}

    def _on_event(self, ev: SessionEvent) -> None:
        if isinstance(ev, LegUpdate):
            self.blotter.on_leg(ev)
            self._show_leg_failure(ev)
            self.working.on_leg(ev)
            self.ladder.set_working(self.working.current(self._ladder_symbols()))
        elif isinstance(ev, RouteStarted):
            self.blotter.on_route(ev)
            self.working.on_route(ev)
            self.ladder.set_working(self.working.current(self._ladder_symbols()))
            self.docks["blotter"].raise_()
        elif isinstance(ev, RouteDone):
            if ev.tca is not None:
                self.slippage.add(ev.tca)
                self.blotter.on_tca(ev.route_id, ev.tca)
            self.blotter.on_done(ev)
            if ev.status:
                ok = ev.status == "filled" or (ev.as_planned and ev.status == "partly filled")
                self.notify("info" if ok else "warning", f"route {ev.route_id[:8]}: {ev.headline}")
        elif isinstance(ev, ElsewhereUpdate):
            self.positions.on_elsewhere(ev)
        elif isinstance(ev, AccountUpdate):
            self.positions.on_account(ev)
            self._refresh_margins()
            if not self._impact_capped:
                # the pass ran before this margin was known: its sizes went to the depth of fifty
                # levels and the margin cut all but one (a routed "split" of one dot for 3 s)
                self._impact_started = False
        elif isinstance(ev, Notice):
            # errors (a route not sent, a journal that could not save, a venue down) stay on screen
            if ev.level == "error":
                self.alert("error", ev.text)
            else:
                self.notify(ev.level, ev.text)

    def _show_leg_failure(self, u: LegUpdate) -> None:
        """A leg rejected, of unknown outcome, expired unfilled or partly filled: one Log line per
        change (the executor writes it to the log file), and a notice; a reject's notice stays
        until dismissed, one per route naming every rejected leg."""
        key = (u.route_id, u.leg)
        failure = leg_failure(u)
        before = self._failures.get(key)
        if failure == before:
            return
        if failure is None:
            if before == "unknown" and u.status.final:
                self.log_panel.append("INFO", f"route {u.route_id[:8]}: {u.venue} resolved by client id: "
                                              f"{u.status}")
            self._failures.pop(key, None)
            return
        self._failures[key] = failure
        words = venue_words(u)
        text = f"route {u.route_id[:8]}: {u.venue} {failure}" + (f": {words}" if words else "")
        if failure in ("partly filled", "expired unfilled"):
            text += f" (filled {u.filled_base:,.4f} of {u.contracts} contracts)"
        self.log_panel.append("ERROR" if failure == "rejected" else "WARNING", text)
        if failure != "rejected":
            self.notice.notify("warning", text)
            return
        legs = self._rejects.setdefault(u.route_id, {})
        legs[u.leg] = f"{u.venue} {words}".strip()
        # the legs were rejected, not the route: its other legs may have filled
        self.alerts.post(f"reject:{u.route_id}", "error",
                         f"route {u.route_id[:8]}: {'leg' if len(legs) == 1 else 'legs'} rejected by "
                         + "; ".join(legs[i] for i in sorted(legs)))

    def notify(self, level: str, text: str) -> None:
        """A notice in the status bar, a Log line, and the log file."""
        _to_file(level, text)
        self.notice.notify(level, text)
        self.log_panel.append(level.upper(), text)

    def alert(self, level: str, text: str) -> None:
        """A notice that stays in the status bar until dismissed, a Log line, and the log file."""
        _to_file(level, text)
        self.alerts.post(text, level, text)
        self.log_panel.append(level.upper(), text)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        self.timer.stop()
        self.planner.shutdown()
        self.save_layout()
        super().closeEvent(event)
        self.window_closed.emit()


# "bybit: GET https://api.bybit.com/v5/...?…: " before a transport's own words (venues.ccxt_errors)
_HOST = re.compile(r"Cannot connect to host ([^\s:]+)")
_UNRESOLVED = re.compile(r"Name or service not known|Temporary failure in name resolution|nodename nor servname")


def _to_file(level: str, text: str) -> None:
    """What the window tells the trader goes to the log file too (a flatten that cannot close a
    position was only on screen); marked shown, so the Log panel has it once."""
    log.log(logging.ERROR if level == "error" else logging.WARNING if level == "warning" else logging.INFO,
            "%s", text, extra={SHOWN: True})


def _lot_base(inst: Instrument) -> Decimal | None:
    """One amount step of a linear market, in base (None for an inverse one)."""
    return inst.lot if inst.linear else None
