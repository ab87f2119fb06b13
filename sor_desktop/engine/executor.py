"""Turns a plan into orders, safely.

For one route: pre-trade checks (``core.checks``); every leg's intent committed to the journal in
one transaction; then one IOC limit order per leg at the plan's limit price, all sent at once, each
under its deterministic client order id. A leg whose send fails in a way that may have reached the
venue is *unknown* and is resolved by asking the venue for that client id (``engine.reconcile``),
never by sending again. The same route id, or the same plan within ``duplicate_window_s``, is
never sent twice. While any leg of a connected venue is unknown, no new route is sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import logging
import math
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import CheckLimits, Problem, VenueGate, check_plan, leg_notional
from sor_desktop.core.client_ids import check_route_id, client_order_id, new_route_id
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import OrderReport, OrderRequest, OrderStatus, OrderType, TimeInForce
from sor_desktop.core.plan import DEFAULT_LEG_COST, DEFAULT_MIN_LIQ_DISTANCE, AmountUnit, Plan, PlanRequest
from sor_desktop.engine.exec_events import (
    EventBus,
    ExecEvent,
    LegEvent,
    RouteEvent,
    RouteResult,
    RouteState,
    split_venue_code,
    with_failure,
)
from sor_desktop.engine.journal import FINAL, MIXED, Journal, JournalError, LegRow, RouteRow
from sor_desktop.engine.probe_journal import ExecutorProbeJournal
from sor_desktop.engine.reconcile import (
    NOT_PLACED_REASON,
    VENUE_ACCEPTANCE_WINDOWS,
    ReconcileReport,
    ResolveConfig,
    Sleep,
    reconcile,
    resolve_order,
)
from sor_desktop.engine.tca import route_tca
from sor_desktop.venues.base import CancelAllResult, Venue
from sor_desktop.venues.errors import AuthFailed, NotSupported, OrderRejected, RateLimited, VenueUnavailable
from sor_desktop.venues.quirks import quirks_for

log = logging.getLogger(__name__)

# The venue surely did not place the order: safe to call it rejected. Anything else may have landed.
NOT_PLACED_ERRORS = (OrderRejected, RateLimited, AuthFailed, NotSupported, VenueUnavailable)

DEFAULT_MAX_ROUTE_NOTIONAL = 5_000_000.0  # the window's default largest order
DEFAULT_MAX_DAY_NOTIONAL = 50_000_000.0
DAY_S = 86_400.0

Planner = Callable[[PlanRequest, Mapping[str, BookSnapshot]], Plan]
BooksSource = Callable[[], Mapping[str, BookSnapshot]]


@dataclass(frozen=True, slots=True)
class ExecutorConfig:
    limits: CheckLimits = CheckLimits()
    resolve: ResolveConfig = ResolveConfig()
    # per venue id, over resolve.acceptance_window_s (see engine.reconcile for why)
    acceptance_windows: Mapping[str, float] = field(default_factory=lambda: dict(VENUE_ACCEPTANCE_WINDOWS))
    submit_timeout_s: float = 10.0  # past this a send is "outcome unknown"
    duplicate_window_s: float = 30.0  # the same plan again within this is a double click, not intent
    auto_reroute_rounds: int = 0  # re-route a short remainder by itself this many times (needs a planner)
    min_reroute_fraction: float = 0.001  # of the requested amount; smaller remainders are left
    # Guards of the executor itself, in quote at the limit prices, whatever the caller checked:
    # finite and positive by construction, so no settings value can switch them off.
    max_route_notional: float = DEFAULT_MAX_ROUTE_NOTIONAL
    max_day_notional: float = DEFAULT_MAX_DAY_NOTIONAL  # over the last 24 h, routes of this mode

    def __post_init__(self) -> None:
        for name in ("max_route_notional", "max_day_notional"):
            value = getattr(self, name)
            if not (isinstance(value, int | float | Decimal) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite positive number, got {value!r}")


def plan_fingerprint(plan: Plan) -> str:
    if plan.mixed:  # legs on both sides: each leg's side is part of what was confirmed
        legs: list[tuple[str, ...]] = [(lg.venue, lg.symbol, lg.contracts, lg.limit_price, str(plan.side_of(lg)))
                                       for lg in plan.legs]
        raw = json.dumps([plan.symbol, MIXED, legs], sort_keys=True)
    else:
        legs = [(lg.venue, lg.symbol, lg.contracts, lg.limit_price) for lg in plan.legs]
        raw = json.dumps([plan.symbol, str(plan.side), legs], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class RouteWait:
    """Why no route may be sent now: ``state`` in a few words for the Route button, ``why`` in
    full. Orders of unknown outcome clear once resolved; a refused journal stays until a restart."""

    state: str
    why: str


class Executor:
    """One per app (window or CLI); the safety rules are in the module docstring.

    ``venues`` by venue id; ``clock`` is wall time (journal), ``monotonic`` the clock of
    ``BookSnapshot.received``; ``stale_reason(venue)`` is the feed supervisor's verdict;
    ``before_send(request)`` runs just before each order leaves (tests kill the process there);
    ``margin_check(plan, books)`` says which legs their venue's free margin no longer carries
    (``Session.margin_problems``): such a route is blocked before anything is sent.
    """

    def __init__(
        self,
        venues: Mapping[str, Venue],
        journal: Journal,
        *,
        config: ExecutorConfig | None = None,
        on_event: Callable[[ExecEvent], None] | None = None,
        planner: Planner | None = None,
        books_source: BooksSource | None = None,
        stale_reason: Callable[[str], str | None] | None = None,
        before_send: Callable[[OrderRequest], None] | None = None,
        margin_check: Callable[[Plan, Mapping[str, BookSnapshot]], list[Problem]] | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.venues = dict(venues)
        self.journal = journal
        self.config = config or ExecutorConfig()
        self.bus = EventBus()
        if on_event is not None:
            self.bus.subscribe(on_event)
        self.planner = planner
        self.books_source = books_source
        self._stale_reason = stale_reason
        self._before_send = before_send
        self._margin_check = margin_check
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._started_at = clock()
        self._in_flight: set[str] = set()  # route ids being sent by this process
        # Set when orders went out but the journal could not record their state (or the journal
        # was refused at start-up): trading stays blocked until a healthy journal is reconciled.
        self.trading_refused: str | None = None
        self._refused_by = "journal"
        self._intents: dict[str, LegRow] = {}  # client id -> intent, while its route is in flight
        self._unsaved: dict[str, str] = {}  # route id -> the journal error of its legs
        self._recovered = False  # the start-up reconciliation has run (``blocked`` says what is left)
        # a venue that asks its account's permission with a probe order journals it here
        for v in self.venues.values():
            if hasattr(v, "probe_journal"):
                v.probe_journal = ExecutorProbeJournal(self, clock)

    # -- events ---------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[ExecEvent], None]) -> Callable[[], None]:
        return self.bus.subscribe(callback)

    def event_queue(self) -> asyncio.Queue[ExecEvent]:
        """A queue fed with every event from now on (for async consumers)."""
        q: asyncio.Queue[ExecEvent] = asyncio.Queue()
        self.bus.subscribe(q.put_nowait)
        return q

    def _leg_event(self, row: LegRow) -> LegEvent:
        ev = with_failure(LegEvent.from_row(row))
        self.bus.emit(ev)
        return ev

    def sending(self, route_id: str, on: bool) -> None:
        """Mark a route being sent by this process (its pending legs are not yet unknown)."""
        if on:
            self._in_flight.add(route_id)
        else:
            self._in_flight.discard(route_id)

    # -- readiness and recovery -----------------------------------------------------------------
    def unreconciled(self) -> list[LegRow]:
        """Open legs on connected venues not being sent right now: they block trading. A leg of a
        route in flight is exempt only until its send answers (pending, sent): once its outcome is
        unknown, or it rests being settled, a new route waits like behind any other (it had gone
        out beside a timed-out leg the venue had taken, doubling the position)."""
        out = []
        for lg in self.journal.open_legs():
            v = self.venues.get(lg.venue)
            sending = lg.route_id in self._in_flight and lg.status in (OrderStatus.PENDING, OrderStatus.SENT)
            if v is not None and str(v.mode) == lg.mode and not sending:
                out.append(lg)
        return out

    @property
    def ready(self) -> bool:
        return not self.trading_refused and not self.unreconciled()

    def blocked(self) -> RouteWait | None:
        """Why no route may be sent now, in words for the window before the trader confirms one
        (``check`` refuses it anyway), or None."""
        if self.trading_refused:
            return RouteWait(f"stopped: {self._refused_by} refused", self.trading_refused)
        stuck = self.unreconciled()
        if not stuck:
            return None
        where = ", ".join(sorted({lg.venue for lg in stuck}))
        state = ("still unknown after asking: check them on the venue; a restart asks again" if self._recovered
                 else "being resolved with the venue by client id")
        return RouteWait("waiting: earlier orders unresolved",
                         f"{len(stuck)} earlier order(s) on {where} of unknown outcome, {state}")

    def refuse(self, reason: str, by: str = "journal") -> None:
        """Block every route from now on; ``reason`` says why, ``by`` what cannot be trusted (the
        journal, or the settings that hold the guards)."""
        log.error("trading refused: %s", reason)
        self.trading_refused = reason
        self._refused_by = by

    async def recover(self) -> ReconcileReport:
        """Reconcile every open leg of the journal with its venue. Call once after connecting."""
        try:
            report = await reconcile(self.journal, self.venues, config=self.config.resolve,
                                     started_at=self._started_at, clock=self._clock, sleep=self._sleep,
                                     config_for=self._resolve_config, monotonic=self._monotonic)
        finally:
            self._recovered = True
        for lg in report.resolved + report.not_placed + report.unresolved:
            self._leg_event(lg)
        return report

    # -- checks ---------------------------------------------------------------------------------
    def _instrument(self, venue_id: str, symbol: str) -> Instrument | None:
        v = self.venues.get(venue_id)
        return v.instruments().get(symbol) if v is not None else None

    def check(self, plan: Plan, books: Mapping[str, BookSnapshot], route_id: str | None = None, *,
              reduce_only: bool = False) -> list[Problem]:
        instruments: dict[str, Instrument] = {}
        gates: dict[str, VenueGate] = {}
        for lg in plan.legs:
            key = leg_key(lg, plan.symbol)
            inst = self._instrument(lg.venue, lg.symbol)
            if inst is not None:
                instruments[key] = inst
            v = self.venues.get(lg.venue)
            if v is not None:
                caps = v.capabilities
                stale = self._stale_reason(key) if self._stale_reason else None
                gates[key] = VenueGate(caps.trading_allowed, caps.view_only_reason, stale)
        duplicate = False
        if route_id is not None and (route_id in self._in_flight or self.journal.route(route_id) is not None):
            duplicate = True
        since = self._clock() - self.config.duplicate_window_s
        if plan.legs and self.journal.fingerprint_seen_since(plan_fingerprint(plan), since):
            duplicate = True
        problems = check_plan(plan, books=books, instruments=instruments, gates=gates, now=self._monotonic(),
                              limits=self.config.limits, already_sent=duplicate, reduce_only=reduce_only)
        problems += self._notional_guards(plan, instruments, problems)
        if self.trading_refused:
            problems.insert(0, Problem(self._refused_by, self.trading_refused))
        stuck = self.unreconciled()
        if stuck:
            problems.insert(0, Problem("unreconciled", f"{len(stuck)} earlier order(s) have no known outcome yet "
                                                       "(reconcile with the venues first)"))
        return problems

    def _margin_problems(self, plan: Plan, books: Mapping[str, BookSnapshot]) -> list[Problem]:
        """Legs their venue's free margin no longer carries (``margin_check``): refused here, the
        route sends nothing, where the venue would reject that leg after the others filled."""
        if self._margin_check is None:
            return []
        try:
            return self._margin_check(plan, books)
        except Exception as exc:  # a check that cannot run must not let the route through unchecked
            log.exception("margin check failed")
            return [Problem("margin", f"could not check the legs' margin: {exc}")]

    def _mode(self) -> str:
        modes = {str(v.mode) for v in self.venues.values()}
        return modes.pop() if len(modes) == 1 else ""

    def _notional_guards(self, plan: Plan, instruments: Mapping[str, Instrument],
                         found: list[Problem]) -> list[Problem]:
        """The executor's own maximum per route and per day (``ExecutorConfig``)."""
        total = Decimal(0)
        for lg in plan.legs:
            inst = instruments.get(leg_key(lg, plan.symbol))
            if inst is None or any(p.venue == lg.venue and p.code == "venue_limits" for p in found):
                continue
            total += leg_notional(lg, inst)
        out: list[Problem] = []
        cap = Decimal(repr(float(self.config.max_route_notional)))
        if total > cap and not any(p.code == "max_notional" for p in found):
            out.append(Problem("max_notional", f"notional {total:,.2f} is above the executor's maximum per route "
                                               f"{cap:,.0f}"))
        day_cap = Decimal(repr(float(self.config.max_day_notional)))
        today = self.journal.notional_since(self._clock() - DAY_S, self._mode())
        if today + total > day_cap:
            out.append(Problem("max_day_notional", f"{today:,.2f} sent in the last 24 h plus this route's "
                                                   f"{total:,.2f} is above the daily maximum {day_cap:,.0f}"))
        return out

    # -- sending --------------------------------------------------------------------------------
    def _blocked(self, route_id: str, parent: str | None, problems: list[Problem]) -> RouteResult:
        detail = "; ".join(str(p) for p in problems)
        try:
            self.journal.record_event("route_blocked", self._clock(), route_id=route_id, detail=detail)
        except Exception:
            log.exception("could not journal a blocked route")
        self.bus.emit(RouteEvent(route_id, RouteState.BLOCKED, parent, tuple(problems), None, self._clock()))
        return RouteResult(route_id, RouteState.BLOCKED, (), tuple(problems), parent_route_id=parent)

    def _client_id(self, venue: Venue, route_id: str, leg: int) -> str:
        max_len = min(venue.capabilities.client_id_max_len, quirks_for(venue.id).client_id_max_len)
        return client_order_id(route_id, leg, max_len)

    async def execute(self, plan: Plan, books: Mapping[str, BookSnapshot], *, route_id: str | None = None,
                      parent_route_id: str | None = None, auto_reroute: bool = True,
                      reduce_only: bool = False) -> RouteResult:
        """Check, journal and send ``plan``; return when every leg is final (or unresolved).

        ``route_id`` should be made once per confirmation (``core.client_ids.new_route_id``) and
        passed again on a repeated click: the second call is then blocked as a duplicate.
        ``reduce_only`` goes on every leg (closing a position never opens the other side).
        Each leg goes on ``plan.side_of(leg)``: the plan's side, or its own in a plan of both
        sides (a flatten of longs and shorts, one route).
        """
        rid = check_route_id(route_id) if route_id is not None else new_route_id()
        # No await between the checks and the intents' commit: two calls cannot both pass.
        problems = self.check(plan, books, rid, reduce_only=reduce_only)
        if not reduce_only:  # a reduce-only leg only closes: venues take it whatever the free margin
            problems += self._margin_problems(plan, books)
        if plan.mixed and not reduce_only:  # a buy and a sell of one symbol at once only ever closes
            problems.append(Problem("mixed", "a route with legs on both sides is sent reduce-only only "
                                             "(a flatten of longs and shorts)"))
        if problems:
            return self._blocked(rid, parent_route_id, problems)
        now = self._clock()
        requests: list[OrderRequest] = []
        intents: list[LegRow] = []
        mode = ""
        for i, lg in enumerate(plan.legs):
            venue = self.venues[lg.venue]
            inst = self._instrument(lg.venue, lg.symbol)
            assert inst is not None  # check_plan refused unknown instruments
            mode = str(venue.mode)
            cid = self._client_id(venue, rid, i)
            side = plan.side_of(lg)
            req = OrderRequest(lg.venue, lg.symbol, side, lg.contracts_dec, cid, OrderType.LIMIT,
                               lg.limit_price_dec, TimeInForce.IOC, reduce_only)
            requests.append(req)
            intents.append(LegRow(cid, rid, i, lg.venue, mode, lg.symbol, side, lg.contracts_dec,
                                  lg.limit_price_dec, inst.contract_size, inst.linear, lg.avg_price,
                                  lg.amount_base, lg.fee, "pending", Decimal(0), None, Decimal(0), None, None,
                                  now, None, None, None, now))
        route = RouteRow(rid, parent_route_id, now, mode, plan.symbol, None if plan.mixed else plan.side,
                         str(plan.unit), plan.requested,
                         plan_fingerprint(plan), plan.avg_price, plan.filled, json.dumps(plan.to_json()),
                         str(RouteState.SENDING), None, reduce_only)
        try:
            self.journal.begin_route(route, intents)
        except JournalError as exc:
            return self._blocked(rid, parent_route_id, [Problem("journal", str(exc))])
        except (sqlite3.Error, OSError) as exc:  # damaged file, disk full: nothing has left yet
            log.error("journal: could not record route %s: %s", rid, exc)
            return self._blocked(rid, parent_route_id, [Problem(
                "journal", f"nothing was sent: the journal could not record the route ({exc})")])
        self._in_flight.add(rid)
        self._intents.update((row.client_order_id, row) for row in intents)
        try:
            self.bus.emit(RouteEvent(rid, RouteState.SENDING, parent_route_id, ts=now))
            for row in intents:
                self._leg_event(row)
            tasks = [asyncio.create_task(self._run_leg(req)) for req in requests]
            legs = tuple(await asyncio.gather(*tasks))
        finally:
            self._in_flight.discard(rid)
            for row in intents:
                self._intents.pop(row.client_order_id, None)
        for ev in legs:
            self._log_outcome(ev)
        result = self._finish(rid, parent_route_id, legs, route)
        if auto_reroute and result.state is RouteState.DONE and self.config.auto_reroute_rounds > 0:
            result = await self._auto_reroute(result)
        return result

    def _finish(self, rid: str, parent: str | None, legs: tuple[LegEvent, ...], sent: RouteRow) -> RouteResult:
        error = self._unsaved.pop(rid, None)
        if error is None:
            try:
                route = self.journal.route(rid)
                assert route is not None
                rows = self.journal.legs(rid)
                state = RouteState.DONE if all(r.final for r in rows) else RouteState.UNRESOLVED
                tca = route_tca(route, rows)
                self.journal.finish_route(rid, str(state), self._clock(),
                                          tca.to_json() if state is RouteState.DONE else None)
                self.bus.emit(RouteEvent(rid, state, parent, (), tca, self._clock()))
                return RouteResult(rid, state, legs, (), tca, self._remainder(route, rows), parent)
            except (sqlite3.Error, OSError) as exc:
                error = str(exc) or type(exc).__name__
        venues = ", ".join(sorted({ev.venue for ev in legs}))
        message = f"orders were sent to {venues}; their state could not be saved: {error}"
        self.refuse(message + ". Trading is blocked until the journal is reconciled: fix the disk or move a "
                              "damaged journal aside, restart, and the open orders are asked of the venues")
        self.bus.emit(RouteEvent(rid, RouteState.UNRESOLVED, parent, (), None, self._clock(), journal_error=message))
        if sent.unit == str(AmountUnit.QUOTE):
            done = sum(float(ev.filled_base) * float(ev.avg_price or 0) for ev in legs)
        else:
            done = sum(float(ev.filled_base) for ev in legs)
        return RouteResult(rid, RouteState.UNRESOLVED, legs, (), None, max(sent.requested - done, 0.0), parent,
                           journal_error=message)

    @staticmethod
    def _remainder(route: RouteRow, rows: list[LegRow]) -> float:
        if route.unit == str(AmountUnit.QUOTE):
            done = sum(float(r.filled_base) * float(r.avg_price or 0) for r in rows)
        else:
            done = sum(float(r.filled_base) for r in rows)
        return max(route.requested - done, 0.0)

    def _resolve_config(self, venue: Venue) -> ResolveConfig:
        window = self.config.acceptance_windows.get(venue.id)
        if window is None:
            window = getattr(venue.capabilities, "acceptance_window_s", None)
        if window is None:
            return self.config.resolve
        return dataclasses.replace(self.config.resolve, acceptance_window_s=float(window))

    async def _run_leg(self, req: OrderRequest) -> LegEvent:
        venue = self.venues[req.venue]
        cid = req.client_order_id
        sent_ts = self._clock()
        t0 = self._monotonic()
        try:
            if self._before_send is not None:
                self._before_send(req)
            report = await asyncio.wait_for(venue.submit_order(req), self.config.submit_timeout_s)
        except NOT_PLACED_ERRORS as exc:
            said = exc.message
            code, text = split_venue_code(said, getattr(exc, "code", None))
            return self._save(req, lambda: self.journal.mark_not_placed(cid, self._clock(), said,
                                                                        sent_ts=sent_ts, kind="reject"),
                              status=OrderStatus.REJECTED, reason=said, code=code, text=text)
        except Exception as exc:  # noqa: BLE001 -- timeout, OutcomeUnknown, anything: it may have landed
            why = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
            log.warning("leg %s on %s: outcome unknown (%s)", cid, req.venue, why)
            code, text = split_venue_code(why, getattr(exc, "code", None))
            self._save(req, lambda: self.journal.mark_unknown(cid, self._clock(), f"outcome unknown: {why}",
                                                              sent_ts=sent_ts),
                       status=OrderStatus.UNKNOWN, reason=f"outcome unknown: {why}", code=code, text=text)
            return await self._settle(venue, req, known=None)
        latency = (self._monotonic() - t0) * 1000.0
        ev = self._save(req, lambda: self.journal.record_report(cid, report, self._clock(), sent_ts=sent_ts,
                                                                latency_ms=latency),
                        report=report, latency_ms=latency)
        if str(ev.status) in FINAL:
            return ev
        return await self._settle(venue, req, known=report)

    async def _settle(self, venue: Venue, req: OrderRequest, *, known: OrderReport | None) -> LegEvent:
        res = await resolve_order(venue, req.client_order_id, req.symbol, last_possible_send=self._clock(),
                                  config=self._resolve_config(venue), clock=self._clock, sleep=self._sleep,
                                  known=known, monotonic=self._monotonic)
        cid = req.client_order_id
        if res.not_placed:
            return self._save(req, lambda: self.journal.mark_not_placed(cid, self._clock(), NOT_PLACED_REASON),
                              status=OrderStatus.REJECTED, reason=NOT_PLACED_REASON)
        if res.report is not None and not res.unresolved:
            resolved = res.report
            return self._save(req, lambda: self.journal.record_report(cid, resolved, self._clock(), kind="resolved"),
                              report=resolved)
        last = res.report if res.report is not None else known
        if last is not None:
            # gave up on an order the venue did show (resting, a part filled, its cancel failed):
            # its fills are recorded and the leg stays open as unknown, said in the log and blotter
            seen = last
            why = f"unresolved: still open on the venue as last seen ({seen.status}, {seen.filled_contracts} filled)"
            log.error("leg %s on %s %s; trading waits until it is reconciled", cid, venue.id, why)
            return self._save(req, lambda: self.journal.record_report(cid, seen, self._clock(), kind="unresolved",
                                                                      status=OrderStatus.UNKNOWN, reason=why),
                              report=seen, status=OrderStatus.UNKNOWN, reason=why)
        return self._save(req, lambda: self.journal.leg(cid), status=OrderStatus.UNKNOWN)

    def _save(self, req: OrderRequest, write: Callable[[], LegRow], *, report: OrderReport | None = None,
              status: OrderStatus | None = None, reason: str | None = None, latency_ms: float | None = None,
              code: str | None = None, text: str | None = None) -> LegEvent:
        """Record what is known of a leg and tell the blotter. When the journal cannot take it (a
        damaged page, a full disk) the order is out regardless: the event still goes out, from
        memory, and the route is marked unsaved (``_finish`` then blocks trading)."""
        intent = self._intents.get(req.client_order_id)
        try:
            row = write()
        except (sqlite3.Error, OSError) as exc:
            if intent is None:
                raise
            why = str(exc) or type(exc).__name__
            log.error("journal: could not record leg %s on %s: %s", req.client_order_id, req.venue, why)
            self._unsaved.setdefault(intent.route_id, why)
            st = status or (report.status if report is not None else OrderStatus.UNKNOWN)
            row = dataclasses.replace(
                intent, status=str(st), reason=reason or (report.reason if report else None),
                filled_contracts=report.filled_contracts if report else Decimal(0),
                avg_price=report.avg_price if report else None, fee=report.fee if report else Decimal(0),
                fee_estimated=report.fee_estimated if report else False,
                latency_ms=latency_ms, updated=self._clock())
        ev = LegEvent.from_row(row)
        if code is not None or text is not None:
            ev = dataclasses.replace(ev, venue_code=code, venue_text=text)
        ev = with_failure(ev)
        self.bus.emit(ev)
        return ev

    def _log_outcome(self, ev: LegEvent) -> None:
        """Every leg that did not fill in full goes to the log file, with the venue's code and words."""
        if ev.failure is None:
            return
        log.warning("route %s leg %d on %s: %s%s%s (filled %s of %s contracts, client id %s)", ev.route_id,
                    ev.leg_index, ev.venue, ev.failure, f" [{ev.venue_code}]" if ev.venue_code else "",
                    f": {ev.venue_text or ev.reason}" if (ev.venue_text or ev.reason) else "",
                    ev.filled_contracts, ev.contracts, ev.client_order_id)

    # -- the remainder --------------------------------------------------------------------------
    async def reroute_remainder(self, route_id: str, books: Mapping[str, BookSnapshot],
                                planner: Planner | None = None, *, auto_reroute: bool = True) -> RouteResult | None:
        """Plan what ``route_id`` left unfilled on ``books`` and send it with every protection.

        Returns None when there is nothing worth re-routing. Blocked (not sent) when the route
        still has a leg of unknown outcome, or was already re-routed.
        """
        planner = planner or self.planner
        if planner is None:
            raise ValueError("re-routing needs a planner")
        route = self.journal.route(route_id)
        if route is None:
            raise ValueError(f"no route {route_id} in the journal")
        rows = self.journal.legs(route_id)
        child_id = new_route_id()
        if not all(r.final for r in rows):
            return self._blocked(child_id, route_id, [Problem("unreconciled", "the route still has a leg of "
                                                                              "unknown outcome")])
        if self.journal.children(route_id):
            return self._blocked(child_id, route_id, [Problem("duplicate", "this route's remainder was already "
                                                                           "re-routed")])
        remainder = self._remainder(route, rows)
        if remainder <= route.requested * self.config.min_reroute_fraction:
            return None
        if route.side is None:  # a remainder of both sides is not one request: the trader flattens again
            return self._blocked(child_id, route_id, [Problem("mixed", "a route of both sides (a flatten of longs "
                                                                       "and shorts) is not re-routed: flatten "
                                                                       "again for what is left")])
        sent = json.loads(route.plan_json)
        # the remainder is bound by what the trader confirmed: a swept price stays a hard limit
        limit = sent.get("limit_price")
        # ... and so are its venue count, holding time and liquidation distance (a journal written
        # before the plan carried the last two keeps the default distance: the guard stays on)
        hold, count = sent.get("hold_hours"), sent.get("max_venues")
        distance = sent.get("min_liq_distance", DEFAULT_MIN_LIQ_DISTANCE)
        request = PlanRequest(route.side, remainder, AmountUnit(route.unit),
                              max_venues=None if count is None else int(count),
                              slippage_bps=float(sent.get("slippage_bps", 5.0)),
                              limit_price=None if limit is None else float(limit),
                              limit_on_fee_adjusted=bool(sent.get("limit_on_fee_adjusted", False)),
                              leg_cost=float(sent.get("leg_cost", DEFAULT_LEG_COST)),
                              hold_hours=None if hold is None else float(hold),
                              min_liq_distance=None if distance is None else float(distance))
        plan = planner(request, books)
        return await self.execute(plan, books, route_id=child_id, parent_route_id=route_id,
                                  auto_reroute=auto_reroute, reduce_only=route.reduce_only)

    async def _auto_reroute(self, result: RouteResult) -> RouteResult:
        if self.planner is None or self.books_source is None:
            log.warning("auto re-route is on but no planner or books source was given")
            return result
        children: list[RouteResult] = []
        current = result
        for _ in range(self.config.auto_reroute_rounds):
            if current.state is not RouteState.DONE:
                break
            child = await self.reroute_remainder(current.route_id, self.books_source(), auto_reroute=False)
            if child is None:
                break
            children.append(child)
            current = child
        return dataclasses.replace(result, reroutes=tuple(children),
                                   remainder=current.remainder if children else result.remainder)

    # -- cancel ---------------------------------------------------------------------------------
    async def cancel_all(self, symbol: str | None = None,
                         venues: list[str] | None = None) -> dict[str, CancelAllResult]:
        """Cancel every open order (of the futures markets: never spot) on every (or the named)
        venue that allows trading. Returns per venue what was cancelled and what could not be."""
        targets = [v for vid, v in self.venues.items()
                   if (venues is None or vid in venues) and v.capabilities.trading_allowed]

        async def one(v: Venue) -> CancelAllResult:
            try:
                result = await asyncio.wait_for(v.cancel_all_report(symbol), self.config.submit_timeout_s)
            except Exception as exc:  # noqa: BLE001 -- per venue; one failure must not stop the others
                result = CancelAllResult(v.id, errors=(f"failed: {str(exc) or type(exc).__name__}",))
            if not result.ok:
                log.warning("cancel-all on %s: %s", v.id, result)
            try:
                self.journal.record_event("cancel_all" if result.ok else "cancel_all_failed", self._clock(),
                                          venue=v.id, detail=str(result))
            except (JournalError, sqlite3.Error, OSError) as exc:
                # the cancel went out either way (its result is returned); a journal that cannot
                # write would refuse the next route's intents only once they are half written
                self.refuse(f"the journal could not record a cancel-all on {v.id}: {exc}")
            return result

        results = await asyncio.gather(*(one(v) for v in targets))
        return {v.id: r for v, r in zip(targets, results, strict=True)}
