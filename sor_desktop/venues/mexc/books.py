"""MEXC futures book rules: the ``push.depth`` version chain, and how a broken one is resynced.

What MEXC's contract API documentation says ("How is incremental depth information maintained",
mexcdevelop/apidocs ``contract_v1_en``; www.mexc.com/api-docs/futures/websocket-api/
incremental-order-book-maintenance-mechanism):

- ``sub.depth`` streams ``push.depth`` deltas only; the stream carries no snapshot. A client takes
  the REST snapshot ``GET /api/v1/contract/depth/{symbol}`` (its ``version``) and applies the
  deltas newer than it. ccxt 4.5.90 (``pro/mexc.handle_order_book``) does that: it caches the
  first deltas, fetches the snapshot and applies the cached ones from the snapshot's version on.
- "The version of each new event should be exactly equal to version+1 of the previous event,
  otherwise packet loss may occur ... re-initialize". Since 2025-04-09 deltas are merged by
  default (``compress``): such a frame carries ``begin``..``end`` and ``version`` = ``end`` (the
  shape ccxt's own sample shows), so its first version is ``begin``; without merging it is
  ``version`` itself.

ccxt only skips deltas older than its book (``handle_book_delta``): a lost frame is never
noticed. ``depth_versions`` gives ``book_sequence`` what it needs to check the chain: there the
first frame of a subscription opens the chain (ccxt fetches the REST snapshot for it), every
later frame must start at the previous ``version`` + 1, and a break drops the book and the
subscription, so ``CcxtVenue`` unsubscribes and subscribes again: a new chain, a new snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHANNEL = "push.depth"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def depth_versions(message: Mapping[str, Any]) -> tuple[str, int, int] | None:
    """(market id, first version, last version) of a ``push.depth`` frame, or None for
    anything else (other channels, a frame without a version)."""
    if message.get("channel") != CHANNEL:
        return None
    data = message.get("data")
    symbol = message.get("symbol")
    if not isinstance(data, Mapping) or not isinstance(symbol, str):
        return None
    last = _int(data.get("version"))
    if last is None:
        return None
    first = _int(data.get("begin"))
    return symbol, last if first is None else first, last
