"""A hard price limit on an order ("sweep to here", ``plan --limit-price``): the one rule for which
book levels an order may take and how far each leg's IOC limit may go.

A buy takes no level priced above the limit ``L``, a sell none below it. With ``fee_adjusted`` the
limit is on the all-in price: a buy takes a level only when ``price * (1 + taker) <= L``, a sell
only when ``price * (1 - taker) >= L``. The comparisons are made in Decimal on the shortest
decimal form of each float, so a level exactly at the limit is in and one a hair past it is out,
whatever float round-off says. Anything that shows "how much is routable up to P" (the depth
chart's tooltip) uses ``levels_within`` too, so what it shows is what the router may take.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from sor_desktop.core.book import Levels
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side


def _dec(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def _factor(instrument: Instrument, side: Side, fee_adjusted: bool) -> Decimal:
    if not fee_adjusted:
        return Decimal(1)
    return 1 + instrument.taker_fee if side is Side.BUY else 1 - instrument.taker_fee


def within(price: float, instrument: Instrument, side: Side, limit: float, fee_adjusted: bool) -> bool:
    """Whether a level at ``price`` may be taken under the limit."""
    adjusted = _dec(price) * _factor(instrument, side, fee_adjusted)
    return adjusted <= _dec(limit) if side is Side.BUY else adjusted >= _dec(limit)


def levels_within(levels: Levels, instrument: Instrument, side: Side, limit: float,
                  fee_adjusted: bool = False) -> Levels:
    """The leading levels (best first, the side a ``side`` order takes) allowed by the limit."""
    if not len(levels):
        return levels
    factor = float(_factor(instrument, side, fee_adjusted))
    prices = levels[:, 0]
    # a float cut first (prices are sorted best first), then settled exactly on Decimal
    if side is Side.BUY:
        k = int(np.searchsorted(prices, limit / factor, side="right"))
    else:
        k = int(np.searchsorted(-prices, -limit / factor, side="right"))
    while k > 0 and not within(float(prices[k - 1]), instrument, side, limit, fee_adjusted):
        k -= 1
    while k < len(prices) and within(float(prices[k]), instrument, side, limit, fee_adjusted):
        k += 1
    return levels[:k]


def clamp_ioc(price: Decimal, instrument: Instrument, side: Side, limit: float | None,
              fee_adjusted: bool = False) -> Decimal:
    """An IOC limit already on the tick, moved back so it never passes the limit.

    The clamp is the last tick on the safe side of the limit (down for a buy, up for a sell); a
    leg's worst level is within the limit, so when that level is on the tick the clamp never
    falls short of it.
    """
    if limit is None:
        return price
    factor = _factor(instrument, side, fee_adjusted)
    bound = _dec(limit) / factor
    tick = instrument.price_tick
    if side is Side.BUY:
        edge = instrument.round_price(bound, up=False)
        while edge * factor > _dec(limit):  # the Decimal division rounded up past a tick
            edge -= tick
        return min(price, edge)
    edge = instrument.round_price(bound, up=True)
    while edge * factor < _dec(limit):
        edge += tick
    return max(price, edge)
