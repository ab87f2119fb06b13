"""Order values exchanged between the engine and the venues. Frozen: safe to pass in Qt signals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1


class OrderStatus(StrEnum):
    PENDING = "pending"  # journaled, not yet sent
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"  # resting or accepted, nothing filled yet
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELED = "canceled"  # done; may carry a partial fill (an IOC remainder)
    REJECTED = "rejected"
    UNKNOWN = "unknown"  # sent, outcome not known (timeout, lost connection)

    @property
    def final(self) -> bool:
        return self in (OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.REJECTED)


class OrderType(StrEnum):
    LIMIT = "limit"
    MARKET = "market"


class TimeInForce(StrEnum):
    IOC = "IOC"
    GTC = "GTC"


@dataclass(frozen=True, slots=True)
class OrderRequest:
    venue: str
    symbol: str
    side: Side
    contracts: Decimal  # on the venue's amount step
    client_order_id: str
    order_type: OrderType = OrderType.LIMIT
    limit_price: Decimal | None = None  # on the venue's tick
    time_in_force: TimeInForce = TimeInForce.IOC
    reduce_only: bool = False


@dataclass(frozen=True, slots=True)
class OrderReport:
    venue: str
    symbol: str
    client_order_id: str
    status: OrderStatus
    side: Side
    contracts: Decimal  # requested
    filled_contracts: Decimal = Decimal(0)
    avg_price: Decimal | None = None
    fee: Decimal = Decimal(0)  # in the settle currency
    venue_order_id: str | None = None
    reason: str | None = None  # the venue's words when rejected
    timestamp: int = 0  # ms since epoch
    # the venue's answer did not give the fee of what filled: ``fee`` is an estimate at the taker
    # rate (shown as one everywhere), never a paid 0
    fee_estimated: bool = False


@dataclass(frozen=True, slots=True)
class Fill:
    venue: str
    symbol: str
    client_order_id: str
    side: Side
    contracts: Decimal
    price: Decimal
    fee: Decimal
    timestamp: int
    trade_id: str | None = None
