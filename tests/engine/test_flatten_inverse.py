"""Flatten across a venue's linear and inverse markets of one base (engine/flatten.py): the
inverse position closes in its own whole contracts, in the same route as the linear ones."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.account import Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import CheckLimits, check_plan
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.engine.flatten import plan_flatten_underlying
from sor_desktop.engine.store import LinkState, VenueHealth

LINEAR = Instrument.from_market({
    "symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": True, "contractSize": 1,
    "precision": {"price": 0.1, "amount": 0.001}, "limits": {"amount": {"min": 0.001}}, "taker": 0.0006}, "bybit")
INVERSE = Instrument.from_market({
    "symbol": "BTC/USD:BTC", "base": "BTC", "quote": "USD", "settle": "BTC", "linear": False, "inverse": True,
    "contractSize": 1, "precision": {"price": 0.5, "amount": 1}, "limits": {"amount": {"min": 1}},
    "taker": 0.00055}, "bybit")
KEY = "bybit BTC/USD:BTC"


def _books() -> dict[str, BookSnapshot]:
    lin = BookSnapshot.from_lists("bybit", LINEAR.symbol, 0, [[59_999.9 - k, 0.5] for k in range(20)],
                                  [[60_000.1 + k, 0.5] for k in range(20)], received=100.0)
    inv = BookSnapshot.from_lists("bybit", INVERSE.symbol, 0, [[59_999.5 - k, 20_000] for k in range(20)],
                                  [[60_000.5 + k, 20_000] for k in range(20)], received=100.0)
    return {"bybit": lin, KEY: inv}


def _positions(inv_contracts: int, inv_side: Side = Side.BUY) -> dict[str, list[Position]]:
    return {"bybit": [
        Position("bybit", LINEAR.symbol, Side.BUY, Decimal("0.7"), Decimal("0.7"), Decimal(59_000)),
        Position("bybit", INVERSE.symbol, inv_side, Decimal(inv_contracts), Decimal(inv_contracts) / 60_000,
                 Decimal(59_000), Decimal(60_000)),
    ]}


def _flatten(positions, keys=None):
    health = {"bybit": VenueHealth("bybit", LinkState.CONNECTED), KEY: VenueHealth(KEY, LinkState.CONNECTED)}
    return plan_flatten_underlying(LINEAR.symbol, {KEY: ("bybit", INVERSE.symbol)}, positions,
                                   {"bybit": LINEAR, KEY: INVERSE}, _books(), health, keys=keys)


def test_a_long_in_both_markets_closes_as_one_sell_route_with_the_inverse_contracts_exact():
    fl = _flatten(_positions(45_001))
    assert not fl.problems
    plan = fl.plan
    assert plan is not None and not plan.mixed
    assert plan.side is Side.SELL and plan.symbol == LINEAR.symbol
    legs = {lg.symbol: lg for lg in plan.legs}
    assert legs[LINEAR.symbol].contracts == "0.7"
    inv = legs[INVERSE.symbol]
    assert inv.contracts == "45001"  # every contract held: none left, none too many
    # 20,000 at 59,999.5, 20,000 at 59,998.5, 5,001 at 59,997.5: its base is walked on its book
    assert inv.amount_base == (20_000 / 59_999.5 + 20_000 / 59_998.5 + 5_001 / 59_997.5)
    assert inv.worst_price == 59_997.5 and Decimal(inv.limit_price) <= Decimal("59997.5")
    assert Decimal(inv.limit_price) % INVERSE.price_tick == 0
    # the checks find each leg's book and instrument by its key: a route that may be sent
    books = _books()
    insts = {"bybit": LINEAR, KEY: INVERSE}
    problems = check_plan(plan, books=books, instruments=insts, gates={}, now=100.0,
                          limits=CheckLimits(max_book_age_s=5.0))
    assert problems == []


def test_a_long_and_a_short_close_on_opposite_sides_in_one_plan_and_a_close_takes_one_market():
    fl = _flatten(_positions(1_000, Side.SELL))
    plan = fl.plan
    assert plan is not None and plan.mixed and plan.sides == (Side.SELL, Side.BUY)
    assert [(lg.symbol, lg.side) for lg in plan.legs] == [(LINEAR.symbol, Side.SELL), (INVERSE.symbol, Side.BUY)]
    assert [(lg.symbol, lg.contracts) for lg in fl.side_legs(Side.BUY)] == [(INVERSE.symbol, "1000")]
    # each leg's limit on its own side of its book: the sell's below the linear bid, the buy's above the ask
    books = _books()
    sell, buy = plan.legs
    assert Decimal(sell.limit_price) <= Decimal(str(books["bybit"].bids[0, 0]))
    assert Decimal(buy.limit_price) >= Decimal(str(books[KEY].asks[0, 0]))
    problems = check_plan(plan, books=books, instruments={"bybit": LINEAR, KEY: INVERSE}, gates={}, now=100.0,
                          limits=CheckLimits(max_book_age_s=5.0))
    assert problems == []
    only = _flatten(_positions(1_000), keys={KEY})
    assert only.plan is not None and not only.plan.mixed and only.plan.legs[0].side is None
    assert [(lg.symbol, lg.contracts) for lg in only.legs] == [(INVERSE.symbol, "1000")]


def test_an_inverse_position_deeper_than_the_book_is_a_problem_not_a_partial_close():
    fl = _flatten(_positions(500_000), keys={KEY})
    assert fl.plan is None
    assert fl.problems and fl.problems[0][0] == KEY and "depth" in fl.problems[0][1]
