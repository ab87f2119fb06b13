"""A local margin account: wallets, net positions with average entry, realised and unrealised PnL.

One-way (net) position mode. Fees are taken from the wallet when charged; ``realized_pnl`` on a
position is its trading PnL before fees.

Wallets by currency. Linear contracts are margined and settled in the account's ``currency``
(USDT: every linear market the simulator lists). Inverse contracts (Bybit ``BTC/USD:BTC``) are
margined and settled in their coin, as on the venue: the account has a wallet per coin (``coins``,
e.g. 1 BTC on Bybit), their fees, PnL and margin are in that coin (``contract_value``), and one
currency's wallet does not back another's positions (no cross-collateral: Bybit's inverse
contracts are margined by their own coin). Per currency: equity = wallet + unrealised PnL of its
positions; used margin = their value at the mark / leverage plus the same for resting orders at
their limit; free = equity - used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.venues.sim import contract_value as cv

ZERO = Decimal(0)


@dataclass(slots=True)
class PositionState:
    contracts: Decimal = ZERO  # signed: long > 0
    entry: Decimal | None = None
    realized: Decimal = ZERO
    currency: str = "USDT"  # settle currency of its PnL and margin


class Account:
    def __init__(self, venue: str, *, balance: Decimal, currency: str = "USDT",
                 leverage: Decimal = Decimal(10), coins: Mapping[str, Decimal] | None = None) -> None:
        if balance < 0 or any(v < 0 for v in (coins or {}).values()):
            raise ValueError("a starting balance cannot be negative")
        if leverage <= 0:
            raise ValueError("leverage must be positive")
        self.venue = venue
        self.currency = currency
        self.leverage = leverage
        self.wallets: dict[str, Decimal] = {currency: balance}
        for coin, amount in (coins or {}).items():
            self.wallets.setdefault(coin, amount)
        self.fees: dict[str, Decimal] = dict.fromkeys(self.wallets, ZERO)
        self.positions: dict[str, PositionState] = {}

    # the account currency's figures (what a linear-only caller reads)
    @property
    def wallet(self) -> Decimal:
        return self.wallets[self.currency]

    @wallet.setter
    def wallet(self, amount: Decimal) -> None:
        self.wallets[self.currency] = amount

    @property
    def fees_paid(self) -> Decimal:
        return self.fees[self.currency]

    def currency_of(self, inst: Instrument) -> str:
        """The wallet that margins ``inst``: the account currency for linear, the coin for inverse."""
        return self.currency if inst.linear else inst.settle

    def signed_position(self, symbol: str) -> Decimal:
        state = self.positions.get(symbol)
        return state.contracts if state else ZERO

    def apply_fill(self, inst: Instrument, side: Side, contracts: Decimal, price: Decimal, fee: Decimal) -> Decimal:
        """Book a fill (``fee`` in the instrument's settle currency); returns the trading PnL it
        realised (before fees), in that currency."""
        currency = self.currency_of(inst)
        state = self.positions.setdefault(inst.symbol, PositionState(currency=currency))
        q = state.contracts
        f = contracts * side.sign
        realized = ZERO
        if q == 0 or (q > 0) == (f > 0):
            state.entry = price if state.entry is None or q == 0 else cv.average_entry(
                inst, abs(q), state.entry, contracts, price)
        else:
            closed = min(abs(q), contracts)
            assert state.entry is not None
            realized = cv.pnl(inst, closed if q > 0 else -closed, state.entry, price)
            state.realized += realized
            self.wallets[currency] = self.wallets.get(currency, ZERO) + realized
            if contracts > abs(q):
                state.entry = price  # flipped: the rest opens at this fill's price
            elif contracts == abs(q):
                state.entry = None
        state.contracts = q + f
        self.wallets[currency] = self.wallets.get(currency, ZERO) - fee
        self.fees[currency] = self.fees.get(currency, ZERO) + fee
        return realized

    def unrealized(self, inst: Instrument, mark: Decimal | None) -> Decimal:
        state = self.positions.get(inst.symbol)
        if state is None or state.contracts == 0 or state.entry is None or mark is None:
            return ZERO
        return cv.pnl(inst, state.contracts, state.entry, mark)

    def used_margin(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
                    order_value: Decimal = ZERO, currency: str | None = None) -> Decimal:
        """``currency``'s margin in use (the account currency by default); ``order_value`` is its
        resting orders' value at their limits."""
        currency = currency or self.currency
        used = order_value / self.leverage
        for symbol, state in self.positions.items():
            if state.currency != currency:
                continue
            mark = marks.get(symbol) or state.entry
            if state.contracts and mark is not None:
                used += cv.value(instruments[symbol], abs(state.contracts), mark) / self.leverage
        return used

    def equity(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
               currency: str | None = None) -> Decimal:
        currency = currency or self.currency
        return self.wallets.get(currency, ZERO) + sum(
            (self.unrealized(instruments[s], marks.get(s)) for s, p in self.positions.items()
             if p.currency == currency), ZERO)

    def balance(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
                order_value: Decimal = ZERO, currency: str | None = None) -> Balance:
        currency = currency or self.currency
        equity = self.equity(instruments, marks, currency)
        used = self.used_margin(instruments, marks, order_value, currency)
        return Balance(self.venue, currency, total=equity, free=equity - used, used=used)

    def balances(self, instruments: Mapping[str, Instrument], marks: Mapping[str, Decimal],
                 order_values: Mapping[str, Decimal] | None = None) -> list[Balance]:
        """One row per wallet: the account currency first, then the coins (alphabetical)."""
        values = order_values or {}
        order = [self.currency, *sorted(c for c in self.wallets if c != self.currency)]
        return [self.balance(instruments, marks, values.get(c, ZERO), c) for c in order]

    def position(self, inst: Instrument, mark: Decimal | None) -> Position | None:
        state = self.positions.get(inst.symbol)
        if state is None or state.contracts == 0:
            return None
        size = abs(state.contracts)
        at = mark or state.entry  # an inverse contract's base depends on the price
        return Position(
            venue=self.venue,
            symbol=inst.symbol,
            side=Side.BUY if state.contracts >= 0 else Side.SELL,
            contracts=size,
            base_amount=inst.contracts_to_base(size, at) if not inst.linear and at else size * inst.contract_size,
            entry_price=state.entry,
            mark_price=mark,
            unrealized_pnl=self.unrealized(inst, mark),
            realized_pnl=state.realized,
            leverage=self.leverage,
            margin_mode="cross",  # the simulator margins every position on its currency's equity
            pnl_currency=state.currency,
        )
