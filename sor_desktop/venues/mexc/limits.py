"""MEXC request limits are per endpoint; ccxt 4.5.90 keeps one bucket for all of them.

MEXC's contract docs give each endpoint its own limit: ``contract/detail`` "1 times / 5 seconds",
``contract/depth/{symbol}`` "20 times / 2 seconds", the private ones "20 times / 2 seconds"; the
spot API (whose ``exchangeInfo`` ccxt's ``fetch_markets`` always loads too) is limited apart from
the contract API. ccxt charges ``detail`` 100 and spot ``exchangeInfo`` 25 units of its single
50 ms bucket, so after loading markets every request, the first REST book snapshot included,
waits about 6 s: a MEXC book appeared 6 s after connecting (measured on the loopback server).
Loading markets happens once per connection, within ``detail``'s own limit, so here those two
calls cost what a depth request costs; every other cost stays ccxt's.
"""

from __future__ import annotations

from typing import Any

MARKET_LOADS = {("contract", "detail"): 2, ("spot", "exchangeInfo"): 2}


def per_endpoint_limits_class(base: Any) -> type:
    """ccxt.pro ``mexc`` whose market-loading calls do not hold up every request after them."""

    class MexcLimits(base):  # type: ignore[misc, valid-type]
        def calculate_rate_limiter_cost(self, api: Any, method: Any, path: Any, params: Any,
                                        config: Any = None) -> Any:
            section = api[0] if isinstance(api, (list, tuple)) and api else api
            cost = MARKET_LOADS.get((str(section), str(path)))
            if cost is not None:
                return cost
            return super().calculate_rate_limiter_cost(api, method, path, params, config or {})

    MexcLimits.__name__ = MexcLimits.__qualname__ = f"PerEndpointLimits_{base.__name__}"
    return MexcLimits
