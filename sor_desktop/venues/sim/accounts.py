"""A local margin account: wallet, net positions with average entry, realised and unrealised PnL.

Linear contracts only (every simulated market is linear). One-way (net) position mode. Fees are
taken from the wallet when charged; ``realized_pnl`` on a position is its trading PnL before fees.
Equity = wallet + unrealised PnL; used margin = position notional at the mark / leverage plus
the same for resting orders; free = equity - used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side

ZERO = Decimal(0)


@dataclass(slots=True)
class PositionState:
    contracts: Decimal = ZERO  # signed: long > 0
    entry: Decimal | None = None
    realized: Decimal = ZERO


class Account:
    def __init__(self, venue: str, *, balance: Decimal, currency: str = "USDT",
                 leverage: Decimal = Decimal(10)) -> None:
        if balance < 0:
            raise ValueError("a starting balance cannot be negative")
        if leverage <= 0:
            raise ValueError("leverage must be positive")
        self.venue = venue
        self.currency = currency
        self.leverage = leverage
        self.wallet = balance
        self.fees_paid = ZERO
        self.positions: dict[str, PositionState] = {}

    def signed_position(self, symbol: str) -> Decimal:
        state = self.positions.get(symbol)
        return state.contracts if state else ZERO

    def apply_fill(self, inst: Instrument, side: Side, contracts: Decimal, price: Decimal, fee: Decimal) -> Decimal:
        """Book a fill; returns the trading PnL it realised (before fees)."""
        state = self.positions.setdefault(inst.symbol, PositionState())
        q = state.contracts
        f = contracts * side.sign
        realized = ZERO
        if q == 0 or (q > 0) == (f > 0):
            total = abs(q) + contracts
            state.entry = price if state.entry is None or q == 0 else (abs(q) * state.entry + contracts * price) / total
        else:
            closed = min(abs(q), contracts)
            assert state.entry is not None
            realized = closed * inst.contract_size * (price - state.entry) * (1 if q > 0 else -1)
            state.realized += realized
            self.wallet += realized
            if contracts > abs(q):
                state.entry = price  # flipped: the rest opens at this fill's price
            elif contracts == abs(q):
                state.entry = None
        state.contracts = q + f
        self.wallet -= fee
        self.fees_paid += fee
        return realized

    def unrealized(self, inst: Instrument, mark: Decimal | None) -> Decimal:
        state = self.positions.get(inst.symbol)
        if state is None or state.contracts == 0 or state.entry is None or mark is None:
            return ZERO
        return state.contracts * inst.contract_size * (mark - state.entry)

    def used_margin(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
                    order_notional: Decimal = ZERO) -> Decimal:
        used = order_notional / self.leverage
        for symbol, state in self.positions.items():
            mark = marks.get(symbol) or state.entry
            if state.contracts and mark is not None:
                used += abs(state.contracts) * instruments[symbol].contract_size * mark / self.leverage
        return used

    def equity(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal]) -> Decimal:
        return self.wallet + sum(
            (self.unrealized(instruments[s], marks.get(s)) for s in self.positions), ZERO)

    def balance(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
                order_notional: Decimal = ZERO) -> Balance:
        equity = self.equity(instruments, marks)
        used = self.used_margin(instruments, marks, order_notional)
        return Balance(self.venue, self.currency, total=equity, free=equity - used, used=used)

    def position(self, inst: Instrument, mark: Decimal | None) -> Position | None:
        state = self.positions.get(inst.symbol)
        if state is None or state.contracts == 0:
            return None
        size = abs(state.contracts)
        return Position(
            venue=self.venue,
            symbol=inst.symbol,
            side=Side.BUY if state.contracts >= 0 else Side.SELL,
            contracts=size,
            base_amount=size * inst.contract_size,
            entry_price=state.entry,
            mark_price=mark,
            unrealized_pnl=self.unrealized(inst, mark),
            realized_pnl=state.realized,
            leverage=self.leverage,
            margin_mode="cross",  # the simulator margins every position on the account's equity
        )
