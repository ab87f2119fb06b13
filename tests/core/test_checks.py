"""Pure pre-trade checks and client order ids."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import CheckLimits, VenueGate, blocked_venues, check_plan, leg_notional
from sor_desktop.core.client_ids import client_order_id, new_route_id, parse_client_order_id
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Leg, Plan

SYM = "BTC/USDT:USDT"


def inst(venue: str = "a", *, min_cost: str | None = "5", linear: bool = True, size: str = "1") -> Instrument:
    return Instrument.from_market({
        "symbol": SYM, "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": linear,
        "inverse": not linear, "contractSize": size, "precision": {"price": "0.1", "amount": "0.001"},
        "limits": {"amount": {"min": "0.001", "max": "100"}, "cost": {"min": min_cost}}, "taker": "0.0005",
    }, venue)


def book(venue: str = "a", mid: float = 100.0, received: float = 1000.0) -> BookSnapshot:
    return BookSnapshot.from_lists(venue, SYM, 0, [(mid - 0.05, 1.0)], [(mid + 0.05, 1.0)], received=received)


def plan(side: Side, *legs: tuple[str, str, str]) -> Plan:
    out = tuple(Leg(v, SYM, c, 0.5, 100.0, 100.0, p, 50.0, 0.0, 0.0) for v, c, p in legs)
    return Plan(side, AmountUnit.BASE, SYM, 1.0, 1.0, 100.0, 100.0, 0.0, 100.0, out, None, 0.0, 0.0, 0.0, None)


def run(p: Plan, *, now: float = 1001.0, limits: CheckLimits | None = None, gates=None, books=None,  # type: ignore[no-untyped-def]
        instruments=None, already_sent: bool = False) -> list[str]:
    venues = {lg.venue for lg in p.legs}
    problems = check_plan(p, books=books if books is not None else {v: book(v) for v in venues},
                          instruments=instruments if instruments is not None else {v: inst(v) for v in venues},
                          gates=gates or {}, now=now, limits=limits or CheckLimits(), already_sent=already_sent)
    return sorted(f"{x.code}:{x.venue}" for x in problems)


def test_a_clean_plan_passes() -> None:
    assert run(plan(Side.BUY, ("a", "0.5", "100.5"), ("b", "0.5", "100.5"))) == []


def test_stale_book_by_age_and_by_supervisor() -> None:
    p = plan(Side.BUY, ("a", "0.5", "100.5"), ("b", "0.5", "100.5"))
    assert run(p, now=1006.0) == ["stale_book:a", "stale_book:b"]  # 6 s old, limit 5
    assert run(p, gates={"b": VenueGate(stale_reason="sequence gap")}) == ["stale_book:b"]
    assert run(p, books={"a": book("a")}) == ["stale_book:b"]  # no book at all


def test_price_band_both_sides() -> None:
    lim = CheckLimits(price_band_bps=100)
    assert run(plan(Side.BUY, ("a", "0.5", "101.0")), limits=lim) == []  # exactly 100 bps over the mid
    assert run(plan(Side.BUY, ("a", "0.5", "101.1")), limits=lim) == ["price_band:a"]
    assert run(plan(Side.SELL, ("a", "0.5", "99.0")), limits=lim) == []
    assert run(plan(Side.SELL, ("a", "0.5", "98.9")), limits=lim) == ["price_band:a"]


@pytest.mark.parametrize(("contracts", "price", "why"), [
    ("0.0005", "100.5", "not a multiple"),
    ("0.0010", "100.5", "below the minimum 5"),  # notional 0.1 USDT
    ("101", "100.5", "above the maximum"),
    ("0.5", "100.55", "not on the tick"),
    ("0.5", "-1", "must be positive"),
    ("abc", "100.5", "not a number"),
])
def test_venue_limits(contracts: str, price: str, why: str) -> None:
    p = plan(Side.BUY, ("a", contracts, price))
    problems = check_plan(p, books={"a": book()}, instruments={"a": inst()}, gates={}, now=1000.0,
                          limits=CheckLimits(price_band_bps=1e6))
    assert [x.code for x in problems] == ["venue_limits"] and why in problems[0].message


def test_max_notional_at_limit_prices() -> None:
    p = plan(Side.BUY, ("a", "0.5", "100.5"), ("b", "0.5", "100.5"))  # 100.5 in all
    assert run(p, limits=CheckLimits(max_notional=Decimal("100.5"))) == []
    assert run(p, limits=CheckLimits(max_notional=Decimal("100.4"))) == ["max_notional:None"]


def test_inverse_notional_is_contracts_times_size() -> None:
    leg = Leg("a", SYM, "3", 0.03, 100.0, 100.0, "100.5", 3.0, 0.0, 0.0)
    assert leg_notional(leg, inst(linear=False, size="10")) == Decimal("30")


def test_view_only_unknown_venue_duplicate_and_empty() -> None:
    p = plan(Side.BUY, ("a", "0.5", "100.5"), ("b", "0.5", "100.5"))
    gates = {"a": VenueGate(trading_allowed=False, reason="MEXC futures orders by API are off")}
    assert run(p, gates=gates) == ["view_only:a"]
    assert run(p, instruments={"a": inst("a")}) == ["unknown_venue:b"]
    assert run(p, already_sent=True) == ["duplicate:None"]
    assert run(plan(Side.BUY)) == ["empty:None"]
    assert run(plan(Side.BUY, ("a", "0.5", "100.5"), ("a", "0.5", "100.5"))) == ["duplicate_leg:a"]
    problems = check_plan(p, books={}, instruments={}, gates={}, now=0.0, limits=CheckLimits())
    assert blocked_venues(problems) == {"a", "b"}


# -- client ids -------------------------------------------------------------------------------------
SAFE = re.compile(r"^[0-9a-z]+$")


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=19, max_value=64))
def test_client_ids_are_deterministic_short_and_safe(leg: int, max_len: int) -> None:
    rid = "0123456789abcdef0123"
    cid = client_order_id(rid, leg, max_len)
    assert cid == client_order_id(rid, leg, max_len)
    assert len(cid) <= min(max_len, 36) and SAFE.match(cid)
    parsed = parse_client_order_id(cid)
    assert parsed is not None and parsed[1] == leg and rid.startswith(parsed[0])


def test_client_ids_differ_by_leg_and_route() -> None:
    a, b = new_route_id(), new_route_id()
    assert a != b and len(a) == 20
    ids = {client_order_id(r, i) for r in (a, b) for i in range(10)}
    assert len(ids) == 20
    assert client_order_id("0123456789abcdef0123", 3) == "sor0123456789abcdef0123l3"


def test_client_id_limits_are_refused_when_too_short_or_bad() -> None:
    with pytest.raises(ValueError):
        client_order_id("0123456789abcdef0123", 0, 15)
    with pytest.raises(ValueError):
        client_order_id("ABC-not-ok", 0)
    assert parse_client_order_id("x-xcKtGhcu123") is None


@pytest.mark.parametrize(("on_close", "refused"), [(False, False), (True, True)])
def test_a_reduce_only_leg_below_the_minimum_order_value(on_close: bool, refused: bool) -> None:
    """Binance (-4164 "...unless you choose reduce only") and Bybit ("closing orders are exempt from
    notional value") take a close under their minimum order value: a 3 USDT position there could
    not be closed through the app, its leg refused before sending. A venue that does not say so
    keeps the minimum."""
    from dataclasses import replace

    i = replace(inst(), min_notional_on_close=on_close)
    p = plan(Side.SELL, ("a", "0.002", "99.9"))  # 0.2 USDT
    problems = check_plan(p, books={"a": book()}, instruments={"a": i}, gates={}, now=1000.0,
                          limits=CheckLimits(price_band_bps=1e6), reduce_only=True)
    assert bool(problems) is refused
    opening = check_plan(p, books={"a": book()}, instruments={"a": i}, gates={}, now=1000.0,
                         limits=CheckLimits(price_band_bps=1e6))
    assert [x.code for x in opening] == ["venue_limits"] and "below the minimum 5" in opening[0].message


@pytest.mark.parametrize(("side", "price", "limit", "fee_adjusted", "bad"), [
    (Side.BUY, "100.5", 100.5, False, False),  # at the limit: in
    (Side.BUY, "100.6", 100.5, False, True),  # a tick past the typed limit
    (Side.SELL, "99.5", 99.5, False, False),
    (Side.SELL, "99.4", 99.5, False, True),
    (Side.BUY, "100.5", 100.5, True, True),  # 100.5 x (1 + 0.0005) is past an all-in 100.5
    (Side.BUY, "100.4", 100.5, True, False),
])
def test_a_leg_past_the_plans_hard_limit_is_refused(side: Side, price: str, limit: float, fee_adjusted: bool,
                                                    bad: bool) -> None:
    """The router clamps every IOC limit to the request's hard limit; the pre-send check does not
    take that on trust: a leg whose limit passes the limit the trader saw is never sent."""
    from dataclasses import replace

    p = replace(plan(side, ("a", "0.5", price)), limit_price=limit, limit_on_fee_adjusted=fee_adjusted)
    problems = check_plan(p, books={"a": book()}, instruments={"a": inst()}, gates={}, now=1000.0,
                          limits=CheckLimits(price_band_bps=1e6))
    assert [x.code for x in problems] == (["price_limit"] if bad else [])
    if bad:
        assert f"{limit:g}" in problems[0].message and price in problems[0].message
