"""MEXC futures books: ccxt 4.5.90 applies a ``push.depth`` delta after a lost one; our check
(``venues.mexc.books`` through ``book_sequence``) finds the break and rebuilds the book from a
new chain and a fresh REST snapshot. The loopback suite proves it end to end (dropped delta)."""

from __future__ import annotations

from typing import Any

import ccxt
import ccxt.pro
import pytest

from sor_desktop.venues.book_sequence import (
    CHECKS,
    SequenceTracker,
    Update,
    Verdict,
    guarded_class,
    mexc_update,
)
from sor_desktop.venues.mexc.books import depth_versions
from sor_desktop.venues.quirks import quirks_for
from tests.shared_data import load_markets

URL = "wss://contract.mexc.com/edge"
SYMBOL = "BTC/USDT:USDT"


class Client:
    """Just enough of ccxt's ws client for the handlers."""

    def __init__(self, url: str = URL) -> None:
        self.url = url
        self.resolved: list[str] = []
        self.rejected: list[BaseException] = []
        self.subscriptions: dict[str, Any] = {"orderbook:" + SYMBOL: {}}

    def resolve(self, result: Any, message_hash: str) -> None:
        self.resolved.append(message_hash)

    def reject(self, error: BaseException, message_hash: str | None = None) -> None:
        self.rejected.append(error)


def frame(version: int, bid: str, begin: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"asks": [[60010.0, 5, 1]], "bids": [[float(bid), 7, 1]], "version": version}
    if begin is not None:
        data.update(begin=begin, end=version)
    return {"channel": "push.depth", "symbol": "BTC_USDT", "ts": 1, "data": data}


def test_versions_of_merged_and_plain_frames() -> None:
    assert depth_versions(frame(105, "1", begin=103)) == ("BTC_USDT", 103, 105)
    assert depth_versions(frame(105, "1")) == ("BTC_USDT", 105, 105)
    assert depth_versions({"channel": "pong", "data": 1}) is None
    assert depth_versions({"channel": "push.depth", "symbol": "BTC_USDT", "data": {"asks": []}}) is None


def test_a_chain_opens_on_its_first_frame_and_breaks_on_a_skipped_version() -> None:
    t = SequenceTracker()
    seen = [t.observe(mexc_update(m), opens_chain=True)  # type: ignore[arg-type]
            for m in (frame(100, "1"), frame(101, "1"), frame(104, "1", begin=102), frame(104, "1"),
                      frame(106, "1"), frame(107, "1"))]
    assert seen == [Verdict.OPEN, Verdict.APPLY, Verdict.APPLY, Verdict.DROP, Verdict.GAP, Verdict.OPEN]
    assert t.gaps == 1
    # without opens_chain (Bybit, WEEX) a delta with nothing before it waits for a snapshot
    assert SequenceTracker().observe(Update("x", False, 5, 5)) is Verdict.DROP


def book_with_snapshot(ex: Any, client: Client, version: int) -> Any:
    """Feed the cached first frame and a REST-like snapshot at ``version`` the way ccxt's
    ``load_order_book`` does (reset, then the cached deltas from the snapshot on)."""
    stored = ex.orderbooks[SYMBOL]
    stored.reset({"bids": [[59990.0, 3]], "asks": [[60010.0, 5]], "nonce": version, "timestamp": 1})
    ex.handle_book_deltas(stored, [d for d in stored.cache if d["version"] >= version])
    stored.cache.clear()
    return stored


def exchange(checked: bool) -> Any:
    """ccxt.pro's mexc on the recorded markets, with our sequence check or without."""
    ex = guarded_class(ccxt.pro.mexc, CHECKS["mexc"])() if checked else ccxt.pro.mexc()
    ex.set_markets(load_markets("mexc"))
    return ex


@pytest.mark.asyncio
async def test_ccxt_alone_applies_a_delta_after_a_lost_one() -> None:
    ex = exchange(checked=False)
    client = Client()
    ex.handle_order_book(client, frame(100, "59995"))
    book_with_snapshot(ex, client, 100)
    ex.handle_order_book(client, frame(103, "59980"))  # 101 and 102 never came
    assert client.rejected == [] and 59980.0 in [b[0] for b in ex.orderbooks[SYMBOL]["bids"]]
    assert quirks_for("mexc").ccxt_checks_sequence is False and quirks_for("mexc").sequence_check == "mexc"
    await ex.close()


@pytest.mark.asyncio
async def test_a_lost_delta_drops_the_book_and_the_next_frame_starts_afresh() -> None:
    ex = exchange(checked=True)
    client = Client()
    ex.handle_order_book(client, frame(100, "59995"))
    assert ex.orderbooks[SYMBOL]["nonce"] is None  # ccxt caches until the REST snapshot
    book_with_snapshot(ex, client, 100)
    ex.handle_order_book(client, frame(101, "59994"))
    assert ex.orderbooks[SYMBOL]["nonce"] == 101 and client.rejected == []
    ex.handle_order_book(client, frame(103, "59980"))  # 102 lost
    assert isinstance(client.rejected[0], ccxt.InvalidNonce) and SYMBOL not in ex.orderbooks
    assert ex.sor_gapped == {SYMBOL} and ex.sor_resync_in_place is True
    ex.handle_order_book(client, frame(104, "59970"))  # a new chain on a new, empty book
    fresh = ex.orderbooks[SYMBOL]
    assert fresh["nonce"] is None and [d["version"] for d in fresh.cache] == [104]
    await ex.close()


@pytest.mark.asyncio
async def test_a_new_connection_starts_a_new_chain_on_a_fresh_book() -> None:
    ex = exchange(checked=True)
    old = Client()
    ex.handle_order_book(old, frame(100, "59995"))
    book_with_snapshot(ex, old, 100)
    new = Client()  # reconnected: versions moved on while we were away
    ex.handle_order_book(new, frame(180, "59960"))
    assert new.rejected == [] and ex.orderbooks[SYMBOL]["nonce"] is None  # not applied to the old book
    assert [d["version"] for d in ex.orderbooks[SYMBOL].cache] == [180]
    await ex.close()
