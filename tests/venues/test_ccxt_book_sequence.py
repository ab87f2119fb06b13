"""The sequence checks for venues where ccxt does not check (Bybit ``u``, WEEX ``U``/``u``)."""

from __future__ import annotations

import asyncio

import ccxt
import pytest

from sor_desktop.venues.book_sequence import SequenceTracker, Update, Verdict, bybit_update
from sor_desktop.venues.ccxt_venue import CcxtVenue
from sor_desktop.venues.errors import BookGap
from sor_desktop.venues.weex.books import continues, weex_update
from tests.shared_data import load_markets


def bybit(kind: str, u: int) -> dict[str, object]:
    return {"topic": "orderbook.50.BTCUSDT", "type": kind, "data": {"s": "BTCUSDT", "b": [], "a": [], "u": u, "seq": 9}}


def test_bybit_u_must_grow_by_one() -> None:
    t = SequenceTracker()
    verdicts = [t.observe(bybit_update(m)) for m in  # type: ignore[arg-type]
                (bybit("delta", 10), bybit("snapshot", 10), bybit("delta", 11), bybit("delta", 11),
                 bybit("delta", 13), bybit("delta", 14), bybit("snapshot", 20), bybit("delta", 21))]
    assert verdicts == [Verdict.DROP, Verdict.APPLY, Verdict.APPLY, Verdict.DROP,
                        Verdict.GAP, Verdict.DROP, Verdict.APPLY, Verdict.APPLY]
    assert t.gaps == 1


def test_bybit_u_of_one_is_a_restart_snapshot() -> None:
    t = SequenceTracker()
    t.observe(bybit_update(bybit("snapshot", 500)))  # type: ignore[arg-type]
    assert bybit_update(bybit("delta", 1)) == Update("BTCUSDT", True, 1, 1)
    assert t.observe(bybit_update(bybit("delta", 1))) is Verdict.APPLY  # type: ignore[arg-type]


def weex(event: str, first: int, last: int) -> Update:
    update = weex_update({"e": event, "s": "ETHUSDT", "U": first, "u": last})
    assert update is not None
    return update


def test_weex_frames_start_at_the_last_u_and_anything_else_is_a_gap() -> None:
    """WEEX frames start at the previous frame's ``u`` (the first one at the snapshot's): that
    is in sequence; a frame starting anywhere else has lost updates, even one starting at
    ``u + 1`` (a lost frame that carried a single update)."""
    t = SequenceTracker(continues)
    assert t.observe(weex("depthSnapshot", 100, 100)) is Verdict.APPLY
    assert t.observe(weex("depth", 100, 105)) is Verdict.APPLY  # starts at the snapshot
    assert t.observe(weex("depth", 105, 109)) is Verdict.APPLY  # starts at the last frame's u
    assert t.observe(weex("depth", 100, 109)) is Verdict.DROP  # nothing new
    assert t.observe(weex("depth", 110, 112)) is Verdict.GAP  # (109, 110] never came
    assert t.observe(weex("depth", 112, 118)) is Verdict.DROP  # waits for a snapshot
    assert t.gaps == 1


def test_weex_first_delta_may_start_before_the_snapshot() -> None:
    """A REST book (lastUpdateId 103) falls inside a frame: that frame bridges it; after it the
    chain is strict again."""
    t = SequenceTracker(continues)
    assert t.observe(weex("depthSnapshot", 103, 103)) is Verdict.APPLY
    assert t.observe(weex("depth", 100, 105)) is Verdict.APPLY
    assert t.observe(weex("depth", 104, 108)) is Verdict.GAP  # not the first any more
    t.observe(weex("depthSnapshot", 103, 103))
    assert t.observe(weex("depth", 104, 108)) is Verdict.GAP  # (103, 104] missing


def test_weex_snapshot_is_told_by_event_or_depth_type() -> None:
    assert weex_update({"e": "depthSnapshot", "s": "BTCUSDT", "U": 7, "u": 9}) == Update("BTCUSDT", True, 7, 9)
    assert weex_update({"e": "depth", "d": "SNAPSHOT", "s": "BTCUSDT", "u": 9}) == Update("BTCUSDT", True, 9, 9)
    assert weex_update({"e": "depth", "d": "CHANGED", "s": "BTCUSDT", "U": 7, "u": 9}) == Update("BTCUSDT", False, 7, 9)
    assert weex_update({"e": "ticker", "s": "BTCUSDT"}) is None


def test_books_are_tracked_per_market() -> None:
    t = SequenceTracker()
    t.observe(Update("A", True, 5, 5))
    t.observe(Update("B", True, 50, 50))
    assert t.observe(Update("A", False, 6, 6)) is Verdict.APPLY
    assert t.observe(Update("B", False, 51, 51)) is Verdict.APPLY


# -- through ccxt's own weex message handling ---------------------------------------------------
WEEX_SWAP_WS = "wss://ws-contract.weex.com/v3/ws"


def weex_frame(event: str, first: int, last: int, bid: str) -> dict[str, object]:
    return {"e": event, "E": 1776098967972, "s": "BTCUSDT", "U": first, "u": last, "l": 200, "d": "CHANGED",
            "b": [[bid, "1.5"]], "a": [["60001.0", "2.0"]]}


@pytest.mark.shared
@pytest.mark.asyncio
async def test_weex_gap_rejects_the_watch_and_drops_the_book() -> None:
    venue = CcxtVenue("weex")
    venue.use_markets(load_markets("weex"))
    ex = venue._ex
    client = ex.client(WEEX_SWAP_WS)  # never connected: frames are handed to ccxt directly
    ex.handle_order_book(client, weex_frame("depthSnapshot", 100, 100, "59999.0"))
    ex.handle_order_book(client, weex_frame("depth", 100, 104, "59998.0"))
    book = ex.orderbooks["BTC/USDT:USDT"]
    assert book["nonce"] == 104 and book["bids"][0][0] == 59999.0 and len(book["bids"]) == 2
    pending = client.future("orderbook::BTC/USDT:USDT")
    ex.handle_order_book(client, weex_frame("depth", 106, 109, "59997.0"))  # (104, 106] lost
    assert isinstance(pending.exception(), ccxt.InvalidNonce)
    assert "BTC/USDT:USDT" not in ex.orderbooks
    ex.handle_order_book(client, weex_frame("depth", 109, 111, "59996.0"))  # ignored until a snapshot
    assert "BTC/USDT:USDT" not in ex.orderbooks
    # the next watch reports the gap (no watcher saw the rejection) after asking for a fresh book
    resynced: list[str] = []

    async def fake_resync(symbol: str) -> None:
        resynced.append(symbol)

    venue._resync = fake_resync  # type: ignore[method-assign]
    with pytest.raises(BookGap):
        await asyncio.wait_for(venue.watch_order_book("BTC/USDT:USDT"), 1)
    assert resynced == ["BTC/USDT:USDT"]
    await venue.close()
