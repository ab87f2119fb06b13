"""Funding of a perpetual over an intended holding time, as a linear cost per base unit.

A perpetual settles funding every ``interval_hours`` (1 h, 4 h and 8 h all exist: the interval is
read from the venue, never assumed). At each settlement a long pays ``rate x notional`` and a short
receives it (both reversed when the rate is negative); the notional is the position at the mark.

Over a hold of ``H`` hours starting now the position crosses a whole number of settlements: the
next one at ``next_time`` and every interval after it, up to ``now + H``. Without a next time (or
without a clock) the expected count ``H / interval`` is used. The rate of every crossing is the
venue's current (predicted next) rate: the best estimate the venue gives.

For the router, funding is ``per_base x base``: linear in the amount, so a venue's cost stays convex
and separable and the lot solver stays exact with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sor_desktop.core.orders import Side

HOUR_MS = 3_600_000


class FundingError(ValueError):
    """A funding description that cannot be used (bad rate, interval or time)."""


@dataclass(frozen=True, slots=True)
class Funding:
    rate: float  # per settlement, 0.0001 = 0.01 %
    interval_hours: float
    next_time: int | None = None  # ms since the epoch

    def __post_init__(self) -> None:
        if not (isinstance(self.rate, int | float) and math.isfinite(self.rate) and abs(self.rate) < 1):
            raise FundingError(f"funding rate must be a number between -1 and 1, got {self.rate!r}")
        iv = self.interval_hours
        if not (isinstance(iv, int | float) and math.isfinite(iv) and iv > 0):
            raise FundingError(f"funding interval must be a positive number of hours, got {iv!r}")
        if self.next_time is not None and not (isinstance(self.next_time, int) and self.next_time > 0):
            raise FundingError(f"funding next_time must be a positive integer (ms), got {self.next_time!r}")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Funding:
        """``{"rate": 0.0001, "interval_hours": 8, "next_time": <ms>}`` (next_time optional)."""
        if not isinstance(data, Mapping):
            raise FundingError(f"funding must be an object with rate and interval_hours, got {data!r}")
        missing = [k for k in ("rate", "interval_hours") if data.get(k) is None]
        if missing:
            raise FundingError(f"funding is missing {', '.join(missing)}")
        nt = data.get("next_time")
        if isinstance(nt, float) and nt.is_integer():
            nt = int(nt)
        return cls(data["rate"], data["interval_hours"], nt)

    def to_json(self) -> dict[str, Any]:
        return {"rate": self.rate, "interval_hours": self.interval_hours, "next_time": self.next_time}


def settlements_in_hold(funding: Funding, hold_hours: float, now_ms: int | None) -> float:
    """How many settlements a position opened now and held ``hold_hours`` crosses."""
    if hold_hours <= 0:
        return 0.0
    if funding.next_time is None or now_ms is None:
        return hold_hours / funding.interval_hours
    interval = funding.interval_hours * HOUR_MS
    nxt = float(funding.next_time)
    if nxt <= now_ms:  # a stale next time: the settlements since have happened already
        nxt += math.ceil((now_ms - nxt + 1) / interval) * interval
    end = now_ms + hold_hours * HOUR_MS
    if nxt > end:
        return 0.0
    return float(math.floor((end - nxt) / interval) + 1)


def funding_per_base(funding: Funding, side: Side, mark: float, hold_hours: float, now_ms: int | None) -> float:
    """Funding paid per base unit over the hold, in quote units (negative: received)."""
    sign = 1.0 if side is Side.BUY else -1.0
    return sign * funding.rate * mark * settlements_in_hold(funding, hold_hours, now_ms)
