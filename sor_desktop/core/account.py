"""Balances and positions per venue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sor_desktop.core.orders import Side


class PositionMode(StrEnum):
    """How the account books positions on a venue: one net position per symbol, or a long and a
    short side kept apart (then a sell only reduces when it says it closes the long)."""

    ONE_WAY = "one-way"
    HEDGE = "hedge"


@dataclass(frozen=True, slots=True)
class Balance:
    venue: str
    currency: str
    total: Decimal
    free: Decimal  # free margin available for new positions
    used: Decimal


@dataclass(frozen=True, slots=True)
class Position:
    venue: str
    symbol: str
    side: Side
    contracts: Decimal
    base_amount: Decimal
    entry_price: Decimal | None
    mark_price: Decimal | None = None
    unrealized_pnl: Decimal = Decimal(0)
    realized_pnl: Decimal = Decimal(0)
    leverage: Decimal | None = None
    margin_mode: str | None = None  # "cross" or "isolated", as the venue says; None when it does not
    # currency of the PnL figures: the settle currency (BTC for an inverse BTC/USD:BTC position);
    # None when the source does not say (then it is the symbol's settle currency)
    pnl_currency: str | None = None
