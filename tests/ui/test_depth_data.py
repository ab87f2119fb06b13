"""The numbers behind the depth, ladder and impact views, on small hand-made books."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.ui import depth_data
from sor_desktop.ui.ladder import merge_levels, nice_step


def inst(venue: str, size: str = "1", fee: str = "0.001") -> Instrument:
    d = Decimal
    return Instrument(venue, "X/USDT:USDT", "X", "X", "USDT", "USDT", True, d(size), d("0.1"), d("0.001"),
                      None, None, None, d(fee), d(0))


def book(venue: str, bids, asks) -> BookSnapshot:
    return BookSnapshot.from_lists(venue, "X/USDT:USDT", 0, bids, asks)


def test_cumulative_depth_in_base_quote_and_fee_adjusted():
    b = book("a", [[99, 2], [98, 3]], [[101, 1], [102, 4]])
    d = depth_data.venue_depth(b, inst("a", size="0.5"), quote=False, fee_adjusted=False)
    assert d.asks.cum.tolist() == [0.5, 2.5]  # contracts x 0.5
    assert d.bids.cum.tolist() == [1.0, 2.5]
    q = depth_data.venue_depth(b, inst("a", size="0.5"), quote=True, fee_adjusted=False)
    assert q.asks.cum.tolist() == [50.5, 50.5 + 204]
    f = depth_data.venue_depth(b, inst("a"), quote=False, fee_adjusted=True)
    assert f.asks.prices.tolist() == pytest.approx([101 * 1.001, 102 * 1.001])
    assert f.bids.prices.tolist() == pytest.approx([99 * 0.999, 98 * 0.999])


def test_band_keeps_levels_from_the_best_to_one_past_each_edge():
    b = book("a", [[99, 1], [98, 1], [97, 1], [96, 1]], [[101, 1], [102, 2], [103, 3], [104, 4]])
    d = depth_data.venue_depth(b, inst("a"), quote=False, fee_adjusted=False, band=(97.5, 101.5))
    # bids down to 97 (the first below 97.5), asks up to 102 (the first above 101.5); amounts
    # still cumulate from the best, so the curve reaches the view's edge at the right height
    assert d.bids.prices.tolist() == [99, 98, 97] and d.bids.cum.tolist() == [1, 2, 3]
    assert d.asks.prices.tolist() == [101, 102] and d.asks.cum.tolist() == [1, 3]
    # a view panned away from the mid: the cumulated amount at its edges is unchanged
    far = depth_data.venue_depth(b, inst("a"), quote=False, fee_adjusted=False, band=(90.0, 102.5))
    assert far.asks.prices.tolist() == [101, 102, 103] and far.asks.cum.tolist() == [1, 3, 6]
    assert far.bids.cum.tolist() == [1, 2, 3, 4]
    # fee-adjusted: the edge is compared with the drawn price (101 x 1.01 is already past 102)
    f = depth_data.venue_depth(b, inst("a", fee="0.01"), quote=False, fee_adjusted=True, band=(0.0, 102.0))
    assert f.asks.prices.tolist() == pytest.approx([101 * 1.01])


def test_merged_depth_and_amount_up_to_a_price():
    a = depth_data.venue_depth(book("a", [[99, 1]], [[101, 1], [103, 1]]), inst("a"), quote=False,
                               fee_adjusted=False)
    b = depth_data.venue_depth(book("b", [[100, 2]], [[102, 2]]), inst("b"), quote=False, fee_adjusted=False)
    m = depth_data.merged([a, b])
    assert m.asks.prices.tolist() == [101, 102, 103] and m.asks.cum.tolist() == [1, 3, 4]
    assert m.bids.prices.tolist() == [100, 99] and m.bids.cum.tolist() == [2, 3]
    assert depth_data.cum_at(m.asks, 102.5, bid=False) == 3
    assert depth_data.cum_at(m.asks, 100.0, bid=False) == 0
    assert depth_data.cum_at(m.bids, 99.0, bid=True) == 3
    x, y = depth_data.step_xy(m.asks)
    assert x.tolist() == [101, 101, 102, 102, 103, 103] and y.tolist() == [0, 1, 1, 3, 3, 4]
    x, y = depth_data.step_xy(m.bids)  # drawn left to right: deepest bid first, zero at the best
    assert x.tolist() == [99, 99, 100, 100] and y.tolist() == [3, 2, 2, 0]


def test_average_fill_price_with_fee_and_beyond_depth():
    b = book("a", [[99, 1]], [[100, 1], [110, 1]])
    px = depth_data.avg_price_curve(b, inst("a", fee="0.01"), np.array([0.5, 1.5, 3.0]), buy=True)
    assert px[0] == pytest.approx(100 * 1.01)
    assert px[1] == pytest.approx((100 + 0.5 * 110) / 1.5 * 1.01)
    assert np.isnan(px[2])


def test_ladder_rows_merge_venues_on_a_common_step():
    books = {"a": book("a", [[99.95, 1]], [[100.05, 1], [100.6, 2]]),
             "b": book("b", [[99.9, 3]], [[100.1, 4]])}
    prices, sides, amounts, totals = merge_levels(books, {"a": inst("a"), "b": inst("b", size="0.5")}, 0.5)
    rows = dict(zip(zip(prices, sides, strict=True), [tuple(r) for r in amounts], strict=True))
    # asks round up to the step (never a better price than exists), bids round down
    assert rows[(100.5, "asks")] == (1.0, 2.0)  # a at 100.05, b at 100.1 (4 x 0.5)
    assert rows[(101.0, "asks")] == (2.0, 0.0)
    assert rows[(99.5, "bids")] == (1.0, 1.5)
    assert totals.tolist() == [a.sum() for a in amounts]
    assert prices == sorted(prices, reverse=True)


def test_nice_step_is_about_one_basis_point():
    assert nice_step(60000) == 10.0
    assert nice_step(3000) == 0.5
    assert nice_step(1.0) == 0.0001


def _ladder_by_dict(books, insts, step, rows):
    """The ladder's rows the plain way: one dict of buckets per side, summed level by level."""
    venues = sorted(books)
    out = []
    for side in ("asks", "bids"):
        buckets: dict[float, list[float]] = {}
        for j, v in enumerate(venues):
            for px, amt in getattr(books[v], side)[: rows * 20]:
                k = (np.ceil(px / step - 1e-9) if side == "asks" else np.floor(px / step + 1e-9)) * step
                buckets.setdefault(round(float(k), 10), [0.0] * len(venues))[j] += amt * float(insts[v].contract_size)
        keys = sorted(buckets)
        chosen = keys[:rows][::-1] if side == "asks" else keys[::-1][:rows]
        out += [(k, side, buckets[k]) for k in chosen]
    return out


def test_ladder_rows_match_a_plain_bucket_sum_on_random_books():
    rng = np.random.default_rng(7)
    for _ in range(20):
        books, insts = {}, {}
        for v in ("a", "b", "c")[: rng.integers(1, 4)]:
            n = int(rng.integers(0, 60))
            bids = np.round(100 - np.cumsum(rng.uniform(0.01, 0.3, n)), 2)
            asks = np.round(100.05 + np.cumsum(rng.uniform(0.01, 0.3, n)), 2)
            books[v] = book(v, [[p, float(rng.uniform(0.1, 5))] for p in bids],
                            [[p, float(rng.uniform(0.1, 5))] for p in asks])
            insts[v] = inst(v, size=str(rng.choice(["1", "0.5", "0.01"])))
        rows = int(rng.integers(1, 8))
        prices, sides, amounts, totals = merge_levels(books, insts, 0.5, rows)
        want = _ladder_by_dict(books, insts, 0.5, rows)
        assert list(zip(prices, sides, strict=True)) == [(k, s) for k, s, _ in want]
        assert amounts.shape == (len(want), len(books))
        for got, (_, _, amt) in zip(amounts, want, strict=True):
            assert got.tolist() == pytest.approx(amt)
        assert totals.tolist() == pytest.approx([sum(a) for _, _, a in want])
