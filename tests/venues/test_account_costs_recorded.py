"""WEEX's account fee from the recorded ``fetchTradingFee`` answer in ``../shared/venue-data``,
served to ``CcxtVenue.fetch_terms`` through ccxt's own parsing (skips when the pack is absent)."""

from __future__ import annotations

import json

import pytest

from tests.shared_data import VENUE_DATA, require
from tests.venues.test_recorded_replay import replay_venue, serve

pytestmark = [pytest.mark.shared, pytest.mark.asyncio]


async def test_weex_recorded_fee_is_the_accounts():
    require(VENUE_DATA)
    [entry] = json.loads((VENUE_DATA / "responses" / "weex.json").read_text())["methods"]["fetchTradingFee"]
    symbol = entry["input"][0]
    v = replay_venue("weex")
    urls = serve(v, entry["httpResponse"])
    terms = await v.fetch_terms(symbol)
    assert terms.fee.own
    assert terms.fee.taker == entry["parsedResponse"]["taker"] and terms.fee.maker == entry["parsedResponse"]["maker"]
    assert terms.fee.label() == "your fee 0.08 %"
    assert any("commissionRate" in u for u in urls)
    assert terms.brackets is None and any(m.startswith("brackets:") for m in terms.missing)
