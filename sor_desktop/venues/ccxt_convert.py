"""ccxt's unified dicts turned into core values. Nothing ccxt-shaped leaves the venues layer.

Amounts stay in the venue's contracts (what ccxt reports, which the instrument's
``contract_size`` describes; see ``quirks.quantity_unit``). Numbers go through ``str`` into
``Decimal`` so a float like 0.1 stays 0.1.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderRequest, OrderStatus, Side


def dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def book_snapshot(
    venue: str, symbol: str, book: Mapping[str, Any], received: float, depth: int | None = None
) -> BookSnapshot:
    """A ccxt order book (bids high to low, asks low to high) as a frozen snapshot."""
    bids: Sequence[Any] = book.get("bids") or []
    asks: Sequence[Any] = book.get("asks") or []
    if depth is not None:
        bids, asks = bids[:depth], asks[:depth]
    ts = book.get("timestamp")
    nonce = book.get("nonce")
    return BookSnapshot.from_lists(
        venue,
        symbol,
        int(ts) if ts else int(time.time() * 1000),
        bids,
        asks,
        sequence=int(nonce) if nonce is not None else None,
        received=received,
    )


_STATUS = {
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.CANCELED,
    "rejected": OrderStatus.REJECTED,
}


def fee(order: Mapping[str, Any]) -> Decimal | None:
    """The fee ccxt read from the venue's answer, or None when the answer gives none: no fee
    entry, or one without a cost (BingX's ``commission: ""``). Binance's order query and Bybit's
    derivatives answers (ccxt reads ``cumFeeDetail``, not ``cumExecFee``) give none: the venue's
    own source is asked then (``venues.order_fees``)."""
    fees = order.get("fees") or ([order["fee"]] if order.get("fee") else [])
    costs = [dec((f or {}).get("cost")) for f in fees]
    known = [c for c in costs if c is not None]
    return sum(known, Decimal(0)) if known else None


def order_status(order: Mapping[str, Any], filled: Decimal, amount: Decimal | None) -> OrderStatus:
    raw = order.get("status")
    status = _STATUS.get(str(raw).lower()) if raw is not None else None
    if status is OrderStatus.FILLED and amount is not None and filled < amount:
        # "closed" with a remainder: an IOC that filled partly and expired
        return OrderStatus.CANCELED
    if status is not None:
        return status
    if filled > 0:
        return OrderStatus.PARTIALLY_FILLED
    return OrderStatus.ACKNOWLEDGED


_NO_REASON = (None, "", "NONE", "EC_NoError")


def _average(order: Mapping[str, Any]) -> Decimal | None:
    """The fill's average price. An answer in Binance's fields (WEEX copies them) whose own
    ``avgPrice`` is 0 or absent is priced at ``cumQuote / executedQty``: ccxt's fallback divides
    the quote by the market's contract size, 10,000x too high on WEEX, whose BTC contracts the
    app counts in coins (quirks). A given ``avgPrice`` stands (BingX rounds ``cumQuote`` to "8"
    for 8.371 USDT)."""
    avg = dec(order.get("average"))
    info = order.get("info")
    if isinstance(info, Mapping):
        given = dec(info.get("avgPrice"))
        quote, qty = dec(info.get("cumQuote")), dec(info.get("executedQty"))
        if (given is None or given <= 0) and quote is not None and qty is not None and quote > 0 and qty > 0:
            return quote / qty
    return avg


def order_report(
    venue: str, order: Mapping[str, Any], request: OrderRequest | None = None, symbol: str | None = None
) -> OrderReport:
    amount = dec(order.get("amount"))
    filled = dec(order.get("filled")) or Decimal(0)
    side_raw = order.get("side") or (request.side.value if request else None)
    side = Side(str(side_raw).lower()) if side_raw else Side.BUY
    reason = order.get("info", {}).get("rejectReason") if isinstance(order.get("info"), Mapping) else None
    paid = fee(order) if filled > 0 else Decimal(0)
    return OrderReport(
        venue=venue,
        symbol=str(order.get("symbol") or symbol or (request.symbol if request else "")),
        client_order_id=str(order.get("clientOrderId") or (request.client_order_id if request else "")),
        status=order_status(order, filled, amount),
        side=side,
        contracts=amount if amount is not None else (request.contracts if request else Decimal(0)),
        filled_contracts=filled,
        avg_price=_average(order) if filled > 0 else None,
        # nothing filled, nothing charged; a fill whose fee the answer leaves out is not a 0:
        # flagged, and estimated by the venue (``CcxtVenue``) unless its own source gives it
        fee=paid if paid is not None else Decimal(0),
        fee_estimated=paid is None and filled > 0,
        venue_order_id=str(order["id"]) if order.get("id") not in (None, "") else None,
        reason=str(reason) if reason not in _NO_REASON else None,
        timestamp=int(order.get("timestamp") or order.get("lastUpdateTimestamp") or 0),
    )


def balances(venue: str, balance: Mapping[str, Any], currencies: Sequence[str] | None = None) -> list[Balance]:
    total: Mapping[str, Any] = balance.get("total") or {}
    free: Mapping[str, Any] = balance.get("free") or {}
    used: Mapping[str, Any] = balance.get("used") or {}
    out = []
    for code in sorted(total):
        if currencies is not None and code not in currencies:
            continue
        t = dec(total.get(code))
        if t is None:
            continue
        f = dec(free.get(code))
        u = dec(used.get(code))
        if f is None and u is not None:
            f = t - u
        if u is None and f is not None:
            u = t - f
        out.append(Balance(venue, code, t, f if f is not None else t, u if u is not None else Decimal(0)))
    return out


def position(venue: str, pos: Mapping[str, Any], instrument: Instrument | None) -> Position | None:
    """A ccxt position, or None for an empty slot (venues list flat positions too)."""
    contracts = dec(pos.get("contracts"))
    if contracts is None or contracts == 0:
        return None
    side = Side.SELL if str(pos.get("side")).lower() == "short" else Side.BUY
    contracts = abs(contracts)
    entry = dec(pos.get("entryPrice"))
    mark = dec(pos.get("markPrice"))
    if instrument is not None and (instrument.linear or (mark or entry)):
        base = instrument.contracts_to_base(contracts, mark or entry)
    else:
        size = dec(pos.get("contractSize")) or Decimal(1)
        base = contracts * size
    return Position(
        venue=venue,
        symbol=str(pos.get("symbol")),
        side=side,
        contracts=contracts,
        base_amount=base,
        entry_price=entry,
        mark_price=mark,
        unrealized_pnl=dec(pos.get("unrealizedPnl")) or Decimal(0),
        realized_pnl=dec(pos.get("realizedPnl")) or Decimal(0),
        leverage=dec(pos.get("leverage")),
        margin_mode=_margin_mode(pos.get("marginMode")),
        # ccxt reports unrealizedPnl in the settle currency: BTC for an inverse market
        pnl_currency=instrument.settle if instrument is not None else None,
    )


def _margin_mode(raw: object) -> str | None:
    """ccxt's unified ``marginMode`` ("cross" / "isolated"); anything else is not known."""
    mode = str(raw).lower() if raw is not None else ""
    return mode if mode in ("cross", "isolated") else None
