"""Instruments from ccxt market dicts, with what each venue's market says that ccxt may not.

One function for the live venue (``ccxt_venue``) and the simulated market (``sim.market``), so
the preview and the venue it stands for apply the same figures:

- the quantity unit (``quirks.VenueQuirks.quantity_unit``: WEEX counts coins);
- the venue's minimum order value, read from the market's ``info`` by the venue's own reader
  (``MIN_ORDER_VALUE``; each module cites the venue's docs and ccxt 4.5.90's handling). Where
  ``limits.cost.min`` has it too, the larger applies. Venues without a reader (MEXC, WEEX) state no
  order-value minimum in their market data.

Book files and replays, whose market dicts already count in the venue's unit, take only the
minimum (``min_order_value``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from sor_desktop.core.instrument import Instrument, InstrumentError
from sor_desktop.venues.binanceusdm import minimums as binanceusdm_minimums
from sor_desktop.venues.bingx import minimums as bingx_minimums
from sor_desktop.venues.bybit import minimums as bybit_minimums
from sor_desktop.venues.quirks import quirks_for

MIN_ORDER_VALUE: dict[str, tuple[str, Callable[[Mapping[str, Any]], Any]]] = {
    "binanceusdm": (binanceusdm_minimums.FIELD, binanceusdm_minimums.min_order_value),
    "bybit": (bybit_minimums.FIELD, bybit_minimums.min_order_value),
    "bingx": (bingx_minimums.FIELD, bingx_minimums.min_order_value),
}


def min_order_value(venue_id: str, market: Mapping[str, Any]) -> Decimal | None:
    """The venue's minimum order value (quote units) stated in ``market``'s ``info``, or None.

    An empty or zero field is no minimum; a field that is not a number makes the market unusable
    (InstrumentError): planning on it could send what the venue refuses.
    """
    entry = MIN_ORDER_VALUE.get(venue_id)
    if entry is None:
        return None
    field, read = entry
    raw = read(market)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise InstrumentError(f"market field {field!r} is not a number: {raw!r}")
    try:
        value = Decimal(str(raw).strip())
    except ArithmeticError:
        raise InstrumentError(f"market field {field!r} is not a number: {raw!r}") from None
    if not value.is_finite():
        raise InstrumentError(f"market field {field!r} is not finite: {raw!r}")
    return value if value > 0 else None


# Venues whose minimum order value does not apply to a reduce-only (closing) order, as they say:
# Binance -4164 "Order's notional must be no smaller than 5.0 (unless you choose reduce only)";
# Bybit's Derivatives Trading Rules, "closing orders are exempt from notional value". The others
# do not say so: their minimum holds for a close too (the strict reading).
CLOSES_EXEMPT = frozenset({"binanceusdm", "bybit"})


def minimum_on_close(venue_id: str) -> bool:
    """Whether the venue's minimum order value holds for a reduce-only order."""
    return venue_id not in CLOSES_EXEMPT


def instrument_from_market(market: Mapping[str, Any], venue_id: str) -> Instrument:
    """The venue's ``Instrument`` of a ccxt market dict (its unit and its minimum order value)."""
    return Instrument.from_market(market, venue_id, contract_size=quirks_for(venue_id).quantity_unit,
                                  min_notional=min_order_value(venue_id, market),
                                  min_notional_on_close=minimum_on_close(venue_id))


def recorded_instrument(market: Mapping[str, Any], venue_id: str) -> Instrument:
    """The ``Instrument`` of a market dict already counted in the venue's unit (book files,
    replays): the venue's minimum order value and whether it holds for a close, as live."""
    return Instrument.from_market(market, venue_id, min_notional=min_order_value(venue_id, market),
                                  min_notional_on_close=minimum_on_close(venue_id))
