"""Finding out what happened to an order we may have sent, by its client order id. Never by sending.

When is "the venue has no such order" proof that it was never placed?
----------------------------------------------------------------------
A request can still be in flight, or queued inside the venue's gateway, after we gave up on it.
The venues sign a timestamp into order requests and refuse one older than their receive window;
ccxt 4.5.90 sends Binance ``recvWindow`` 10 s, Bybit ``X-BAPI-RECV-WINDOW`` 5 s, BingX and MEXC
``recvWindow`` 5 s. WEEX refuses expired timestamps too (error -1046) but its window is not
documented in ccxt: 30 s is assumed. So once the acceptance window (receive window plus clock skew
and the gateway's own processing: ``VENUE_ACCEPTANCE_WINDOWS``, else
``ResolveConfig.acceptance_window_s``) has passed since the *last moment the request could have
been sent*, an order the venue still does not know can never appear, and the leg is marked not
placed. Before that, "not found" proves nothing and we keep asking.

The last moment a request could have been sent is: for a leg of this process, when the send call
returned or failed; for a leg found open after a restart, the start of this process (the old one
was dead by then, and a dead process's sockets are closed, so nothing of it is still arriving).
A fetch that fails (network, 5xx, timeout) proves nothing either: it is retried with backoff.
The same window covers the venues' eventual consistency: an order just accepted may not be in
the lookup endpoints yet, so "not found" right after a send is asked again (backoff from
``backoff_start_s`` to ``backoff_max_s``) until the window has passed, and the asking stops at
``give_up_s`` (the leg then stays unresolved and blocks trading). Every venue's "no such order"
answer reaches here as ``None`` (``venues.ccxt_orders.find_by_client_id``), never as an error.

What "not found" can still hide: venues forget some closed orders (Binance drops expired or
cancelled orders *with no fill* after 3 days). Such an order filled nothing, so "not placed" and
"placed, filled nothing" are the same for positions and costs. An order with a fill is always
kept by the venues, so a leg with fills is never mistaken for one not placed, provided the
adapter's ``fetch_order`` looks in the order history (not only in recent or open orders).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from sor_desktop.core.orders import OrderReport, OrderStatus
from sor_desktop.engine.journal import Journal, LegRow
from sor_desktop.engine.tca import route_tca
from sor_desktop.venues.base import Venue

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
NOT_PLACED_REASON = "not placed: the venue has no order with this client id after its acceptance window"


# Per venue, where the default (15 s: Binance's 10 s window plus 5 s of skew) is not enough.
VENUE_ACCEPTANCE_WINDOWS: dict[str, float] = {"weex": 35.0}


@dataclass(frozen=True, slots=True)
class ResolveConfig:
    acceptance_window_s: float = 15.0
    fetch_timeout_s: float = 5.0
    backoff_start_s: float = 0.05
    backoff_max_s: float = 2.0
    ioc_grace_s: float = 3.0  # an IOC order still open this long after we learned of it gets a cancel
    give_up_s: float | None = 120.0  # stop asking (leg stays unresolved, trading stays blocked); None: never


@dataclass(frozen=True, slots=True)
class Resolution:
    report: OrderReport | None  # final report, or None when not placed / unresolved
    not_placed: bool = False
    unresolved: bool = False  # gave up asking: outcome still unknown


async def resolve_order(
    venue: Venue,
    client_order_id: str,
    symbol: str,
    *,
    last_possible_send: float,
    config: ResolveConfig,
    clock: Callable[[], float] = time.time,
    sleep: Sleep = asyncio.sleep,
    known: OrderReport | None = None,
    monotonic: Callable[[], float] | None = None,
) -> Resolution:
    """Ask ``venue`` about ``client_order_id`` until its outcome is final.

    ``known`` is the last report already had (an acknowledgement): then the order surely exists,
    and a later "not found" proves nothing about its fills (Bybit's realtime lists open orders
    and its history may lag; an acknowledgement carries no fills): it is asked again until the
    venue lists it, or the search gives up with the leg unresolved. Never calls ``submit_order``.

    ``last_possible_send`` is on ``clock`` (wall time: the journal's); the waits are measured on
    ``monotonic`` (``clock`` when None) from the moment asked: a time sync that steps the wall
    clock forward must not make a "not found" conclusive before the window has really passed.
    """
    tick = monotonic or clock
    started = tick()
    not_placed_at = started + max(0.0, last_possible_send + config.acceptance_window_s - clock())
    delay = config.backoff_start_s
    cancel_sent = False
    open_since: float | None = started if known is not None else None
    while True:
        report: OrderReport | None = None
        failed = False
        try:
            report = await asyncio.wait_for(venue.fetch_order(client_order_id, symbol), config.fetch_timeout_s)
        except Exception as exc:  # noqa: BLE001 -- a failed lookup proves nothing: ask again
            failed = True
            log.warning("fetch_order %s on %s failed: %s", client_order_id, venue.id, exc)
        now = tick()
        if report is not None:
            if report.status.final:
                return Resolution(report)
            known = report
            open_since = open_since or now
            if not cancel_sent and now - open_since >= config.ioc_grace_s:
                # An IOC order must not rest; if the venue let it, take it down.
                cancel_sent = True
                try:
                    cancelled = await asyncio.wait_for(venue.cancel_order(client_order_id, symbol),
                                                       config.fetch_timeout_s)
                    if cancelled.status.final:
                        return Resolution(cancelled)
                except Exception as exc:  # noqa: BLE001 -- the next fetch tells whether it took
                    log.warning("cancel of resting IOC %s on %s failed: %s", client_order_id, venue.id, exc)
        elif not failed and now >= not_placed_at and known is None:
            return Resolution(None, not_placed=True)
        if config.give_up_s is not None and now - started >= config.give_up_s:
            return Resolution(known, unresolved=True)
        await sleep(delay)
        delay = min(delay * 2, config.backoff_max_s)


@dataclass(slots=True)
class ReconcileReport:
    resolved: list[LegRow] = field(default_factory=list)
    not_placed: list[LegRow] = field(default_factory=list)
    unresolved: list[LegRow] = field(default_factory=list)  # asked, still unknown
    unreachable: list[LegRow] = field(default_factory=list)  # venue or mode not connected now

    @property
    def clean(self) -> bool:
        """Trading may start: nothing of the connected venues is left unknown."""
        return not self.unresolved


async def reconcile(
    journal: Journal,
    venues: Mapping[str, Venue],
    *,
    config: ResolveConfig,
    started_at: float,
    clock: Callable[[], float] = time.time,
    sleep: Sleep = asyncio.sleep,
    config_for: Callable[[Venue], ResolveConfig] | None = None,
    monotonic: Callable[[], float] | None = None,
) -> ReconcileReport:
    """Resolve every open leg of the journal whose venue (same id and mode) is in ``venues``.

    ``started_at`` is when this process started: the old process cannot have sent anything later.
    ``config_for(venue)`` gives a venue's own settings (its acceptance window), else ``config``.
    Routes whose legs are all final are marked done.
    """
    out = ReconcileReport()
    open_legs = journal.open_legs()
    touched: set[str] = set()

    async def one(leg: LegRow) -> None:
        venue = venues.get(leg.venue)
        if venue is None or str(venue.mode) != leg.mode:
            out.unreachable.append(leg)
            return
        known: OrderReport | None = None
        if leg.status in (OrderStatus.ACKNOWLEDGED, OrderStatus.PARTIALLY_FILLED):
            known = OrderReport(leg.venue, leg.symbol, leg.client_order_id, OrderStatus(leg.status), leg.side,
                                leg.contracts, leg.filled_contracts, leg.avg_price, leg.fee, leg.venue_order_id,
                                fee_estimated=leg.fee_estimated)
        last_send = max(started_at, leg.sent_ts or leg.intent_ts)
        res = await resolve_order(venue, leg.client_order_id, leg.symbol, last_possible_send=last_send,
                                  config=config_for(venue) if config_for else config, clock=clock, sleep=sleep,
                                  known=known, monotonic=monotonic)
        touched.add(leg.route_id)
        if res.not_placed:
            out.not_placed.append(journal.mark_not_placed(leg.client_order_id, clock(), NOT_PLACED_REASON))
        elif res.unresolved or res.report is None:
            if known is None:
                leg = journal.mark_unknown(leg.client_order_id, clock(), "unresolved: the venue did not answer")
            out.unresolved.append(leg)
        else:
            out.resolved.append(journal.record_report(leg.client_order_id, res.report, clock(), kind="resolved",
                                                      reason="resolved by client id"))

    await asyncio.gather(*(one(leg) for leg in open_legs))
    for route_id in sorted(touched):
        if all(lg.final for lg in journal.legs(route_id)):
            route = journal.route(route_id)
            if route is not None and route.state != "done":
                journal.finish_route(route_id, "done", clock(), route_tca(route, journal.legs(route_id)).to_json())
    return out
