from decimal import Decimal

import pytest

from sor_desktop.core.instrument import Instrument, InstrumentError
from tests.shared_data import FIVE_VENUES, load_markets

BTC = {
    "symbol": "BTC/USDT:USDT", "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "settle": "USDT",
    "linear": True, "inverse": False, "contractSize": 0.0001,
    "precision": {"amount": 1, "price": 0.1},
    "limits": {"amount": {"min": 1, "max": 530000}, "cost": {"min": 5}},
    "taker": 0.0002, "maker": 0,
}


def test_units_and_rounding():
    ins = Instrument.from_market(BTC, "mexc")
    assert ins.contract_size == Decimal("0.0001")
    assert ins.contracts_to_base(Decimal(25)) == Decimal("0.0025")
    assert ins.base_to_contracts(Decimal("0.0025")) == Decimal(25)
    assert ins.round_amount_down(Decimal("25.9")) == Decimal(25)
    assert ins.round_price(Decimal("60000.04"), up=True) == Decimal("60000.1")
    assert ins.round_price(Decimal("60000.04"), up=False) == Decimal("60000.0")
    assert ins.format_amount(Decimal("25.0")) == "25"
    assert ins.amount_problem(Decimal(1), Decimal(60000)) is None  # 6 USDT notional
    assert ins.amount_problem(Decimal(1), Decimal(40000)) == "notional 4.00 is below the minimum 5"
    assert ins.amount_problem(Decimal(100), Decimal(60000)) is None
    assert "step" in (ins.amount_problem(Decimal("1.5"), Decimal(60000)) or "")


def test_contract_size_override_for_coin_quantities():
    ins = Instrument.from_market(BTC, "weex", contract_size="1")
    assert ins.contracts_to_base(Decimal("0.5")) == Decimal("0.5")


def test_inverse_needs_price():
    m = dict(BTC, symbol="BTC/USD:BTC", quote="USD", linear=False, inverse=True, contractSize=100, settle="BTC")
    ins = Instrument.from_market(m, "bybit")
    assert ins.contracts_to_base(Decimal(600), Decimal(60000)) == Decimal(1)
    with pytest.raises(ValueError):
        ins.contracts_to_base(Decimal(1))


@pytest.mark.parametrize(("symbol", "linear"), [("BTC/USDT:USDT", True), ("BTC/USD:BTC", False),
                                                ("ETH/USD:ETH-261225", False), ("1000PEPE/USDC:USDC", True)])
def test_a_market_without_flags_is_what_its_symbol_says(symbol, linear):
    """Hand-written or old market dicts lack ``linear``/``inverse``; the unified symbol says it."""
    m = {k: v for k, v in BTC.items() if k not in ("linear", "inverse")}
    assert Instrument.from_market(dict(m, symbol=symbol), "x").linear is linear


@pytest.mark.parametrize("market", [
    {"symbol": "BTC/USDT", "linear": None, "inverse": None},  # a spot symbol: nothing says
    {"symbol": "BTC/USDT:ETH", "linear": None, "inverse": None},  # a third currency
])
def test_a_market_whose_kind_nothing_says_is_refused_with_a_reason(market):
    with pytest.raises(InstrumentError, match="linear|inverse"):
        Instrument.from_market({**BTC, **market}, "x")


@pytest.mark.parametrize("bad", [{"contractSize": 0}, {"precision": {"amount": None, "price": 0.1}},
                                 {"precision": {"amount": "x", "price": 0.1}}])
def test_bad_market_is_refused(bad):
    with pytest.raises(InstrumentError):
        Instrument.from_market({**BTC, **bad}, "x")


@pytest.mark.parametrize("venue", FIVE_VENUES)
def test_every_recorded_market_builds(venue):
    for symbol, market in load_markets(venue).items():
        ins = Instrument.from_market(market, venue)
        assert ins.symbol == symbol
        assert ins.price_tick > 0 and ins.amount_step > 0 and ins.contract_size > 0
        # a step-multiple rounds onto itself, anything between steps rounds down
        five = ins.amount_step * 5
        assert ins.round_amount_down(five) == five
        assert ins.round_amount_down(five + ins.amount_step / 2) == five
        assert ins.taker_fee >= 0
