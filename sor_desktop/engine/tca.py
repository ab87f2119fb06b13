"""Transaction cost analysis of a route, from its journal rows.

Slippage is in bps and signed so that positive is a cost: a buy that paid more than previewed, a
sell that received less. A route's overall slippage compares its realised average price with the
preview of *the amounts that filled* (each leg's preview weighted by its filled base amount), so a
leg that came back short does not show up as a gain or a loss it never had. Average prices over
legs are quote notional over base amount, which is right for linear and inverse contracts alike.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sor_desktop.core.number_text import read_plain
from sor_desktop.core.orders import Side
from sor_desktop.engine.journal import MIXED, Journal, LegRow, RouteRow


def slippage_bps(side: Side, preview: float, realised: float) -> float:
    """Positive = worse than previewed."""
    if preview <= 0:
        raise ValueError("preview price must be positive")
    return (realised / preview - 1.0) * 1e4 * side.sign


@dataclass(frozen=True, slots=True)
class LegTca:
    client_order_id: str
    venue: str
    status: str
    preview_avg_price: float
    preview_base: float
    realised_avg_price: float | None
    filled_base: float
    fill_ratio: float
    slippage_bps: float | None
    preview_fee: float
    fee: float
    latency_ms: float | None
    reason: str | None
    side: str | None = None  # the leg's own (None in TCA stored before legs said it: the route's)
    # ``fee`` is an estimate at the taker rate: the venue did not give it (``LegRow.fee_estimated``)
    fee_estimated: bool = False

    @property
    def fee_unknown(self) -> bool:
        """A fill whose fee is not known at all (no estimate either): counted as nothing paid
        would say the leg was free."""
        return self.fee_estimated and self.fee == 0 and self.filled_base > 0

    @property
    def fee_basis(self) -> str:
        """Where the fee came from: "venue", "estimate" or "unknown"."""
        return "unknown" if self.fee_unknown else "estimate" if self.fee_estimated else "venue"


@dataclass(frozen=True, slots=True)
class RouteTca:
    route_id: str
    parent_route_id: str | None
    created: float
    mode: str
    symbol: str
    side: str
    requested: float
    unit: str
    preview_avg_price: float  # of the whole plan
    preview_filled_base: float
    preview_avg_price_filled: float | None  # preview of what filled (see module doc)
    realised_avg_price: float | None
    filled_base: float
    fill_ratio: float
    slippage_bps: float | None
    preview_fees: float
    fees_paid: float
    latency_ms: dict[str, float]  # send -> acknowledgement, per venue
    legs: tuple[LegTca, ...]
    fees_estimated: bool = False  # ``fees_paid`` holds a leg's estimate (or a leg's fee is not known)

    @property
    def fees_basis(self) -> str:
        """"unknown" when a leg's fee is not known, "estimate" when one is estimated, else "venue"."""
        if any(lg.fee_unknown for lg in self.legs):
            return "unknown"
        return "estimate" if self.fees_estimated else "venue"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["legs"] = [asdict(lg) for lg in self.legs]
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RouteTca:
        """Also an analysis stored before fees were flagged: a leg that filled with fee 0 then had
        its fee unrecorded (the venue's answer gave none), so it reads as not known."""
        d = dict(d)
        legs = []
        for raw in d["legs"]:
            lg = dict(raw)
            if "fee_estimated" not in lg:
                lg["fee_estimated"] = not lg.get("fee") and float(lg.get("filled_base") or 0) > 0
            legs.append(LegTca(**lg))
        d["legs"] = tuple(legs)
        d.setdefault("fees_estimated", any(lg.fee_estimated for lg in legs))
        return cls(**d)


def fees_text(t: RouteTca, spec: str = ",.4f") -> str:
    """The fees paid as the trader must read them: "0.1500", "~0.1500 est." when a leg's fee is an
    estimate, "0.0500 + 1 unknown" when a leg's fee is not known at all (ASCII: a console too)."""
    text = format(t.fees_paid, spec)
    unknown = sum(1 for lg in t.legs if lg.fee_unknown)
    if unknown:
        return f"{text} + {unknown} unknown"
    return f"~{text} est." if t.fees_estimated else text


def fee_text(lg: LegTca, spec: str = ",.4f") -> str:
    """One leg's fee in the same words as ``fees_text``."""
    if lg.fee_unknown:
        return "unknown"
    text = format(lg.fee, spec)
    return f"~{text} est." if lg.fee_estimated else text


def quote_fee(leg: LegRow) -> float:
    """The leg's fee in quote units, as its preview counts it: an inverse venue charges the coin
    (0.000135 BTC), worth that times the fill price; the cost analysis had added the coin amount
    to the USDT fees, and a fee previewed at 8.10 USD read as paid 0.0001."""
    fee = float(leg.fee)
    if leg.linear or not fee:
        return fee
    return fee * float(leg.avg_price) if leg.avg_price else fee * leg.preview_avg_price


def leg_tca(side: Side, leg: LegRow) -> LegTca:
    filled = float(leg.filled_base)
    realised = float(leg.avg_price) if leg.avg_price is not None and filled > 0 else None
    return LegTca(
        client_order_id=leg.client_order_id,
        venue=leg.venue,
        status=leg.status,
        preview_avg_price=leg.preview_avg_price,
        preview_base=leg.preview_base,
        realised_avg_price=realised,
        filled_base=filled,
        fill_ratio=filled / leg.preview_base if leg.preview_base > 0 else 0.0,
        slippage_bps=slippage_bps(side, leg.preview_avg_price, realised) if realised is not None else None,
        preview_fee=leg.preview_fee,
        fee=quote_fee(leg),
        latency_ms=leg.latency_ms,
        reason=leg.reason,
        side=str(side),
        fee_estimated=leg.fee_estimated,
    )


def route_tca(route: RouteRow, legs: Sequence[LegRow]) -> RouteTca:
    """A route of both sides (``route.side`` None: a flatten of longs and shorts) has no one
    average price: its slippage is its filled legs' own (each signed by its side), weighted by
    their previewed notional, which on one side is the same number as the realised average
    against the preview of what filled; its amounts and fees are gross over both sides."""
    per_leg = tuple(leg_tca(lg.side, lg) for lg in legs)  # each leg on its own side
    filled = sum(lg.filled_base for lg in per_leg)
    realised = preview_filled = None
    slip: float | None = None
    if filled > 0 and route.side is not None:
        realised = sum(lg.filled_base * (lg.realised_avg_price or 0.0) for lg in per_leg) / filled
        preview_filled = sum(lg.filled_base * lg.preview_avg_price for lg in per_leg) / filled
        slip = slippage_bps(route.side, preview_filled, realised) if preview_filled else None
    elif filled > 0:
        weight = moved = 0.0
        for row, lg in zip(legs, per_leg, strict=True):
            if lg.realised_avg_price is not None:
                weight += lg.filled_base * lg.preview_avg_price
                moved += row.side.sign * lg.filled_base * (lg.realised_avg_price - lg.preview_avg_price)
        slip = moved / weight * 1e4 if weight > 0 else None
    latency: dict[str, float] = {}
    for lg in per_leg:
        if lg.latency_ms is not None:
            latency[lg.venue] = lg.latency_ms
    return RouteTca(
        route_id=route.route_id,
        parent_route_id=route.parent_route_id,
        created=route.created,
        mode=route.mode,
        symbol=route.symbol,
        side=MIXED if route.side is None else str(route.side),
        requested=route.requested,
        unit=route.unit,
        preview_avg_price=route.preview_avg_price,
        preview_filled_base=route.preview_filled,
        preview_avg_price_filled=preview_filled,
        realised_avg_price=realised,
        filled_base=filled,
        fill_ratio=filled / route.preview_filled if route.preview_filled > 0 else 0.0,
        slippage_bps=slip,
        preview_fees=sum(lg.preview_fee for lg in per_leg),
        fees_paid=sum(lg.fee for lg in per_leg),
        latency_ms=latency,
        legs=per_leg,
        fees_estimated=any(lg.fee_estimated for lg in per_leg),
    )


def journal_route_tca(journal: Journal, route_id: str) -> RouteTca | None:
    """The stored TCA of a finished route, else computed from its rows as they stand."""
    stored = journal.tca(route_id)
    if stored is not None:
        return RouteTca.from_json(stored)
    route = journal.route(route_id)
    return route_tca(route, journal.legs(route_id)) if route else None


CSV_COLUMNS = (
    "route_id", "parent_route_id", "created_utc", "mode", "symbol", "side", "requested", "unit",
    "route_preview_avg_price", "route_realised_avg_price", "route_slippage_bps", "route_fees_paid",
    "route_filled_base", "route_fill_ratio",
    "client_order_id", "venue", "status", "preview_avg_price", "realised_avg_price", "slippage_bps",
    "preview_base", "filled_base", "fee", "latency_ms", "reason",
    # where the fees came from: venue | estimate (at the taker rate) | unknown (not given, and no
    # price to estimate at); a route's is its worst leg's
    "fee_basis", "route_fees_basis",
)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def _cell(v: Any) -> Any:
    """Floats at 12 significant digits: binary noise (59995.80000000001) is not a price. Text that
    a spreadsheet would take for a formula (a venue's "-2019 Margin is insufficient.", or worse)
    is written as text, with a leading apostrophe; numbers stay numbers."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.12g}"
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") and read_plain(v) is None:
        return "'" + v
    return v


def export_csv(journal: Journal, target: Path, *, limit: int = 1_000_000, mode: str | None = None) -> int:
    """One row per leg of the most recent ``limit`` routes (of ``mode`` when given), with its
    route's figures (``side`` is the leg's: a flatten of longs and shorts has both); returns rows."""
    rows = 0
    # written beside the target and renamed over it at the end: a journal row that cannot be read
    # half-way (DamagedRow) leaves the target as it was, not a partial CSV over it
    partial = target.with_name(f".{target.name}.partial")
    try:
        rows = _write_csv(journal, partial, limit, mode)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return rows


def _write_csv(journal: Journal, target: Path, limit: int, mode: str | None) -> int:
    rows = 0
    with open(target, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for route in reversed(journal.recent_routes(limit, mode)):
            t = journal_route_tca(journal, route.route_id)
            if t is None:
                continue
            for lg in t.legs:
                w.writerow([_cell(v) for v in (
                    t.route_id, t.parent_route_id, _iso(t.created), t.mode, t.symbol, lg.side or t.side,
                    t.requested, t.unit,
                    t.preview_avg_price_filled or t.preview_avg_price, t.realised_avg_price, t.slippage_bps,
                    t.fees_paid, t.filled_base, t.fill_ratio,
                    lg.client_order_id, lg.venue, lg.status, lg.preview_avg_price, lg.realised_avg_price,
                    lg.slippage_bps, lg.preview_base, lg.filled_base, lg.fee, lg.latency_ms, lg.reason,
                    lg.fee_basis, t.fees_basis)])
                rows += 1
    return rows
