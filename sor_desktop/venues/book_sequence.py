"""Book sequence checks for venues where ccxt applies deltas blindly (see ``quirks``).

A ``SequenceTracker`` follows each book's last update id. A snapshot sets it; a delta must
continue it exactly; anything else is a gap: the cached book is dropped, the pending watch is
rejected with ``ccxt.InvalidNonce`` (mapped to ``BookGap``), and deltas are ignored until a
fresh snapshot arrives (the venue unsubscribes and subscribes again to get one).

Where the stream carries no snapshot (MEXC: ccxt aligns a REST snapshot with the first deltas,
see ``mexc.books``) the first frame of a connection opens the chain instead, on a book ccxt
starts afresh; after a gap the next frame opens a new chain the same way. The subscription
stays (``sor_resync_in_place``): the stream itself is intact, only the book must be rebuilt.

``guarded_class(cls, check)`` returns a subclass of a ccxt.pro exchange class whose
``handle_order_book`` runs the check first. ccxt dispatches every book frame through that
method (``bybit.handle_message`` and ``weex.handle_message`` look it up on ``self``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import ccxt

from sor_desktop.venues.mexc import books as mexc_books

log = logging.getLogger(__name__)


class Verdict(Enum):
    APPLY = "apply"  # in sequence (or a snapshot): let ccxt apply it
    OPEN = "open"  # first frame of a stream without snapshots: a new chain on a fresh book
    DROP = "drop"  # waiting for a snapshot after a gap: ignore
    GAP = "gap"  # sequence broke: drop the book, reject the watch, resubscribe


@dataclass(frozen=True, slots=True)
class Update:
    key: str  # the venue's market id (one book per id and connection)
    snapshot: bool
    first: int  # first update id in the frame (== last for Bybit)
    last: int


class SequenceTracker:
    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self.gaps = 0

    def observe(self, update: Update, *, opens_chain: bool = False) -> Verdict:
        """``opens_chain``: the stream has no snapshots, so a delta with nothing before it
        starts the chain (``Verdict.OPEN``) instead of waiting for one."""
        if update.snapshot:
            self._last[update.key] = update.last
            return Verdict.APPLY
        previous = self._last.get(update.key)
        if previous is None:
            if opens_chain:
                self._last[update.key] = update.last
                return Verdict.OPEN
            return Verdict.DROP
        if update.last <= previous:
            return Verdict.DROP  # a stale repeat, nothing new in it
        if update.first != previous + 1:
            del self._last[update.key]
            self.gaps += 1
            return Verdict.GAP
        self._last[update.key] = update.last
        return Verdict.APPLY

    def forget(self, key: str) -> None:
        self._last.pop(key, None)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bybit_update(message: Mapping[str, Any]) -> Update | None:
    """Bybit v5 ``orderbook.N.SYM``: ``data.u`` grows by 1 per frame; ``u == 1`` after a
    service restart is a snapshot too. ``seq`` is a cross-topic sequence and is not contiguous."""
    data = message.get("data")
    if not isinstance(data, Mapping):
        return None
    u = _int(data.get("u"))
    key = data.get("s")
    if u is None or not isinstance(key, str):
        return None
    return Update(key, message.get("type") == "snapshot" or u == 1, u, u)


def weex_update(message: Mapping[str, Any]) -> Update | None:
    """WEEX ``depth``: ``U``..``u`` per frame, the next frame starts at ``u + 1``;
    ``depthSnapshot`` resets."""
    u = _int(message.get("u"))
    key = message.get("s")
    if u is None or not isinstance(key, str):
        return None
    snapshot = message.get("e") == "depthSnapshot"
    first = _int(message.get("U"))
    return Update(key, snapshot, u if first is None else first, u)


def mexc_update(message: Mapping[str, Any]) -> Update | None:
    """MEXC ``push.depth``: ``begin`` (or ``version``) must be the previous ``version`` + 1."""
    found = mexc_books.depth_versions(message)
    return None if found is None else Update(found[0], False, found[1], found[2])


@dataclass(frozen=True, slots=True)
class SequenceCheck:
    extract: Callable[[Mapping[str, Any]], Update | None]
    message_hash: Callable[[str], str]  # ccxt's future key for a symbol's book
    # market type of a connection's url, as ccxt tells spot from contract ids (both "BTCUSDT")
    market_type: Callable[[str], str]
    # no snapshot on the stream: a subscription's first frame opens the chain, ccxt keeps its
    # own nonce (the REST snapshot's version, then each applied delta's)
    stream_opens_chain: bool = False


CHECKS: dict[str, SequenceCheck] = {
    "bybit": SequenceCheck(bybit_update, lambda s: "orderbook:" + s,
                           lambda url: "spot" if "spot" in url else "contract"),
    "weex": SequenceCheck(weex_update, lambda s: "orderbook::" + s,
                          lambda url: "swap" if "contract" in url else "spot"),
    # push.depth comes only on the contract websocket (spot books are protobuf, not checked here)
    "mexc": SequenceCheck(mexc_update, lambda s: "orderbook:" + s, lambda url: "swap", stream_opens_chain=True),
}


def guarded_class(base: type, check: SequenceCheck) -> type:
    """A subclass of the ccxt.pro class ``base`` that checks book sequences before ccxt."""

    class Guarded(base):  # type: ignore[misc, valid-type]
        def __init__(self, config: dict[str, Any] | None = None) -> None:
            super().__init__(config or {})
            self.sor_sequence = SequenceTracker()
            # symbols whose gap no pending watch has seen yet (the rejection found no waiter)
            self.sor_gapped: set[str] = set()
            self.sor_symbols: dict[tuple[str, str], str] = {}
            self.sor_chain_client: dict[str, Any] = {}  # stream_opens_chain: whose stream a chain is
            # a gap needs no resubscribe: the next frame opens a new chain on a fresh book
            self.sor_resync_in_place = check.stream_opens_chain

        def handle_order_book(self, client: Any, message: Any) -> Any:
            update = check.extract(message) if isinstance(message, Mapping) else None
            if update is None:
                return super().handle_order_book(client, message)
            kind = check.market_type(str(client.url))
            symbol = self._sor_symbol(kind, update.key)
            update = replace(update, key=f"{kind}:{update.key}")  # spot and swap share ids
            if check.stream_opens_chain and self.sor_chain_client.get(update.key) is not client:
                self.sor_sequence.forget(update.key)  # a new connection: a new chain
                self.sor_chain_client[update.key] = client
            verdict = self.sor_sequence.observe(update, opens_chain=check.stream_opens_chain)
            if verdict is Verdict.OPEN:
                # whatever book ccxt holds belongs to an earlier stream: it caches these deltas
                # on a new one and aligns a fresh REST snapshot with them
                self.orderbooks.pop(symbol, None)
                return super().handle_order_book(client, message)
            if verdict is Verdict.APPLY:
                result = super().handle_order_book(client, message)
                book = self.orderbooks.get(symbol)
                if book is not None and not check.stream_opens_chain:
                    book["nonce"] = update.last  # ccxt leaves it unset; the snapshot reports it
                return result
            if verdict is Verdict.GAP:
                self.orderbooks.pop(symbol, None)
                self.sor_gapped.add(symbol)
                log.warning("%s: %s book sequence gap at update %s", self.id, symbol, update.first)
                client.reject(
                    ccxt.InvalidNonce(f"{self.id} {symbol} book sequence gap at update {update.first}"),
                    check.message_hash(symbol),
                )
            return None

        def _sor_symbol(self, kind: str, market_id: str) -> str:
            symbol = self.sor_symbols.get((kind, market_id))
            if symbol is None:
                symbol = self.sor_symbols[(kind, market_id)] = self.safe_market(market_id, None, None, kind)["symbol"]
            return str(symbol)

    Guarded.__name__ = Guarded.__qualname__ = f"SequenceChecked_{base.__name__}"
    return Guarded
