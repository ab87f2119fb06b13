"""Book sequence checks for venues where ccxt applies deltas blindly (see ``quirks``).

A ``SequenceTracker`` follows each book's last update id. A snapshot sets it; a delta must
continue it exactly; anything else is a gap: the cached book is dropped, the pending watch is
rejected with ``ccxt.InvalidNonce`` (mapped to ``BookGap``), and deltas are ignored until a
fresh snapshot arrives (the venue unsubscribes and subscribes again to get one).

How a delta continues the chain is the venue's rule (``SequenceCheck.continues``): by default
its first id is the last one + 1 (Bybit); a venue whose frames chain otherwise says so in its
own ``venues/<id>/books.py`` (WEEX: a frame starts at the last ``u``), which ``check_for``
finds. A venue that may not send a snapshot after a subscribe gives ``rest_snapshot``: deltas that wait longer than ``snapshot_wait_s``
for a snapshot are kept, a REST snapshot is fetched, and the kept deltas are replayed on it.

Where the stream carries no snapshot (MEXC: ccxt aligns a REST snapshot with the first deltas,
see ``mexc.books``) the first frame of a connection opens the chain instead, on a book ccxt
starts afresh; after a gap the next frame opens a new chain the same way. The subscription
stays (``sor_resync_in_place``): the stream itself is intact, only the book must be rebuilt.

``guarded_class(cls, check)`` returns a subclass of a ccxt.pro exchange class whose
``handle_order_book`` runs the check first. ccxt dispatches every book frame through that
method (``bybit.handle_message`` and ``weex.handle_message`` look it up on ``self``).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
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


# (last id applied, the delta, whether it is the first delta on a snapshot) -> in sequence
Continues = Callable[[int, Update, bool], bool]


def next_id_follows(previous: int, update: Update, first_on_snapshot: bool) -> bool:
    """The frame starts right after the last id applied (Bybit ``u`` += 1)."""
    return update.first == previous + 1


class SequenceTracker:
    def __init__(self, continues: Continues = next_id_follows) -> None:
        self._last: dict[str, int] = {}
        self._on_snapshot: set[str] = set()  # no delta applied since the snapshot yet
        self._continues = continues
        self.gaps = 0

    def observe(self, update: Update, *, opens_chain: bool = False) -> Verdict:
        """``opens_chain``: the stream has no snapshots, so a delta with nothing before it
        starts the chain (``Verdict.OPEN``) instead of waiting for one."""
        if update.snapshot:
            self._last[update.key] = update.last
            self._on_snapshot.add(update.key)
            return Verdict.APPLY
        previous = self._last.get(update.key)
        if previous is None:
            if opens_chain:
                self._last[update.key] = update.last
                return Verdict.OPEN
            return Verdict.DROP
        if update.last <= previous:
            return Verdict.DROP  # a stale repeat, nothing new in it
        if not self._continues(previous, update, update.key in self._on_snapshot):
            del self._last[update.key]
            self.gaps += 1
            return Verdict.GAP
        self._last[update.key] = update.last
        self._on_snapshot.discard(update.key)
        return Verdict.APPLY

    def forget(self, key: str) -> None:
        self._last.pop(key, None)

    def waiting(self, key: str) -> bool:
        """No snapshot since the start or the last gap: deltas for ``key`` cannot be applied."""
        return key not in self._last


def int_or_none(value: Any) -> int | None:
    """A frame's id field as an int, or None when it is missing or not a number."""
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
    u = int_or_none(data.get("u"))
    key = data.get("s")
    if u is None or not isinstance(key, str):
        return None
    return Update(key, message.get("type") == "snapshot" or u == 1, u, u)


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
    continues: Continues = next_id_follows
    # (exchange, market id) -> a snapshot frame built from the venue's REST book, for a venue
    # that may leave a subscribe without a snapshot; None: wait for the stream's snapshot
    rest_snapshot: Callable[[Any, str], Awaitable[Mapping[str, Any]]] | None = None
    snapshot_wait_s: float = 1.0
    # no snapshot on the stream: a subscription's first frame opens the chain, ccxt keeps its
    # own nonce (the REST snapshot's version, then each applied delta's)
    stream_opens_chain: bool = False


CHECKS: dict[str, SequenceCheck] = {
    "bybit": SequenceCheck(bybit_update, lambda s: "orderbook:" + s,
                           lambda url: "spot" if "spot" in url else "contract"),
    # push.depth comes only on the contract websocket (spot books are protobuf, not checked here)
    "mexc": SequenceCheck(mexc_update, lambda s: "orderbook:" + s, lambda url: "swap", stream_opens_chain=True),
}


def check_for(name: str) -> SequenceCheck:
    """The check named in the quirks table: a venue's own ``venues/<name>/books.py`` exposes
    ``SEQUENCE_CHECK``; the others are listed in ``CHECKS``."""
    if name in CHECKS:
        return CHECKS[name]
    module = importlib.import_module(f"sor_desktop.venues.{name}.books")
    check: SequenceCheck = module.SEQUENCE_CHECK
    return check


@dataclass(slots=True)
class _Waiting:
    """Deltas kept while a book waits for a snapshot the venue may never send."""

    since: float
    frames: list[Mapping[str, Any]] = field(default_factory=list)
    fetching: bool = False


_MAX_KEPT = 5000  # frames kept while waiting; beyond that the replay gaps and resyncs


def guarded_class(base: type, check: SequenceCheck) -> type:
    """A subclass of the ccxt.pro class ``base`` that checks book sequences before ccxt."""

    class Guarded(base):  # type: ignore[misc, valid-type]
        def __init__(self, config: dict[str, Any] | None = None) -> None:
            super().__init__(config or {})
            self.sor_sequence = SequenceTracker(check.continues)
            self.sor_waiting: dict[str, _Waiting] = {}
            self.sor_tasks: set[asyncio.Task[None]] = set()
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
            market_id = update.key
            symbol = self._sor_symbol(kind, market_id)
            update = replace(update, key=f"{kind}:{market_id}")  # spot and swap share ids
            if check.stream_opens_chain and self.sor_chain_client.get(update.key) is not client:
                self.sor_sequence.forget(update.key)  # a new connection: a new chain
                self.sor_chain_client[update.key] = client
            verdict = self.sor_sequence.observe(update, opens_chain=check.stream_opens_chain)
            if verdict is Verdict.OPEN:
                # whatever book ccxt holds belongs to an earlier stream: it caches these deltas
                # on a new one and aligns a fresh REST snapshot with them
                self.orderbooks.pop(symbol, None)
                return super().handle_order_book(client, message)
            if update.snapshot:
                self.sor_waiting.pop(update.key, None)  # the stream's own snapshot came
            elif verdict is Verdict.DROP and check.rest_snapshot is not None and self.sor_sequence.waiting(update.key):
                self._sor_keep(client, update.key, market_id, message)
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

        def _sor_keep(self, client: Any, key: str, market_id: str, message: Mapping[str, Any]) -> None:
            """Keep a delta that waits for a snapshot; once it waited ``snapshot_wait_s``,
            fetch the REST book instead of waiting for ever."""
            now = time.monotonic()
            waiting = self.sor_waiting.setdefault(key, _Waiting(now))
            if len(waiting.frames) < _MAX_KEPT:
                waiting.frames.append(message)
            if waiting.fetching or now - waiting.since < check.snapshot_wait_s:
                return
            waiting.fetching = True
            log.info("%s: no snapshot for %s after %.1fs of deltas; fetching the REST book",
                     self.id, market_id, now - waiting.since)
            task = asyncio.get_running_loop().create_task(self._sor_seed(client, key, market_id))
            self.sor_tasks.add(task)
            task.add_done_callback(self.sor_tasks.discard)

        async def _sor_seed(self, client: Any, key: str, market_id: str) -> None:
            assert check.rest_snapshot is not None
            try:
                frame = await check.rest_snapshot(self, market_id)
            except (ccxt.BaseError, OSError, TimeoutError, ValueError, KeyError, TypeError) as exc:
                # retried after another wait; meanwhile the feed shows the book stale
                log.warning("%s: REST book for %s failed: %s", self.id, market_id, type(exc).__name__)
                waiting = self.sor_waiting.get(key)
                if waiting is not None:
                    waiting.fetching, waiting.since = False, time.monotonic()
                return
            waiting = self.sor_waiting.pop(key, None)
            if waiting is None or not self.sor_sequence.waiting(key):
                return  # the stream's snapshot came first
            self.handle_order_book(client, frame)
            for kept in waiting.frames:  # older ones drop as stale; a hole shows as a gap
                self.handle_order_book(client, kept)

        async def close(self) -> None:
            for task in list(self.sor_tasks):
                task.cancel()
            await super().close()

        def _sor_symbol(self, kind: str, market_id: str) -> str:
            symbol = self.sor_symbols.get((kind, market_id))
            if symbol is None:
                symbol = self.sor_symbols[(kind, market_id)] = self.safe_market(market_id, None, None, kind)["symbol"]
            return str(symbol)

    Guarded.__name__ = Guarded.__qualname__ = f"SequenceChecked_{base.__name__}"
    return Guarded
