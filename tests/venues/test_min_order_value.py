"""Each venue's minimum order value (what it refuses an order below) is the instrument's minimum
notional, wherever the instrument is built: the live venue, the simulated market, a book file.

ccxt 4.5.90 reads it for Binance (``MIN_NOTIONAL`` ``notional``), Bybit linear
(``lotSizeFilter.minNotionalValue``) and BingX (``tradeMinUSDT``) when it loads markets live, but
the recorded markets (and any market dict from an older ccxt) carry it only in ``info``: Bybit's
and BingX's ``limits.cost.min`` are empty there, and a 3 USDT leg was planned on Bybit's DOGE,
which Bybit refuses (110094). The venue's own field is read where the instrument is built.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.cli.book_files import load_books
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument, InstrumentError
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, PlanRequest, VenueInput
from sor_desktop.core.router import plan_route
from sor_desktop.venues.ccxt_venue import CcxtVenue
from sor_desktop.venues.instruments import MIN_ORDER_VALUE as MIN_ORDER_VALUE_FIELDS
from sor_desktop.venues.instruments import min_order_value
from sor_desktop.venues.sim import SimConfig, SimMarket
from tests.shared_data import FIVE_VENUES, load_markets

# USDT, every linear perpetual, as each venue's own market data states it (venues/quirks.py says
# where each was verified)
MIN_ORDER_VALUE: dict[str, Decimal | None] = {
    "binanceusdm": Decimal(5),  # filters[MIN_NOTIONAL].notional
    "bybit": Decimal(5),  # lotSizeFilter.minNotionalValue (linear only)
    "bingx": Decimal(2),  # tradeMinUSDT
    "mexc": None,  # contract/detail: minVol counts contracts; no order-value minimum
    "weex": None,  # exchangeInfo: minOrderSize counts coins; no order-value minimum
}


async def _recorded_instruments(venue_id: str) -> dict[str, Instrument]:
    v = CcxtVenue(venue_id)
    v.use_markets(load_markets(venue_id))
    await v.close()
    return dict(v.instruments())


@pytest.mark.shared
@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", FIVE_VENUES)
async def test_live_instruments_carry_the_venues_minimum_order_value(venue_id: str) -> None:
    linear = [i for i in (await _recorded_instruments(venue_id)).values() if i.linear]
    assert len(linear) >= 3
    for ins in linear:
        assert ins.min_notional == MIN_ORDER_VALUE[venue_id], ins.symbol


@pytest.mark.parametrize("venue_id", FIVE_VENUES)
def test_the_simulated_venue_has_the_same_minimum_order_value(venue_id: str) -> None:
    market = SimMarket(SimConfig())
    linear = [market.instrument(venue_id, s) for s in market.symbols(venue_id)]
    linear = [i for i in linear if i.linear]
    assert len(linear) >= 3
    for ins in linear:
        assert ins.min_notional == MIN_ORDER_VALUE[venue_id], ins.symbol


def _book_file(tmp_path: Path, venue_id: str, symbol: str, market: dict, price: float) -> Path:
    path = tmp_path / f"{venue_id}.json"
    snap = {"venue": venue_id, "symbol": symbol, "timestamp": 1, "market": market,
            "asks": [[price, 1_000_000]], "bids": [[price * 0.999, 1_000_000]]}
    path.write_text(json.dumps(snap))
    return path


@pytest.mark.shared
@pytest.mark.parametrize("venue_id", FIVE_VENUES)
def test_book_files_with_the_venues_market_carry_its_minimum_order_value(tmp_path: Path, venue_id: str) -> None:
    # what the auditor did: a snapshot whose market is the venue's recorded ccxt market
    for symbol, market in load_markets(venue_id).items():
        if not market.get("linear"):
            continue
        (loaded,) = load_books([_book_file(tmp_path, venue_id, symbol, market, 1.0)])
        assert loaded.instrument.min_notional == MIN_ORDER_VALUE[venue_id], symbol


def _smallest_order(ins: Instrument) -> Decimal:
    """Base amount of the venue's smallest order (its minimum amount, else one step)."""
    contracts = max(ins.min_amount or ins.amount_step, ins.amount_step)
    return ins.contracts_to_base(contracts)


@pytest.mark.shared
@pytest.mark.asyncio
@pytest.mark.parametrize("unit", [AmountUnit.QUOTE, AmountUnit.BASE])
@pytest.mark.parametrize("venue_id", FIVE_VENUES)
async def test_no_leg_is_planned_below_the_minimum_order_value(venue_id: str, unit: AmountUnit) -> None:
    """The smallest order priced at 1 USDT; an order of 3 USDT (0.6 of the minimum where there is
    one): a venue with a minimum order value gets no leg, and the plan says why; one without gets it."""
    ins = (await _recorded_instruments(venue_id))["BTC/USDT:USDT"]
    price = float(1 / _smallest_order(ins))
    minimum = MIN_ORDER_VALUE[venue_id]
    usdt = 3.0 if minimum is None else float(minimum) * 0.6
    contracts = float(ins.base_to_contracts(Decimal(1000) * _smallest_order(ins)))
    book = BookSnapshot.from_lists(venue_id, ins.symbol, 1, [[price * 0.99, contracts]], [[price, contracts]])
    amount = usdt if unit is AmountUnit.QUOTE else usdt / price
    plan = plan_route(PlanRequest(Side.BUY, amount, unit, max_venues=1), [VenueInput(book, ins)])
    if minimum is None:
        assert len(plan.legs) == 1 and plan.notional == pytest.approx(usdt)
        return
    assert plan.legs == () and plan.filled == 0
    # the reason names the minimum that binds (not the amount's lots plus one)
    assert dict(plan.excluded)[venue_id] == f"its minimum order value ({minimum} USDT) is more than the amount allows"


@pytest.mark.parametrize("venue_id", FIVE_VENUES)
def test_a_minimum_order_value_that_is_not_a_number_makes_the_market_unusable(venue_id: str) -> None:
    entry = MIN_ORDER_VALUE_FIELDS.get(venue_id)
    if entry is None:  # nothing is read: no field can spoil the market
        assert MIN_ORDER_VALUE[venue_id] is None
        return
    field, _ = entry
    for bad in ("abc", "NaN", "Infinity"):
        market = _with_field(field, bad)
        with pytest.raises(InstrumentError, match="not"):
            min_order_value(venue_id, market)
    for none in ("", "0", None):
        assert min_order_value(venue_id, _with_field(field, none)) is None
    assert min_order_value(venue_id, _with_field(field, "7.5")) == Decimal("7.5")


def _with_field(field: str, value: object) -> dict:
    """A linear market whose ``info`` holds ``value`` at ``field`` (as venues/<venue>/minimums.py names it)."""
    info: dict = {}
    if field == "info.filters[MIN_NOTIONAL].notional":
        info["filters"] = [{"filterType": "MIN_NOTIONAL", "notional": value}]
    elif field == "info.lotSizeFilter.minNotionalValue":
        info["lotSizeFilter"] = {"minNotionalValue": value}
    else:
        info[field.removeprefix("info.")] = value
    return {"symbol": "BTC/USDT:USDT", "linear": True, "inverse": False, "info": info}


@pytest.mark.shared
@pytest.mark.asyncio
async def test_bybit_inverse_gets_no_usdt_minimum() -> None:
    # its minimums are 1 contract of 1 USD; minNotionalValue is empty there, and a USDT figure
    # would not be its unit even if Bybit filled it in
    inverse = (await _recorded_instruments("bybit"))["BTC/USD:BTC"]
    assert not inverse.linear and inverse.min_notional is None
    assert (inverse.min_amount, inverse.contract_size) == (Decimal(1), Decimal(1))
    markets = copy.deepcopy(load_markets("bybit"))
    markets["BTC/USD:BTC"]["info"]["lotSizeFilter"]["minNotionalValue"] = "5"
    v = CcxtVenue("bybit")
    v.use_markets(markets)
    await v.close()
    assert v.instruments()["BTC/USD:BTC"].min_notional is None
    assert v.instruments()["BTC/USDT:USDT"].min_notional == Decimal(5)
    assert SimMarket(SimConfig()).instrument("bybit", "BTC/USD:BTC").min_notional is None


@pytest.mark.parametrize(("venue", "on_close"), [("binanceusdm", False), ("bybit", False), ("bingx", True),
                                                 ("mexc", True), ("weex", True)])
def test_closing_orders_are_exempt_where_the_venue_says(venue: str, on_close: bool) -> None:
    """Binance's -4164 and Bybit's trading rules exempt reduce-only (closing) orders from the minimum
    order value; the others do not say so, and keep it."""
    from sor_desktop.venues.instruments import minimum_on_close

    assert minimum_on_close(venue) is on_close
