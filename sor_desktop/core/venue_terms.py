"""What an account pays and risks on one venue's perpetual, as fetched from the venue: its own
fee rates (or the market's default when the venue does not say or there are no keys), funding
(rate, interval, next time) and leverage brackets. Venues produce it; the engine refreshes it on
connect and daily; the preview passes it to the router (``VenueInput``) and the UI shows it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sor_desktop.core.brackets import Bracket
from sor_desktop.core.funding import Funding


@dataclass(frozen=True, slots=True)
class FeeRates:
    taker: float
    maker: float
    own: bool  # True: the account's rate from the venue; False: the market's default
    source: str  # where it came from (endpoint, or why the default)

    def label(self) -> str:
        """``your fee 0.032 %`` or ``default fee 0.05 %`` (the taker rate: what routing pays)."""
        return f"{'your' if self.own else 'default'} fee {self.taker * 100:.4g} %"


@dataclass(frozen=True, slots=True)
class VenueTerms:
    venue: str
    symbol: str
    fee: FeeRates
    funding: Funding | None = None
    brackets: tuple[Bracket, ...] | None = None
    mark_price: float | None = None
    fetched_at_ms: int = 0
    missing: tuple[str, ...] = ()  # what could not be fetched, each with its reason
    # the leverage the account has set on the symbol, position or not (the lower of long and
    # short where they differ: it needs the more margin); None: not read (no keys, or not given)
    leverage: float | None = None

    def funding_label(self) -> str:
        """``funding +0.0100 % / 8 h, next 16:00 UTC`` (or that it is unknown)."""
        f = self.funding
        if f is None:
            return "funding unknown"
        text = f"funding {f.rate * 100:+.4f} % / {f.interval_hours:g} h"
        if f.next_time:
            text += ", next " + time.strftime("%H:%M UTC", time.gmtime(f.next_time / 1000))
        return text

    def router_terms(self) -> dict[str, Any]:
        """The ``VenueInput`` keywords these terms fill in (the account's fee only when it is its own)."""
        return {"fee": self.fee.taker if self.fee.own else None, "funding": self.funding,
                "brackets": self.brackets, "mark_price": self.mark_price}
