"""Blotter: one parent row per route (totals, slippage against the preview), its legs as children
with side, status, filled amount, average price, slippage, fee and latency from send to
acknowledgement. A fee the venue did not give is shown as an estimate ("~0.18 est.") or as
"unknown", never as a paid 0 (``OrderReport.fee_estimated``).

A flatten of longs and shorts is one route whose legs go both ways (``Plan.mixed``): each leg row
says its own side, the parent row "sell+buy" with the amounts gross over both sides and no one
average price; its slippage is the legs' own, weighted by their previewed notional (as the TCA's)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.price_format import amount_digits, format_average
from sor_desktop.engine.session_events import LegUpdate, RouteDone, RouteStarted
from sor_desktop.engine.tca import RouteTca, fees_text
from sor_desktop.ui import theme

COLUMNS = ("route / venue", "side", "status", "contracts", "filled", "avg price", "preview", "slip bps",
           "latency ms", "reason", "fee")
FEE = COLUMNS.index("fee")
ESTIMATED_FEE = "estimated at the account's taker rate: the venue's answer did not give this fill's fee"
UNKNOWN_FEE = "not known: the venue's answer did not give this fill's fee and there was no price to estimate it at"
SHOWN = ("route / venue", "side", "status", "filled", "avg price", "slip bps", "fee", "reason", "preview",
         "contracts", "latency ms")
# the most these take (px): "partly filled (rest cancelled) (was unknown)" and a venue's sentence
# made the first six columns wider than the dock under the chart at 1280 wide
CAPPED = {"status": 150, "reason": 190}

STATUS_TEXT = {
    OrderStatus.PENDING: "pending",
    OrderStatus.SENT: "sent",
    OrderStatus.ACKNOWLEDGED: "acknowledged",
    OrderStatus.PARTIALLY_FILLED: "partly filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "cancelled",
    OrderStatus.REJECTED: "rejected",
    OrderStatus.UNKNOWN: "unknown",
}
STATUS_COLOUR = {
    OrderStatus.FILLED: theme.BID,
    OrderStatus.REJECTED: theme.ERROR,
    OrderStatus.UNKNOWN: theme.WARN,
    OrderStatus.PARTIALLY_FILLED: theme.WARN,
}


# a leg that fell short of its order: its whole row is tinted, the text says how and the venue's words
FAILURE_COLOUR = {
    "rejected": theme.ERROR,
    "unknown": theme.WARN,
    "expired unfilled": theme.WARN,
    "partly filled": theme.WARN,
}
FAILURE_TINT = {
    "rejected": "#3d1f22",
    "unknown": "#3a3218",
    "expired unfilled": "#33301f",
    "partly filled": "#33301f",
}


def leg_failure(u: LegUpdate) -> str | None:
    """How the leg fell short, also for updates made without the executor (a blocked route)."""
    if u.failure:
        return u.failure
    if u.status is OrderStatus.REJECTED:
        return "rejected"
    if u.status is OrderStatus.UNKNOWN:
        return "unknown"
    return None


def venue_words(u: LegUpdate) -> str:
    """"[2005] Insufficient balance": the venue's code and text, else the executor's reason."""
    text = u.venue_text or u.reason or ""
    return f"[{u.venue_code}] {text}".strip() if u.venue_code else text


@dataclass
class _Route:
    item: QTreeWidgetItem
    started: RouteStarted
    legs: dict[int, LegUpdate] = field(default_factory=dict)
    items: dict[int, QTreeWidgetItem] = field(default_factory=dict)
    done: RouteDone | None = None
    tick: Decimal | None = None


def leg_fee_text(u: LegUpdate) -> str:
    """The leg's fee in its settle coin (an inverse leg's in the coin: 6 figures), "~... est."
    when estimated, "unknown" when not known; blank before anything filled."""
    if u.fee_unknown:
        return "unknown"
    if u.filled_contracts <= 0 and not u.fee:
        return ""
    text = f"{u.fee:.6g}"
    return f"~{text} est." if u.fee_estimated else text


def leg_status_text(u: LegUpdate) -> str:
    text = STATUS_TEXT.get(u.status, str(u.status))
    if u.status is OrderStatus.CANCELED and u.filled_contracts > 0:
        text = "partly filled (rest cancelled)"
    elif u.status is OrderStatus.CANCELED:
        text = "expired unfilled"  # an IOC that found nothing at its limit
    if u.was_unknown and u.status is not OrderStatus.UNKNOWN:
        text += " (was unknown)"
    return text


class Blotter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tick: Decimal | None = None  # the symbol's display tick: prices as the other panels write them
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setFont(theme.mono_font(9))
        self.tree.setAlternatingRowColors(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for name in CAPPED:  # sized by _fit: up to their cap, elided past it, whole in the tooltip
            header.setSectionResizeMode(COLUMNS.index(name), QHeaderView.ResizeMode.Interactive)
        # shown in the order a trader reads a fill (not the data order): at 1280x720 the venue's
        # words after the status pushed the average price and the slippage behind a scroll bar;
        # they come after the slippage now, still before what is read last
        for at, name in enumerate(SHOWN):
            header.moveSection(header.visualIndex(COLUMNS.index(name)), at)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tree)
        self.routes: dict[str, _Route] = {}

    def on_route(self, ev: RouteStarted) -> None:
        item = QTreeWidgetItem()
        self.tree.insertTopLevelItem(0, item)
        # the route's prices as its confirmation wrote them: the window's tick and its venues'
        r = self.routes[ev.route_id] = _Route(item, ev, tick=ev.plan.price_tick(self.tick))
        for i, leg in enumerate(ev.plan.legs):
            child = QTreeWidgetItem(item)
            name = leg_key(leg, ev.plan.symbol)  # a venue's inverse market is named apart (core.market_key)
            child.setText(0, name)
            child.setForeground(0, QColor(theme.venue_colour(name)))
            side = ev.plan.side_of(leg)
            child.setText(1, str(side))
            child.setForeground(1, QColor(theme.BID if side is Side.BUY else theme.ASK))
            child.setText(2, "pending")
            child.setText(3, f"{leg.contracts_dec:,f}")
            child.setText(6, format_average(leg.avg_price, r.tick))
            r.items[i] = child
        item.setExpanded(True)
        self._summarise(r)

    def on_leg(self, u: LegUpdate) -> None:
        r = self.routes.get(u.route_id)
        if r is None:
            return
        r.legs[u.leg] = u
        child = r.items.get(u.leg)
        if child is None:
            return
        child.setText(2, leg_status_text(u))
        child.setToolTip(2, leg_status_text(u))
        child.setForeground(2, QColor(STATUS_COLOUR.get(u.status, theme.TEXT)))
        child.setText(4, f"{u.filled_base:,.{_digits(r)}f}" if u.filled_contracts else "0")
        child.setText(5, format_average(u.avg_price, r.tick) if u.avg_price else "")
        slip = u.slippage_bps
        child.setText(7, f"{slip:+.2f}" if slip is not None else "")
        child.setText(8, f"{u.latency_ms:.0f}" if u.latency_ms is not None else "")
        child.setText(FEE, leg_fee_text(u))
        child.setToolTip(FEE, UNKNOWN_FEE if u.fee_unknown else ESTIMATED_FEE if u.fee_estimated else "")
        child.setForeground(FEE, QColor(theme.WARN if u.fee_estimated else theme.TEXT))
        words = venue_words(u)
        child.setText(9, words)
        child.setToolTip(9, words if not u.reason or u.reason in words else f"{words}\n{u.reason}".strip())
        failure = leg_failure(u)
        tint = QBrush(QColor(FAILURE_TINT[failure])) if failure else QBrush()
        for c in range(len(COLUMNS)):
            child.setBackground(c, tint)
        if failure:
            child.setForeground(2, QColor(FAILURE_COLOUR[failure]))
            child.setForeground(9, QColor(FAILURE_COLOUR[failure]))
        self._summarise(r)

    def on_done(self, ev: RouteDone) -> None:
        """The route's end, in the trader's terms: "partly filled: 1.66 of 4"."""
        r = self.routes.get(ev.route_id)
        if r is None:
            return
        r.done = ev
        self._summarise(r)

    def _summarise(self, r: _Route) -> None:
        plan = r.started.plan
        filled = sum(u.filled_base for u in r.legs.values())
        notional = sum(u.filled_base * (u.avg_price or 0.0) for u in r.legs.values())
        avg = notional / filled if filled else None
        done = sum(1 for u in r.legs.values() if u.status.final)
        status = f"{done}/{len(plan.legs)} done"
        colour = theme.TEXT
        if r.done is not None and r.done.status:
            status = r.done.summary
            colour = theme.BID if r.done.status == "filled" else theme.WARN if r.done.filled else theme.ERROR
            if r.done.journal_error:
                status += " · NOT SAVED"
                colour = theme.ERROR
        elif done == len(plan.legs):
            # every leg's contracts decide: an inverse leg's base moves with its fill price
            in_full = all(u.status is OrderStatus.FILLED for u in r.legs.values())
            status = "filled" if in_full or filled >= plan.filled * (1 - 1e-9) else (
                "partly filled" if filled else "not filled")
        it = r.item
        it.setForeground(2, QColor(colour))
        error = r.done.journal_error if r.done is not None else None
        it.setToolTip(2, f"{status}\n{error}" if error else status)
        it.setText(0, f"{time.strftime('%H:%M:%S', time.localtime(r.started.time))} {r.started.route_id[:8]}")
        it.setText(2, status)
        digits = _digits(r)
        it.setText(3, f"{plan.filled:,.{digits}f}")
        it.setText(4, f"{filled:,.{digits}f}")
        if plan.mixed:
            self._summarise_sides(r)
        else:
            it.setText(1, str(plan.side))
            # averages with figures past the tick (core.price_format.format_average): rounded to
            # it, a fill and its preview read the same beside a slippage that was not nought
            it.setText(5, format_average(avg, r.tick) if avg else "")
            it.setText(6, format_average(plan.avg_price, r.tick))
            if avg:
                slip = (avg - plan.avg_price) / plan.avg_price * 1e4 * (1 if plan.side == "buy" else -1)
                it.setText(7, f"{slip:+.2f}")
        lat = [u.latency_ms for u in r.legs.values() if u.latency_ms is not None]
        it.setText(8, f"{max(lat):.0f}" if lat else "")
        self._fit()

    def _fit(self) -> None:
        """The capped columns as wide as their texts up to their cap (and never narrower than
        their title)."""
        header = self.tree.header()
        for name, cap in CAPPED.items():
            c = COLUMNS.index(name)
            want = max(self.tree.sizeHintForColumn(c), header.sectionSizeHint(c))
            header.resizeSection(c, min(want, cap))

    def _summarise_sides(self, r: _Route) -> None:
        """A route of both sides: "sell+buy", each side's amounts in the tooltip, no one average
        price; the slippage is the filled legs' own, weighted by their previewed notional."""
        plan, it = r.started.plan, r.item
        it.setText(1, "+".join(str(s) for s in plan.sides))
        parts = []
        for side in plan.sides:
            idx = [i for i, lg in enumerate(plan.legs) if plan.side_of(lg) is side]
            got = sum(r.legs[i].filled_base for i in idx if i in r.legs)
            digits = _digits(r)
            parts.append(f"{side} {sum(plan.legs[i].amount_base for i in idx):,.{digits}f} on {len(idx)} leg(s), "
                         f"filled {got:,.{digits}f}")
        it.setToolTip(1, "; ".join(parts))
        weight = moved = 0.0
        for u in r.legs.values():
            if u.avg_price and u.preview_price and u.filled_base:
                weight += u.filled_base * u.preview_price
                moved += u.filled_base * (u.avg_price - u.preview_price) * u.side.sign
        it.setText(7, f"{moved / weight * 1e4:+.2f}" if weight else "")

    def on_tca(self, route_id: str, tca: RouteTca) -> None:
        """The executor's cost analysis is the reference for the route's slippage (it compares
        what filled with the preview of those same amounts)."""
        r = self.routes.get(route_id)
        if r is None:
            return
        r.item.setText(FEE, fees_text(tca, ",.2f"))
        r.item.setToolTip(FEE, f"fees paid {fees_text(tca, ',.4f')} (previewed {tca.preview_fees:,.4f})"
                               + {"estimate": f"; {ESTIMATED_FEE} on a leg", "unknown": f"; {UNKNOWN_FEE} on a leg"}
                               .get(tca.fees_basis, ""))
        r.item.setForeground(FEE, QColor(theme.WARN if tca.fees_estimated else theme.TEXT))
        if tca.slippage_bps is not None:
            r.item.setText(7, f"{tca.slippage_bps:+.2f}")
            r.item.setToolTip(7, f"fees paid {fees_text(tca, ',.2f')} (previewed {tca.preview_fees:,.2f}); "
                                 f"filled {tca.fill_ratio * 100:.1f}% of the preview")

    def route_status(self, route_id: str) -> str:
        return self.routes[route_id].item.text(2)


def _digits(r: _Route) -> int:
    """Decimals of the route's amounts: its legs' lots (1,000,039 DOGE, 0.537 BTC), and what they
    filled: a leg of 0.270 whose IOC filled 0.267 was written "0.27", its order's amount."""
    plan = r.started.plan
    return amount_digits([lg.amount_base for lg in plan.legs] + [u.filled_base for u in r.legs.values()]
                         or [plan.filled])
