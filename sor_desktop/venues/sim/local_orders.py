"""The order half of a venue whose orders never leave this machine (paper trading, replay): every
call goes straight to its ``MatchingEngine``."""

from __future__ import annotations

from collections.abc import Sequence

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.orders import Fill, OrderReport, OrderRequest
from sor_desktop.venues.errors import OrderRejected, VenueUnavailable
from sor_desktop.venues.sim.matching import MatchingEngine, PnL


class LocalOrders:
    id: str
    _engine: MatchingEngine | None

    @property
    def engine(self) -> MatchingEngine:
        if self._engine is None:
            raise VenueUnavailable(self.id, f"{type(self).__name__} is not connected")
        return self._engine

    def _check_venue(self, request: OrderRequest) -> None:
        if request.venue != self.id:
            raise OrderRejected(self.id, f"order for {request.venue} sent to {self.id}")

    async def fetch_balance(self) -> list[Balance]:
        return self.engine.balances()

    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        return self.engine.positions(symbols)

    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None:
        return self.engine.report(client_order_id)

    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport:
        return self.engine.cancel(client_order_id, symbol)

    async def cancel_all(self, symbol: str | None = None) -> int:
        return self.engine.cancel_all(symbol)

    def pnl(self) -> PnL:
        """Realised, unrealised (at the last marks) and fees since the start."""
        return self.engine.pnl()

    def fills(self) -> list[Fill]:
        """Every fill so far, oldest first (bounded history)."""
        return list(self.engine.fills)
