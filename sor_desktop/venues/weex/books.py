"""WEEX's contract order-book stream (``<SYM>@depth15|200`` on ``/v3/ws/public``): how its
frames chain, and where a book comes from when the stream sends no snapshot.

What is known, and from where (WEEX's V3 reference describes the frames' fields but, as far as
could be found, not how they chain):

- A ``depthSnapshot`` frame (``d: SNAPSHOT``) replaces the book; ``depth`` frames
  (``d: CHANGED``) carry absolute sizes for changed levels between update ids ``U`` and ``u``
  (ccxt 4.5.90 ``pro/weex.py handle_order_book``, which never compares them).
- Consecutive frames share an id: a frame's ``U`` is the previous frame's ``u``, and the
  first delta's ``U`` is the snapshot's ``u``. JKorf/Weex.Net (a client run against the live
  venue) checks ``U + 1 == last u + 1`` on both its spot and futures books
  (``SymbolOrderBooks/Weex*SymbolOrderBook.cs``). Checking ``U == last u + 1`` instead, as this
  project did before, called every first delta after a subscribe a gap: resubscribe, snapshot,
  gap, for ever.
- So a frame covers the updates after ``U`` up to ``u``, and the rule is ``U == last u``:
  anything else has lost updates (a frame that "follows on" with ``U == last + 1`` has lost
  update ``last + 1``; a lost frame of one update would look exactly like that). The first delta
  on a snapshot may start before it (``U <= snapshot u < u``, as a REST book taken between two
  frames needs): its levels are absolute sizes, so the part the snapshot already holds is
  re-applied harmlessly.
- A snapshot follows every subscribe (Weex.Net waits for it on the stream, also after its own
  unsubscribe/resubscribe resync). This is not promised anywhere we could find, so a book that
  sees only deltas for ``SNAPSHOT_WAIT_S`` fetches the documented REST book
  (``GET /capi/v3/market/depth``, ``lastUpdateId``) and replays the deltas it kept on it,
  instead of dropping them for ever.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.venues.book_sequence import SequenceCheck, Update, int_or_none

SNAPSHOT_WAIT_S = 1.0  # deltas without a snapshot for this long: take the REST book
REST_DEPTH = 200  # the deepest book WEEX serves (15 or 200), as the stream's depth200


def weex_update(message: Mapping[str, Any]) -> Update | None:
    """The ids of a ``depth``/``depthSnapshot`` frame, or None for anything else."""
    u = int_or_none(message.get("u"))
    key = message.get("s")
    if u is None or not isinstance(key, str):
        return None
    snapshot = message.get("e") == "depthSnapshot" or message.get("d") == "SNAPSHOT"
    first = int_or_none(message.get("U"))
    return Update(key, snapshot, u if first is None else first, u)


def continues(previous: int, update: Update, first_on_snapshot: bool) -> bool:
    """The frame starts where the last one ended (see the module docstring); the first one on a
    snapshot may start before the snapshot."""
    return update.first <= previous if first_on_snapshot else update.first == previous


async def rest_snapshot(ex: Any, market_id: str) -> Mapping[str, Any]:
    """The REST book as a ``depthSnapshot`` frame ccxt's handler applies like the stream's."""
    response = await ex.contractGetCapiV3MarketDepth({"symbol": market_id, "limit": REST_DEPTH})
    last = int_or_none(response.get("lastUpdateId"))
    if last is None:
        raise ValueError("WEEX depth answer without lastUpdateId")
    return {"e": "depthSnapshot", "E": ex.milliseconds(), "s": market_id, "U": last, "u": last,
            "l": REST_DEPTH, "d": "SNAPSHOT", "b": response.get("bids") or [], "a": response.get("asks") or []}


SEQUENCE_CHECK = SequenceCheck(
    weex_update,
    lambda symbol: "orderbook::" + symbol,  # ccxt's future key (pro/weex.py)
    lambda url: "swap" if "contract" in url else "spot",  # as ccxt's get_market_from_client_and_message
    continues=continues,
    rest_snapshot=rest_snapshot,
    snapshot_wait_s=SNAPSHOT_WAIT_S,
)
