"""MEXC's limits are per endpoint; ccxt's one bucket made every request after loading markets
(the first REST book snapshot too) wait ~6 s. Loading markets now leaves no such debt."""

from __future__ import annotations

import pytest

from tests.venues.loopback.fixtures import SERVERS, case_venue, serving


@pytest.mark.asyncio
async def test_loading_markets_leaves_the_bucket_free_for_the_book_snapshot() -> None:
    async with serving("mexc") as server:
        v = case_venue(SERVERS["mexc"], server, keys=False)
        try:
            await v.connect()
            ex = v._ex
            # ccxt alone charges contract/detail 100 and spot exchangeInfo 25 units of 50 ms each
            assert ex.calculate_rate_limiter_cost(["contract", "public"], "GET", "detail", {}, {"cost": 100}) == 2
            assert ex.calculate_rate_limiter_cost(["spot", "public"], "GET", "exchangeInfo", {}, {"cost": 25}) == 2
            assert ex.calculate_rate_limiter_cost(["contract", "public"], "GET", "depth/{symbol}", {}, {"cost": 2}) == 2
            assert ex.throttler.config["tokens"] > -5  # was about -124: 6 s before the next request
        finally:
            await v.close()
