"""Pre-trade checks: pure functions that say why a plan must not be sent.

Every check returns problems instead of raising, so the UI can list them all at once. A plan with
any problem is blocked as a whole: sending part of a split the trader did not see is worse than
sending nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import Leg, Plan
from sor_desktop.core.price_limit import within


@dataclass(frozen=True, slots=True)
class CheckLimits:
    max_book_age_s: float = 5.0  # a book older than this (local receive time) is stale
    price_band_bps: float = 100.0  # a limit price farther than this from the mid is refused
    max_notional: Decimal | None = None  # in quote, at the limit prices (the worst the route can pay)
    max_notional_from: str = ""  # who set it, in the trader's words ("config.json's max_notional")


@dataclass(frozen=True, slots=True)
class VenueGate:
    """What the checks need to know about a venue beyond its book and instrument."""

    trading_allowed: bool = True
    reason: str | None = None  # why not, in the venue's or adapter's words
    stale_reason: str | None = None  # the feed supervisor's verdict, when it has one


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # stale_book | price_band | price_limit | venue_limits | max_notional | view_only | duplicate | ...
    message: str
    venue: str | None = None

    def __str__(self) -> str:
        return f"{self.venue}: {self.message}" if self.venue else self.message


def leg_notional(leg: Leg, instrument: Instrument) -> Decimal:
    """Quote notional of a leg at its limit price: the most it can cost (buy) or deliver (sell)."""
    price = leg.limit_price_dec
    return instrument.contracts_to_base(leg.contracts_dec, price) * price


def _book_problem(book: BookSnapshot | None, venue: str, now: float, limits: CheckLimits) -> Problem | None:
    if book is None:
        return Problem("stale_book", "no book", venue)
    problem = book.problem()
    if problem:
        return Problem("stale_book", problem, venue)
    age = now - book.received
    if age > limits.max_book_age_s:
        return Problem("stale_book", f"book is {age:.1f} s old (limit {limits.max_book_age_s:g} s)", venue)
    return None


def _band_problem(leg: Leg, side: Side, book: BookSnapshot, limits: CheckLimits) -> Problem | None:
    mid = book.mid
    if mid is None:
        return Problem("price_band", "book has no mid price", leg.venue)
    limit = float(leg.limit_price_dec)
    band = limits.price_band_bps / 1e4
    if side is Side.BUY and limit > mid * (1 + band):
        bps = (limit / mid - 1) * 1e4
        return Problem("price_band", f"buy limit {leg.limit_price} is {bps:.0f} bps above the mid {mid:g} "
                                     f"(band {limits.price_band_bps:g} bps)", leg.venue)
    if side is Side.SELL and limit < mid * (1 - band):
        bps = (1 - limit / mid) * 1e4
        return Problem("price_band", f"sell limit {leg.limit_price} is {bps:.0f} bps below the mid {mid:g} "
                                     f"(band {limits.price_band_bps:g} bps)", leg.venue)
    return None


def _leg_number_problem(leg: Leg, instrument: Instrument, reduce_only: bool = False) -> Problem | None:
    try:
        contracts, price = leg.contracts_dec, leg.limit_price_dec
    except InvalidOperation:
        return Problem("venue_limits", f"leg amount {leg.contracts!r} or price {leg.limit_price!r} is not a number",
                       leg.venue)
    if not price.is_finite() or price <= 0:
        return Problem("venue_limits", f"limit price {leg.limit_price} must be positive", leg.venue)
    if price % instrument.price_tick != 0:
        return Problem("venue_limits", f"limit price {leg.limit_price} is not on the tick "
                                       f"{instrument.format_price(instrument.price_tick)}", leg.venue)
    why = instrument.amount_problem(contracts, price, reduce_only=reduce_only)
    return Problem("venue_limits", why, leg.venue) if why else None


def _limit_problem(leg: Leg, side: Side, plan: Plan, instrument: Instrument) -> Problem | None:
    """A leg whose IOC limit passes the plan's hard limit: the router clamps every leg to it, and
    this check is what holds if a plan reached the send without that clamp."""
    if plan.limit_price is None:
        return None
    price = float(leg.limit_price_dec)
    if within(price, instrument, side, plan.limit_price, plan.limit_on_fee_adjusted):
        return None
    what = "all-in limit" if plan.limit_on_fee_adjusted else "limit"
    return Problem("price_limit", f"{side.value} limit {leg.limit_price} is past the route's {what} "
                                  f"{plan.limit_price:g}", leg.venue)


def check_plan(
    plan: Plan,
    *,
    books: Mapping[str, BookSnapshot],
    instruments: Mapping[str, Instrument],
    gates: Mapping[str, VenueGate],
    now: float,
    limits: CheckLimits,
    already_sent: bool = False,
    reduce_only: bool = False,
) -> list[Problem]:
    """Every reason ``plan`` must not be sent; empty when it may. ``books``, ``instruments`` and
    ``gates`` are keyed by venue id (a venue's market of another symbol by ``core.market_key``); ``now`` is on the clock of ``BookSnapshot.received``."""
    problems: list[Problem] = []
    if already_sent:
        problems.append(Problem("duplicate", "this plan was already sent moments ago (a double-send guard): "
                                             "wait a little or change the order to send another"))
    if not plan.legs:
        problems.append(Problem("empty", "the plan has no legs" + (f": {plan.unfilled_reason}"
                                                                   if plan.unfilled_reason else "")))
    seen: set[tuple[str, Side]] = set()
    total = Decimal(0)
    for leg in plan.legs:
        key = leg_key(leg, plan.symbol)  # a venue's second market (its inverse one) has its own key
        side = plan.side_of(leg)  # a flatten of longs and shorts: each leg its own (a hedge-mode venue: both)
        if (key, side) in seen:
            problems.append(Problem("duplicate_leg", "two legs on one venue", leg.venue))
        seen.add((key, side))
        instrument = instruments.get(key)
        if instrument is None:
            problems.append(Problem("unknown_venue", "venue is not connected", leg.venue))
            continue
        if instrument.symbol != leg.symbol:
            problems.append(Problem("venue_limits", f"leg symbol {leg.symbol} is not {instrument.symbol}", leg.venue))
        gate = gates.get(key, gates.get(leg.venue, VenueGate()))
        if not gate.trading_allowed:
            problems.append(Problem("view_only", gate.reason or "venue is view-only", leg.venue))
        if gate.stale_reason:
            problems.append(Problem("stale_book", gate.stale_reason, leg.venue))
        book = books.get(key)
        book_problem = _book_problem(book, leg.venue, now, limits)
        if book_problem:
            problems.append(book_problem)
        number_problem = _leg_number_problem(leg, instrument, reduce_only)
        if number_problem:
            problems.append(number_problem)
            continue
        limit_problem = _limit_problem(leg, side, plan, instrument)
        if limit_problem:
            problems.append(limit_problem)
        if book is not None and book_problem is None:
            band = _band_problem(leg, side, book, limits)
            if band:
                problems.append(band)
        total += leg_notional(leg, instrument)
    if limits.max_notional is not None and total > limits.max_notional:
        by = f" ({limits.max_notional_from})" if limits.max_notional_from else ""
        problems.append(Problem("max_notional", f"notional {total:,.2f} exceeds the configured maximum "
                                                f"{limits.max_notional:,}{by}"))
    return problems


def blocked_venues(problems: list[Problem]) -> set[str]:
    """Venues named by ``problems`` (for greying them out)."""
    return {p.venue for p in problems if p.venue}
