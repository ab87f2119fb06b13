"""Which fair price a simulated symbol quotes around.

Bybit's inverse ``BTC/USD:BTC`` and the linear ``BTC/USDT:USDT`` are the same bitcoin priced in
USD and in USDT: one path, not two independent random walks (two walks would drift apart by
percents within hours, and the router, which routes both markets of one base together, would see
an arbitrage no real market shows). The inverse market follows the linear symbol's ``FairPrice``
at a small constant basis: USDT has traded within a few bps of USD, and the inverse perpetual
within a few bps of the linear one. 1 bp above keeps the two books apart enough to tell which
is which in a test, and well inside one Bybit spread plus fee, so neither is a free lunch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

INVERSE_BASIS_BPS = 1.0

# symbol -> (the symbol whose fair price it follows, constant basis in bps)
UNDERLYING: dict[str, tuple[str, float]] = {
    "BTC/USD:BTC": ("BTC/USDT:USDT", INVERSE_BASIS_BPS),
}


class PriceSource(Protocol):
    def at(self, t: float) -> float: ...


def underlying(symbol: str) -> tuple[str, float]:
    """``(symbol whose path to use, basis bps)``: the symbol itself at 0 bps unless mapped."""
    return UNDERLYING.get(symbol, (symbol, 0.0))


@dataclass(frozen=True, slots=True)
class WithBasis:
    """Another symbol's fair price at a constant basis."""

    source: PriceSource
    basis_bps: float

    def at(self, t: float) -> float:
        return self.source.at(t) * (1.0 + self.basis_bps / 1e4)
