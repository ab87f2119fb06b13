"""Inverse (coin-settled, USD-contract) markets routed beside linear ones, on one base basis.

An inverse contract is ``contract_size`` USD (Bybit ``BTC/USD:BTC``: 1 USD). Bought at price ``p``
it is ``contract_size / p`` of the base; its cost on a USD basis is ``contract_size`` (plus the
fee, charged in the coin as ``rate x base``, i.e. ``rate x contract_size`` USD at the fill price).
So a level ``(p, k contracts)`` is exactly a linear level ``(p, k x contract_size / p base)``: same
price, same cost per base, and the router's convex book walk applies unchanged.

What does not carry over is the lot: a contract's base depends on the price it fills at. The
router therefore plans the inverse venue on a *pseudo-lot* of base, a power of ten two decades
below one step's base at the highest price of the book (so a pseudo-lot is a hundredth of a step or
less, and the walk back seldom loses a whole contract to it), and the leg is then turned back into whole contracts, rounded down (``to_contracts``): it
loses less than one step of contracts, and the plan's fill, cost and limit are those of the whole
contracts, walked on the venue's own book. The minimum and maximum order are converted so that the
rounded leg stays inside them at any price of the book; the price tick and the limit are the
venue's own (prices are the same numbers in both views). The plan's ``gap_bps`` adds what the
rounding can cost (``core/router.py``, ``_rounding_gap``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sor_desktop.core.book import BookSnapshot, Levels
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.plan import VenueInput

__all__ = ["InverseVenue", "as_linear", "contracts_base", "Walk"]


@dataclass(frozen=True, slots=True)
class Walk:
    contracts: Decimal  # whole steps of the inverse instrument
    base: float
    notional: float  # USD: contracts x contract size
    worst_price: float


@dataclass(frozen=True, slots=True)
class InverseVenue:
    """How one inverse venue was seen by the router, to turn its leg back into contracts."""

    original: Instrument
    pseudo_lot: Decimal  # base units per pseudo-contract

    def to_contracts(self, levels: Levels, base: float) -> Walk:
        """The whole contracts of a leg the router planned as ``base`` on ``levels`` (the original
        side, best first, contracts as amounts): the contracts the base walks, rounded down to the
        step, then walked again for their base, USD notional and worst price."""
        ins = self.original
        cs = float(ins.contract_size)
        left, contracts = base, 0.0
        for price, amount in levels.tolist():
            if left <= 0:
                break
            take = min(left, amount * cs / price)
            contracts += take * price / cs
            left -= take
        steps = (Decimal(repr(contracts)) * (1 + Decimal("1e-12")) / ins.amount_step).to_integral_value(ROUND_FLOOR)
        n = steps * ins.amount_step
        return self.walk(levels, n)

    def walk(self, levels: Levels, n: Decimal) -> Walk:
        cs = float(self.original.contract_size)
        left, got, worst = float(n), 0.0, 0.0
        for price, amount in levels.tolist():
            if left <= 1e-12:
                break
            take = min(left, amount)
            got += take * cs / price
            left -= take
            worst = price
        return Walk(n, got, float(n) * cs, worst)


def contracts_base(ins: Instrument, levels: Levels, contracts: Decimal) -> float:
    """The base amount ``contracts`` of ``ins`` come to on ``levels`` (the side of the book they
    would take, best first): a linear contract is ``contract_size`` of base at any price; an
    inverse one is ``contract_size`` USD, walked on the levels as ``InverseVenue.walk`` walks a
    leg, and any contracts past the levels' depth count at the last level's price (so depth, not
    this amount, is what stops a leg there). A reduce-only leg's cap (``VenueInput.reduce_contracts``)."""
    if contracts <= 0:
        return 0.0
    if ins.linear:
        return float(contracts * ins.contract_size)
    walked = InverseVenue(ins, ins.amount_step).walk(levels, contracts)
    depth = float(levels[:, 1].sum()) if len(levels) else 0.0
    rest = float(contracts) - depth
    if rest > 0 and len(levels):
        return walked.base + rest * float(ins.contract_size) / float(levels[-1, 0])
    return walked.base if len(levels) else 0.0


PSEUDO_DECADES = 2


def _pseudo_lot(ins: Instrument, top_price: float) -> Decimal:
    step_base = float(ins.lot) / top_price
    # two decades finer than a step: the walk back to whole contracts then rarely loses one
    return Decimal(1).scaleb(math.floor(math.log10(step_base)) - PSEUDO_DECADES)


def _convert(levels: Levels, cs: float, lot: float) -> Levels:
    if not len(levels):
        return levels
    out = levels.copy()
    out[:, 1] = levels[:, 1] * cs / levels[:, 0] / lot
    return out


def as_linear(v: VenueInput) -> tuple[VenueInput, InverseVenue]:
    """``v`` (an inverse venue) as the linear venue the router plans on, and how to turn back."""
    ins, book = v.instrument, v.book
    prices = [float(s[:, 0].max()) for s in (book.bids, book.asks) if len(s)]
    top = max(prices) if prices else 1.0
    low = min(float(s[:, 0].min()) for s in (book.bids, book.asks) if len(s)) if prices else 1.0
    lot = _pseudo_lot(ins, top)
    cs = float(ins.contract_size)
    size = ins.contract_size

    def in_lots(contracts: Decimal | None, price: float, rounding: str) -> Decimal | None:
        if contracts is None:
            return None
        base = Decimal(repr(float(contracts * size) / price))
        return max((base / lot).to_integral_value(rounding), Decimal(1))

    # a leg rounded down to whole contracts keeps at least the minimum at any price of the book:
    # its contracts are >= base x lowest price / size; and never passes the maximum likewise
    min_lots = in_lots(ins.min_amount if ins.min_amount is not None else ins.amount_step, low, ROUND_CEILING)
    max_lots = in_lots(ins.max_amount, top, ROUND_FLOOR)
    linear = replace(ins, linear=True, contract_size=lot, amount_step=Decimal(1), min_amount=min_lots,
                     max_amount=max_lots)
    converted = BookSnapshot(book.venue, book.symbol, book.timestamp, _convert(book.bids, cs, float(lot)),
                             _convert(book.asks, cs, float(lot)), book.sequence, book.received, book.meta)
    return replace(v, book=converted, instrument=linear), InverseVenue(ins, lot)

