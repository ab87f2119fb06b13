"""Router inputs and the plan it returns. The plan is the contract between the router, the
routing panel, the executor and the ``plan`` command; keep its JSON keys stable."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.brackets import Bracket
from sor_desktop.core.funding import Funding
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.price_format import limits_tick

# What one more leg costs the trader beyond its fees, in quote units (USDT): the router uses a venue
# only when it saves more than this (README, router section, says why 1 USDT).
DEFAULT_LEG_COST = 1.0
# A gap below this is the float round-off of the bound's own sum (1e-9 bps of 10 million USDT is
# a millionth of a USDT; the DOGE preview of 150,000 showed "within 1.6e-12 bps"): the plan is
# said to be proven optimal, and JSON still carries the gap as computed.
ROUNDING_BPS = 1e-9
DEFAULT_MIN_LIQ_DISTANCE = 0.05  # 5 % of the mark between a leg's estimated liquidation and the mark


class AmountUnit(StrEnum):
    BASE = "base"
    QUOTE = "quote"  # a notional in the quote currency (USDT), before fees


@dataclass(frozen=True, slots=True)
class VenueInput:
    book: BookSnapshot
    instrument: Instrument
    cap_base: float | None = None  # most base amount this venue may take (free margin x leverage)
    excluded: str | None = None  # reason the venue must not be used (stale book, view-only, ...)
    leg_cost: float | None = None  # this venue's fixed cost per leg (quote units); None: the request's
    # futures terms (core/futures_costs.py says how the router uses them)
    fee: float | None = None  # the account's taker rate, overriding the instrument's default
    funding: Funding | None = None  # used when the request has a holding time
    brackets: tuple[Bracket, ...] | None = None  # sorted tiers (core.brackets.checked)
    leverage: float | None = None  # the leverage the legs open at (brackets and liquidation need it)
    mark_price: float | None = None  # funding, bracket notionals and liquidation distance use it
    position_base: float = 0.0  # the position already held (signed base): brackets count it
    # reduce-only: the contracts of the position this venue's leg closes, in the venue's own unit,
    # exactly. It replaces ``cap_base`` (a reducing order frees margin: the position is its cap);
    # the leg never passes it, and a leg that takes all it allows is exactly these contracts (an
    # inverse market's base moves with the price: a cap in base would miss the position either way)
    reduce_contracts: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlanRequest:
    side: Side
    amount: float
    unit: AmountUnit = AmountUnit.BASE
    max_venues: int | None = None
    slippage_bps: float = 5.0
    # a HARD price limit: a buy takes no level priced above it, a sell none below it, and no leg's
    # IOC limit passes it (rounded on the venue's tick toward the safe side)
    limit_price: float | None = None
    # the limit compares price * (1 + taker) for a buy, price * (1 - taker) for a sell
    limit_on_fee_adjusted: bool = False
    # fixed cost of each leg in quote units, in the objective (see VenueInput.leg_cost)
    leg_cost: float = DEFAULT_LEG_COST
    # intended holding time: each venue's funding over it joins that venue's cost (None: ignored)
    hold_hours: float | None = None
    now_ms: int | None = None  # the clock funding settlements are counted from (None: H / interval)
    # the estimated liquidation price must stay this fraction of the mark away (None / 0: off)
    min_liq_distance: float | None = DEFAULT_MIN_LIQ_DISTANCE


@dataclass(frozen=True, slots=True)
class Leg:
    venue: str
    symbol: str
    contracts: str  # exact, on the venue's amount step
    amount_base: float
    avg_price: float
    worst_price: float
    limit_price: str  # exact, on the venue's tick: worst price moved by the slippage tolerance
    notional: float  # amount_base * avg_price
    fee: float  # taker fee in quote
    cost: float  # all-in: notional + fee for a buy, notional - fee (proceeds) for a sell
    share: float = 0.0  # of the plan's filled base amount
    funding: float | None = None  # quote units paid over the hold (negative: received); None: no hold
    liquidation_price: float | None = None  # isolated estimate from the brackets, when known
    # the leg's own side, set only in a plan whose legs go both ways (a flatten of longs on one
    # venue and shorts on another): None is the plan's side. Read it through ``Plan.side_of``.
    side: Side | None = None
    # the venue's price tick (exact), from the instrument the leg was made with: the route's prices
    # are written with it (``core.price_format.limits_tick``); None where it is not known
    tick: str | None = None

    @property
    def contracts_dec(self) -> Decimal:
        return Decimal(self.contracts)

    @property
    def limit_price_dec(self) -> Decimal:
        return Decimal(self.limit_price)


@dataclass(frozen=True, slots=True)
class SingleVenue:
    venue: str
    avg_price: float
    total_cost: float
    filled: float
    fee: float = 0.0
    funding: float | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    side: Side
    unit: AmountUnit
    symbol: str
    requested: float
    filled: float  # base units
    avg_price: float
    notional: float
    fees: float
    total_cost: float  # all-in, as in Leg.cost
    legs: tuple[Leg, ...]
    best_single: SingleVenue | None
    savings_bps: float  # against best_single, positive = the split is better
    savings_quote: float
    unfilled: float  # base units (quote units when unit is QUOTE)
    unfilled_reason: str | None
    excluded: tuple[tuple[str, str], ...] = ()
    single_venue_is_best: bool = False
    slippage_bps: float = 5.0
    compute_ms: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # set when no single venue can fill the plan's amount: says at what amount it was compared
    best_single_note: str | None = None
    # proven bound on how far total cost (with leg costs) can be above the exact optimum, in bps of
    # the notional: 0 when the plan is proven optimal
    gap_bps: float = 0.0
    leg_cost: float = DEFAULT_LEG_COST  # the request's leg cost (quote units) the plan was made with
    limit_price: float | None = None  # the request's hard price limit, when it had one
    limit_on_fee_adjusted: bool = False
    hold_hours: float | None = None
    max_venues: int | None = None  # the request's venue count and liquidation distance: a re-route
    min_liq_distance: float | None = None  # of the remainder is asked with the same terms
    funding: float | None = None  # the legs' funding over the hold (None: no holding time)
    # with a holding time, the legs' venues whose funding is not known (no terms read): their
    # funding is left out of ``funding`` and of the plan's choice, not known to be nil
    funding_unknown: tuple[str, ...] = ()
    # the saving against best_single split into price, fee and funding (same sign as savings_quote)
    savings_parts: dict[str, float] | None = None

    @property
    def short(self) -> bool:
        """Whether the plan falls short of its request by a figure worth a warning: a notional
        short by less than half a cent is written "0.00" and is none ("unfilled 0.00 USDT")."""
        return self.unfilled > 0 and not (self.unit is AmountUnit.QUOTE and round(self.unfilled, 2) == 0)

    def price_tick(self, known: Decimal | None = None) -> Decimal | None:
        """The tick this plan's prices are written with: its venues' ticks, ``known`` (the window's
        display tick) and its limits' figures (``core.price_format.limits_tick``)."""
        return limits_tick((lg.limit_price for lg in self.legs), [known, *(lg.tick for lg in self.legs)])

    def side_of(self, leg: Leg) -> Side:
        """The side ``leg`` is sent on: its own when it carries one, else the plan's."""
        return leg.side if leg.side is not None else self.side

    @property
    def sides(self) -> tuple[Side, ...]:
        """The sides the legs are sent on, in leg order, each once."""
        return tuple(dict.fromkeys(self.side_of(lg) for lg in self.legs))

    @property
    def mixed(self) -> bool:
        """Legs on both sides: a reduce-only close of longs and shorts at once (``engine.flatten``).
        Its ``side`` is then only its first leg's, and its totals are gross over both sides."""
        return len(self.sides) > 1

    def side_legs(self, side: Side) -> tuple[Leg, ...]:
        return tuple(lg for lg in self.legs if self.side_of(lg) is side)

    @property
    def funding_unknown_note(self) -> str | None:
        """The legs whose funding over the hold is not known, in words (CLI, preview), or None:
        their funding is neither in ``funding`` nor in the plan's choice of venues."""
        if not self.funding_unknown:
            return None
        return f"funding unknown on {', '.join(self.funding_unknown)}: not counted"

    def funding_cell(self, leg: Leg) -> str:
        """A leg's funding over the hold for a table: "?" where it is not known, "–" with no hold."""
        if leg.funding is None:
            return "–"
        return "?" if leg.venue in self.funding_unknown else f"{leg.funding:+,.2f}"

    @property
    def proof(self) -> str:
        """What is proven about the plan's cost, in words (CLI, preview, JSON)."""
        if self.gap_bps <= ROUNDING_BPS:
            return "proven optimal"
        if math.isfinite(self.gap_bps):
            return f"within {self.gap_bps:.2g} bps of the optimum (proven)"
        return "not proven: the search ran out of time before ruling out a larger fill"

    def to_json(self) -> dict[str, Any]:
        return {
            "side": str(self.side),
            **({"sides": [str(s) for s in self.sides]} if self.mixed else {}),  # legs carry their own
            "unit": str(self.unit),
            "symbol": self.symbol,
            "requested": self.requested,
            "filled": self.filled,
            "avg_price": self.avg_price,
            "notional": self.notional,
            "fees": self.fees,
            "total_cost": self.total_cost,
            "legs": [
                {
                    "venue": lg.venue,
                    "symbol": lg.symbol,
                    "contracts": lg.contracts,
                    "amount_base": lg.amount_base,
                    "avg_price": lg.avg_price,
                    "worst_price": lg.worst_price,
                    "limit_price": lg.limit_price,
                    "notional": lg.notional,
                    "fee": lg.fee,
                    "cost": lg.cost,
                    "share": lg.share,
                    "funding": lg.funding,
                    "liquidation_price": lg.liquidation_price,
                    # a leg's own side only where it has one (a plan of both sides): the
                    # one-sided plan's JSON keeps its keys
                    **({"side": str(lg.side)} if lg.side is not None else {}),
                }
                for lg in self.legs
            ],
            "best_single": None
            if self.best_single is None
            else {
                "venue": self.best_single.venue,
                "avg_price": self.best_single.avg_price,
                "total_cost": self.best_single.total_cost,
                "filled": self.best_single.filled,
                "fee": self.best_single.fee,
                "funding": self.best_single.funding,
            },
            "savings_bps": self.savings_bps,
            "savings_quote": self.savings_quote,
            "single_venue_is_best": self.single_venue_is_best,
            "best_single_note": self.best_single_note,
            "unfilled": self.unfilled,
            "unfilled_reason": self.unfilled_reason,
            "excluded": [{"venue": v, "reason": r} for v, r in self.excluded],
            "slippage_bps": self.slippage_bps,
            "compute_ms": self.compute_ms,
            "gap_bps": self.gap_bps if math.isfinite(self.gap_bps) else None,  # JSON has no infinity
            "proof": self.proof,
            "leg_cost": self.leg_cost,
            "limit_price": self.limit_price,
            "limit_on_fee_adjusted": self.limit_on_fee_adjusted,
            "hold_hours": self.hold_hours,
            "max_venues": self.max_venues,
            "min_liq_distance": self.min_liq_distance,
            "funding": self.funding,
            "funding_unknown": list(self.funding_unknown),
            "savings_parts": self.savings_parts,
        }
