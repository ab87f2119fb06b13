"""What ccxt 4.5.90 itself does with a broken book sequence, per venue: the facts the quirks
table relies on. If a ccxt upgrade starts checking Bybit's or WEEX's sequence, these fail and
the table (and ``book_sequence``) can be revisited."""

from __future__ import annotations

from typing import Any

import ccxt
import ccxt.pro
import pytest

from sor_desktop.venues.quirks import quirks_for


class Client:
    """Just enough of ccxt's ws client for the handlers: a url and futures to resolve/reject."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.resolved: list[str] = []
        self.rejected: list[BaseException] = []
        self.subscriptions: dict[str, Any] = {}

    def resolve(self, result: Any, message_hash: str) -> None:
        self.resolved.append(message_hash)

    def reject(self, error: BaseException, message_hash: str | None = None) -> None:
        self.rejected.append(error)


def bybit(kind: str, u: int, bid: str) -> dict[str, Any]:
    return {"topic": "orderbook.50.BTCUSDT", "type": kind, "ts": 1, "cts": 1,
            "data": {"s": "BTCUSDT", "b": [[bid, "1"]], "a": [["70000", "1"]], "u": u, "seq": 5}}


@pytest.mark.asyncio
async def test_ccxt_applies_a_bybit_delta_after_a_gap() -> None:
    ex = ccxt.pro.bybit()
    client = Client("wss://stream.bybit.com/v5/public/linear")
    ex.handle_order_book(client, bybit("snapshot", 10, "69000"))
    ex.handle_order_book(client, bybit("delta", 13, "68000"))  # 11 and 12 never came
    book = next(iter(ex.orderbooks.values()))
    assert [b[0] for b in book["bids"]] == [69000.0, 68000.0] and client.rejected == []
    assert quirks_for("bybit").ccxt_checks_sequence is False and quirks_for("bybit").sequence_check == "bybit"
    await ex.close()


@pytest.mark.asyncio
async def test_ccxt_applies_a_weex_delta_after_a_gap() -> None:
    ex = ccxt.pro.weex()
    client = Client("wss://ws-contract.weex.com/v3/ws")
    frame = {"E": 1, "s": "BTCUSDT", "l": 200, "d": "CHANGED", "a": [["70000", "1"]]}
    ex.handle_order_book(client, {**frame, "e": "depthSnapshot", "U": 1, "u": 10, "b": [["69000", "1"]]})
    ex.handle_order_book(client, {**frame, "e": "depth", "U": 15, "u": 20, "b": [["68000", "1"]]})
    book = next(iter(ex.orderbooks.values()))
    assert [b[0] for b in book["bids"]] == [69000.0, 68000.0] and client.rejected == []
    assert quirks_for("weex").sequence_check == "weex"
    await ex.close()


@pytest.mark.asyncio
async def test_ccxt_rejects_a_binance_futures_diff_whose_pu_breaks() -> None:
    ex = ccxt.pro.binanceusdm()
    ex.markets_by_id = {}
    client = Client("wss://fstream.binance.com/public/ws/0")
    symbol = ex.safe_market("BTCUSDT", None, None, "swap")["symbol"]
    ex.orderbooks[symbol] = ex.order_book({"bids": [[69000, 1]], "asks": [[70000, 1]], "nonce": 100})
    diff = {"e": "depthUpdate", "E": 1, "T": 1, "s": "BTCUSDT", "b": [["68000", "1"]], "a": []}
    ex.handle_order_book(client, {**diff, "U": 101, "u": 105, "pu": 100})
    assert client.rejected == []
    ex.handle_order_book(client, {**diff, "U": 110, "u": 112, "pu": 108})  # 106-109 lost
    assert len(client.rejected) == 1 and isinstance(client.rejected[0], ccxt.ChecksumError)
    assert symbol not in ex.orderbooks  # dropped: the next watch refetches a snapshot
    assert quirks_for("binanceusdm").ccxt_checks_sequence is True
    await ex.close()
