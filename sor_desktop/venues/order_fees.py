"""Where each venue's fee of a filled order comes from, when ccxt's unified order gives none
(``ccxt_convert.fee``), and the estimate when the venue's answers cannot give it.

BingX (``commission``) and MEXC (``takerFee`` + ``makerFee`` with ``feeCurrency``) put the fee in
the order answer and ccxt reads it; the others need their own source (``<venue>/fees.py``):
Binance and WEEX the order's trades, Bybit the order's ``cumExecFee``. ``quirks`` indexes them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport
from sor_desktop.venues.binanceusdm import fees as binanceusdm_fees
from sor_desktop.venues.bybit import fees as bybit_fees
from sor_desktop.venues.weex import fees as weex_fees

log = logging.getLogger(__name__)

# (client, ccxt order, symbol, filled contracts) -> the fee in the settle coin, or None
FeeSource = Callable[[Any, Mapping[str, Any], str, Decimal], Awaitable[Decimal | None]]

SOURCES: dict[str, FeeSource] = {
    "binanceusdm": binanceusdm_fees.order_fee,
    "bybit": bybit_fees.order_fee,
    "weex": weex_fees.order_fee,
}


def estimate(instrument: Instrument, filled: Decimal, avg_price: Decimal | None, rate: Decimal) -> Decimal:
    """The fill's value in the settle coin at ``rate``: a linear fill's notional, an inverse
    fill's coins. 0 when no price is known (then the fee is not known at all: still flagged)."""
    if filled <= 0 or not avg_price:
        return Decimal(0)
    base = instrument.contracts_to_base(filled, avg_price)
    return (base * avg_price if instrument.linear else base) * rate


async def with_fee(report: OrderReport, order: Mapping[str, Any], ex: Any, venue_id: str, instrument: Instrument,
                   rate: Decimal, guard: Callable[[Awaitable[Any]], Awaitable[Any]]) -> OrderReport:
    """``report`` with the fee of its fill from the venue's own source when ccxt's order gave
    none; else an estimate at ``rate`` (the account's taker rate when read, else the market's),
    still flagged ``fee_estimated``. A failed fee read does not make a known order unknown."""
    if not report.fee_estimated:
        return report
    source = SOURCES.get(venue_id)
    paid: Decimal | None = None
    if source is not None:
        try:
            paid = await guard(source(ex, order, instrument.symbol, report.filled_contracts))
        except Exception as exc:  # noqa: BLE001 -- the order's outcome is known; only its fee is not
            log.warning("%s: the fee of order %s could not be read (%s: %s); it is shown as an estimate",
                        venue_id, report.client_order_id, type(exc).__name__, exc)
    if paid is not None:
        return replace(report, fee=paid, fee_estimated=False)
    fee = estimate(instrument, report.filled_contracts, report.avg_price, rate)
    log.info("%s: order %s: the venue gave no fee for its fill; estimated %s at the taker rate %s",
             venue_id, report.client_order_id, fee, rate)
    return replace(report, fee=fee)
