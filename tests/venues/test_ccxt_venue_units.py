"""Instruments per venue from the pack's recorded markets (units, view-only) and the secrets rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.logs import MASK, redact
from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtConfig, CcxtVenue
from tests.shared_data import load_markets

# (contract size, amount step) of BTC/USDT:USDT as books and orders count it on each venue
UNITS = {
    "binanceusdm": (Decimal(1), Decimal("0.001")),
    "bybit": (Decimal(1), Decimal("0.001")),
    "bingx": (Decimal(1), Decimal("0.0001")),
    "weex": (Decimal(1), Decimal("0.0001")),  # lists 0.0001 BTC contracts, counts coins
    "mexc": (Decimal("0.0001"), Decimal(1)),  # whole contracts of 0.0001 BTC
}


@pytest.mark.shared
@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", list(UNITS))
async def test_instrument_units_follow_the_quirks_table(venue_id: str) -> None:
    v = CcxtVenue(venue_id)
    v.use_markets(load_markets(venue_id))
    await v.close()
    btc = v.instruments()["BTC/USDT:USDT"]
    assert (btc.contract_size, btc.amount_step) == UNITS[venue_id]
    assert all(i.symbol.count(":") == 1 for i in v.instruments().values())  # swaps only
    assert btc.contracts_to_base(Decimal(10) * btc.amount_step) == UNITS[venue_id][0] * 10 * UNITS[venue_id][1]


@pytest.mark.asyncio
async def test_mexc_is_view_only_with_keys_unless_a_probe_says_otherwise() -> None:
    v = CcxtVenue("mexc", credentials=ApiCredentials("mexc-key-123456", "mexc-secret-123456"))
    assert v.capabilities.trading_allowed is False
    assert "API" in (v.capabilities.view_only_reason or "")
    assert v.capabilities.client_id_field == "externalOid"
    v.mark_trading_allowed()
    assert v.capabilities.trading_allowed and v.capabilities.view_only_reason is None
    await v.close()


@pytest.mark.asyncio
async def test_keys_never_show_and_are_masked_in_logs() -> None:
    creds = ApiCredentials("visible-key-0042", "hidden-secret-0042", "pass-phrase-0042")
    v = CcxtVenue("bybit", credentials=creds)
    text = repr(v) + repr(creds) + str(vars(v).get("capabilities"))
    for secret in ("visible-key-0042", "hidden-secret-0042", "pass-phrase-0042"):
        assert secret not in text
        assert redact(f"x {secret} y") == f"x {MASK} y"
    await v.close()


def test_unknown_id_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a ccxt.pro exchange id"):
        CcxtVenue("nosuchvenue")


@pytest.mark.asyncio
@pytest.mark.parametrize("venue_id", ["binanceusdm", "bybit", "bingx", "weex", "mexc"])
async def test_keep_alive_is_lowered_on_every_websocket(venue_id: str) -> None:
    v = CcxtVenue(venue_id, config=CcxtConfig(keepalive_ms=2500, max_ping_misses=2))
    client = v._ex.client("wss://example.invalid/ws")  # created, never connected
    assert (client.keepAlive, client.maxPingPongMisses) == (2500, 2)  # ccxt's own: 18 s to 30 min
    await v.close()
