"""The same terms checks on every venue: fee, funding and brackets through real ccxt against each
venue's loopback server (``loopback/costs.py``, ``loopback/costs_more.py``), with and without keys.
What a venue does not give is named in ``missing``, never guessed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from sor_desktop.core.brackets import Bracket
from sor_desktop.core.orders import OrderRequest, Side
from tests.venues.loopback.costs import BinanceCostsServer, BybitCostsServer
from tests.venues.loopback.costs_more import BingxCostsServer, MexcCostsServer, WeexCostsServer
from tests.venues.loopback.fixtures import loopback_venue

SYMBOL = "BTC/USDT:USDT"
pytestmark = pytest.mark.asyncio


@dataclass(frozen=True)
class CostCase:
    server: Callable[[], Any]
    own_fee: Callable[[Any], float] | None  # the account's taker rate the server gives; None: not given
    funding: Callable[[Any], tuple[float, float]]  # (rate used for the next settlement, interval hours)
    brackets: Callable[[Any], tuple[Bracket, ...]] | None
    brackets_need_keys: bool = False
    passphrase: bool = False
    config: tuple[tuple[str, Any], ...] = ()
    # the leverage the server's account has set on the symbol (the lower side's where long and
    # short differ): what a flat symbol's margin is counted at
    leverage: float | None = None


def _mexc_tiers(s: MexcCostsServer) -> tuple[Bracket, ...]:
    per_contract = 0.0001 * s.fair_price  # tiers are counted in contracts of 0.0001 BTC
    caps = [50_000, 150_000, 250_000, 350_000, 450_000]
    return tuple(Bracket(cap * per_contract, 1 / (0.008 + 0.004 * i), 0.004 + 0.002 * i, 0.0,
                         (caps[i - 1] if i else 0) * per_contract) for i, cap in enumerate(caps))


CASES = {
    "binanceusdm": CostCase(BinanceCostsServer, lambda s: float(s.taker), lambda s: (float(s.funding_rate), 4),
                            lambda s: (Bracket(50_000, 125, 0.004, 0.0, 0.0), Bracket(500_000, 100, 0.005, 50.0, 50_000),
                                       Bracket(8_000_000, 50, 0.01, 2550.0, 500_000)),
                            brackets_need_keys=True, config=(("book_limit", 100),), leverage=21),
    "bybit": CostCase(BybitCostsServer, lambda s: float(s.taker), lambda s: (float(s.funding_rate), 8),
                      lambda s: (Bracket(2_000_000, 100, 0.005, 0.0, 0.0),
                                 Bracket(2_600_000, 86.2, 0.0056, 1200.0, 2_000_000),
                                 Bracket(3_200_000, 75.75, 0.0062, 2760.0, 2_600_000)), leverage=7),
    # no leverage per tier in BingX's answer: the market's max (125) on each, said in missing
    "bingx": CostCase(BingxCostsServer, lambda s: s.taker, lambda s: (float(s.funding_rate), 4),
                      lambda s: (Bracket(300_000, 125, 0.004, 0.0, 0.0), Bracket(800_000, 125, 0.005, 300.0, 300_000),
                                 Bracket(3_000_000, 125, 0.01, 4300.0, 800_000)),
                      brackets_need_keys=True, leverage=4),
    # the forecast rate is the next settlement's; collectCycle 480 minutes
    "weex": CostCase(WeexCostsServer, lambda s: float(s.taker), lambda s: (float(s.forecast_rate), 8), None,
                     passphrase=True, leverage=9),
    "mexc": CostCase(MexcCostsServer, None, lambda s: (s.funding_rate, 1), _mexc_tiers, leverage=12),
}


async def _terms(venue_id: str, *, keys: bool) -> tuple[Any, Any]:
    case = CASES[venue_id]
    server = case.server()
    await server.start()
    venue = loopback_venue(server, venue_id, keys=keys, passphrase=case.passphrase, **dict(case.config))
    try:
        await venue.connect()
        return server, await venue.fetch_terms(SYMBOL)
    finally:
        await venue.close()
        await server.stop()


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_fee_is_the_accounts_own_where_the_venue_gives_it(venue_id):
    server, terms = await _terms(venue_id, keys=True)
    own = CASES[venue_id].own_fee
    if own is None:
        assert not terms.fee.own and terms.fee.label().startswith("default fee")
        assert any(m.startswith("fee:") for m in terms.missing)
        assert terms.router_terms()["fee"] is None
    else:
        assert terms.fee.own and terms.fee.taker == pytest.approx(own(server))
        assert terms.fee.label().startswith("your fee ")
        assert terms.router_terms()["fee"] == pytest.approx(own(server))


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_funding_rate_interval_and_next_settlement(venue_id):
    server, terms = await _terms(venue_id, keys=False)  # funding is public everywhere
    rate, hours = CASES[venue_id].funding(server)
    f = terms.funding
    assert f is not None, terms.missing
    assert f.rate == pytest.approx(rate) and f.interval_hours == hours
    assert f.next_time == server.next_funding  # the next settlement, not the answer's own time
    assert terms.mark_price is not None and terms.mark_price > 59_000


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_brackets_as_the_venue_counts_them(venue_id):
    server, terms = await _terms(venue_id, keys=True)
    expected = CASES[venue_id].brackets
    if expected is None:
        assert terms.brackets is None and any(m.startswith("brackets:") for m in terms.missing)
        return
    assert terms.brackets is not None, terms.missing
    assert len(terms.brackets) == len(expected(server))
    for got, want in zip(terms.brackets, expected(server), strict=True):
        for field in ("cap", "max_leverage", "mmr", "maint_amount", "floor"):
            assert getattr(got, field) == pytest.approx(getattr(want, field)), (field, got, want)


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_without_keys_default_fee_and_signed_only_brackets_named(venue_id):
    _, terms = await _terms(venue_id, keys=False)
    assert not terms.fee.own and terms.fee.label().startswith("default fee")
    case = CASES[venue_id]
    if case.brackets_need_keys:
        assert terms.brackets is None and any("signed requests only" in m for m in terms.missing)
    elif case.brackets is not None:
        assert terms.brackets is not None


async def test_bingx_without_an_interval_gets_no_funding_not_8h():
    server = BingxCostsServer()
    server.interval_hours = None
    await server.start()
    venue = loopback_venue(server, "bingx", keys=False)
    try:
        await venue.connect()
        terms = await venue.fetch_terms(SYMBOL)
    finally:
        await venue.close()
        await server.stop()
    assert terms.funding is None and any("does not say its interval" in m for m in terms.missing)
    assert terms.mark_price == pytest.approx(60002.7)


async def test_mexc_reads_its_fair_price_once_for_the_mark_and_the_tiers():
    server, terms = await _terms("mexc", keys=True)
    assert terms.mark_price == pytest.approx(server.fair_price) and terms.brackets is not None
    assert sum(1 for _, path in server.requests if path.startswith("/api/v1/contract/fair_price/")) == 1


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_the_accounts_leverage_on_a_symbol_with_no_position(venue_id):
    """The margin of a symbol with no position was counted at 10x (or the window's setting) on
    every venue: an account set to 5x needs twice that, and the venue refuses the leg after the
    others filled. Each venue's own leverage for the symbol is read with the terms (keys needed);
    where long and short differ (hedge mode), the lower, which needs the more margin."""
    _, terms = await _terms(venue_id, keys=True)
    assert terms.leverage == pytest.approx(CASES[venue_id].leverage), terms.missing
    _, public = await _terms(venue_id, keys=False)
    assert public.leverage is None  # no keys, no account: the window's setting applies


@pytest.mark.parametrize("venue_id", list(CASES))
async def test_a_fee_the_venue_leaves_out_is_estimated_at_the_accounts_own_rate(venue_id):
    """Once the account's taker rate is read, a fill the venue gives no fee for is estimated at
    it (MEXC gives no account rate: the market's), not at the market's default."""
    case = CASES[venue_id]
    server = case.server()
    await server.start()
    server.paused = True
    server.fee_hidden = True
    venue = loopback_venue(server, venue_id, keys=True, passphrase=case.passphrase,
                           **{"trading_allowed": True, **dict(case.config)})
    try:
        await venue.connect()
        terms = await venue.fetch_terms(SYMBOL)
        inst = venue.instruments()[SYMBOL]
        market_id = venue._ex.market(SYMBOL)["id"]
        ask = min(server.books[market_id].asks)
        report = await venue.submit_order(OrderRequest(venue_id, SYMBOL, Side.BUY, inst.amount_step * 5, "own-rate-1",
                                                       limit_price=ask))
        if not report.status.final:
            report = await venue.fetch_order("own-rate-1", SYMBOL)
    finally:
        await venue.close()
        await server.stop()
    placed = server.find("own-rate-1")
    assert placed is not None and placed.filled > 0
    rate = float(inst.taker_fee)
    if case.own_fee is not None:
        rate = case.own_fee(server)
        assert terms.fee.own and rate != pytest.approx(float(inst.taker_fee))  # the two rates told apart
    assert report.fee_estimated is True
    assert float(report.fee) == pytest.approx(float(server.fill_value(placed)) * rate, rel=1e-9)
