"""One tradable contract on one venue, built from a ccxt unified market dict.

Amounts on a venue are counted in *contracts*; one contract is ``contract_size`` base units
(for inverse contracts, ``contract_size`` quote units). Money-path arithmetic uses Decimal so a
quantity sent to a venue is exactly on its step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any


class InstrumentError(ValueError):
    """A market dict that cannot describe a tradable instrument."""


def _dec(value: Any, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None:
        if allow_none:
            return None
        raise InstrumentError(f"market field {field!r} is missing")
    try:
        d = Decimal(str(value))
    except ArithmeticError as exc:
        raise InstrumentError(f"market field {field!r} is not a number: {value!r}") from exc
    if not d.is_finite():
        raise InstrumentError(f"market field {field!r} is not finite: {value!r}")
    return d


def _positive(value: Any, field: str) -> Decimal:
    d = _dec(value, field)
    assert d is not None
    if d <= 0:
        raise InstrumentError(f"market field {field!r} must be positive, got {value!r}")
    return d


def _linear(market: Mapping[str, Any]) -> bool:
    """The market's own flags; a dict without them (hand-written, or an old recording) by its
    symbol (``cli/book_files.py`` refuses a book file whose flags contradict its symbol)."""
    flags = market.get("linear"), market.get("inverse")
    if flags == (None, None):
        by_symbol = linear_by_symbol(str(market.get("symbol") or ""))
        if by_symbol is None:
            raise InstrumentError(f"market {market.get('symbol')!r} is neither linear nor inverse, "
                                  "and its symbol does not say")
        return by_symbol
    return bool(flags[0]) if flags[0] is not None else not flags[1]


def _limit(limits: Mapping[str, Any], group: str, key: str) -> Decimal | None:
    section = limits.get(group) or {}
    d = _dec(section.get(key), f"limits.{group}.{key}", allow_none=True)
    if d is not None and d <= 0:
        return None
    return d


def _larger(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None or b <= 0:
        return a
    return b if a is None else max(a, b)


def base_and_quote(symbol: str) -> tuple[str, str]:
    """``("DOGE", "USDT")`` of ``DOGE/USDT:USDT``: what amounts and money are named in."""
    base, _, rest = symbol.partition("/")
    return base, rest.partition(":")[0]


def linear_by_symbol(symbol: str) -> bool | None:
    """What a unified ``BASE/QUOTE:SETTLE`` symbol says: settled in its quote is linear (True), in
    its base inverse (False); None when it says neither (no settle, or a third currency)."""
    base, quote = base_and_quote(symbol)
    settle = symbol.partition(":")[2].partition("-")[0]  # a dated future: BTC/USD:BTC-261225
    if not settle or not base or not quote:
        return None
    if settle == quote:
        return True
    return False if settle == base else None


@dataclass(frozen=True, slots=True)
class Instrument:
    venue: str
    symbol: str
    venue_symbol: str
    base: str
    quote: str
    settle: str
    linear: bool
    contract_size: Decimal
    price_tick: Decimal
    amount_step: Decimal
    min_amount: Decimal | None
    max_amount: Decimal | None
    min_notional: Decimal | None
    taker_fee: Decimal
    maker_fee: Decimal
    # the minimum order value holds for a reduce-only (closing) order too; venues that say a close
    # is exempt (Binance, Bybit) set False (``venues/instruments.py``)
    min_notional_on_close: bool = True

    @classmethod
    def from_market(
        cls,
        market: Mapping[str, Any],
        venue: str | None = None,
        *,
        contract_size: Decimal | str | None = None,
        min_notional: Decimal | None = None,
        min_notional_on_close: bool = True,
    ) -> Instrument:
        """Build from a ccxt 4.5 unified market (precision given as tick sizes).

        ``contract_size`` overrides the market's own where a venue counts book and order
        quantities in another unit than it advertises (WEEX lists 0.0001 but trades in coins).
        ``min_notional`` is the venue's own minimum order value where the market's
        ``limits.cost.min`` may leave it out (``venues/instruments.py``); the larger of the two
        applies.
        """
        linear = _linear(market)
        precision = market.get("precision") or {}
        limits = market.get("limits") or {}
        size = _positive(contract_size if contract_size is not None else market.get("contractSize"),
                         "contractSize")
        return cls(
            venue=str(venue or market.get("venue") or ""),
            symbol=str(market["symbol"]),
            venue_symbol=str(market.get("id") or market["symbol"]),
            base=str(market.get("base") or ""),
            quote=str(market.get("quote") or ""),
            settle=str(market.get("settle") or market.get("quote") or ""),
            linear=linear,
            contract_size=size,
            price_tick=_positive(precision.get("price"), "precision.price"),
            amount_step=_positive(precision.get("amount"), "precision.amount"),
            min_amount=_limit(limits, "amount", "min"),
            max_amount=_limit(limits, "amount", "max"),
            min_notional=_larger(_limit(limits, "cost", "min"), min_notional),
            taker_fee=_dec(market.get("taker") if market.get("taker") is not None else 0, "taker") or Decimal(0),
            maker_fee=_dec(market.get("maker") if market.get("maker") is not None else 0, "maker") or Decimal(0),
            min_notional_on_close=min_notional_on_close,
        )

    # -- units ---------------------------------------------------------------------------------
    @property
    def lot(self) -> Decimal:
        """One amount step in the contract's own unit: base for a linear market, the quote (USD)
        for an inverse one (whose base amount moves with the price)."""
        return self.amount_step * self.contract_size

    def contracts_to_base(self, contracts: Decimal, price: Decimal | None = None) -> Decimal:
        """Base amount of ``contracts``; inverse contracts need the price (size is in quote)."""
        if self.linear:
            return contracts * self.contract_size
        if price is None or price <= 0:
            raise ValueError("inverse contracts need a positive price to convert to base")
        return contracts * self.contract_size / price

    def base_to_contracts(self, base: Decimal, price: Decimal | None = None) -> Decimal:
        if self.linear:
            return base / self.contract_size
        if price is None or price <= 0:
            raise ValueError("inverse contracts need a positive price to convert from base")
        return base * price / self.contract_size

    # -- rounding ------------------------------------------------------------------------------
    def round_amount_down(self, contracts: Decimal) -> Decimal:
        """Largest multiple of the amount step not above ``contracts`` (never rounds a size up)."""
        steps = (contracts / self.amount_step).to_integral_value(rounding=ROUND_FLOOR)
        return (steps * self.amount_step).normalize() if steps else Decimal(0)

    def round_price(self, price: Decimal, *, up: bool) -> Decimal:
        """Price on the tick; ``up`` rounds towards +inf (a buy's protective limit), else down."""
        ticks = (price / self.price_tick).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR)
        return ticks * self.price_tick

    def format_amount(self, contracts: Decimal) -> str:
        """Exact string of an amount already on the step, as it is sent to the venue."""
        return _plain(self.round_amount_down(contracts))

    def format_price(self, price: Decimal) -> str:
        return _plain(price)

    def amount_problem(self, contracts: Decimal, price: Decimal, *, reduce_only: bool = False) -> str | None:
        """Why ``contracts`` at ``price`` breaks this venue's limits, or None when it does not;
        ``reduce_only``: a close, which some venues take under their minimum order value."""
        if contracts <= 0:
            return "amount must be positive"
        if contracts % self.amount_step != 0:
            return f"amount {_plain(contracts)} is not a multiple of the step {_plain(self.amount_step)}"
        if self.min_amount is not None and contracts < self.min_amount:
            return f"amount {_plain(contracts)} is below the minimum {_plain(self.min_amount)}"
        if self.max_amount is not None and contracts > self.max_amount:
            return f"amount {_plain(contracts)} is above the maximum {_plain(self.max_amount)}"
        if self.min_notional is not None and not (reduce_only and not self.min_notional_on_close):
            notional = self.contracts_to_base(contracts, price) * price
            if notional < self.min_notional:
                return f"notional {notional:.2f} is below the minimum {_plain(self.min_notional)}"
        return None


def _plain(d: Decimal) -> str:
    """Decimal to a plain string with no exponent and no trailing zeros."""
    s = format(d.normalize(), "f")
    return s if s not in ("-0",) else "0"
