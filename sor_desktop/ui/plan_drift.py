"""What changed between the plan a trader is looking at and a fresh plan of the same request on
newer books. No Qt: the confirmation dialog asks it before anything can be sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from sor_desktop.core.book import BookSnapshot, Levels
from sor_desktop.core.instrument import linear_by_symbol
from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Leg, Plan
from sor_desktop.core.price_format import amount_digits

# A leg whose share of the order moved by more than this is a different plan. Less is the router
# trading a few lots between venues as books tick (seen in the real window: 0.037 -> 0.039 BTC on
# one venue of a 2.5 BTC buy, every second): re-planning on that, the dialog could never be
# confirmed, and the shown plan, whose limits still protect it, is what would be sent anyway.
SHARE_CHANGE = 0.10


def plan_changes(shown: Plan, fresh: Plan | None, slippage_bps: float,
                 books: Mapping[str, BookSnapshot] | None = None) -> list[str]:
    """One line per difference that must be seen before sending: a venue whose part of the order
    (added, dropped or resized) moved by more than ``SHARE_CHANGE`` of it, a different total (in
    the order's unit: a notional's base amount moves with the price), or a limit
    price worse than the shown one by more than the slippage tolerance. With ``books`` (the fresh
    plan's, by market key), a shown leg they no longer hold within its limit is a change, and a
    changed split or total is not while every shown leg still fills (the dialog checks the shown
    legs' margin on its own). Empty when the shown plan
    still stands (limits that moved less than the tolerance, or in the trader's favour, do not
    count: the shown limits are what is sent)."""
    if fresh is None or not fresh.legs:
        return ["no venue can fill this order on the current books"]
    old = {lg.venue: lg for lg in shown.legs}
    new = {lg.venue: lg for lg in fresh.legs}
    out: list[str] = []
    fill: list[str] = []  # the total changed
    if shown.unit is AmountUnit.QUOTE:
        # a notional: its base amount moves with every tick of the price (50,000 USDT of DOGE was
        # 333,410 DOGE, then 333,444: a re-plan every second, and a new amount to type each time).
        # What counts is the notional filled, to within one contract of a leg
        was, now = shown.requested - shown.unfilled, fresh.requested - fresh.unfilled
        if abs(now - was) > max(_contract_notional(shown), _contract_notional(fresh), 1e-9 * abs(was)):
            fill.append(f"fills {now:,.2f} instead of {was:,.2f} (quote)")
    else:
        # an inverse leg's contracts are dollars: the same contracts are another base amount at
        # every tick, so the fresh plan's are counted at the shown plan's base per contract
        per = _inverse_base_per_contract(shown)
        was, now = shown.filled, fresh.filled + _repriced(fresh, per)
        if abs(now - was) > max(1e-9 * max(1.0, was), max(per.values(), default=0.0)):
            digits = amount_digits([shown.filled, fresh.filled])
            fill.append(f"fills {fresh.filled:,.{digits}f} instead of {shown.filled:,.{digits}f}")
    material = SHARE_CHANGE * max(shown.filled, 1e-12)
    moved: list[str] = []  # the split changed
    for venue in sorted(old.keys() | new.keys()):
        a, b = old.get(venue), new.get(venue)
        if b is None and a is not None:
            if a.amount_base > material:
                moved.append(f"{venue}: leg dropped (was {_n(a.contracts)} contracts)")
        elif a is None and b is not None:
            if b.amount_base > material:
                moved.append(f"{venue}: new leg of {_n(b.contracts)} contracts at limit {_n(b.limit_price)}")
        elif a is not None and b is not None:
            if abs(a.amount_base - b.amount_base) > material:
                moved.append(f"{venue}: {_n(a.contracts)} -> {_n(b.contracts)} contracts")
            worse = limit_worse_bps(a, b, buy=shown.side_of(a) is Side.BUY)
            if worse > slippage_bps:
                out.append(f"{venue}: limit {_n(a.limit_price)} -> {_n(b.limit_price)} ({worse:+.1f} bps worse)")
    if books is not None:
        short = [lg for lg in shown.legs if not still_fills(shown, lg, books)]
        # a shown leg its book no longer holds within its limit would fill in part (an IOC): a
        # flatten of DOGE confirmed 5 s after its plan closed 395,377 of 1,000,039
        out += [f"{leg_key(lg, shown.symbol)}: its book no longer holds {_n(lg.contracts)} contracts within "
                f"the limit {lg.limit_price}" for lg in short]
        if not short:
            # venues of near-equal prices trade the order between them as their books tick (DOGE:
            # a new split every second, and Send held after each): while every shown leg still
            # fills within its limit on the books of now, what is sent executes as shown. So does
            # a total the fresh plan changes with its margin caps (they follow the mark: a capped
            # DOGE sell re-planned 5,893,456 to 5,893,131 every second, a new amount to type each
            # time); whether the shown legs still fit the margin is the dialog's margin check
            moved, fill = [], []
    return fill + out + moved


def still_fills(plan: Plan, leg: Leg, books: Mapping[str, BookSnapshot]) -> bool:
    """Whether ``books`` hold ``leg``'s contracts within its limit (on its side of the plan)."""
    book = books.get(leg_key(leg, plan.symbol))
    if book is None:
        return False
    return float(_within_limit(plan, leg, book)[:, 1].sum()) >= float(leg.contracts_dec) * (1 - 1e-9)


def _within_limit(plan: Plan, leg: Leg, book: BookSnapshot) -> Levels:
    """The levels of ``book`` that ``leg`` may take: its side's, from the best to its limit."""
    limit = float(leg.limit_price_dec)
    if plan.side_of(leg) is Side.BUY:
        return book.asks[book.asks[:, 0] <= limit * (1 + 1e-12)]
    return book.bids[book.bids[:, 0] >= limit * (1 - 1e-12)]


def _inverse_base_per_contract(plan: Plan) -> dict[str, float]:
    """Base per contract of the plan's inverse legs, by market key (a flatten of a hedge with
    Bybit's BTC/USD:BTC said 'fills 1.8999 instead of 1.8999' each second and was never sent)."""
    return {leg_key(lg, plan.symbol): lg.amount_base / float(lg.contracts_dec) for lg in plan.legs
            if lg.contracts_dec > 0 and linear_by_symbol(lg.symbol) is False}


def _repriced(plan: Plan, per_contract: Mapping[str, float]) -> float:
    """What the plan's base amount gains with its inverse legs counted at ``per_contract``."""
    return sum(float(lg.contracts_dec) * per_contract[leg_key(lg, plan.symbol)] - lg.amount_base
               for lg in plan.legs if leg_key(lg, plan.symbol) in per_contract)


def _contract_notional(plan: Plan) -> float:
    """The notional of one contract of the plan's dearest-per-contract leg."""
    return max((lg.notional / float(lg.contracts_dec) for lg in plan.legs if lg.contracts_dec > 0), default=0.0)


def limit_worse_bps(shown: Leg, fresh: Leg, *, buy: bool) -> float:
    """How much worse the fresh limit is for the trader, in bps of the shown one (negative: better)."""
    a, b = float(shown.limit_price_dec), float(fresh.limit_price_dec)
    if a <= 0:
        return 0.0
    return (b - a) / a * 1e4 * (1 if buy else -1)


def _n(exact: str) -> str:
    """An exact contracts or price string, grouped as the dialog groups its figures."""
    return f"{Decimal(exact):,f}"


@dataclass(frozen=True, slots=True)
class LegsNow:
    """The shown legs walked on newer books, each within its own limit."""

    avg_price: float
    cost: float  # as ``Plan.total_cost``: notional + fees for a buy, the proceeds after fees for a sell


def shown_legs_now(plan: Plan, books: Mapping[str, BookSnapshot]) -> LegsNow | None:
    """What the shown legs cost on ``books`` (by market key): each leg's contracts walked from the
    best level up to its limit, its fee at the rate the plan charged it. None when a leg's book is
    missing or no longer holds it within its limit (``plan_changes`` says that), or the plan goes
    both ways (no one cost to compare). An inverse leg's contracts are dollars: its notional stays,
    its base moves with the price."""
    if plan.mixed or not plan.legs:
        return None
    notional = base = fees = 0.0
    for lg in plan.legs:
        book = books.get(leg_key(lg, plan.symbol))
        contracts = float(lg.contracts_dec)
        if book is None or contracts <= 0:
            return None
        levels = _within_limit(plan, lg, book)
        before = np.concatenate(([0.0], np.cumsum(levels[:, 1])[:-1]))
        take = np.clip(contracts - before, 0.0, levels[:, 1])
        if float(take.sum()) < contracts * (1 - 1e-9):
            return None
        prices = levels[:, 0]
        if linear_by_symbol(lg.symbol) is False:
            per_contract = lg.notional / contracts  # quote value of one contract (1 USD on Bybit)
            leg_notional, leg_base = lg.notional, float((take * per_contract / prices).sum())
        else:
            per_contract = lg.amount_base / contracts  # base of one contract
            leg_notional, leg_base = float((take * prices).sum()) * per_contract, lg.amount_base
        notional += leg_notional
        base += leg_base
        fees += leg_notional * (lg.fee / lg.notional if lg.notional else 0.0)
    cost = notional + fees if plan.side is Side.BUY else notional - fees
    return LegsNow(notional / base if base else 0.0, cost)
