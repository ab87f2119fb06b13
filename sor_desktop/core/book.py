"""Order book snapshots: what every venue produces and the router and charts consume.

Amounts are in the venue's contracts (see ``Instrument.contract_size``), as ccxt reports them.
Levels are float64 arrays of shape (n, 2): price, amount; bids best (highest) first, asks best
(lowest) first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Levels = npt.NDArray[np.float64]


class BookError(ValueError):
    """A book that cannot be used: malformed, empty or crossed."""


def _levels(raw: Any, side: str, venue: str) -> Levels:
    if raw is None:
        raw = []
    try:
        arr = np.asarray([(float(lv[0]), float(lv[1])) for lv in raw], dtype=np.float64)
    except (TypeError, ValueError, IndexError) as exc:
        raise BookError(f"{venue}: {side} levels must be [price, amount] pairs") from exc
    if arr.size == 0:
        return np.empty((0, 2), dtype=np.float64)
    if not np.isfinite(arr).all():
        raise BookError(f"{venue}: {side} levels contain non-finite numbers")
    if (arr[:, 0] <= 0).any() or (arr[:, 1] < 0).any():
        raise BookError(f"{venue}: {side} levels need positive prices and non-negative amounts")
    return arr


@dataclass(frozen=True, slots=True, eq=False)
class BookSnapshot:
    venue: str
    symbol: str
    timestamp: int  # exchange time, ms since epoch (local receive time when the venue gives none)
    bids: Levels
    asks: Levels
    sequence: int | None = None
    received: float = 0.0  # local monotonic seconds at receipt, for age and latency
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_lists(
        cls,
        venue: str,
        symbol: str,
        timestamp: int,
        bids: Sequence[Sequence[Any]],
        asks: Sequence[Sequence[Any]],
        *,
        sequence: int | None = None,
        received: float = 0.0,
        sort: bool = True,
    ) -> BookSnapshot:
        b = _levels(bids, "bid", venue)
        a = _levels(asks, "ask", venue)
        if sort:
            b = b[np.argsort(-b[:, 0], kind="stable")] if len(b) else b
            a = a[np.argsort(a[:, 0], kind="stable")] if len(a) else a
        b = b[b[:, 1] > 0] if len(b) else b
        a = a[a[:, 1] > 0] if len(a) else a
        return cls(venue, symbol, int(timestamp), b, a, sequence, received)

    @property
    def best_bid(self) -> float | None:
        return float(self.bids[0, 0]) if len(self.bids) else None

    @property
    def best_ask(self) -> float | None:
        return float(self.asks[0, 0]) if len(self.asks) else None

    @property
    def mid(self) -> float | None:
        if not len(self.bids) or not len(self.asks):
            return None
        return (float(self.bids[0, 0]) + float(self.asks[0, 0])) / 2.0

    def problem(self) -> str | None:
        """Why this book cannot be routed on, or None."""
        if not len(self.bids) and not len(self.asks):
            return "book is empty"
        if len(self.bids) and len(self.asks) and self.bids[0, 0] >= self.asks[0, 0]:
            return f"book is crossed (bid {self.bids[0, 0]:g} >= ask {self.asks[0, 0]:g})"
        return None

    def to_json(self, market: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The snapshot file shape shared by ``plan --books`` and the recorder."""
        out: dict[str, Any] = {
            "venue": self.venue,
            "symbol": self.symbol,
            "timestamp": self.timestamp,
            "bids": self.bids.tolist(),
            "asks": self.asks.tolist(),
        }
        if self.sequence is not None:
            out["sequence"] = self.sequence
        if market is not None:
            out["market"] = dict(market)
        return out
