"""Small builders shared by the simulator, paper and replay tests."""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.orders import OrderRequest, OrderType, Side, TimeInForce

BTC = "BTC/USDT:USDT"
ETH = "ETH/USDT:USDT"


def book(venue: str, bids: list[tuple[float, float]], asks: list[tuple[float, float]], ts: int = 1,
         symbol: str = BTC) -> BookSnapshot:
    return BookSnapshot.from_lists(venue, symbol, ts, bids, asks)


def order(venue: str, side: Side, contracts: str, cid: str, *, price: str | None = None,
          tif: TimeInForce = TimeInForce.IOC, market: bool = False, reduce_only: bool = False,
          symbol: str = BTC) -> OrderRequest:
    return OrderRequest(
        venue=venue, symbol=symbol, side=side, contracts=Decimal(contracts), client_order_id=cid,
        order_type=OrderType.MARKET if market else OrderType.LIMIT,
        limit_price=None if price is None else Decimal(price), time_in_force=tif, reduce_only=reduce_only,
    )
