"""The live preview: one row per planned leg, excluded venues greyed with their reason, and totals."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from sor_desktop.core.market_key import leg_key
from sor_desktop.core.plan import ROUNDING_BPS, Plan
from sor_desktop.core.price_format import amount_digits, format_price
from sor_desktop.ui import theme

# short headers: all eight fit the Route dock on a 1280-wide screen ("contracts" was cut to "ontract")
COLUMNS = ("venue", "contr.", "base", "avg", "limit", "fee", "cost", "share", "fund.", "liq.")
# shown only when a leg has them: funding over the hold, the estimated liquidation price
FUTURES_COLUMNS = (COLUMNS.index("fund."), COLUMNS.index("liq."))
# sized to their contents whatever the other columns do (60,003.33; 0.149851): never elided
PRICE_COLUMNS = (COLUMNS.index("base"), COLUMNS.index("avg"), COLUMNS.index("limit"))
PRICE_FIT = QHeaderView.ResizeMode.ResizeToContents
MIN_VENUE_WIDTH = 56  # the venue column gives up room down to this ("binan…"), never a number column


def _cost(cost: float) -> str:
    """A leg's all-in cost: whole USDT where that is a fine enough figure, cents below 1,000 (a
    sub-dollar DOGE leg read "0" and "3")."""
    return f"{cost:,.2f}" if abs(cost) < 1000 else f"{cost:,.0f}"


def totals_text(plan: Plan, base: str, quote: str = "USDT", tick: Decimal | None = None) -> str:
    # the single venue's amount too: legs of 0.5 BTC wrote its 0.25 as "0.2"
    shown = [lg.amount_base for lg in plan.legs] or [plan.filled]
    digits = amount_digits(shown + ([plan.best_single.filled] if plan.best_single is not None else []))
    lines = [
        f"avg price <b>{format_price(plan.avg_price, tick)}</b> · filled <b>{plan.filled:,.{digits}f} {base}</b>"
        f" · all-in {'cost' if plan.side == 'buy' else 'proceeds'} <b>{plan.total_cost:,.2f} {quote}</b>"
        f" (fees {plan.fees:,.2f})",
    ]
    if plan.best_single is not None:
        colour = theme.BID if plan.savings_quote > 0 else theme.MUTED
        # the saving's split on the same line (a short Route dock at 1280x720 has room for three)
        parts = plan.savings_parts
        split = ""
        if parts:
            funding = f" · funding {parts['funding']:+,.2f}" if plan.hold_hours else ""
            split = f" (price {parts['price']:+,.2f} · fee {parts['fee']:+,.2f}{funding})"
        saves = f"<b style='color:{colour}'>{plan.savings_bps:.2f} bps · {plan.savings_quote:,.2f} {quote}</b>"
        if plan.best_single.filled < plan.filled - 1e-12:
            line = (f"no venue fills it alone (at most {plan.best_single.filled:,.{digits}f} {base}, "
                    f"{plan.best_single.venue})")
            if plan.savings_quote > 0:
                line += f": on that much, saves {saves}{split}"
            else:  # the router's optimum of that much is that venue alone
                line += f": on that much, {plan.best_single.venue} alone is as cheap as any split"
            lines.append(line)
        elif plan.single_venue_is_best:
            lines.append(f"one venue alone is best: <b>{plan.best_single.venue}</b>")
        else:
            lines.append(f"saves {saves} against {plan.best_single.venue} alone{split}")
    if plan.funding is not None:
        lines.append(f"funding over {plan.hold_hours or 0:g} h <b>{plan.funding:+,.2f} {quote}</b>"
                     " (+ paid, − received; not in the all-in cost above)")
        if plan.funding_unknown_note:
            lines.append(f"<span style='color:{theme.WARN}'>{plan.funding_unknown_note} (terms not read)</span>")
    # a notional short by less than a cent is no shortfall: "unfilled 0.00 USDT" warned in amber
    if plan.short:
        unit = quote if plan.unit == "quote" else base
        # an inverse leg's last part of a contract (0.00001 BTC) must not read as "unfilled 0.0000",
        # nor 14 million DOGE on a lot of 1 as "14,106,869.0000"
        left = (f"{plan.unfilled:,.2f}" if unit == quote else f"{plan.unfilled:,.{digits}f}"
                if plan.unfilled >= 10.0 ** -digits else f"{Decimal(f'{plan.unfilled:.2g}'):f}")
        lines.append(f"<span style='color:{theme.WARN}'>unfilled {left} {unit}: "
                     f"{plan.unfilled_reason or 'not enough depth'}</span>")
    lines.append(f"<span style='color:{theme.MUTED}'>{router_terms(plan, quote, tick)}</span>")
    return "<br>".join(lines)


def router_terms(plan: Plan, quote: str = "USDT", tick: Decimal | None = None) -> str:
    """The terms the plan was made on: the leg cost, a sweep's price limit, and how close to the
    exact optimum it is proven to be when not proven optimal."""
    parts = [f"leg cost {plan.leg_cost:,.2f} {quote} per leg"]
    limit = limit_words(plan, tick)
    if limit:
        parts.append(limit)
    if plan.gap_bps > ROUNDING_BPS:
        parts.append(plan.proof)
    return " · ".join(parts)


def limit_words(plan: Plan, tick: Decimal | None = None) -> str | None:
    """The plan's hard price limit ("limit ≤ 60,012.3"), or None without one."""
    if plan.limit_price is None:
        return None
    sign = "≤" if plan.side == "buy" else "≥"
    return f"limit {'all-in ' if plan.limit_on_fee_adjusted else ''}{sign} {format_price(plan.limit_price, tick)}"


def _base(x: float) -> str:
    """A leg's base amount in plain digits ("1.664248e-05" was an inverse sliver's)."""
    return f"{x:,.{amount_digits([x])}f}"


def _no_leg(plan: Plan, excluded: Mapping[str, str]) -> str:
    """Why no venue takes any of the order: the router's reasons for the venues it left out (a
    minimum order value, the liquidation distance), which the excluded rows above may not show."""
    venues: dict[str, list[str]] = {}  # one reason for many venues (a limit past every book) said once
    for v, r in plan.excluded:
        if v not in excluded:
            venues.setdefault(r, []).append(v)
    why = [f"{', '.join(vs)}: {r}" for r, vs in venues.items()]
    if not why and plan.unfilled_reason:
        why = [plan.unfilled_reason]
    return "no venue can fill this order" + (" (" + "; ".join(why) + ")" if why else "")


class PreviewTable(QWidget):
    # the legs or the futures columns changed what the split needs on screen: the window may give
    # the Route dock the room (once per change, not on every refresh)
    needs_room = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setFont(theme.mono_font(8))
        self.table.verticalHeader().setDefaultSectionSize(18)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(40)
        # half the theme's side padding: nine columns gain the width of one (the Route dock at 1280)
        self.table.horizontalHeader().setStyleSheet("QHeaderView::section { padding: 3px 3px; }")
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # prices are the widest cells (60,003.33; 0.149851): sized to them, never elided
        for c in PRICE_COLUMNS:
            self.table.horizontalHeader().setSectionResizeMode(c, PRICE_FIT)
        self.tick: Decimal | None = None  # the symbol's display tick (core.price_format.display_tick)
        self._overflow = False  # the columns are wider than the table even with the venue squeezed
        self.plan: Plan | None = None
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # five legs and a header without scrolling, and no more: the totals (saving, unfilled, leg
        # cost) sit right under the legs instead of below an empty stretch, out of a short dock
        self._fit_rows(2)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        for col in FUTURES_COLUMNS:
            self.table.setColumnHidden(col, True)
        self.pending_note = QLabel("recomputing the preview…")
        self.pending_note.setStyleSheet(f"color: {theme.WARN}")
        self.pending_note.hide()
        self.totals = QLabel("type an amount to see the split")
        self.totals.setObjectName("muted")
        self.totals.setWordWrap(True)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.pending_note)
        lay.addWidget(self.table)
        # the totals are placed by the panel that holds the table (``RoutingPanel``: under the
        # scrolling form, right above Route, so a short screen scrolls the legs, never the totals)
        lay.addStretch(1)

    def show_plan(self, plan: Plan | None, excluded: Mapping[str, str], base: str = "base") -> None:
        self.plan = plan
        legs = plan.legs if plan else ()
        rows: list[tuple[str, tuple[str, ...]]] = [
            (leg_key(lg, plan.symbol) if plan else lg.venue, (f"{lg.contracts_dec:,f}", _base(lg.amount_base), format_price(lg.avg_price, self.tick),
                        format_price(lg.limit_price_dec, self.tick),
                        f"{lg.fee:.2f}", _cost(lg.cost), f"{lg.share * 100:.1f}%",
                        plan.funding_cell(lg) if plan else "–",
                        "–" if lg.liquidation_price is None else format_price(lg.liquidation_price, self.tick)))
            for lg in legs
        ]
        shown = (any(lg.funding is not None for lg in legs), any(lg.liquidation_price is not None for lg in legs))
        for col, on in zip(FUTURES_COLUMNS, shown, strict=True):
            if self.table.isColumnHidden(col) == on:
                self.table.setColumnHidden(col, not on)
                # with the futures columns every column takes its contents' width (a narrow dock
                # scrolls sideways) rather than eliding numbers; without them they share the width
                header = self.table.horizontalHeader()
                mode = (QHeaderView.ResizeMode.ResizeToContents if any(shown)
                        else QHeaderView.ResizeMode.Stretch)
                for c in range(1, len(COLUMNS)):
                    header.setSectionResizeMode(c, PRICE_FIT if c in PRICE_COLUMNS else mode)
                self._fit_rows(self.table.rowCount())
                self.needs_room.emit()
        rows += [(v, (f"excluded: {why}",)) for v, why in sorted(excluded.items())]
        if self.table.rowCount() != len(rows):
            self.table.setRowCount(len(rows))
            self._fit_rows(len(rows))
            self.needs_room.emit()
        # items are reused and only changed text is set: each change re-measures the venue column
        # (sized to its contents) and repaints the row, four times a second as books move
        for r, (venue, cells) in enumerate(rows):
            grey = len(cells) == 1
            name = self._cell(r, 0, venue, QColor(theme.GREY if grey else theme.venue_colour(venue)), None)
            if name.toolTip() != venue:
                name.setToolTip(venue)  # whole, where the column is squeezed (``_fit_width``)
            if grey:
                if self.table.columnSpan(r, 1) == 1:
                    self.table.setSpan(r, 1, 1, len(COLUMNS) - 1)
            elif self.table.columnSpan(r, 1) > 1:
                self.table.setSpan(r, 1, 1, 1)
            for c, text in enumerate(cells, start=1):
                self._cell(r, c, text, QColor(theme.GREY) if grey else None,
                           Qt.AlignmentFlag.AlignLeft if grey else Qt.AlignmentFlag.AlignRight)
            reason = self.table.item(r, 1)
            if reason is not None and reason.toolTip() != (cells[0] if grey else ""):
                reason.setToolTip(cells[0] if grey else "")  # a reason cut at the table's edge reads here
        self._size_contracts(rows)
        self._fit_width()
        totals = (totals_text(plan, base, tick=self.tick) if plan and plan.legs else
                  (_no_leg(plan, excluded) if plan else "type an amount to see the split"))
        if totals != self.totals.text():
            self.totals.setText(totals)

    def _size_contracts(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """Column 1 sized to the legs' contracts, not to an excluded venue's reason spanning the
        row from it: sized to contents, a long reason made it half the table and pushed the
        prices out of a 1280-wide window."""
        header = self.table.horizontalHeader()
        if header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch:
            return  # the columns share the width: the spanned reason does not widen one
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        fm = self.table.fontMetrics()
        texts = [COLUMNS[1]] + [cells[0] for _, cells in rows if len(cells) > 1]
        width = max(fm.horizontalAdvance(t) for t in texts) + 16
        if header.sectionSize(1) != width:
            header.resizeSection(1, width)

    def missing_width(self) -> int:
        """How much wider the table must be to show every column shown, the venue names whole,
        without a sideways scroll bar (the window grows the Route dock by it where it can)."""
        t, header = self.table, self.table.horizontalHeader()
        venue = max(header.sectionSizeHint(0), t.sizeHintForColumn(0))
        others = sum(header.sectionSize(c) for c in range(1, len(COLUMNS)) if not t.isColumnHidden(c))
        return max(0, venue + others - t.viewport().width())

    def _fit_width(self) -> None:
        """With the futures columns on, every column takes its contents' width; where that is
        wider than the table (the Route dock at 1280x720 with the liquidation column) the venue
        column gives up the difference, its names elided and whole in their tooltip, rather than
        the split scrolling sideways (the liquidation prices out of view) or a number being cut."""
        header = self.table.horizontalHeader()
        auto = QHeaderView.ResizeMode.ResizeToContents
        if all(self.table.isColumnHidden(c) for c in FUTURES_COLUMNS):
            if header.sectionResizeMode(0) != auto:
                header.setSectionResizeMode(0, auto)
            self._set_overflow(False)
            return
        want = max(header.sectionSizeHint(0), self.table.sizeHintForColumn(0))
        others = sum(header.sectionSize(c) for c in range(1, len(COLUMNS)) if not self.table.isColumnHidden(c))
        room = self.table.viewport().width() - others
        width = max(MIN_VENUE_WIDTH, min(want, room))
        if header.sectionResizeMode(0) != QHeaderView.ResizeMode.Interactive:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        if header.sectionSize(0) != width:
            header.resizeSection(0, width)
        self._set_overflow(width + others > self.table.viewport().width())

    def _set_overflow(self, overflow: bool) -> None:
        """Room for the sideways scroll bar only when the columns still do not fit (a very narrow
        dock): otherwise it was an empty band under the legs."""
        if overflow != self._overflow:
            self._overflow = overflow
            self._fit_rows(self.table.rowCount())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        if self.plan is not None:
            self._fit_width()

    def _fit_rows(self, rows: int) -> None:
        """As tall as the legs shown (two to five), plus the sideways scroll bar when the futures
        columns are on: an empty stretch for five legs pushed the totals out of a 720-high window,
        and a scroll bar over the second leg hid it."""
        bar = self.table.horizontalScrollBar().sizeHint().height() if self._overflow else 0
        self.table.setFixedHeight(18 * min(5, max(2, rows)) + 28 + bar)

    def set_pending(self, pending: bool) -> None:
        """A changed ticket whose preview is not recomputed yet: the old one is dimmed and labelled,
        never shown as current."""
        if pending == self.pending:
            return
        self.pending_note.setVisible(pending)
        self.table.setEnabled(not pending)
        self.totals.setEnabled(not pending)

    @property
    def pending(self) -> bool:
        return not self.pending_note.isHidden()

    def _cell(self, row: int, col: int, text: str, colour: QColor | None,
              align: Qt.AlignmentFlag | None) -> QTableWidgetItem:
        item = self.table.item(row, col)
        if item is None:
            item = QTableWidgetItem(text)
            self.table.setItem(row, col, item)
        elif item.text() != text:
            item.setText(text)
        role = Qt.ItemDataRole.ForegroundRole
        if colour is None:
            if item.data(role) is not None:
                item.setData(role, None)  # back to the table's own text colour
        elif item.data(role) is None or item.foreground().color() != colour:
            item.setForeground(colour)
        if align is not None and int(item.textAlignment()) != align.value:
            item.setTextAlignment(align)
        return item

    def leg_venues(self) -> list[str]:
        out = []
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and self.table.columnSpan(r, 1) == 1:
                out.append(item.text())
        return out
