"""Routing panel: what to route (symbol, side, amount and unit, slippage, max venues, venues,
reduce-only), the live preview, and the Route button. It only builds requests and shows previews;
the main window asks the session and opens the confirmation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import DEFAULT_LEG_COST, Plan
from sor_desktop.core.price_format import format_price
from sor_desktop.engine.executor import RouteWait
from sor_desktop.engine.limit_entry import limit_text
from sor_desktop.engine.preview import BASE, CONTRACTS, QUOTE, Preview, PreviewRequest, Sweep
from sor_desktop.engine.symbol_choices import SymbolChoice
from sor_desktop.ui import theme
from sor_desktop.ui.futures_inputs import FuturesInputs
from sor_desktop.ui.preview_table import PreviewTable
from sor_desktop.ui.symbol_box import SymbolBox

ROUTE_TEXT = "Route  (Enter)"
VENUES_PER_LINE = 5
SENT_TEXT = "Sent · edit the ticket to route again"
WAIT_TEXT = "Route  ({})"  # RouteWait.state


class TicketEdit(QLineEdit):
    """The amount and the limit price. Letters typed here are text like in any field (the window's B
    and S hotkeys do not fire while a text input has focus: catching them here made "abs" read "a"
    and switch sides); a wrong entry gets the field's error message instead. Escape clears the ticket."""

    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class UnitBox(QComboBox):
    """The amount's unit, as wide as the unit it shows (never cut off) and its list as wide as its
    longest entry: sized to the longest ("contracts @ binanceusdm (0.001 BTC)") it took the room a
    typed limit price needs beside the amount."""

    def __init__(self) -> None:
        super().__init__()
        self.currentIndexChanged.connect(self.updateGeometry)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        text = QSize(fm.horizontalAdvance(self.currentText() or "x") + fm.horizontalAdvance("x"), fm.height())
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, text, self)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return self.sizeHint()

    def fit_list(self) -> None:
        """The list as wide as its longest entry (call after the entries change)."""
        view = self.view()
        view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + 8)
        self.updateGeometry()


class AnySpinBox(QSpinBox):
    """Max venues: its lowest value reads "any"; deleting the number also means any (a spin box
    otherwise refuses empty text and puts the old number back)."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not text.strip():
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> int:  # noqa: N802 (Qt name)
        if not text.strip():
            return self.minimum()
        return int(super().valueFromText(text))

    def fixup(self, text: str) -> str:
        return self.specialValueText() if not text.strip() else str(super().fixup(text))


class RoutingPanel(QWidget):
    changed = Signal()  # the request changed: preview again
    preview_now = Signal()  # preview the ticket before this call returns (Enter on a pending one)
    symbol_changed = Signal(str)
    route_requested = Signal(object)  # the Plan on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_ccy = "base"
        self._tick: Decimal | None = None  # the finest price tick of the symbol's venues
        self.symbol = SymbolBox()
        self.buy = QPushButton("Buy  (B)")
        self.buy.setObjectName("buy")
        self.sell = QPushButton("Sell  (S)")
        self.sell.setObjectName("sell")
        self._sides = QButtonGroup(self)
        for b in (self.buy, self.sell):
            b.setCheckable(True)
            self._sides.addButton(b)
        self.buy.setChecked(True)
        self.amount = TicketEdit()
        self.amount.setPlaceholderText("amount")
        self.amount.setFont(theme.mono_font(11))
        self.unit = UnitBox()
        self.unit.currentIndexChanged.connect(self._unit_tooltip)
        # the limit price, typed or written by a sweep on the depth chart: one field, one limit. Empty:
        # no limit (each leg is still bounded by the slippage). It stays whatever amount is typed and
        # whichever side (read again for the new side); a symbol change or Esc clears it.
        self.limit = TicketEdit()
        self.limit.setPlaceholderText("none")
        self.limit.setFont(theme.mono_font(11))
        self.limit.setClearButtonEnabled(True)
        self.limit.setToolTip("Limit price: a buy takes nothing above it, a sell nothing below it, and no leg's "
                              "IOC limit passes it. Empty: no limit (the slippage still bounds each leg).")
        self._all_in: str | None = None  # the field's text when a fee-adjusted sweep wrote it: an all-in limit
        self.amount_error = QLabel("")
        self.amount_error.setObjectName("error")
        self.amount_error.setWordWrap(True)
        self.amount_error.hide()
        # why a click on the depth chart did not fill the amount; stays until the trader acts
        self.click_hint = QLabel("")
        self.click_hint.setWordWrap(True)
        self.click_hint.setStyleSheet(f"color: {theme.WARN}")
        self.click_hint.hide()
        # why the typed limit cannot be routed, or how it was read (moved onto the tick, all-in)
        self.limit_error = QLabel("")
        self.limit_error.setObjectName("error")
        self.limit_error.setWordWrap(True)
        self.limit_error.hide()
        self.limit_note = QLabel("")
        self.limit_note.setTextFormat(Qt.TextFormat.PlainText)
        self.limit_note.setWordWrap(True)
        self.limit_note.setStyleSheet(f"color: {theme.ACCENT}")
        self.limit_note.setToolTip("A price off every venue's tick is moved onto the tick, a buy's down and a "
                                   "sell's up: the limit is never past the price typed.")
        self.limit_note.hide()
        self._limit_row = QWidget()
        limit_lay = QVBoxLayout(self._limit_row)
        limit_lay.setContentsMargins(0, 0, 0, 0)
        limit_lay.setSpacing(0)
        limit_lay.addWidget(self.limit_error)
        limit_lay.addWidget(self.limit_note)
        self._limit_row.hide()
        self.slippage = QDoubleSpinBox()
        self.slippage.setRange(0.0, 500.0)
        self.slippage.setDecimals(1)
        self.slippage.setValue(5.0)
        self.slippage.setSuffix(" bps")
        self.max_venues = AnySpinBox()
        self.max_venues.setRange(0, 20)
        self.max_venues.setSpecialValueText("any")
        self.reduce_only = QCheckBox("reduce-only")
        # advanced options, folded away: what one more leg costs the trader beyond its fees
        self.advanced = QToolButton()
        self.advanced.setText("advanced")
        self.advanced.setCheckable(True)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setAutoRaise(True)
        self.leg_cost = QDoubleSpinBox()
        self.leg_cost.setRange(0.0, 10_000.0)
        self.leg_cost.setDecimals(2)
        self.leg_cost.setSingleStep(0.5)
        self.leg_cost.setValue(DEFAULT_LEG_COST)
        self.leg_cost.setSuffix(" USDT")
        self.leg_cost.setToolTip("Fixed cost of each leg (one more order's overhead and risk): a venue is used "
                                 "only when it saves more than this")
        self._advanced_row = QWidget()
        adv = QHBoxLayout(self._advanced_row)
        adv.setContentsMargins(0, 0, 0, 0)
        adv.addWidget(QLabel("leg cost"))
        adv.addWidget(self.leg_cost)
        self._adv = adv
        # a venue's inverse market of the base (Session.companions) on and off on its own, here: a
        # sixth box beside the venues would cost the ladder a row at 1280x720
        self.companion_boxes: dict[str, QCheckBox] = {}
        adv.addStretch(1)
        self.futures = FuturesInputs()  # holding time (funding) and liquidation distance, a row below
        self.futures.hide()
        self._advanced_row.hide()
        self.advanced.toggled.connect(self._show_advanced)
        self._venue_grid = QGridLayout()
        self._venue_grid.setContentsMargins(0, 0, 0, 0)
        self.venue_boxes: dict[str, QCheckBox] = {}
        self.preview = PreviewTable()
        self.route = QPushButton(ROUTE_TEXT)
        self.route.setObjectName("route")
        self.route.setEnabled(False)
        # one intent, one route: a send disarms Route and Enter until the trader edits the ticket;
        # books that move the plan's limits do not re-arm it (Enter pressed four times a second
        # apart sent two routes when a moved limit counted as a new plan)
        self._armed = True
        self._blocked: RouteWait | None = None  # why no route may be sent now (``set_blocked``)

        sides = QHBoxLayout()
        sides.addWidget(self.buy)
        sides.addWidget(self.sell)
        amt = QHBoxLayout()
        amt.addWidget(self.amount, 3)
        amt.addWidget(self.unit, 0)
        amt.addSpacing(4)
        amt.addWidget(QLabel("limit"), 0)
        amt.addWidget(self.limit, 2)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(3)  # at 720 high the form, five legs, their totals and eight ladder rows fit
        # the symbol and the side on one row: at 1280x720 the row saved shows one more leg
        top = QHBoxLayout()
        top.addWidget(self.symbol, 1)
        top.addLayout(sides, 1)
        form.addRow("symbol", top)
        form.addRow("amount", amt)
        self._form = form
        self._amount_row = form.rowCount() - 1
        form.addRow("", self.amount_error)
        form.addRow("", self.click_hint)
        form.addRow("", self._limit_row)
        opts = QHBoxLayout()
        opts.addWidget(self.slippage)
        opts.addWidget(QLabel("max venues"))
        opts.addWidget(self.max_venues)
        opts.addWidget(self.reduce_only)
        form.addRow("slippage", opts)
        form.addRow("venues", self._venue_grid)
        form.addRow(self.advanced, self._advanced_row)
        form.addRow("", self.futures)
        # the form and the split scroll on a short screen (1280x720); the Route button stays in view
        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.setContentsMargins(0, 0, 0, 0)
        body_lay.addLayout(form)
        body_lay.addWidget(self.preview, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(body.minimumSizeHint().width() + 14)
        self._scroll, self._body = scroll, body
        self.set_compact(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)  # the room of the totals' line above Route at 1280x720
        lay.setSpacing(2)
        lay.addWidget(scroll, 1)
        # what the split pays and saves stays in view above Route: at 1280x720 a five-leg split
        # with a holding time had them scrolled out, under the legs
        lay.addWidget(self.preview.totals)
        lay.addWidget(self.route)

        self._planning = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(60)  # typing stays smooth; the preview follows within a frame or two
        self._debounce.timeout.connect(self.changed)
        self.amount.textChanged.connect(self._schedule)
        self.limit.textChanged.connect(self._schedule)
        for sig in (self.unit.currentIndexChanged, self.max_venues.valueChanged, self.slippage.valueChanged,
                    self.leg_cost.valueChanged, self.futures.hold.valueChanged, self.futures.liq.valueChanged):
            sig.connect(self._schedule)

        self._sides.buttonToggled.connect(lambda *_: self._schedule())
        self.reduce_only.toggled.connect(self._schedule)
        self.amount.textEdited.connect(self.clear_hint)
        self.limit.textEdited.connect(self.clear_hint)
        self.limit.textEdited.connect(self._limit_typed)
        self._sides.buttonToggled.connect(self.clear_hint)
        for edit in (self.amount.textEdited, self.limit.textEdited, self.unit.currentIndexChanged, self.max_venues.valueChanged,
                     self.slippage.valueChanged, self._sides.buttonToggled, self.reduce_only.toggled,
                     self.symbol.currentTextChanged, self.leg_cost.valueChanged,
                     self.futures.hold.valueChanged, self.futures.liq.valueChanged):
            edit.connect(self._rearm)
        self.symbol.picked.connect(self.symbol_changed)
        self.symbol.picked.connect(self._symbol_picked)
        self.symbol.unknown.connect(lambda text: self.show_hint(f"No two venues list {text!r}: pick a symbol from the list."))
        self.amount.returnPressed.connect(self.request_route)
        self.amount.escape.connect(self.clear)
        self.limit.returnPressed.connect(self.request_route)
        self.limit.escape.connect(self.clear)
        QWidget.setTabOrder(self.amount, self.limit)  # Tab from the amount to the limit, then the unit
        QWidget.setTabOrder(self.limit, self.unit)
        self.route.clicked.connect(self.request_route)

    # -- inputs -------------------------------------------------------------------------------
    def set_symbols(self, choices: Sequence[SymbolChoice], current: str) -> None:
        self.symbol.set_choices(choices, current)

    def _symbol_picked(self, _symbol: str) -> None:
        """The next thing typed is the amount (a second click in the box, still focused, did not
        select the name, and "xrp" was added to it)."""
        self.clear_hint()
        self.amount.setFocus()
        # again once the symbol box's list has closed: closing it gives the box the focus back
        QTimer.singleShot(0, self.amount.setFocus)

    def set_instruments(self, insts: Mapping[str, Instrument]) -> None:
        """Units and venue boxes for the current symbol."""
        first = next(iter(insts.values()), None)
        self.base_ccy = first.base if first else "base"
        self._tick = min((i.price_tick for i in insts.values()), default=None)
        current = self.unit.currentData()
        self.unit.blockSignals(True)
        self.unit.clear()
        self.unit.addItem(self.base_ccy, BASE)
        quote = first.quote if first else "USDT"
        self.unit.addItem(quote, QUOTE)
        for v, inst in sorted(insts.items()):
            self.unit.addItem(f"contracts @ {v} ({inst.contract_size.normalize():f} {inst.base})", CONTRACTS + v)
        tips = {BASE: f"amount in {self.base_ccy}",
                QUOTE: f"{quote} amount = notional (price × amount) before fees; fees come on top of a buy "
                       f"and out of a sell's proceeds"}
        for i in range(self.unit.count()):
            data = str(self.unit.itemData(i))
            tip = tips.get(data, f"contracts of {data[len(CONTRACTS):]}: amount = contracts × contract size")
            self.unit.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        idx = self.unit.findData(current)
        self.unit.setCurrentIndex(max(idx, 0))
        self.unit.blockSignals(False)
        self.unit.fit_list()
        self._unit_tooltip()
        for v in sorted(insts):
            if v not in self.venue_boxes:
                box = self.venue_boxes[v] = QCheckBox(v)
                box.setChecked(True)
                box.toggled.connect(self._schedule)
                box.toggled.connect(self._rearm)
        # the venues that list the symbol, laid again in order (a box added for a later symbol
        # went into a cell already taken); the others hidden, each keeping its tick
        for box in self.venue_boxes.values():
            self._venue_grid.removeWidget(box)
        for i, v in enumerate(sorted(insts)):
            # the five venues on one line: a second line cost the ladder two rows at 720 high
            self._venue_grid.addWidget(self.venue_boxes[v], i // VENUES_PER_LINE, i % VENUES_PER_LINE)
        for v, box in self.venue_boxes.items():
            box.setVisible(v in insts)

    def set_venue_states(self, states: Mapping[str, tuple[bool, str | None]]) -> None:
        """Grey the boxes of venues that cannot be routed now ((routable, reason) per venue)."""
        for v, (ok, reason) in states.items():
            box = self.venue_boxes.get(v)
            if box is None:
                continue
            colour = theme.venue_colour(v) if ok else theme.GREY
            style = f"QCheckBox {{ color: {colour}; }}"
            if style != box.styleSheet():  # called a few times a second: restyle only on a change
                box.setStyleSheet(style)
            box.setToolTip("" if ok else (reason or "not routable"))
            box.setText(v if ok else f"{v} ({_short_state(reason)})")

    def _unit_tooltip(self, *_: object) -> None:
        tip = self.unit.currentData(Qt.ItemDataRole.ToolTipRole)
        self.unit.setToolTip(str(tip) if tip else "")

    def pick_side(self, side: str) -> None:
        (self.buy if side == "buy" else self.sell).setChecked(True)
        self.amount.setFocus()
        self.amount.selectAll()

    @property
    def side(self) -> Side:
        return Side.BUY if self.buy.isChecked() else Side.SELL

    def set_companions(self, keys: list[str]) -> None:
        """A box per companion market (``bybit BTC/USD:BTC``), under advanced; gone ones removed."""
        for key in [k for k in self.companion_boxes if k not in keys]:
            self.companion_boxes.pop(key).deleteLater()
        for key in keys:
            if key in self.companion_boxes:
                continue
            box = QCheckBox(key)
            box.setChecked(True)
            box.setToolTip("route on this inverse market too (its margin is the coin wallet)")
            box.setStyleSheet(f"QCheckBox {{ color: {theme.venue_colour(key)}; }}")
            box.toggled.connect(self._schedule)
            box.toggled.connect(self._rearm)
            self.companion_boxes[key] = box
            self._adv.insertWidget(self._adv.count() - 1, box)

    def request(self, symbol: str, max_notional: float) -> PreviewRequest:
        included = frozenset(v for v, b in self.venue_boxes.items() if b.isChecked())
        off = frozenset(k for k, b in self.companion_boxes.items() if not b.isChecked())
        text = self.limit.text()
        return PreviewRequest(
            symbol=symbol, side=self.side, amount_text=self.amount.text(),
            unit=str(self.unit.currentData() or BASE), slippage_bps=self.slippage.value(),
            max_venues=self.max_venues.value() or None, included=included, switched_off=off,
            reduce_only=self.reduce_only.isChecked(), max_notional=max_notional,
            limit_text=text, limit_on_fee_adjusted=bool(text.strip()) and text == self._all_in,
            leg_cost=self.leg_cost.value(),
            hold_hours=self.futures.hold_hours(), min_liq_distance=self.futures.min_liq_distance(),
        )

    def set_sweep(self, sweep: Sweep) -> None:
        """Click to route: the amount everything routable up to the clicked price adds up to (in
        base, exactly), and that price written in the limit field, the order's hard limit (the
        window puts the clicked price on the tick first: ``MainWindow.sweep_at``)."""
        self.unit.setCurrentIndex(0)
        text = limit_text(Decimal(repr(sweep.price)))
        self._all_in = text if sweep.fee_adjusted else None
        self.limit.setText(text)
        self.amount.setText(sweep.amount_text)
        self.amount.setFocus()
        self.clear_hint()
        self._rearm()  # a click on the depth chart is a new intent
        self._schedule()

    def _limit_typed(self, *_: object) -> None:
        self._all_in = None  # a price typed is a price on the book, even where a sweep wrote an all-in one

    def clear_limit(self, *_: object) -> None:
        self._all_in = None
        self.limit.clear()

    def clear(self) -> None:
        self.amount.clear()
        self.clear_hint()
        self.clear_limit()

    def show_hint(self, text: str) -> None:
        self.click_hint.setText(text)
        self.click_hint.show()

    def clear_hint(self, *_: object) -> None:
        self.click_hint.hide()
        self.click_hint.setText("")

    # -- output -------------------------------------------------------------------------------
    def show_preview(self, preview: Preview) -> None:
        err = preview.error if self.amount.text().strip() else None
        _mark(self.amount, bool(err))
        self.amount_error.setText(err or "")
        self.amount_error.setVisible(bool(err))
        self._show_limit(preview)
        plan = None if err or preview.limit_error else preview.plan
        # the window previews the panel's ticket as it is now: whatever was pending is done
        self._debounce.stop()
        self._planning = False
        self.preview.set_pending(False)
        self.preview.show_plan(plan, preview.excluded, self.base_ccy)
        if preview.limit_error and not err:  # not "type an amount": the amount is there
            self.preview.totals.setText("nothing to route until the limit price reads (empty it for no limit)")
        self._update_route()

    def _show_limit(self, preview: Preview) -> None:
        """Under the limit field: why it cannot be routed, or how it was read."""
        err = preview.limit_error
        _mark(self.limit, bool(err))
        self.limit_error.setText(err or "")
        self.limit_error.setVisible(bool(err))
        req, lim = preview.request, preview.limit
        note = lim.note(req.side) if lim is not None else None
        if lim is not None and req.limit_on_fee_adjusted:  # written by a sweep on fee-adjusted prices
            sign, fee = ("≤", "1 + fee") if req.side is Side.BUY else ("≥", "1 − fee")
            all_in = f"all-in limit: price × ({fee}) {sign} {format_price(float(lim.price), self._tick)} (fee-adjusted sweep)"
            note = f"{all_in}; {note}" if note else all_in
        self.limit_note.setText(note or "")
        self.limit_note.setVisible(bool(note) and not err)
        self._limit_row.setVisible(bool(err or note))

    def _update_route(self) -> None:
        plan = self.preview.plan
        self.route.setEnabled(self._armed and not self.pending and plan is not None and bool(plan.legs)
                              and not self.amount_error.text() and not self.limit_error.text()
                              and self._blocked is None)

    def set_blocked(self, reason: RouteWait | None) -> None:
        """Routes wait (earlier orders of unknown outcome, a refused journal): Route is off and
        says so, its tooltip says why, before a confirmation that would only be refused."""
        if reason == self._blocked:
            return
        self._blocked = reason
        self.route.setToolTip(reason.why if reason else "")
        self.restore_route_text()
        self._update_route()

    @property
    def pending(self) -> bool:
        """The ticket changed and its preview is not recomputed yet (the one shown is older)."""
        return self._debounce.isActive() or self._planning

    @property
    def typing(self) -> bool:
        """A change is waiting for a pause in typing before it is previewed."""
        return self._debounce.isActive()

    def set_planning(self, on: bool) -> None:
        """The window is planning the ticket's preview off the Qt thread: until it lands, the one
        shown is marked as older and Route waits (``show_preview`` ends it)."""
        self._planning = on
        if on:
            self.preview.set_pending(True)
        self._update_route()

    def add_sizes_row(self, widget: QWidget) -> None:
        """A row right under the amount (the window's size presets)."""
        self._form.insertRow(self._amount_row + 1, "", widget)

    def whole_height(self) -> int:
        """The height that shows the form and the split without scrolling (the scroll area's own
        size hint is capped, so sizeHint() says less)."""
        return self._body.sizeHint().height() + self.height() - self._scroll.viewport().height()

    def set_compact(self, compact: bool) -> None:
        """On a short screen (1280x720) the form and split scroll; otherwise all of it shows."""
        self._scroll.setMinimumHeight(200 if compact else min(self._body.sizeHint().height(), 560))

    def _schedule(self, *_: object) -> None:
        """The ticket changed: preview it after a short pause in typing; until then the preview on
        screen is for the ticket as it was, and says so (Route waits for the new one)."""
        self._debounce.start()
        self.preview.set_pending(True)
        self._update_route()

    def _show_advanced(self, on: bool) -> None:
        self._advanced_row.setVisible(on)
        self.futures.setVisible(on)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    @property
    def armed(self) -> bool:
        return self._armed

    def request_route(self) -> None:
        if self.pending:  # Enter right after a keystroke: preview what was typed first, never the old plan
            self._debounce.stop()
            self.preview_now.emit()
        plan = self.preview.plan
        if not self._armed or not self.route.isEnabled() or plan is None:
            return
        self.route_requested.emit(plan)

    def mark_sent(self, plan: Plan) -> None:
        """Route and Enter stay off after a send until the ticket is edited (amount, side, unit,
        slippage, venues, max venues, reduce-only, symbol, or a click on the depth chart)."""
        self._armed = False
        self.route.setEnabled(False)
        self.route.setText(SENT_TEXT)

    def restore_route_text(self) -> None:
        self.route.setText(WAIT_TEXT.format(self._blocked.state) if self._blocked
                           else ROUTE_TEXT if self._armed else SENT_TEXT)

    def _rearm(self, *_: object) -> None:
        if self._armed:
            return
        self._armed = True
        self.restore_route_text()

    def venues_checked(self) -> set[str]:
        return {v for v, b in self.venue_boxes.items() if b.isChecked()}


def _mark(field: QLineEdit, invalid: bool) -> None:
    """The field's "invalid" style (a red frame) on or off, repolished only when it flips."""
    if bool(field.property("invalid")) != invalid:
        field.setProperty("invalid", invalid)
        field.style().unpolish(field)
        field.style().polish(field)


def _short_state(reason: str | None) -> str:
    if not reason:
        return "off"
    return reason.split(":")[0][:24]


