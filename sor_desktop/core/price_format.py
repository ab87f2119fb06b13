"""How a price is written for a trader: as many decimals as the symbol's tick has, and thousands
separators. The one place the window (ladder, axes, preview, blotter, positions) and the CLI take a
price's text from: a fixed ``:,.2f`` wrote every DOGE level as "0.15"."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal

MAX_DECIMALS = 12
MIN_SIGNIFICANT = 6  # without a tick: enough figures to tell two levels of any symbol apart


def tick_decimals(tick: float | Decimal) -> int:
    """Decimals a price on ``tick`` needs (0.1 -> 1, 0.25 -> 2, 10 -> 0)."""
    d = Decimal(str(tick)) if isinstance(tick, float) else Decimal(tick)
    if d <= 0:
        raise ValueError(f"tick must be positive, got {tick}")
    exp = d.normalize().as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -int(exp)))


def magnitude_decimals(value: float) -> int:
    """Decimals that show ``value`` to MIN_SIGNIFICANT figures (at least 2 below 1,000,000)."""
    a = abs(value)
    if a == 0 or not math.isfinite(a):
        return 2
    return min(MAX_DECIMALS, max(2 if a < 1e6 else 0, MIN_SIGNIFICANT - 1 - math.floor(math.log10(a))))


def format_price(price: float | Decimal, tick: float | Decimal | None = None, *, sign: bool = False) -> str:
    """``price`` with the tick's decimals (or enough figures when the tick is unknown) and
    thousands separators; ``sign`` writes a + in front of positive values."""
    p = float(price)
    if not math.isfinite(p):
        return str(p)
    dp = tick_decimals(tick) if tick is not None else magnitude_decimals(p)
    text = f"{p:{'+' if sign else ''},.{dp}f}"
    # -0.00 reads as a loss that is not there
    return text[1:] if text.startswith("-") and float(text.replace(",", "")) == 0 else text


AVERAGE_EXTRA = 2  # an average's figures past the tick, as Binance and Bybit write an entry price


def format_average(price: float | Decimal, tick: float | Decimal | None = None) -> str:
    """An average (an entry, a fill's or a preview's average, a mark that is a mid) with up to
    AVERAGE_EXTRA figures past the tick, trailing zeros dropped down to the tick's own: it is no
    price on the tick, and rounded to it an entry equal to the mark stood beside a uPnL of +13."""
    if tick is None:
        return format_price(price)
    dp = tick_decimals(tick)
    text = format_price(price, Decimal(1).scaleb(-min(MAX_DECIMALS, dp + AVERAGE_EXTRA)))
    if "." in text:
        whole, _, frac = text.partition(".")
        frac = frac.rstrip("0").ljust(dp, "0")
        text = f"{whole}.{frac}" if frac else whole
    return text


def display_tick(ticks: Iterable[Decimal | float]) -> Decimal | None:
    """The tick to write a symbol's prices with across venues: the finest, so no venue's price is
    rounded away on screen."""
    ds = [Decimal(str(t)) if isinstance(t, float) else Decimal(t) for t in ticks]
    return min(ds) if ds else None


def tick_of(exact: str | Decimal) -> Decimal:
    """The finest step a price written exactly on its tick shows ("60057.9" -> 0.1): how a plan's
    prices are written where only its legs' limit strings carry the venues' ticks."""
    exp = int(Decimal(exact).as_tuple().exponent)
    return Decimal(1).scaleb(min(0, exp))


def limits_tick(limits: Iterable[str | Decimal], ticks: Iterable[str | Decimal | None] = ()) -> Decimal | None:
    """The tick to write a route's prices with: the finest of its venues' ``ticks`` where they are
    known (the instruments' own, the window's display tick) and of its legs' limits' figures
    (``tick_of``, so no limit is ever cut); None when there is neither. A limit's trimmed string
    alone said too little: 0.1499 on a 0.00001 tick, 60241 on a 0.1 one. The plan, the outcome
    under it, the confirmation and the journal all write a route's prices with it."""
    known = [Decimal(t) for t in ticks if t is not None and Decimal(t) > 0]
    return display_tick([*known, *(tick_of(p) for p in limits)])


def amount_digits(amounts: Iterable[float], most: int = 8) -> int:
    """Decimals that write every amount exactly, as its lot makes it (106,767 DOGE: none; 0.537
    BTC: three), at most ``most``: a fixed four wrote "1,000,039.0000 DOGE"."""
    values = list(amounts)
    for d in range(most + 1):
        # float noise (0.1 + 0.2) is a billionth of the amount; a real digit is more
        if all(abs(x - round(x, d)) <= 1e-9 * abs(x) for x in values):
            return d
    return most
