"""Frozen values the session hands to the window (the UI turns them into Qt signals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.core.plan import Plan
from sor_desktop.core.price_format import amount_digits, format_price
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
    # as on ``exec_events.LegEvent``: the venue's code and words, and how the leg fell short
    # ("rejected" | "unknown" | "expired unfilled" | "partly filled"; None when filled in full)
    venue_code: str | None = None
    venue_text: str | None = None
    failure: str | None = None
    fee: float = 0.0  # in the settle coin (an inverse leg's in the coin)
    fee_estimated: bool = False  # ``fee`` is an estimate at the taker rate: the venue did not give it

    @property
    def fee_unknown(self) -> bool:
        """A fill whose fee is not known at all (not given, and no price to estimate it at)."""
        return self.fee_estimated and self.fee == 0 and self.filled_contracts > 0

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
class ElsewhereUpdate:
    """A venue's open positions in symbols the window does not show (``positions_elsewhere``)."""

    venue: str
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
    requested: float = 0.0  # in ``unit``: base, or quote notional
    filled: float = 0.0  # in ``unit``
    unit: str = "base"
    status: str = ""  # "filled" | "partly filled" | "not filled"
    journal_error: str | None = None  # orders went out but their state could not be saved
    symbol: str = ""
    side: str = ""  # "buy" | "sell" | "mixed" (a flatten of longs and shorts)
    # every leg filled all it was sent: a short fill is the plan's own (the books or caps held
    # no more), which the trader confirmed, not a failure
    as_planned: bool = False
    tick: Decimal | None = None  # the route's prices are written with it (price_format.limits_tick)

    @property
    def summary(self) -> str:
        """"partly filled: 1.66 of 4" for the blotter's status column (a flatten of DOGE read
        "395377 of 1.00004e+06")."""
        quote = self.unit == "quote"
        status = self.status + (" as planned" if self.as_planned and self.status == "partly filled" else "")
        return f"{status}: {_amount(self.filled, quote)} of {_amount(self.requested, quote)}"

    @property
    def headline(self) -> str:
        """The summary with the side, symbol and average price, for the status bar and the log
        (whose line had named neither the symbol nor the side)."""
        head = f"{self.side} {self.symbol} " if self.symbol else ""
        price = self.tca.realised_avg_price if self.tca is not None else None
        return head + self.summary + (f" at {format_price(price, self.tick)}" if price else "")


def _amount(x: float, quote: bool) -> str:
    return f"{x:,.2f}" if quote else f"{x:,.{amount_digits([x])}f}"


SessionEvent = RouteStarted | LegUpdate | RouteDone | AccountUpdate | ElsewhereUpdate | Notice
