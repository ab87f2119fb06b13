"""One venue's book side as a convex cost function of a whole number of lots.

A lot is the venue's amount step; ``lot_base`` = step * contract size base units (linear
contracts). Taking ``x`` lots walks the book from the best level; ``cost(x)`` is the all-in cost
of those lots (notional * (1 + fee) for a buy, minus the proceeds notional * (1 - fee) for a sell,
so the router always minimises). Levels are ordered from best to worst, so the price of each
successive unit of base never improves and ``cost`` is convex and piecewise linear in ``x``.

Between two integers of ``breaks`` the cost is linear on the integers; the breaks are every
integer next to a level boundary (``floor`` and ``ceil`` of the cumulative lots), plus 0 and the
most lots the venue may take. That run-length form keeps a 1,000-level book at about 2,000
segments however many lots it holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt

from sor_desktop.core.book import Levels
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# Book amounts arrive as floats: 0.003 / 0.001 is 2.9999999999999996 lots. Cumulative lots this
# close to an integer are that integer (far below any venue's step).
_SNAP = 1e-9
# Relative slack on the minimum-notional test, so float round-off never flips a boundary case.
NOTIONAL_SLACK = 1e-9


def snap(values: Floats) -> Floats:
    """Cumulative (non-negative, increasing) lots: the largest sets the tolerance for all."""
    if not len(values):
        return values
    nearest = np.rint(values)
    return np.where(np.abs(values - nearest) <= _SNAP * max(1.0, float(values[-1])), nearest, values)


def _floor_lots(total: float) -> int:
    nearest = round(total)
    return int(nearest) if abs(total - nearest) <= _SNAP * max(1.0, total) else math.floor(total)


def whole_lots(amount: Decimal, lot: Decimal, *, up: bool) -> int:
    return int((amount / lot).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR))


@dataclass(frozen=True, slots=True, eq=False)
class LotCurve:
    lot_base: float
    lo: int  # fewest lots an order may have (min amount, min notional); > hi: unusable
    hi: int  # most lots: depth, cap, max amount
    breaks: Ints  # sorted, breaks[0] == 0, breaks[-1] == hi
    costs: Floats  # cost at each break
    xs: Floats  # 0 then the cumulative lots at the end of each level
    cum_cost: Floats  # cost at each of ``xs``
    cum_notional: Floats  # notional at each of ``xs``
    prices: Floats
    limit: str | None  # what bounds ``hi``: "depth", "cap", "max amount"
    run_counts: Ints  # the segments from 0 to hi: lots in each run
    run_slopes: Floats  # and the cost per lot of each run

    def cost(self, x: int) -> float:
        return _interp(x, self.xs, self.cum_cost)

    def notional(self, x: int) -> float:
        return _interp(x, self.xs, self.cum_notional)

    def worst_price(self, x: int) -> float:
        """Price of the level the ``x``-th lot ends in."""
        j = int(np.searchsorted(self.xs, x - _SNAP, side="left")) - 1
        return float(self.prices[min(max(j, 0), len(self.prices) - 1)])

    def trimmed(self, max_lots: int) -> LotCurve:
        """This curve cut at ``max_lots``: the same curve ``build_curve`` makes with that
        ``max_lots`` (its breaks below the cut are these, and the cut is the last), without walking
        the book again (a quote-unit plan needs the whole curves first, then the trimmed ones)."""
        if max_lots >= self.hi:
            return self
        hi = max(int(max_lots), 0)
        keep = int(np.searchsorted(self.xs[1:], hi - _SNAP * max(1.0, hi), side="left")) + 1
        keep = min(keep, len(self.prices))
        xs, cum_cost, cum_notional = self.xs[: keep + 1], self.cum_cost[: keep + 1], self.cum_notional[: keep + 1]
        breaks = np.concatenate((self.breaks[self.breaks < hi], [hi])).astype(np.int64)
        costs = np.interp(breaks.astype(np.float64), xs, cum_cost)
        counts = breaks[1:] - breaks[:-1]
        slopes = (costs[1:] - costs[:-1]) / np.maximum(counts, 1)
        return LotCurve(self.lot_base, self.lo, hi, breaks, costs, xs, cum_cost, cum_notional,
                        self.prices[:keep], None, counts, slopes)

    def segments(self, a: int, b: int) -> tuple[Ints, Floats]:
        """Run lengths and per-lot costs of the lots from ``a`` to ``b`` (a <= b <= hi)."""
        if a == 0 and b == self.hi:
            return self.run_counts, self.run_slopes
        i = int(np.searchsorted(self.breaks, a, side="right"))
        if b == self.hi and a < b:  # a venue from its minimum: the runs from the one holding ``a``
            left = self.costs[i - 1] if self.breaks[i - 1] == a else self.cost(a)
            head = int(self.breaks[i]) - a
            return (np.concatenate(([head], self.run_counts[i:])),
                    np.concatenate(([(self.costs[i] - left) / head], self.run_slopes[i:])))
        k = int(np.searchsorted(self.breaks, b, side="left"))
        pts = np.concatenate(([a], self.breaks[i:k], [b])).astype(np.int64)
        if i > 0 and self.breaks[i - 1] == a:
            left = self.costs[i - 1]
        else:
            left = self.cost(a)
        right = self.costs[k] if k < len(self.breaks) and self.breaks[k] == b else self.cost(b)
        vals = np.concatenate(([left], self.costs[i:k], [right]))
        counts = pts[1:] - pts[:-1]
        keep = counts > 0
        counts = counts[keep]
        slopes = (vals[1:] - vals[:-1])[keep] / counts
        return counts, slopes


def _interp(x: float, xp: Floats, fp: Floats) -> float:
    """``np.interp(x, xp, fp)`` at one point, in its arithmetic (numpy's ``arr_interp``) without
    the array set-up that costs more than the answer: the router asks a cost or notional at a
    lot count a hundred times a plan."""
    j = int(xp.searchsorted(x, side="right")) - 1  # xp[j] <= x < xp[j + 1]
    if j < 0:
        return float(fp[0])
    if j >= len(xp) - 1:
        return float(fp[-1])
    x0 = float(xp[j])
    if x0 == x:
        return float(fp[j])
    y0, y1 = float(fp[j]), float(fp[j + 1])
    slope = (y1 - y0) / (float(xp[j + 1]) - x0)
    y = slope * (x - x0) + y0
    if math.isnan(y):  # as numpy: from the other end, then the level's value when flat
        y = slope * (x - float(xp[j + 1])) + y1
        if math.isnan(y) and y0 == y1:
            y = y0
    return y


def build_curve(
    levels: Levels,
    instrument: Instrument,
    side: Side,
    *,
    cap_base: float | None = None,
    max_lots: int | None = None,
    per_base: float = 0.0,
    slippage_bps: float = 0.0,
) -> LotCurve:
    """The lot curve of a linear instrument's book side (asks for a buy, bids for a sell).

    ``max_lots`` trims the curve to what the order could ever use (the target in lots), which
    keeps deep books cheap without changing any answer. ``per_base`` is a cost per base unit on
    top of the book (funding over a hold, ``core.funding``): linear, so the curve stays convex.
    ``slippage_bps``: how far below its worst level a sell's IOC limit goes, where the venue checks
    its minimum order value (contracts x limit): the curve's smallest leg meets it there.
    """
    step = instrument.amount_step
    lot = step * instrument.contract_size
    lot_f = float(lot)
    lots = levels[:, 1] / float(step)
    raw = np.cumsum(lots)

    hi = _floor_lots(float(raw[-1])) if len(raw) else 0
    limit: str | None = "depth"
    if cap_base is not None:
        cap = whole_lots(Decimal(repr(max(float(cap_base), 0.0))), lot, up=False)
        if cap < hi:
            hi, limit = cap, "cap"
    if instrument.max_amount is not None:
        cap = whole_lots(instrument.max_amount, step, up=False)
        if cap < hi:
            hi, limit = cap, "max amount"
    if max_lots is not None and max_lots < hi:
        hi, limit = max_lots, None
    # levels past the one holding the last usable lot can never be touched
    keep = int(np.searchsorted(raw, hi - _SNAP * max(1.0, hi), side="left")) + 1
    if keep < len(raw):
        levels, lots, raw = levels[:keep], lots[:keep], raw[:keep]
    cum = snap(raw)

    prices = levels[:, 0]
    fee = float(instrument.taker_fee)
    cum_notional = np.concatenate(([0.0], np.cumsum(lots * prices))) * lot_f
    cum_cost = cum_notional * (1.0 + fee) if side is Side.BUY else cum_notional * -(1.0 - fee)
    x = np.concatenate(([0.0], cum))
    if per_base:
        cum_cost = cum_cost + per_base * lot_f * x

    # every integer next to a level boundary. Interleaved floor/ceil is sorted except where two
    # boundaries share a lot, and there the smaller value is already present: a running max fixes it
    inner = cum[cum < hi]
    pts = np.empty(2 * len(inner) + 2, dtype=np.int64)
    pts[0], pts[-1] = 0, hi
    pts[1:-1:2] = np.floor(inner)
    pts[2:-1:2] = np.ceil(inner)
    np.maximum.accumulate(pts, out=pts)
    breaks = pts[np.concatenate(([True], pts[1:] != pts[:-1]))]
    costs = np.interp(breaks.astype(np.float64), x, cum_cost)

    counts = breaks[1:] - breaks[:-1]
    slopes = (costs[1:] - costs[:-1]) / np.maximum(counts, 1)
    lo = 1
    if instrument.min_amount is not None:
        lo = max(lo, whole_lots(instrument.min_amount, step, up=True))
    curve = LotCurve(lot_f, lo, hi, breaks, costs, x, cum_cost, cum_notional, prices, limit, counts, slopes)
    if instrument.min_notional is not None and lo <= hi:
        minimum = float(instrument.min_notional)
        least = lo
        if not meets_notional(curve.notional(lo), minimum):
            least = _min_lots_for_notional(curve, minimum)
        if side is Side.SELL and least <= hi:
            least = _min_lots_at_limit(curve, least, minimum, instrument, slippage_bps)
        if least != lo:
            curve = LotCurve(lot_f, least, hi, breaks, costs, x, cum_cost, cum_notional, prices, limit, counts, slopes)
    return curve


def _min_lots_at_limit(curve: LotCurve, start: int, minimum: float, instrument: Instrument,
                       slippage_bps: float) -> int:
    """From ``start`` (the walked notional's minimum), the fewest lots whose notional at a sell's
    IOC limit (its worst level moved down by the slippage, rounded down to the tick, as the router
    writes it) reaches ``minimum`` (hi + 1 when none): the venue checks contracts x limit, which is
    below the walked average."""
    keep = 1 - Decimal(repr(float(slippage_bps))) / Decimal(10_000)

    def ok(x: int) -> bool:
        limit = instrument.round_price(Decimal(repr(curve.worst_price(x))) * keep, up=False)
        return meets_notional(x * curve.lot_base * float(limit), minimum)

    if ok(start):
        return start
    lo, step = start, 1
    while True:  # gallop to a lot count that meets it, then halve back to the first
        hi = lo + step
        if hi > curve.hi:
            if not ok(curve.hi):
                return curve.hi + 1
            hi = curve.hi
            break
        if ok(hi):
            break
        lo, step = hi, step * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def meets_notional(notional: float, minimum: float) -> bool:
    return notional >= minimum * (1.0 - NOTIONAL_SLACK)


def _min_lots_for_notional(curve: LotCurve, minimum: float) -> int:
    """Fewest lots whose notional, walking the book, reaches ``minimum`` (hi + 1 when none)."""
    if not meets_notional(curve.notional(curve.hi), minimum):
        return curve.hi + 1
    notional_at = np.interp(curve.breaks.astype(np.float64), curve.xs, curve.cum_notional)
    j = int(np.searchsorted(notional_at, minimum * (1.0 - NOTIONAL_SLACK), side="left"))
    if j == 0:
        return 0
    a, b = int(curve.breaks[j - 1]), int(curve.breaks[j])
    per_lot = (notional_at[j] - notional_at[j - 1]) / (b - a)
    x = a + max(1, math.ceil((minimum - notional_at[j - 1]) / per_lot)) if per_lot > 0 else b
    x = min(max(x, a + 1), b)
    # the estimate is within a lot; settle it on the exact test
    while x > a + 1 and meets_notional(curve.notional(x - 1), minimum):
        x -= 1
    while not meets_notional(curve.notional(x), minimum):
        x += 1
    return x


def envelope(curve: LotCurve, leg_cost: float) -> tuple[LotCurve, int]:
    """The convex envelope of "0 lots cost nothing, ``x`` in ``[lo, hi]`` lots cost ``cost(x) +
    leg_cost``", and the first lot count ``x*`` where it meets that cost again.

    Below ``x*`` the envelope is the chord from 0 with the least slope ``(cost(x) + leg_cost) / x``
    over ``x >= lo`` (the ratio is monotone on each linear run, so a break or ``lo`` attains it);
    from ``x*`` on it is ``cost + leg_cost``. It lies below the true cost at every lot count, so a
    relaxation on it bounds the plan from below, and it is exact wherever the venue takes 0 or at
    least ``x*`` lots. With no leg cost and a minimum of one lot it is the curve itself.
    """
    lo, hi = curve.lo, curve.hi
    if leg_cost == 0 and lo <= 1:
        return curve, min(1, hi)
    breaks = curve.breaks
    first = int(np.searchsorted(breaks, lo, side="right"))
    cands = np.concatenate(([lo], breaks[first:]))
    # the curve's costs at its breaks are its interpolation there
    vals = np.concatenate(([curve.cost(lo) + leg_cost], curve.costs[first:] + leg_cost))
    k = int(np.argmin(vals / cands))
    star = int(cands[k])
    at = float(vals[k])
    keep = int(np.searchsorted(breaks, star, side="right"))  # the breaks past ``star``
    breaks = np.concatenate(([0, star], breaks[keep:]))
    costs = np.concatenate(([0.0, at], curve.costs[keep:] + leg_cost))
    after = int(np.searchsorted(curve.xs, star, side="right"))
    xs = np.concatenate(([0.0, float(star)], curve.xs[after:]))
    cum_cost = np.concatenate(([0.0, at], curve.cum_cost[after:] + leg_cost))
    counts = breaks[1:] - breaks[:-1]
    slopes = (costs[1:] - costs[:-1]) / np.maximum(counts, 1)
    env = LotCurve(curve.lot_base, lo, hi, breaks, costs, xs, cum_cost, curve.cum_notional, curve.prices,
                   curve.limit, counts, slopes)
    return env, star
