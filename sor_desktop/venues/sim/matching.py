"""The local matching engine: one venue's orders matched against its books, in the simulator,
in paper trading and in the replay.

It validates an order as the venue would (step, minimum and maximum amount, minimum notional,
tick, reduce-only, free margin, duplicate client order id), takes liquidity from the book at
submission (market, IOC limit, and the crossing part of a GTC limit) at the taker fee, rests the
rest of a GTC limit, and fills resting orders at their own price and the maker fee when a later
book crosses them (no queue position is modelled: a resting order fills only once the opposite
side trades through its price). Liquidity it took from a book is not given out twice by the same
book; ``on_take`` lets the book's owner (the simulator) remove it from later books too.

Linear and inverse contracts alike: every value, fee and margin goes through ``contract_value``
(an inverse contract is worth ``size / price`` of its coin, not ``size x price``), and an inverse
order is margined against its coin's wallet (``accounts``).

Synchronous and free of asyncio: the venue classes add latency and faults around it.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.margin import required_margin, rule_for
from sor_desktop.core.orders import Fill, OrderReport, OrderRequest, OrderStatus, OrderType, Side, TimeInForce
from sor_desktop.venues.errors import InsufficientMargin, OrderRejected
from sor_desktop.venues.sim import contract_value as cv
from sor_desktop.venues.sim.accounts import ZERO, Account
from sor_desktop.venues.sim.reasons import reason
from sor_desktop.venues.sim.sweep import opposite_levels, sweep, to_dec

FEE_QUANTUM = Decimal("0.00000001")
AVG_QUANTUM = Decimal("1e-12")  # an inverse order's harmonic mean fill price
TakeHook = Callable[[str, Side, Decimal, Decimal], None]  # symbol, book side taken from, price, contracts


@dataclass(frozen=True, slots=True)
class PnL:
    """A venue's PnL in its settle currency: trading PnL realised, open PnL at the marks, fees paid."""

    realized: Decimal
    unrealized: Decimal
    fees: Decimal

    @property
    def net(self) -> Decimal:
        return self.realized + self.unrealized - self.fees


@dataclass(slots=True)
class _Order:
    request: OrderRequest
    venue_order_id: str
    timestamp: int
    contracts: Decimal  # accepted size (reduce-only orders are capped at the position)
    inverse: bool = False
    filled: Decimal = ZERO
    notional: Decimal = ZERO  # sum of price x contracts filled (inverse: of contracts / price)
    fee: Decimal = ZERO
    status: OrderStatus = OrderStatus.ACKNOWLEDGED

    @property
    def remaining(self) -> Decimal:
        return self.contracts - self.filled

    @property
    def avg_price(self) -> Decimal | None:
        """Contract-weighted mean fill price; for inverse contracts the harmonic mean (total
        contracts / sum(contracts / price)), the price at which the coin paid buys them all."""
        if not self.filled:
            return None
        if not self.inverse:
            return self.notional / self.filled
        # 1000 / (1000 / 60006.1) is 60006.1 only to Decimal's 28 digits: 12 places is exact enough
        return (self.filled / self.notional).quantize(AVG_QUANTUM).normalize()

    def report(self) -> OrderReport:
        req = self.request
        return OrderReport(
            venue=req.venue, symbol=req.symbol, client_order_id=req.client_order_id, status=self.status,
            side=req.side, contracts=req.contracts, filled_contracts=self.filled,
            avg_price=self.avg_price, fee=self.fee,
            venue_order_id=self.venue_order_id, timestamp=self.timestamp,
        )


class MatchingEngine:
    def __init__(
        self,
        venue: str,
        instruments: Mapping[str, Instrument],
        account: Account,
        *,
        on_take: TakeHook | None = None,
        client_id_max_len: int = 36,
        fill_history: int = 10_000,
    ) -> None:
        self.venue = venue
        self.instruments = instruments
        self.account = account
        self.marks: dict[str, Decimal] = {}
        self.fills: deque[Fill] = deque(maxlen=fill_history)
        self._on_take = on_take
        self._max_cid = client_id_max_len
        self._orders: dict[str, _Order] = {}
        self._resting: dict[str, _Order] = {}  # client id -> order, in arrival order
        self._taken: dict[str, tuple[BookSnapshot, dict[Decimal, Decimal]]] = {}
        self._ids = itertools.count(1)
        self._trade_ids = itertools.count(1)

    # -- queries ---------------------------------------------------------------------------------
    def report(self, client_order_id: str) -> OrderReport | None:
        order = self._orders.get(client_order_id)
        return order.report() if order else None

    def open_orders(self, symbol: str | None = None) -> list[OrderReport]:
        return [o.report() for o in self._resting.values() if symbol is None or o.request.symbol == symbol]

    def balance(self, currency: str | None = None) -> Balance:
        """``currency``'s balance (the account currency by default: USDT)."""
        currency = currency or self.account.currency
        return self.account.balance(self.instruments, self.marks, self._resting_value().get(currency, ZERO),
                                    currency)

    def balances(self) -> list[Balance]:
        """Every wallet's balance: USDT, then the coins inverse contracts settle in (Bybit: BTC)."""
        return self.account.balances(self.instruments, self.marks, self._resting_value())

    def pnl(self, currency: str | None = None) -> PnL:
        """PnL of the positions settled in ``currency`` (the account currency by default)."""
        acct = self.account
        currency = currency or acct.currency
        mine = [s for s, p in acct.positions.items() if p.currency == currency]
        realized = sum((acct.positions[s].realized for s in mine), ZERO)
        unrealized = sum((acct.unrealized(self.instruments[s], self.marks.get(s)) for s in mine), ZERO)
        return PnL(realized, unrealized, acct.fees.get(currency, ZERO))

    def positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        out = []
        for symbol in self.account.positions:
            if symbols is not None and symbol not in symbols:
                continue
            pos = self.account.position(self.instruments[symbol], self.marks.get(symbol))
            if pos is not None:
                out.append(pos)
        return out

    # -- orders ----------------------------------------------------------------------------------
    def submit(self, req: OrderRequest, book: BookSnapshot | None, now_ms: int) -> OrderReport:
        """Validate and match ``req`` against ``book`` (the venue's book at arrival).

        Raises ``OrderRejected`` / ``InsufficientMargin`` with the venue's words; nothing is
        placed then and the client order id stays free.
        """
        inst = self.instruments.get(req.symbol)
        if inst is None:
            raise self._reject("unknown_symbol", req.symbol)
        if len(req.client_order_id) > self._max_cid or not req.client_order_id:
            raise self._reject("client_id", f"at most {self._max_cid} characters")
        if req.client_order_id in self._orders:
            raise self._reject("duplicate", req.client_order_id)
        if book is not None:
            self._see_book(book)
        price = self._check_price(req, inst)
        self._check_amount(req, inst, price if price is not None else self._touch(req))
        contracts = self._reduce_only_size(req)

        fills_at = self._sweep(req, inst, contracts, book, limit=price)
        if req.order_type is OrderType.MARKET and not fills_at:
            raise self._reject("no_liquidity")
        self._check_margin(req, inst, contracts, price, fills_at)

        order = _Order(req, f"SIM-{self.venue}-{next(self._ids)}", now_ms, contracts, inverse=not inst.linear)
        self._orders[req.client_order_id] = order
        for level_price, qty in fills_at:
            self._fill(order, inst, level_price, qty, maker=False, book_side=req.side, now_ms=now_ms)
        if order.remaining == 0:
            order.status = OrderStatus.FILLED
        elif req.order_type is OrderType.LIMIT and req.time_in_force is TimeInForce.GTC:
            order.status = OrderStatus.PARTIALLY_FILLED if order.filled else OrderStatus.ACKNOWLEDGED
            self._resting[req.client_order_id] = order
        else:
            order.status = OrderStatus.CANCELED  # IOC / market remainder expires
        return order.report()

    def on_book(self, book: BookSnapshot, now_ms: int) -> list[Fill]:
        """A new book for ``book.symbol``: update the mark, fill resting orders it crosses."""
        self._see_book(book)
        new: list[Fill] = []
        for order in [o for o in self._resting.values() if o.request.symbol == book.symbol]:
            inst = self.instruments[book.symbol]
            limit = order.request.limit_price
            assert limit is not None
            crossing = sweep(opposite_levels(book, order.request.side), order.request.side, order.remaining,
                             inst.amount_step, limit=limit, taken=self._taken[book.symbol][1])
            for level_price, qty in crossing:
                new.append(self._fill(order, inst, level_price, qty, maker=True, book_side=order.request.side,
                                      now_ms=now_ms, at=limit))
            if order.remaining == 0:
                order.status = OrderStatus.FILLED
                del self._resting[order.request.client_order_id]
            elif order.filled:
                order.status = OrderStatus.PARTIALLY_FILLED
        return new

    def cancel(self, client_order_id: str, symbol: str) -> OrderReport:
        order = self._orders.get(client_order_id)
        if order is None or order.request.symbol != symbol:
            raise self._reject("unknown_order", client_order_id)
        if client_order_id in self._resting:
            del self._resting[client_order_id]
            order.status = OrderStatus.CANCELED
        return order.report()

    def cancel_all(self, symbol: str | None = None) -> int:
        ids = [cid for cid, o in self._resting.items() if symbol is None or o.request.symbol == symbol]
        for cid in ids:
            self.cancel(cid, self._resting[cid].request.symbol)
        return len(ids)

    # -- internals -------------------------------------------------------------------------------
    def _reject(self, kind: str, detail: str | None = None) -> OrderRejected:
        cls = InsufficientMargin if kind == "margin" else OrderRejected
        return cls(self.venue, reason(self.venue, kind, detail))

    def _see_book(self, book: BookSnapshot) -> None:
        current = self._taken.get(book.symbol)
        if current is None or current[0] is not book:
            self._taken[book.symbol] = (book, {})
        mid = book.mid
        if mid is not None:
            self.marks[book.symbol] = to_dec(mid)

    def _touch(self, req: OrderRequest) -> Decimal | None:
        current = self._taken.get(req.symbol)
        if current is None:
            return None
        levels = opposite_levels(current[0], req.side)
        return to_dec(levels[0, 0]) if len(levels) else None

    def _check_price(self, req: OrderRequest, inst: Instrument) -> Decimal | None:
        if req.order_type is OrderType.MARKET:
            return None
        if req.limit_price is None or req.limit_price <= 0:
            raise self._reject("price_required")
        if req.limit_price % inst.price_tick != 0:
            raise self._reject("tick", f"{req.limit_price} on tick {inst.price_tick}")
        return req.limit_price

    def _check_amount(self, req: OrderRequest, inst: Instrument, price: Decimal | None) -> None:
        c = req.contracts
        if c <= 0 or c % inst.amount_step != 0:
            raise self._reject("step", f"{c} on step {inst.amount_step}")
        if inst.min_amount is not None and c < inst.min_amount:
            raise self._reject("min", f"{c} < {inst.min_amount}")
        if inst.max_amount is not None and c > inst.max_amount:
            raise self._reject("max", f"{c} > {inst.max_amount}")
        if inst.min_notional is not None and price is not None and not req.reduce_only:
            notional = cv.quote_notional(inst, c, price)  # inverse: c x size USD at any price
            if notional < inst.min_notional:
                raise self._reject("notional", f"{notional:.2f} < {inst.min_notional}")

    def _reduce_only_size(self, req: OrderRequest) -> Decimal:
        if not req.reduce_only:
            return req.contracts
        pos = self.account.signed_position(req.symbol)
        if pos == 0 or (pos > 0) == (req.side is Side.BUY):
            raise self._reject("reduce_only")
        return min(req.contracts, abs(pos))

    def _sweep(self, req: OrderRequest, inst: Instrument, contracts: Decimal, book: BookSnapshot | None,
               *, limit: Decimal | None) -> list[tuple[Decimal, Decimal]]:
        if book is None:
            return []
        return sweep(opposite_levels(book, req.side), req.side, contracts, inst.amount_step, limit=limit,
                     taken=self._taken[req.symbol][1])

    def _check_margin(self, req: OrderRequest, inst: Instrument, contracts: Decimal, limit: Decimal | None,
                      fills_at: list[tuple[Decimal, Decimal]]) -> None:
        """The venue's order cost (``core.margin``, the rule the preview's caps use) against free margin."""
        pos = self.account.signed_position(req.symbol)
        reducing = min(contracts, abs(pos)) if pos and (pos > 0) != (req.side is Side.BUY) else ZERO
        opening = contracts - reducing
        if opening <= 0:
            return
        taken = sum((q for _, q in fills_at), ZERO)
        worst = fills_at[-1][0] if fills_at else None
        est = limit if limit is not None else worst
        if est is None:
            return
        if req.order_type is OrderType.MARKET and taken < contracts:
            opening = max(ZERO, taken - reducing)  # the unfilled rest of a market order expires
        if not inst.linear:
            # an inverse contract is the most coin at the lowest price it can fill at: a buy's
            # best fill (its limit when nothing crosses now), a sell's limit (its worst fill)
            est = min([est, *(p for p, _ in fills_at)])
        mark = self.marks.get(req.symbol)
        # core.margin's rule takes base units and gives quote units; an inverse leg is its base
        # at ``est`` and its cost is turned back into the coin at that price (the fee to close is
        # then valued at the order price rather than the bankruptcy price: within 1/leverage of a fee)
        opening_base = inst.contracts_to_base(opening, est)
        reducing_base = inst.contracts_to_base(reducing, est)
        required = required_margin(req.side, float(opening_base), float(reducing_base), float(est),
                                   float(mark) if mark is not None else None, float(self.account.leverage),
                                   float(inst.taker_fee), rule_for(self.venue))
        if not inst.linear:
            required /= float(est)
        currency = self.account.currency_of(inst)
        free = self.balance(currency).free
        if required > free:
            if inst.linear:
                raise self._reject("margin", f"needs {required:.2f}, free {free:.2f}")
            raise self._reject("margin", f"needs {required:.8f} {currency}, free {free:.8f} {currency}")

    def _fill(self, order: _Order, inst: Instrument, level_price: Decimal, qty: Decimal, *, maker: bool,
              book_side: Side, now_ms: int, at: Decimal | None = None) -> Fill:
        price = at if at is not None else level_price
        rate = inst.maker_fee if maker else inst.taker_fee
        fee = (cv.value(inst, qty, price) * rate).quantize(FEE_QUANTUM)  # in the settle currency
        self.account.apply_fill(inst, order.request.side, qty, price, fee)
        order.filled += qty
        order.notional += qty / price if order.inverse else qty * price
        order.fee += fee
        taken = self._taken[inst.symbol][1]
        taken[level_price] = taken.get(level_price, ZERO) + qty
        if self._on_take is not None:
            self._on_take(inst.symbol, Side.SELL if book_side is Side.BUY else Side.BUY, level_price, qty)
        fill = Fill(self.venue, inst.symbol, order.request.client_order_id, order.request.side, qty, price, fee,
                    now_ms, trade_id=f"SIMT-{self.venue}-{next(self._trade_ids)}")
        self.fills.append(fill)
        return fill

    def _resting_value(self) -> dict[str, Decimal]:
        """Resting orders' value at their limits, per margin currency."""
        out: dict[str, Decimal] = {}
        for o in self._resting.values():
            inst = self.instruments[o.request.symbol]
            assert o.request.limit_price is not None
            currency = self.account.currency_of(inst)
            out[currency] = out.get(currency, ZERO) + cv.value(inst, o.remaining, o.request.limit_price)
        return out
