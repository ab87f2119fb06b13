"""Frozen values the session hands to the window (the UI turns them into Qt signals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.plan import Plan
from sor_desktop.engine.tca import RouteTca


@dataclass(frozen=True, slots=True)
class RouteStarted:
    route_id: str
    plan: Plan
    time: float  # wall clock, s


@dataclass(frozen=True, slots=True)
class LegUpdate:
    route_id: str
    leg: int
    venue: str
    symbol: str
    side: Side
    status: OrderStatus
    contracts: Decimal
    filled_contracts: Decimal = Decimal(0)
    filled_base: float = 0.0
    avg_price: float | None = None
    preview_price: float = 0.0
    reason: str | None = None
    latency_ms: float | None = None  # send -> first acknowledgement
    was_unknown: bool = False  # the outcome was unknown for a while, then resolved

    @property
    def slippage_bps(self) -> float | None:
        """Positive = worse than previewed, for either side."""
        if self.avg_price is None or not self.preview_price:
            return None
        diff = (self.avg_price - self.preview_price) / self.preview_price * 1e4
        return diff if self.side is Side.BUY else -diff


@dataclass(frozen=True, slots=True)
class AccountUpdate:
    venue: str
    balances: tuple[Balance, ...] = ()
    positions: tuple[Position, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    level: str  # "info" | "warning" | "error"
    text: str
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RouteDone:
    """Every leg is final; ``tca`` compares what filled with what was previewed."""

    route_id: str
    tca: RouteTca | None


SessionEvent = RouteStarted | LegUpdate | RouteDone | AccountUpdate | Notice
