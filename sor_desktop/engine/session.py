"""The Qt-free orchestration the window drives: venues for a mode, their book feeds into the store,
live previews through the router, routes through the executor, accounts, ordered shutdown.

Everything runs on one asyncio loop (the Qt thread under qasync). The window never awaits a venue
itself: it calls a session method that starts a tracked task, and listens to ``SessionEvent``s.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sor_desktop.core.account import Balance, Position, PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import Problem
from sor_desktop.core.instrument import Instrument, base_and_quote
from sor_desktop.core.margin import DEFAULT_HEADROOM
from sor_desktop.core.market_key import market_key
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import Plan, VenueInput
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.engine import positions_elsewhere
from sor_desktop.engine import session_feeds as feeds
from sor_desktop.engine import session_routes as routing
from sor_desktop.engine.executor import Executor, RouteWait
from sor_desktop.engine.feed import FeedConfig, backoff_delay
from sor_desktop.engine.key_checks import Probe, check_read_keys, check_trade_keys
from sor_desktop.engine.limit_entry import LimitError
from sor_desktop.engine.margin_caps import VenueMargin, plan_margin_problems, reducible_base, venue_margin
from sor_desktop.engine.preview import (
    AmountError,
    Preview,
    PreviewJob,
    PreviewRequest,
    to_plan_request,
    typed_limit,
    venue_inputs,
)
from sor_desktop.engine.session_events import AccountUpdate, Notice, SessionEvent
from sor_desktop.engine.store import LinkState, Store, VenueHealth
from sor_desktop.engine.symbol_choices import SymbolChoice, symbol_choices
from sor_desktop.engine.venue_terms import TermsKeeper, keep_terms
from sor_desktop.engine.watchdog import Watchdog, WatchdogFired
from sor_desktop.venues.base import Mode, Venue
from sor_desktop.venues.errors import RateLimited, VenueError, without_request
from sor_desktop.venues.quirks import quirks_for

log = logging.getLogger(__name__)

Listener = Callable[[SessionEvent], None]


# seconds an account read waits after the venue's rate limiter turned one away: at least this,
# doubling on each further refusal, at most the max
ACCOUNT_BACKOFF_MIN_S = 5.0
ACCOUNT_BACKOFF_MAX_S = 60.0

class Session:
    def __init__(
        self,
        mode: Mode,
        venues: Sequence[Venue],
        symbol: str,
        *,
        executor: Executor,
        store: Store | None = None,
        account_every_s: float = 2.0,
        leverage: float = 10.0,
    ) -> None:
        self.mode = mode
        self.venues: dict[str, Venue] = {v.id: v for v in venues}
        self.symbol = symbol
        self.store = store or Store()
        self.account_every_s = account_every_s
        self.leverage = leverage  # when a venue's position does not say its own
        self.margin_headroom = DEFAULT_HEADROOM  # see core.margin
        self.instruments: dict[str, dict[str, Instrument]] = {}
        self.balances: dict[str, list[Balance]] = {}
        self.positions: dict[str, list[Position]] = {}
        # each venue's position mode for ``symbol`` where it says (hedge: a sell does not net a long)
        self.position_modes: dict[str, PositionMode] = {}
        self.listeners: list[Listener] = []
        self._elsewhere_errors: dict[str, str] = {}
        self.tasks: set[asyncio.Task[Any]] = set()
        self._feeds: feeds.FeedSet | None = None
        self._companion_feeds: list[feeds.FeedSet] = []  # the venues' inverse markets of the base
        # companions() walks every listed market: asked several times a frame, kept per symbol and
        # set of loaded venues (a live Bybit lists hundreds of markets)
        self._companions: tuple[object, dict[str, tuple[str, str]]] | None = None
        self.executor = executor
        self.journal: Any = None  # closed last at shutdown, when the wiring gave one
        self._router = routing.Router(self, executor)
        # venue -> fills seen since its balance was last read: its free margin is out of date
        self._margin_dirty: dict[str, int] = {}
        self._account_errors: dict[str, str] = {}  # venue -> its last account read's failure, as logged
        # venue -> (monotonic time before which it is not read, that wait): after a rate-limited
        # read, as the venues ask (repeated 429s get an IP banned), doubling to ACCOUNT_BACKOFF_MAX_S
        self._account_wait: dict[str, tuple[float, float]] = {}
        self.started = False
        self.closed = False
        self.watchdog: Watchdog | None = None
        # venues that fail at start-up are retried on the feed's backoff (0.25 s doubling to 15 s)
        self.reconnect_config = FeedConfig()
        self.start_notices: list[Notice] = []  # settings refused while wiring: shown once started
        # live: (venue -> trade key, probe); every key is asked what it may do before it trades
        self.key_checks: tuple[Mapping[str, Any], Probe] | None = None
        self.read_key_checks: tuple[Mapping[str, Any], Probe] | None = None  # the read-only keys, asked too
        self._own_fee_instruments: dict[str, tuple[Instrument, float, Instrument]] = {}  # instruments_at_own_fees
        # each venue's fee, funding and brackets for the symbol (engine/venue_terms.py)
        self.terms = TermsKeeper(lambda level, text: self.emit(Notice(level, text)))

    # -- lifecycle -----------------------------------------------------------------------------
    async def start(self) -> None:
        """Connect every venue (a failing one is reported, not fatal) and start its book feed."""
        for notice in self.start_notices:
            self.emit(notice)
        await self.connect_venues()
        if self.key_checks is not None:
            await check_trade_keys(self.venues, self.key_checks[0], self.key_checks[1], self.store, self.emit)
        if self.read_key_checks is not None:
            await check_read_keys(self.venues, self.read_key_checks[0], self.read_key_checks[1], self.emit)
        self.started = True
        self._start_feeds()
        waiting = self.executor.blocked()
        # said now: the reconciliation can take an acceptance window per venue (a refused
        # journal was said among the start notices, and no wait ends it)
        if waiting and not self.executor.trading_refused:
            self.emit(Notice("warning", f"routes wait: {waiting.why}"))
        self.spawn(self._recover(), "reconcile")
        self.watchdog = Watchdog(self.executor, self._book_ages, on_fire=self._watchdog_fired,
                                 on_error=lambda text: self.emit(Notice("error", text)))
        self.watchdog.start()
        self.spawn(self._account_loop(), "accounts")
        self.spawn(self._elsewhere_loop(), "positions elsewhere")
        self.spawn(keep_terms(self.terms, self.venues, lambda: self.symbol, time.time,
                              also=lambda: sorted({sym for _, sym in self.companions().values()})), "venue terms")

    def _book_ages(self) -> dict[str, float | None]:
        """The watchdog's view: the venues that list the window's symbol (the others have no feed
        to lose; their markets known once connected)."""
        return {v: self.store.health(v, self.symbol).book_age_s for v in self.venues
                if self.symbol in self.instruments.get(v, {}) or not self.instruments.get(v)}

    def _watchdog_fired(self, ev: WatchdogFired) -> None:
        self.emit(Notice("warning", f"{ev.venue}: feed lost, open orders cancelled ({ev.result})"))

    async def connect_venues(self) -> None:
        """Connect every venue and load its instruments; a venue that fails is reported, not fatal."""
        for v in self.venues.values():
            self.store.set_health(VenueHealth(v.id, LinkState.CONNECTING, view_only=not v.capabilities.trading_allowed,
                                              reason=v.capabilities.view_only_reason))
        results = await asyncio.gather(*(self._connect(v) for v in self.venues.values()), return_exceptions=True)
        for v, r in zip(list(self.venues.values()), results, strict=True):
            if isinstance(r, BaseException):
                log.warning("%s: connect failed: %s", v.id, r)
                self.store.set_health(VenueHealth(v.id, LinkState.DOWN, reason=_short(r)))
                cause = without_request(r.message if isinstance(r, VenueError) else _short(r))
                self.emit(Notice("error", f"{v.id}: could not connect ({cause}); retrying"))
                self.spawn(self._reconnect(v), f"reconnect {v.id}")

    async def _reconnect(self, venue: Venue) -> None:
        """Keep trying a venue that failed at start-up (a network hiccup must not need a restart);
        once its instruments load, the feeds restart with it included."""
        rng = random.Random()
        attempt = 0
        while not self.closed:
            await asyncio.sleep(backoff_delay(attempt, self.reconnect_config, rng))
            attempt += 1
            try:
                await self._connect(venue)
            except asyncio.CancelledError:
                raise
            except (VenueError, OSError, TimeoutError) as exc:  # anything else is a bug: the task logs it
                log.info("%s: connect retry %d failed: %s", venue.id, attempt, exc)
                self.store.set_health(VenueHealth(venue.id, LinkState.DOWN, reason=_short(exc)))
                continue
            log.info("%s: connected after %d retries", venue.id, attempt)
            self.emit(Notice("info", f"{venue.id}: connected"))
            if self.started and not self.closed and self.symbol in self.instruments.get(venue.id, {}):
                await self._stop_feeds()
                self._start_feeds()
            return

    def orders_blocked(self) -> RouteWait | None:
        """Why no route may be sent now (``Executor.blocked``), or None."""
        return self.executor.blocked()

    async def _recover(self) -> None:
        """Legs a previous run left without a known outcome are settled before trading."""
        report = await self.executor.recover()
        n = len(report.resolved) + len(report.not_placed)
        if n or report.unresolved:
            self.emit(Notice("warning" if report.unresolved else "info",
                             f"journal: {n} earlier order(s) reconciled, {len(report.unresolved)} still unknown"))

    async def _connect(self, venue: Venue) -> None:
        await venue.connect()
        self.instruments[venue.id] = dict(venue.instruments())

    def _start_feeds(self) -> None:
        live = [v for v in self.venues.values() if self.symbol in self.instruments.get(v.id, {})]
        self._feeds = feeds.FeedSet(live, self.symbol, self.store, self.spawn)
        self._feeds.start()
        by_symbol: dict[str, list[Venue]] = {}
        for venue_id, symbol in self.companions().values():
            by_symbol.setdefault(symbol, []).append(self.venues[venue_id])
        self._companion_feeds = [feeds.FeedSet(vs, sym, self.store, self.spawn, chips=False)
                                 for sym, vs in sorted(by_symbol.items())]
        for f in self._companion_feeds:
            f.start()

    async def _stop_feeds(self, timeout: float = 3.0) -> None:
        if self._feeds is not None:
            await self._feeds.stop(timeout)
        for f in self._companion_feeds:
            await f.stop(timeout)
        self._companion_feeds = []

    def companions(self) -> dict[str, tuple[str, str]]:
        """The markets routed beside the window's symbol, keyed by ``core.market_key``: each venue's
        inverse perpetual of the same base (Bybit ``BTC/USD:BTC`` beside ``BTC/USDT:USDT``), whose
        legs the router plans on one base basis (``core/inverse_venue.py``). None for an inverse
        window symbol: that one is routed alone."""
        # a reconnect stores a new dict of instruments: its identity is part of the key
        key = (self.symbol, tuple(sorted((v, id(i), len(i)) for v, i in self.instruments.items())))
        if self._companions is not None and self._companions[0] == key:
            return dict(self._companions[1])
        found = self._find_companions()
        self._companions = (key, found)
        return dict(found)

    def _find_companions(self) -> dict[str, tuple[str, str]]:
        base = base_and_quote(self.symbol)[0]
        primary = [i[self.symbol] for i in self.instruments.values() if self.symbol in i]
        if not primary or not all(i.linear for i in primary):
            return {}
        out: dict[str, tuple[str, str]] = {}
        for venue_id, insts in sorted(self.instruments.items()):
            if not quirks_for(venue_id).inverse_orders:  # its inverse orders are refused (venues/quirks.py)
                continue
            for symbol, inst in sorted(insts.items()):
                # a perpetual settles in the base with no expiry after it ("BTC/USD:BTC", not "...:BTC-250328")
                if not inst.linear and inst.base == base and symbol.partition(":")[2] == base:
                    out[market_key(venue_id, symbol, self.symbol)] = (venue_id, symbol)
        return out

    def route_instruments(self) -> dict[str, Instrument]:
        """``symbol_instruments`` and the companions' (``companions``), keyed by market key."""
        out = self.symbol_instruments()
        for key, (venue_id, symbol) in self.companions().items():
            out[key] = self.instruments[venue_id][symbol]
        return out

    def instruments_at_own_fees(self) -> dict[str, Instrument]:
        """``route_instruments`` with each account's own taker rate where its venue said it
        (``own_fees``): the rate the router charges, so what the window draws fee-adjusted is
        what a plan pays."""
        fees = self.own_fees()
        out: dict[str, Instrument] = {}
        for k, inst in self.route_instruments().items():
            fee = fees.get(k)
            if fee is None:
                out[k] = inst
                continue
            # the same object while the instrument and the fee are: the depth chart keeps a
            # venue's curves while it draws the very objects it drew (a new one each frame
            # redrew every venue at every frame)
            kept = self._own_fee_instruments.get(k)
            if kept is None or kept[0] is not inst or kept[1] != fee:
                kept = self._own_fee_instruments[k] = (inst, fee, replace(inst, taker_fee=Decimal(repr(fee))))
            out[k] = kept[2]
        return out

    def route_books(self) -> dict[str, BookSnapshot]:
        """The books the preview routes on: the window symbol's by venue, the companions' by key."""
        out = self.store.books(self.symbol, self.symbol_instruments())
        for key, (venue_id, symbol) in self.companions().items():
            book = self.store.book(venue_id, symbol)
            if book is not None:
                out[key] = book
        return out

    def companion_health(self, key: str) -> VenueHealth:
        """A companion market's health: its venue's link, its own book's age."""
        venue_id, symbol = self.companions()[key]
        h = self.store.health(venue_id)
        age = self.store.book_age(venue_id, symbol)
        if h.state is LinkState.CONNECTED and age is None:
            return replace(h, venue=key, state=LinkState.CONNECTING, reason=f"no {symbol} book yet")
        if h.state is LinkState.CONNECTED and age is not None and age > self.store.stale_after_s:
            return replace(h, venue=key, state=LinkState.STALE, book_age_s=age,
                           reason=f"{symbol} book stopped updating")
        return replace(h, venue=key, book_age_s=age)

    async def set_symbol(self, symbol: str) -> None:
        if symbol == self.symbol:
            return
        companions = list(self.companions().values())
        await self._stop_feeds()
        for v in self.venues:
            self.store.drop(v, self.symbol)
        for venue_id, other in companions:
            self.store.drop(venue_id, other)
        self.symbol = symbol
        self.position_modes.clear()  # read per symbol on the next account refresh
        self._start_feeds()
        if self.tasks:  # a started session: what was shown may be elsewhere now, and the reverse
            self.spawn(self.refresh_elsewhere(), "positions elsewhere after a switch")

    async def stop(self, timeout: float = 3.0) -> None:
        """Ordered shutdown: feeds, then every other task (bounded wait), then the venues."""
        if self.closed:
            return
        self.closed = True
        if self.watchdog is not None:
            await self.watchdog.stop()
        await self._stop_feeds(timeout)
        pending = [t for t in self.tasks if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            done, still = await asyncio.wait(pending, timeout=timeout)
            if still:
                log.warning("%d task(s) did not stop within %.1fs", len(still), timeout)
        results = await asyncio.gather(
            *(asyncio.wait_for(v.close(), timeout) for v in self.venues.values()), return_exceptions=True
        )
        for v, r in zip(list(self.venues.values()), results, strict=True):
            if isinstance(r, BaseException):
                log.warning("%s: close failed: %s", v.id, r)
        if self.journal is not None:
            self.journal.close()

    # -- tasks and events ----------------------------------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called from a Qt slot while the (qasync) loop is set but idle
            loop = asyncio.get_event_loop()
        task = loop.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            self.emit(Notice("error", f"{task.get_name()}: {_short(exc)}"))

    def emit(self, event: SessionEvent) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the others or the feed
                log.exception("session listener failed on %s", type(event).__name__)

    # -- state for the window ------------------------------------------------------------------
    def symbol_choices(self) -> list[SymbolChoice]:
        """The window's symbol, then every symbol two venues list (``engine.symbol_choices``)."""
        return symbol_choices(self.instruments, self.symbol)

    def symbol_instruments(self) -> dict[str, Instrument]:
        return {v: inst[self.symbol] for v, inst in self.instruments.items() if self.symbol in inst}

    def venue_margins(self, books: Mapping[str, BookSnapshot], req: PreviewRequest | None = None
                      ) -> dict[str, VenueMargin]:
        """What each venue's free margin carries for ``req`` (its side and slippage; a buy at 5 bps
        when None), by the rule the venue applies (``core.margin``). A venue whose balance is not
        known yet is not capped (the venue itself still refuses what it cannot carry); one that
        filled since its balance was read carries only what it closes until the balance is back."""
        side = req.side if req is not None else Side.BUY
        slippage = req.slippage_bps if req is not None else 5.0
        insts = self.route_instruments()
        fees = self.own_fees()  # the send check's rates (``margin_problems``), so both agree
        levs = self.account_leverages()
        out: dict[str, VenueMargin] = {}
        keys = [(v, v) for v in self.balances] + [(k, vid) for k, (vid, _) in self.companions().items()
                                                  if vid in self.balances]
        for key, venue in keys:
            bals = self.balances[venue]
            book = books.get(key)
            inst = insts.get(key)
            if book is None or inst is None:
                continue
            positions = self.positions.get(venue, [])
            # inverse perpetuals are one-way (Bybit); the mode read is the window symbol's
            hedge = key == venue and self.position_modes.get(venue) is PositionMode.HEDGE
            if self._margin_dirty.get(venue):
                closing = 0.0 if hedge else reducible_base(side, positions, inst.symbol)
                out[key] = VenueMargin(closing, 0.0, None if closing > 0 else
                                       "free margin is being re-read after a fill")
                continue
            got = venue_margin(side, book, inst, bals, positions, leverage=levs.get(key, self.leverage),
                               slippage_bps=slippage, headroom=self.margin_headroom, hedge=hedge,
                               taker_fee=fees.get(key))
            if got is not None:
                out[key] = got
        return out

    def margin_problems(self, plan: Plan, books: Mapping[str, BookSnapshot]) -> list[Problem]:
        """The legs of ``plan`` their venues' free margin no longer carries at the current mark
        (``margin_caps.plan_margin_problems``): the executor's last check before sending."""
        hedged = {v for v, m in self.position_modes.items() if m is PositionMode.HEDGE}
        rereading = {v for v, n in self._margin_dirty.items() if n}
        fees = self.own_fees()
        return plan_margin_problems(plan, books, self.route_instruments(), self.balances, self.positions,
                                    leverage=self.leverage, hedged=hedged, rereading=rereading, fees=fees,
                                    leverages=self.account_leverages())

    def account_leverages(self) -> dict[str, float]:
        """Each routed market's leverage as its account has it set (by market key), where the
        venue said it; the others are counted at ``leverage`` (the window's setting)."""
        return {k: t.leverage for k, t in self.route_terms().items() if t.leverage}

    def own_fees(self) -> dict[str, float]:
        """Each routed market's taker rate where its account says its own (by market key)."""
        return {k: t.fee.taker for k, t in self.route_terms().items() if t.fee.own}

    def send_problems(self, plan: Plan) -> list[Problem]:
        """What the executor's margin check would refuse in ``plan`` if it were sent now (the
        confirmation asks before Send, so the trader sees the re-planned legs instead)."""
        return self.margin_problems(plan, self._router.books_for(plan))

    def margin_caps(self, books: Mapping[str, BookSnapshot], req: PreviewRequest | None = None) -> dict[str, float]:
        """Most base amount each venue may take (closing included); see ``venue_margins``."""
        return {v: m.cap_base for v, m in self.venue_margins(books, req).items()}

    def margin_reasons(self, books: Mapping[str, BookSnapshot], req: PreviewRequest | None = None
                       ) -> dict[str, str]:
        """Venues that cannot open anything now, with why (negative free margin, a fill not yet read)."""
        return {v: m.reason for v, m in self.venue_margins(books, req).items() if m.reason}

    def health_now(self) -> dict[str, VenueHealth]:
        """Each venue's health for the window's symbol, and each companion market's by its key."""
        out = {v: self.store.health(v, self.symbol) for v in self.venues}
        for key in self.companions():
            out[key] = self.companion_health(key)
        return out

    # -- preview and routes --------------------------------------------------------------------
    def preview(self, req: PreviewRequest, books: dict[str, BookSnapshot] | None = None) -> Preview:
        """Plan ``req`` on the current books, or on ``books`` (a snapshot taken earlier, so a series
        of plans compares like with like). A bad amount comes back as ``error``, never raised."""
        return self.plan_job(self.preview_job(req, books))

    def preview_job(self, req: PreviewRequest, books: dict[str, BookSnapshot] | None = None) -> PreviewJob:
        """``preview`` up to the plan: what it reads from the session (instruments, margins,
        health, positions) is read here, so the plan itself can run off this thread."""
        insts = self.route_instruments()
        if books is None:
            books = self.route_books()
        inputs = self.route_inputs(req, books)
        excluded = {market_key(vi.instrument.venue, vi.instrument.symbol, self.symbol): vi.excluded
                    for vi in inputs if vi.excluded}
        # the limit is read apart from the amount: a bad one is said under its field whatever the
        # amount (an empty amount included), and a good one's note (moved onto the tick) too
        limit, limit_error = None, None
        try:
            limit = typed_limit(req, insts)
        except LimitError as exc:
            limit_error = str(exc)
        try:
            preq = to_plan_request(req, insts, books)
        except AmountError as exc:
            return PreviewJob(req, None, excluded=excluded, error=str(exc), limit_error=limit_error, limit=limit)
        except LimitError:
            return PreviewJob(req, None, excluded=excluded, limit_error=limit_error)
        if not inputs:
            return PreviewJob(req, None, excluded=excluded, limit=limit)
        return PreviewJob(req, preq, tuple(inputs), excluded, limit=limit)

    def plan_job(self, job: PreviewJob) -> Preview:
        """Plan a ``preview_job``; safe on another thread: ``plan_route`` reads only its arguments
        and the module caches of ``lot_groups``, which say why two planning threads are safe."""
        return job.run(self._router.plan)

    def route_inputs(self, req: PreviewRequest, books: Mapping[str, BookSnapshot]) -> list[VenueInput]:
        """Router inputs for ``req`` on ``books`` (``route_books``): every venue and companion
        market with its margin cap, exclusion, fee, funding and brackets."""
        margins = self.venue_margins(books, req)
        return venue_inputs(req, self.route_instruments(), books, self.health_now(), self.positions,
                            {v: m.cap_base for v, m in margins.items()},
                            {v: m.reason for v, m in margins.items() if m.reason},
                            terms=self.route_terms(), leverage=self.leverage)

    def route_terms(self) -> dict[str, VenueTerms]:
        """Each routed market's terms: the venues' in the window's symbol and each companion
        (inverse) market's under its key (``core.market_key``)."""
        terms = self.terms.for_symbol(self.symbol)
        for key, (venue_id, symbol) in self.companions().items():
            got = self.terms.for_symbol(symbol).get(venue_id)
            if got is not None:
                terms[key] = got
        return terms

    def submit(self, plan: Plan, reduce_only: bool = False) -> str:
        """Send ``plan``'s legs; returns the route id at once. Progress comes as ``LegUpdate``s."""
        return self._router.submit(plan, reduce_only)

    def cancel_all(self) -> None:
        self.spawn(self._cancel_all(), "cancel-all")

    async def _cancel_all(self) -> None:
        results = await self.executor.cancel_all(None)
        for v, r in results.items():  # per venue: what was cancelled, and what could not be
            self.emit(Notice("info" if r.ok else "error", f"{v}: cancel all: {r}"))
        total = sum(r.cancelled for r in results.values())
        failed = sum(1 for r in results.values() if not r.ok)
        tail = f"; {failed} venue(s) did not confirm every cancel: see their lines" if failed else ""
        self.emit(Notice("info" if not failed else "error", f"cancel all: {total} open order(s) confirmed cancelled "
                                                            f"on {len(results) - failed} venue(s){tail}"))

    # -- accounts ------------------------------------------------------------------------------
    async def _account_loop(self) -> None:
        while True:
            await self.refresh_accounts()
            await asyncio.sleep(self.account_every_s)

    async def _elsewhere_loop(self) -> None:
        while True:
            await self.refresh_elsewhere()
            await asyncio.sleep(positions_elsewhere.EVERY_S)

    async def refresh_elsewhere(self) -> None:
        """Each connected venue's positions in the symbols the window does not show."""
        connected = {v: self.venues[v] for v in self.venues if v in self.instruments}
        await positions_elsewhere.read_elsewhere(connected, self._shown_symbols, self.emit, self._elsewhere_errors)

    def _shown_symbols(self) -> set[str]:
        return {self.symbol, *(sym for _, sym in self.companions().values())}

    def margin_changed(self, venue: str) -> None:
        """A fill (or an order of unknown outcome) on ``venue``: its free margin is out of date
        until it is read again (``reread_margins``)."""
        self._margin_dirty[venue] = self._margin_dirty.get(venue, 0) + 1

    def reread_margins(self) -> None:
        """Read the balances of every venue that filled since its last read (a route just ended)."""
        dirty = sorted(self._margin_dirty)
        if dirty and not self.closed:
            self.spawn(self.refresh_accounts(dirty), "accounts after fill")

    async def refresh_accounts(self, venues: Sequence[str] | None = None) -> None:
        """Read each venue's balances and positions; a venue whose last read was rate limited is
        left alone until its wait is over (its last reading stands, its error says when)."""
        now = time.monotonic()
        ids = [v for v in (venues if venues is not None else self.venues)
               if v in self.instruments and self._account_wait.get(v, (0.0, 0.0))[0] <= now]
        seen = {v: self._margin_dirty.get(v, 0) for v in ids}
        results = await asyncio.gather(*(self._account(self.venues[v]) for v in ids), return_exceptions=True)
        for vid, r in zip(ids, results, strict=True):
            if isinstance(r, BaseException):
                why = _short(r)
                if isinstance(r, RateLimited):
                    last_wait = self._account_wait.get(vid, (0.0, 0.0))[1]
                    wait = min(max(last_wait * 2, self.account_every_s * 2, ACCOUNT_BACKOFF_MIN_S), ACCOUNT_BACKOFF_MAX_S)
                    self._account_wait[vid] = (time.monotonic() + wait, wait)
                    why = f"rate limited, next read in {wait:g} s: {why}"
                if self._account_errors.get(vid) != why:  # once per new failure: the loop reads every few s
                    self._account_errors[vid] = why
                    log.warning("%s: account read failed (balances and positions as last read): %s", vid, why)
                self.emit(AccountUpdate(vid, error=why))
            else:
                self._account_wait.pop(vid, None)
                if self._account_errors.pop(vid, None) is not None:
                    log.info("%s: account read again", vid)
                self.balances[vid], self.positions[vid] = r
                if self._margin_dirty.get(vid, 0) == seen[vid]:  # no fill landed while it was read
                    self._margin_dirty.pop(vid, None)
                self.emit(AccountUpdate(vid, tuple(r[0]), tuple(r[1])))

    async def _account(self, venue: Venue) -> tuple[list[Balance], list[Position]]:
        bal = await venue.fetch_balance()
        others = [sym for vid, sym in self.companions().values() if vid == venue.id]
        pos = await venue.fetch_positions([self.symbol, *others])
        await self._read_position_mode(venue)
        return bal, pos

    async def _read_position_mode(self, venue: Venue) -> None:
        """Keep the venue's mode for the margin caps; a failed read keeps the last one known and
        is said (the venue adapter reads it again before an order, and sends nothing without it)."""
        try:
            mode = await venue.fetch_position_mode(self.symbol)
        except VenueError as exc:
            log.warning("%s: position mode not read: %s", venue.id, exc.message)
            self.emit(Notice("warning", f"{venue.id}: position mode not read ({_short(exc)})"))
            return
        if mode is None:
            self.position_modes.pop(venue.id, None)
        else:
            self.position_modes[venue.id] = mode


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]

