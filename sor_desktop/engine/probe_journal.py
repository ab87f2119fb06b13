"""A venue's permission probe order (``venues.mexc.probe``) journaled as a route of one leg.

The probe is sent at connect, before any route, and is built never to fill (no volume, one tick's
price); it is still an order, so the house rule holds for it: its intent is committed before it
leaves, and what the venue said is recorded. As a route of one leg it is what the journal's open
legs already mean: an unknown outcome (the send failed on the way, or the venue took it and would
not cancel it) blocks trading, is shown in the blotter and the status bar (``Router._on_exec``)
and is resolved by its client id by the executor's reconciliation, never resent.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderStatus, Side
from sor_desktop.engine.exec_events import LegEvent, RouteEvent, RouteState, with_failure
from sor_desktop.engine.journal import JournalError, LegRow, RouteRow

if TYPE_CHECKING:
    from sor_desktop.engine.executor import Executor

log = logging.getLogger(__name__)


class ExecutorProbeJournal:
    """``venues.mexc.probe.ProbeJournal`` on the executor's journal and event bus."""

    def __init__(self, executor: Executor, clock: Callable[[], float]) -> None:
        self._executor = executor
        self._clock = clock
        self._sent: dict[str, tuple[str, Instrument, float]] = {}  # client id -> route id, instrument, sent

    def intent(self, instrument: Instrument, client_id: str) -> str | None:
        ex = self._executor
        if ex.trading_refused:
            return f"trading is refused: {ex.trading_refused}"
        venue = ex.venues.get(instrument.venue)
        mode = str(venue.mode) if venue is not None else "live"
        now = self._clock()
        route_id = f"probe-{client_id}"
        route = RouteRow(route_id, None, now, mode, instrument.symbol, Side.BUY, "base", 0.0, f"probe:{client_id}",
                         0.0, 0.0, json.dumps({"probe": client_id}), str(RouteState.SENDING), None)
        leg = LegRow(client_id, route_id, 0, instrument.venue, mode, instrument.symbol, Side.BUY, Decimal(0),
                     instrument.price_tick, instrument.contract_size, instrument.linear, 0.0, 0.0, 0.0,
                     str(OrderStatus.PENDING), Decimal(0), None, Decimal(0), None, None, now, None, None, None, now)
        try:
            ex.journal.begin_route(route, [leg])
        except (JournalError, sqlite3.Error, OSError) as exc:
            log.error("%s: the probe order could not be journaled: %s", instrument.venue, exc)
            return str(exc) or type(exc).__name__
        ex.sending(route_id, True)
        self._sent[client_id] = (route_id, instrument, self._clock())
        return None

    def outcome(self, client_id: str, status: OrderStatus, reason: str) -> None:
        ex = self._executor
        route_id, inst, sent = self._sent.pop(client_id)
        now = self._clock()
        try:
            if status is OrderStatus.REJECTED:
                row = ex.journal.mark_not_placed(client_id, now, reason, sent_ts=sent, kind="reject")
            elif status is OrderStatus.CANCELED:
                report = OrderReport(inst.venue, inst.symbol, client_id, status, Side.BUY, Decimal(0), reason=reason)
                row = ex.journal.record_report(client_id, report, now, sent_ts=sent, kind="cancel")
            else:
                row = ex.journal.mark_unknown(client_id, now, reason, sent_ts=sent)
            state = RouteState.DONE if row.final else RouteState.UNRESOLVED
            ex.journal.finish_route(route_id, str(state), now)
        except (JournalError, sqlite3.Error, OSError) as exc:
            message = (f"the probe order {client_id} was sent to {inst.venue}; its outcome could not be "
                       f"saved: {exc}")
            ex.refuse(message + ". Trading is blocked until the journal is reconciled")
            ex.bus.emit(RouteEvent(route_id, RouteState.UNRESOLVED, None, ts=now, journal_error=message))
            return
        finally:
            ex.sending(route_id, False)
        if row.final:
            log.info("%s: probe order %s %s: %s", inst.venue, client_id, row.status, reason)
            return
        # an order of unknown state: the blotter shows it, the status bar says trading waits on it
        log.error("%s: probe order %s: %s; trading waits until it is reconciled", inst.venue, client_id, reason)
        ex.bus.emit(with_failure(LegEvent.from_row(row)))
        ex.bus.emit(RouteEvent(route_id, RouteState.UNRESOLVED, None, ts=now))
