"""How much margin a leg needs: the ONE rule behind the preview's venue caps and the simulated
venue's margin check (when two places compute it, they drift, and the preview plans legs the
venue then rejects).

A leg of ``opening`` base units (the part that does not close an opposite position) at limit
price ``price`` costs, before it is accepted:

- initial margin: assumed price x opening / leverage. The assumed price is the order's price; for
  a short, venues that say so take ``max(last x (1 + markup), mark, order price)`` (Binance: markup
  0.15 %). The last trade price is not followed here: without one the mark stands for it;
- open loss (where the venue charges it): opening x the part of the price that is already a loss
  against the mark (a buy above the mark, a sell below it);
- the taker fee on the whole leg (closing part too) at the limit price;
- the fee to close (where the venue reserves it) at the bankruptcy price.

``headroom`` is the fraction the market may move against the trader between the last balance
read and the order's arrival: the cost is scaled up by it, and the cap keeps that fraction of the
open positions' notional in reserve (their unrealised PnL eats free margin as the mark moves).

Pure floats, no I/O: the simulator calls the same function with ``headroom=0``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sor_desktop.core.orders import Side

DEFAULT_HEADROOM = 0.005  # 50 bps: several minutes of a calm BTC market, between reading free margin and sending
NEAR_ZERO_FREE = 1.0  # quote units: below this a venue's free margin carries nothing worth routing


@dataclass(frozen=True, slots=True)
class MarginRule:
    """The parts of a venue's order cost, as far as the venue documents them."""

    open_loss: bool = True  # a buy above / sell below the mark pays the difference up front
    short_at_mark: bool = True  # a short's initial margin uses max(last x (1 + markup), mark, order price)
    short_markup: float = 0.0015  # that markup on the last price (Binance: 0.15 %)
    close_fee: bool = True  # the fee to close at the bankruptcy price is reserved too
    source: str = ""


# Unknown venues get every known part (the strictest): the preview then never plans what one rejects.
STRICT = MarginRule(source="no published formula known: the strictest of the known rules")

RULES: dict[str, MarginRule] = {
    # "Cost = Initial Margin + Open Loss"; short assumed price = max(last x 1.0015, mark, order price)
    "binanceusdm": MarginRule(open_loss=True, short_at_mark=True, close_fee=False,
                              source="Binance FAQ 'How to Calculate the Cost Required to Open a Position "
                                     "in Perpetual Futures Contracts' (87fa7ee33b574f7084d42bd2ce2e463b)"),
    # "Order Cost = Initial Margin + Fee to Open Position + Fee to Close Position" (close at bankruptcy)
    "bybit": MarginRule(open_loss=False, short_at_mark=False, close_fee=True,
                        source="Bybit help 'Order Cost (USDT Contract)', "
                               "bybit.com/en/help-center/article/Order-Cost-USDT-Contract"),
}


def rule_for(venue: str) -> MarginRule:
    return RULES.get(venue, STRICT)


def required_margin(side: Side, opening: float, closing: float, price: float, mark: float | None,
                    leverage: float, taker_fee: float, rule: MarginRule = STRICT,
                    headroom: float = 0.0, last: float | None = None) -> float:
    """Quote units of free margin a leg of ``opening + closing`` base units at ``price`` needs;
    ``last``: the last trade price (the mark when None)."""
    if leverage <= 0:
        raise ValueError("leverage must be positive")
    opening = max(opening, 0.0)
    closing = max(closing, 0.0)
    m = mark if mark and mark > 0 else price
    lp = last if last and last > 0 else m
    assumed = max(price, m, lp * (1 + rule.short_markup)) if side is Side.SELL and rule.short_at_mark else price
    cost = opening * assumed / leverage
    if rule.open_loss:
        loss = price - m if side is Side.BUY else m - price
        cost += opening * max(loss, 0.0)
    cost += (opening + closing) * price * taker_fee
    if rule.close_fee:
        bankrupt = price * (1 - 1 / leverage) if side is Side.BUY else price * (1 + 1 / leverage)
        cost += opening * max(bankrupt, 0.0) * taker_fee
    return cost * (1 + headroom)


def margin_cap_base(side: Side, levels: Iterable[tuple[float, float]], *, free: float, mark: float | None,
                    leverage: float, taker_fee: float, rule: MarginRule = STRICT, headroom: float = 0.0,
                    limit_of: Callable[[float], float] = float, reducible: float = 0.0,
                    position_notional: float = 0.0) -> float:
    """Most base units a route may give this venue so that its leg's ``required_margin`` stays
    within ``free``, walking ``levels`` ((price, base) best first) as the router fills them.

    ``limit_of(level price)`` is the leg's limit when that level is its worst (the slippage
    tolerance on the venue's tick); ``reducible`` base units close an opposite position first.
    """
    usable = free - headroom * abs(position_notional)
    done = 0.0
    for price, size in levels:
        if size <= 0:
            continue
        limit = limit_of(price)

        def fits(x: float, limit: float = limit) -> bool:
            if x <= reducible:  # closing only: venues take it whatever the free margin
                return True
            return required_margin(side, x - reducible, reducible, limit, mark, leverage, taker_fee,
                                   rule, headroom) <= usable

        top = done + size
        if fits(top):
            done = top
            continue
        # the cost is non-decreasing in x at a fixed limit: bisect for the last x that fits
        lo, hi = done, top
        if not fits(lo):
            return done
        for _ in range(60):
            mid = (lo + hi) / 2
            if fits(mid):
                lo = mid
            else:
                hi = mid
        return lo
    return done
