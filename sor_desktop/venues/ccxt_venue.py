"""The live venue: any ccxt.pro exchange with linear or inverse swap markets, behind ``Venue``.

``CcxtVenue("bybit")`` streams public books with no keys. With ``credentials`` (any object with
``api_key``, ``secret`` and ``passphrase``) it trades: IOC limit orders with our client order
id, reduce-only when closing, amounts and prices through ccxt's precision functions, errors
mapped once by ``ccxt_errors``. ``watch_order_book`` never retries: ``engine.feed`` does.

What it changes in ccxt: the websocket keep-alive is lowered (ccxt's defaults are 18 s to
30 min) so a dead peer is noticed in seconds; where ccxt does not check book sequences the
exchange class is wrapped by ``book_sequence``; a gap raises ``BookGap`` after asking the venue
for a fresh snapshot (unsubscribe and subscribe again).

Position mode: ``fetch_position_mode`` asks the venue the way its ``account.py`` says
(``ccxt_account``) and remembers the answer per symbol; the first order on a symbol reads it if
nobody has, so a hedge-mode account gets the position side on every order (a reduce closes the
long or the short it names) and a one-way account ``reduceOnly``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

import ccxt
import ccxt.async_support
import ccxt.pro

from sor_desktop.core.account import Balance, Position, PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument, InstrumentError
from sor_desktop.core.orders import OrderReport, OrderRequest, OrderStatus, OrderType
from sor_desktop.core.venue_terms import VenueTerms
from sor_desktop.logs import register_secret
from sor_desktop.venues import ccxt_convert as convert
from sor_desktop.venues.account_costs import fetch_terms
from sor_desktop.venues.base import CancelAllResult, Capabilities, Mode, Venue
from sor_desktop.venues.binanceusdm import deadman as binanceusdm_deadman
from sor_desktop.venues.bingx import account as bingx_account
from sor_desktop.venues.bingx import deadman as bingx_deadman
from sor_desktop.venues.bybit import deadman as bybit_dcp
from sor_desktop.venues.cancel_confirm import cancel_symbol
from sor_desktop.venues.cancel_scope import open_order_scopes
from sor_desktop.venues.ccxt_account import account_rules
from sor_desktop.venues.ccxt_errors import Phase, map_error
from sor_desktop.venues.ccxt_link import counting_requests, exchange_class
from sor_desktop.venues.ccxt_orders import cancel_by_client_id, find_by_client_id, order_type_and_params
from sor_desktop.venues.errors import (
    AuthFailed,
    BookGap,
    NotSupported,
    OrderRejected,
    RateLimited,
    VenueError,
    VenueUnavailable,
)
from sor_desktop.venues.instruments import instrument_from_market
from sor_desktop.venues.mexc.probe import OrderProbe, ProbeJournal, not_asked
from sor_desktop.venues.mexc.probe import probe_orders as mexc_probe_orders
from sor_desktop.venues.order_fees import with_fee
from sor_desktop.venues.position_scope import position_calls
from sor_desktop.venues.quirks import quirks_for

log = logging.getLogger(__name__)
# ccxt logs every request with its headers (API key) and signed URL at DEBUG: never let a debug
# session of the app write those, whatever handler is attached
logging.getLogger("ccxt").setLevel(logging.INFO)

# venues with a countdown cancel-all of their own (see each module and quirks.py)
DEAD_MAN_SWITCHES: dict[str, Any] = {"binanceusdm": binanceusdm_deadman, "bingx": bingx_deadman}

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_\-]+$")  # the charset every venue of the table accepts
# venues whose orders by API are off for most accounts (quirks ``orders_by_api`` False): an
# order the venue refuses either way tells whether this account may trade (client, market id, tick)
ORDER_PROBES: dict[str, Callable[[Any, Instrument, ProbeJournal], Awaitable[OrderProbe]]] = {
    "mexc": mexc_probe_orders}
# venues whose balance ccxt reads wrongly: their own reading of ccxt's answer (``info``)
BALANCE_READERS: dict[str, Callable[[str, Mapping[str, Any], Sequence[str] | None], list[Balance]]] = {
    "bingx": bingx_account.balances}


class Credentials(Protocol):
    """Read-only, so frozen values (the vault's ``KeyEntry``, ``ApiCredentials``) fit."""

    @property
    def api_key(self) -> str: ...

    @property
    def secret(self) -> str: ...

    @property
    def passphrase(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class ApiCredentials:
    """A minimal ``Credentials``; the vault's ``KeyEntry`` fits the protocol too."""

    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return "ApiCredentials(***)"


@dataclass(frozen=True, slots=True)
class CcxtConfig:
    keepalive_ms: int = 4000  # ping interval; a peer silent for ~2-3 intervals is dead
    max_ping_misses: float = 2.0
    request_timeout_ms: int = 10_000
    book_limit: int | None = None  # depth to subscribe; None: the quirks table, else ccxt's
    book_depth: int | None = 200  # levels kept in each snapshot
    resync_timeout_s: float = 5.0
    api_urls: Mapping[str, Any] | None = None  # merged into ccxt's urls['api'] (loopback tests)
    options: Mapping[str, Any] | None = None  # extra ccxt options
    trading_allowed: bool | None = None  # override the quirks table (a probe's result)


def _order_name(order: Mapping[str, Any]) -> str:
    """An open order as the trader knows it: its client id (MEXC's ``externalOid``, which ccxt
    leaves in ``info``), else the venue's id."""
    info = order.get("info")
    external = info.get("externalOid") if isinstance(info, Mapping) else None
    return str(order.get("clientOrderId") or external or order.get("id"))


def _merge(base: Any, over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base) if isinstance(base, Mapping) else {}
    for k, v in over.items():
        out[k] = _merge(out.get(k), v) if isinstance(v, Mapping) else v
    return out


def swap_venue_ids() -> list[str]:
    """Every ccxt.pro id (the app's config may name any of them; ``connect`` checks for swaps)."""
    return sorted(ccxt.pro.exchanges)


class CcxtVenue(Venue):
    mode = Mode.LIVE

    def __init__(self, venue_id: str, *, credentials: Credentials | None = None,
                 config: CcxtConfig | None = None, read_credentials: Credentials | None = None) -> None:
        """``credentials``: the trade key (orders). ``read_credentials``: a read-only key that
        balances and positions use instead, so a data key that leaks cannot trade, and the trade
        key is used for orders only."""
        if venue_id not in ccxt.pro.exchanges:
            raise ValueError(f"{venue_id!r} is not a ccxt.pro exchange id")
        self.id = venue_id
        self.config = config or CcxtConfig()
        self._quirks = quirks_for(venue_id)
        self._rules = account_rules(venue_id)
        self._position_modes: dict[str, PositionMode] = {}
        self._margins: dict[str, Any] = {}  # symbol -> the account's margin setting (AccountRules.read_margin)
        self._own_taker: dict[str, Decimal] = {}  # symbol -> the account's taker rate, once read (fetch_terms)
        self._has_keys = credentials is not None
        options = _merge(self._quirks.ccxt_options, self.config.options or {})
        settings: dict[str, Any] = {
            "enableRateLimit": True,
            "timeout": self.config.request_timeout_ms,
            "options": options,
        }
        if credentials is not None:
            for secret in (credentials.api_key, credentials.secret, credentials.passphrase):
                register_secret(secret)
            settings.update(apiKey=credentials.api_key, secret=credentials.secret)
            if credentials.passphrase:
                settings["password"] = credentials.passphrase
        cls = exchange_class(getattr(ccxt.pro, venue_id), self._quirks.sequence_check, venue_id)
        self._ex: Any = cls(settings)
        self._reader: Any = None  # a REST client on the read-only key, when there is one
        self._retired: list[Any] = []  # read-only clients dropped this session, closed with the venue
        self._trade_keyed = credentials is not None
        if read_credentials is not None and (credentials is None or read_credentials.api_key != credentials.api_key):
            for secret in (read_credentials.api_key, read_credentials.secret, read_credentials.passphrase):
                register_secret(secret)
            read_settings = {**settings, "apiKey": read_credentials.api_key, "secret": read_credentials.secret}
            read_settings.pop("password", None)
            if read_credentials.passphrase:
                read_settings["password"] = read_credentials.passphrase
            self._reader = getattr(ccxt.async_support, venue_id)(read_settings)
            self._has_keys = True
        self._ex.streaming = _merge(self._ex.streaming, {
            "keepAlive": self.config.keepalive_ms, "maxPingPongMisses": self.config.max_ping_misses})
        # swaps settle in a few coins ccxt derives from the markets; the currency list is a
        # private call on most venues (an extra request, and a futures-only key may lack it)
        self._ex.has = {**self._ex.has, "fetchCurrencies": False}
        if self.config.api_urls:
            self._ex.urls["api"] = _merge(self._ex.urls["api"], self.config.api_urls)
        self._instruments: dict[str, Instrument] = {}
        self._connect_lock = asyncio.Lock()
        self._closed = False
        self._last_call_end: float | None = None
        self._traded: set[str] = set()  # symbols we sent orders on: Binance's countdown is per symbol
        self._dead_man_armed = False
        # where a probe order is journaled (set by the executor that trades this venue): none, no probe
        self.probe_journal: ProbeJournal | None = None
        self._dcp_task: asyncio.Task[None] | None = None  # Bybit: the private "dcp" link, once verified
        self._dcp_unavailable: str | None = None  # Bybit: why DCP is not armed this session
        allowed = self._quirks.orders_by_api if self.config.trading_allowed is None else self.config.trading_allowed
        reason = None if allowed else self._quirks.view_only_reason
        if credentials is None:
            allowed = False
            reason = ("a read-only key only: account data, no orders" if self._reader is not None
                      else "no API keys for this venue: books only")
        self.capabilities = Capabilities(
            ioc=True,
            reduce_only=True,
            trading_allowed=allowed,
            view_only_reason=reason,
            client_id_field=self._quirks.client_id_param,
            client_id_max_len=self._quirks.client_id_max_len,
            server_dead_man_switch=self._quirks.server_dead_man_switch,
        )

    # -- markets -------------------------------------------------------------------------------
    async def connect(self) -> None:
        async with self._connect_lock:
            if self._instruments:
                return
            try:
                markets = await self._ex.load_markets()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                raise map_error(exc, self.id, Phase.READ) from exc
            self._instruments = self._build_instruments(markets)
            if not self._instruments:
                raise VenueError(self.id, "no linear or inverse swap markets")
            await self._probe_orders()

    async def _probe_orders(self) -> None:
        """Where orders by API are off for most accounts and no setting says otherwise, one
        order the venue must refuse either way decides for this account (``ORDER_PROBES``); the
        venue stays view-only unless the answer says yes, and the reason says what was seen."""
        probe = ORDER_PROBES.get(self.id)
        if probe is None or not self._has_keys or self.config.trading_allowed is not None or self._quirks.orders_by_api:
            return
        instrument = self._instruments.get("BTC/USDT:USDT") or self._instruments[min(self._instruments)]
        if self.probe_journal is None:
            result = not_asked("no journal to record the probe order in")
        else:
            result = await probe(self._ex, instrument, self.probe_journal)
        if result.allowed:
            self.mark_trading_allowed()
            self.capabilities = replace(self.capabilities, trading_note=result.reason)
        else:
            self.capabilities = replace(self.capabilities, view_only_reason=result.reason)
        log.info("%s: orders by API %s: %s", self.id, "on" if result.allowed else "off", result.reason)

    def use_markets(self, markets: Mapping[str, Mapping[str, Any]]) -> None:
        """Take ccxt market dicts (e.g. recorded ones) instead of loading them from the venue."""
        self._ex.set_markets(dict(markets))
        self._instruments = self._build_instruments(self._ex.markets)

    def _build_instruments(self, markets: Mapping[str, Mapping[str, Any]]) -> dict[str, Instrument]:
        out: dict[str, Instrument] = {}
        skipped = 0
        for symbol, market in markets.items():
            if not market.get("swap") or market.get("active") is False:
                continue
            try:
                out[symbol] = instrument_from_market(market, self.id)
            except InstrumentError as exc:
                skipped += 1
                log.debug("%s: %s skipped: %s", self.id, symbol, exc)
        if skipped:
            log.info("%s: %d swap markets skipped as unusable", self.id, skipped)
        return out

    def instruments(self) -> Mapping[str, Instrument]:
        return self._instruments

    def _instrument(self, symbol: str) -> Instrument:
        try:
            return self._instruments[symbol]
        except KeyError:
            raise OrderRejected(self.id, f"no swap market {symbol!r}") from None

    def round_trip(self) -> float | None:
        """Seconds of the last ping-pong or REST round trip (see ``ccxt_link``), or None."""
        rtt: float | None = self._ex.sor_link.rtt
        return rtt

    # -- books ---------------------------------------------------------------------------------
    @property
    def _book_limit(self) -> int | None:
        return self.config.book_limit or self._quirks.book_limit

    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        if not self._instruments:
            await self.connect()
        gapped: set[str] | None = getattr(self._ex, "sor_gapped", None)
        if gapped is not None and symbol in gapped:
            gapped.discard(symbol)
            await self._resync(symbol)
            raise BookGap(self.id, f"{symbol}: book sequence broke; resubscribed for a fresh snapshot")
        try:
            book = await self._ex.watch_order_book(symbol, self._book_limit)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            err = map_error(exc, self.id, Phase.BOOK)
            if isinstance(err, BookGap):
                if gapped is not None:
                    gapped.discard(symbol)
                await self._resync(symbol)
            raise err from exc
        return convert.book_snapshot(self.id, symbol, book, time.monotonic(), self.config.book_depth)

    async def _resync(self, symbol: str) -> None:
        """Make the next watch start from a fresh snapshot.

        Binance: ccxt already dropped the book and the subscription. MEXC: the check already
        dropped the book and the next frame starts a new one (``book_sequence``). Bybit/WEEX:
        unsubscribe, so the next watch subscribes again and the venue sends a snapshot; if the
        venue does not acknowledge in time, close the websocket (a reconnect subscribes afresh)."""
        if getattr(self._ex, "sor_resync_in_place", False):
            return  # the book the next frame started is already the fresh one: keep it
        self._ex.orderbooks.pop(symbol, None)
        if self._quirks.ccxt_checks_sequence:
            return
        try:
            params = {"limit": self._book_limit} if self._book_limit else {}
            async with asyncio.timeout(self.config.resync_timeout_s):
                await self._ex.un_watch_order_book(symbol, params)
        except (TimeoutError, ccxt.BaseError, OSError) as exc:
            log.warning("%s: %s unsubscribe for a fresh book failed (%s); reconnecting",
                        self.id, symbol, type(exc).__name__)
            await self._ex.close_ws_clients()

    async def restart_book(self, symbol: str) -> None:
        """A book silent while the link answers pings (a subscription the venue dropped):
        close the websockets so the next watch reconnects and subscribes afresh."""
        self._ex.orderbooks.pop(symbol, None)
        try:
            await self._ex.close_ws_clients()
        except (TimeoutError, ccxt.BaseError, OSError) as exc:
            log.warning("%s: closing websockets: %s", self.id, type(exc).__name__)

    async def fetch_order_book(self, symbol: str, limit: int | None = None) -> BookSnapshot:
        """One REST snapshot (not used by the feed; for tools and tests)."""
        try:
            book = await self._ex.fetch_order_book(symbol, limit)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            raise map_error(exc, self.id, Phase.READ) from exc
        return convert.book_snapshot(self.id, symbol, book, time.monotonic(), self.config.book_depth)

    # -- account -------------------------------------------------------------------------------
    def _need_keys(self) -> None:
        if not self._has_keys:
            raise AuthFailed(self.id, "no API keys for this venue")

    async def _call(self, phase: Phase, method: str, *args: Any) -> Any:
        return await self._guarded(phase, getattr(self._ex, method)(*args))

    async def _guarded(self, phase: Phase, request: Awaitable[Any]) -> Any:
        """Await one ccxt request: throttle credit first, every failure mapped once."""
        self._credit_idle_time()
        with counting_requests() as sent:
            try:
                return await request
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                raise map_error(exc, self.id, phase, sent=sent[0] > 0) from exc
            finally:
                self._last_call_end = time.monotonic()

    def _credit_idle_time(self) -> None:
        """ccxt's leaky bucket refills only while requests are queued, so a lone order after a
        quiet spell still waits out the tokens the previous request spent (~200 ms on Binance).
        Credit the idle time as a real leaky bucket would; the venue's limits stay respected."""
        throttler = getattr(self._ex, "throttler", None)
        if throttler is None or throttler.running or self._last_call_end is None:
            return
        cfg = throttler.config
        idle_ms = (time.monotonic() - self._last_call_end) * 1000.0
        cfg["tokens"] = min(cfg["tokens"] + idle_ms * cfg["refillRate"], cfg["capacity"])

    def drop_read_key(self) -> None:
        """Stop reading through the read-only key (its live check found it can withdraw): account
        reads go through the trade key, or fail as keyless where there is none."""
        if self._reader is None:
            return
        self._retired.append(self._reader)
        self._reader = None
        self._has_keys = self._trade_keyed
        log.warning("%s: the read-only key is not used this session", self.id)

    def _account_client(self) -> Any:
        """The client account reads go through: the read-only key's when there is one."""
        if self._reader is None:
            return self._ex
        if not self._reader.markets and self._ex.markets:
            self._reader.set_markets(self._ex.markets)
        return self._reader

    async def _read(self, method: str, *args: Any) -> Any:
        """An account read, on the read-only key's client when there is one."""
        return await self._guarded(Phase.READ, getattr(self._account_client(), method)(*args))

    async def fetch_terms(self, symbol: str) -> VenueTerms:
        """The account's fee rates, funding and brackets for ``symbol`` (``account_costs``)."""
        terms = await fetch_terms(self._account_client(), self.id, self._instrument(symbol), has_keys=self._has_keys,
                                  guard=lambda request: self._guarded(Phase.READ, request))
        if terms.fee.own:  # what a fill the venue gives no fee for is estimated at
            self._own_taker[symbol] = Decimal(repr(terms.fee.taker))
        return terms

    async def _with_fee(self, report: OrderReport, order: Mapping[str, Any], symbol: str) -> OrderReport:
        instrument = self._instruments.get(symbol)
        if instrument is None:  # not a market of ours (a replayed spot order): left flagged, not estimated
            return report
        rate = self._own_taker.get(symbol, instrument.taker_fee)
        return await with_fee(report, order, self._ex, self.id, instrument, rate,
                              lambda request: self._guarded(Phase.READ, request))

    async def fetch_balance(self) -> list[Balance]:
        self._need_keys()
        # a swap venue's margin lives in its derivatives account
        raw = await self._read("fetch_balance", {"type": "swap"})
        settles = {i.settle for i in self._instruments.values()} or None
        read = BALANCE_READERS.get(self.id, convert.balances)
        return read(self.id, raw, sorted(settles) if settles else None)

    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        """Positions in ``symbols``, or in every swap market loaded (None): one ccxt call per
        group the venue needs told apart (``position_scope``: Bybit per settle coin and category,
        one call per symbol when several are asked)."""
        self._need_keys()
        raw: list[Any] = []
        for syms, params in position_calls(self.id, symbols, self._instruments.values()):
            raw += await self._read("fetch_positions", syms, params) or []
        out = []
        for p in raw:
            pos = convert.position(self.id, p, self._instruments.get(str(p.get("symbol"))))
            if pos is not None:
                out.append(pos)
        return out

    async def fetch_position_mode(self, symbol: str) -> PositionMode | None:
        """One-way or hedge for ``symbol``, as the venue says (None: the venue does not say, or
        no keys). Remembered for the orders that state it (Binance/BingX ``positionSide``, Bybit
        ``positionIdx``, MEXC ``positionMode``); a refused order forgets it, so an account
        switched behind our back is read again before the next order."""
        reader = self._rules.read_position_mode
        if reader is None or not self._has_keys:
            return None
        if not self._instruments:
            await self.connect()
        mode: PositionMode | None = await self._guarded(Phase.READ, reader(self._ex, symbol))
        if mode is None:
            self._position_modes.pop(symbol, None)
        else:
            self._position_modes[symbol] = mode
        self.capabilities = replace(self.capabilities, hedge_mode=mode is PositionMode.HEDGE)
        log.info("%s: %s position mode %s", self.id, symbol, mode or "not reported")
        return mode

    async def _order_margin(self, symbol: str) -> Any:
        """The account's margin setting an order states (MEXC's open type and leverage):
        remembered, else read now; a failed read means the order is not sent (certainly not a
        placement), as for the position mode."""
        reader = self._rules.read_margin
        if reader is None or not self._has_keys:
            return None
        if symbol not in self._margins:
            try:
                self._margins[symbol] = await self._guarded(Phase.READ, reader(self._ex, symbol))
            except VenueError as exc:
                raise VenueUnavailable(self.id, f"could not read the account's margin type ({exc.message}); "
                                                "the order was not sent") from exc
            log.info("%s: %s margin %s", self.id, symbol, self._margins[symbol])
        return self._margins[symbol]

    async def _order_position_mode(self, symbol: str) -> PositionMode | None:
        """The mode an order is built for: remembered, else read now. A failed read means the
        order is not sent (what a one-way order would do on a hedge account is not what the
        trader confirmed), said as an error that is certainly not a placement."""
        if symbol in self._position_modes or self._rules.read_position_mode is None:
            return self._position_modes.get(symbol)
        try:
            return await self.fetch_position_mode(symbol)
        except (OrderRejected, AuthFailed, NotSupported, RateLimited, VenueUnavailable):
            raise
        except VenueError as exc:
            raise VenueUnavailable(self.id, f"could not read the account's position mode ({exc.message}); "
                                            "the order was not sent") from exc

    # -- orders --------------------------------------------------------------------------------
    def mark_trading_allowed(self) -> None:
        """A permission probe showed this account may place orders by API."""
        if self._has_keys:
            self.capabilities = replace(self.capabilities, trading_allowed=True, view_only_reason=None)

    def _check_client_id(self, client_id: str) -> None:
        limit = self._quirks.client_id_max_len
        if not client_id or len(client_id) > limit or not _CLIENT_ID.match(client_id):
            raise OrderRejected(self.id, f"client order id must be 1-{limit} letters, digits, '-' or '_'")
        if self._quirks.client_id_lowercase and client_id != client_id.lower():
            # the venue would store it lower-cased and report an id that is not ours
            raise OrderRejected(self.id, "client order id must be lower-case on this venue")

    def _on_precision(self, what: str, symbol: str, value: Decimal) -> str:
        fn = self._ex.amount_to_precision if what == "amount" else self._ex.price_to_precision
        try:
            text: str = fn(symbol, str(value))
        except ccxt.BaseError as exc:  # ccxt's own check: no request exists yet, nothing was placed
            raise map_error(exc, self.id, Phase.SUBMIT, sent=False) from exc
        if Decimal(text) != value:
            raise OrderRejected(self.id, f"{what} {value} is not on the venue's precision (nearest {text})")
        return text

    async def submit_order(self, request: OrderRequest) -> OrderReport:
        if not self.capabilities.trading_allowed:
            raise NotSupported(self.id, self.capabilities.view_only_reason or "trading is off for this venue")
        instrument = self._instrument(request.symbol)
        if not instrument.linear and not self._quirks.inverse_orders:
            # BingX's coin-M orders go to cswap while their lookup by client id asks the USDⓈ-M
            # endpoint: an order that could not be found again is not sent
            raise OrderRejected(self.id, f"inverse (coin-margined) orders on {self.id} are not supported: "
                                         "their lookup by client id is not proven")
        self._check_client_id(request.client_order_id)
        amount = self._on_precision("amount", request.symbol, request.contracts)
        price: str | None = None
        if request.order_type is OrderType.LIMIT:
            if request.limit_price is None:
                raise OrderRejected(self.id, "a limit order needs a limit price")
            price = self._on_precision("price", request.symbol, request.limit_price)
        problem = instrument.amount_problem(request.contracts, request.limit_price or Decimal(0),
                                            reduce_only=request.reduce_only) \
            if request.limit_price else None
        if problem:
            raise OrderRejected(self.id, problem)
        mode = await self._order_position_mode(request.symbol)
        order_type, params = order_type_and_params(self.id, request, mode)
        params.update(self._rules.position_params(mode, request))
        params.update(self._rules.margin_params(await self._order_margin(request.symbol), request))
        self._traded.add(request.symbol)
        try:
            order = await self._call(
                Phase.SUBMIT, "create_order", request.symbol, order_type, request.side.value,
                float(amount), float(price) if price is not None else None, params)
        except VenueError:
            # the failure may be the venue's "position side does not match" after the trader
            # switched the mode on the venue (a refusal, or an unknown outcome where the venue's
            # code is not on its not-placed list, e.g. MEXC 7002): read it again before the next order
            self._position_modes.pop(request.symbol, None)
            self._margins.pop(request.symbol, None)  # and the margin type, read again likewise
            raise
        return await self._with_fee(convert.order_report(self.id, order, request), order, request.symbol)

    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None:
        self._need_keys()
        raw = await self._guarded(Phase.READ, find_by_client_id(self._ex, self.id, client_order_id, symbol))
        if raw is None:
            return None
        return await self._with_fee(convert.order_report(self.id, raw, symbol=symbol), raw, symbol)

    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport:
        self._need_keys()
        raw = await self._guarded(Phase.READ, cancel_by_client_id(self._ex, self.id, client_order_id, symbol))
        report = await self.fetch_order(client_order_id, symbol)
        if report is not None:
            return report
        # the venue took the cancel but does not list the order yet: its answer (Bybit's and
        # MEXC's carry only ids) says nothing of what filled before, so it is not a final report
        parsed = convert.order_report(self.id, raw, symbol=symbol)
        return replace(parsed, status=OrderStatus.UNKNOWN,
                       reason="cancel accepted; what filled is known once the venue lists the order")

    async def cancel_all(self, symbol: str | None = None) -> int:
        report = await self.cancel_all_report(symbol)
        if report.errors and not report.cancelled:
            raise VenueError(self.id, "; ".join(report.errors))
        if report.errors:
            log.warning("%s: cancel-all partly failed: %s", self.id, report)
        return report.cancelled

    async def cancel_all_report(self, symbol: str | None = None) -> CancelAllResult:
        """Cancel our open orders on ``symbol``, or on every swap market of the venue (never
        spot: see ``cancel_scope``). A symbol that fails is reported, the others still go. The
        count is of the orders the venue confirmed cancelled (``cancel_confirm``); each listed
        order it did not confirm is an error naming it."""
        self._need_keys()
        if symbol is not None:
            self._instrument(symbol)  # a spot or unknown symbol is refused, never sent
            found = await self._call(Phase.READ, "fetch_open_orders", symbol)
        else:
            found = []
            for params in open_order_scopes(self.id, self._instruments.values()):
                found += await self._call(Phase.READ, "fetch_open_orders", None, None, None, params) or []
        listed: dict[str, list[Mapping[str, Any]]] = {}
        errors: list[str] = []
        for order in found or []:
            sym = str(order.get("symbol"))
            if sym in self._instruments:
                listed.setdefault(sym, []).append(order)
            else:  # listed by a futures endpoint but not a swap market we know: leave it, say so
                errors.append(f"{sym}: not a swap market here, left alone")
        cancelled = 0
        done: list[str] = []
        for sym in sorted(listed):
            try:
                confirmed, refused = await self._cancel_symbol(sym, listed[sym])
            except VenueError as exc:
                errors.append(f"{sym}: {exc.message}")
                continue
            cancelled += len(confirmed)
            if confirmed:
                done.append(sym)
            left = [o for o in listed[sym] if str(o.get("id")) not in confirmed]
            if left:
                names = ", ".join(_order_name(o) + (f" ({refused[str(o.get('id'))]})" if str(o.get("id")) in refused
                                                    else "") for o in left)
                errors.append(f"{sym}: {len(left)} of {len(listed[sym])} not confirmed cancelled by the venue, "
                              f"may still be open: {names}")
        return CancelAllResult(self.id, cancelled, tuple(done), tuple(errors))

    async def _cancel_symbol(self, symbol: str, listed: list[Mapping[str, Any]]) -> tuple[set[str], Mapping[str, str]]:
        """Cancel-all on ``symbol``: the venue order ids it confirmed cancelled, and the venue's
        words for those it refused (``cancel_confirm``: a venue whose answer names no order has
        the symbol's open orders listed again; one of ``listed`` still open is not confirmed)."""
        answer = await self._guarded(Phase.READ, cancel_symbol(self._ex, self.id, symbol))
        if answer.confirmed is not None:
            return set(answer.confirmed), answer.refused
        still = {str(o.get("id")) for o in await self._call(Phase.READ, "fetch_open_orders", symbol) or []}
        return {str(o.get("id")) for o in listed if str(o.get("id")) not in still}, {}

    async def refresh_dead_man(self, seconds: float) -> str | None:
        """(Re)arm the venue's countdown cancel-all (Binance USDⓈ-M per symbol traded in this
        session; BingX for every perpetual); ``seconds`` 0 disarms. None: nothing to arm here."""
        if self.id == "bybit":
            return await self._bybit_dcp(seconds)
        switch = DEAD_MAN_SWITCHES.get(self.id)
        if switch is None or not self._has_keys or not self.capabilities.trading_allowed:
            return None
        symbols = sorted(self._traded)
        if self.id == "binanceusdm" and not symbols:
            return None
        ids = [self._ex.market(s)["id"] for s in symbols]
        await self._guarded(Phase.READ, switch.arm(self._ex, ids, seconds))
        self._dead_man_armed = seconds > 0
        scope = ", ".join(symbols) if self.id == "binanceusdm" else "all perpetuals"
        state = f"armed for {seconds:g} s" if seconds > 0 else "off"
        return f"countdown cancel-all {state} ({scope})"

    async def _bybit_dcp(self, seconds: float) -> str | None:
        """Arm Bybit's DCP once where the account has it (see ``bybit/deadman.py``); None when it
        does not (asked once per session) or ``seconds`` is 0 (it cannot be switched off by API)."""
        if not self._has_keys or not self.capabilities.trading_allowed or seconds <= 0:
            return None
        if self._dcp_unavailable is not None:
            return None
        window = bybit_dcp.window(seconds)
        if self._dcp_task is None or self._dcp_task.done():
            try:
                await self._guarded(Phase.READ, bybit_dcp.set_window(self._ex, window))
                on, armed_window = await self._guarded(Phase.READ, bybit_dcp.status(self._ex))
            except VenueError as exc:
                self._dcp_unavailable = exc.message
                log.info("bybit: DCP not available for this account (%s): the watchdog covers it", exc.message)
                return None
            if not on:
                self._dcp_unavailable = "dcpStatus is OFF"
                log.info("bybit: DCP is off for this account: the watchdog covers it")
                return None
            window = armed_window or window
            self._dcp_task = asyncio.create_task(self._hold_dcp(), name="bybit-dcp")
        return f"DCP on: derivatives orders cancelled {window} s after the private link drops"

    async def _hold_dcp(self) -> None:
        delay = 0.5
        while not self._closed:
            started = time.monotonic()
            try:
                await bybit_dcp.hold_subscription(self._ex)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 -- the link dropped: DCP counts down, reconnect now
                log.warning("bybit: DCP private link lost (%s); reconnecting", type(exc).__name__)
            # a link that held a while is reconnected at once; one failing at once backs off
            delay = 0.5 if time.monotonic() - started > 10 else min(delay * 2, 10.0)
            await asyncio.sleep(delay)

    async def close(self) -> None:
        if self._closed:
            return
        if self._dcp_task is not None:
            self._dcp_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dcp_task
        if self._dead_man_armed:  # a deliberate close: do not let the venue cancel the trader's orders later
            try:
                await self.refresh_dead_man(0)
            except VenueError as exc:
                log.warning("%s: could not switch off the countdown cancel-all: %s", self.id, exc.message)
        self._closed = True
        for reader in [*self._retired, *([self._reader] if self._reader is not None else [])]:
            try:
                await reader.close()
            except (TimeoutError, ccxt.BaseError, OSError) as exc:
                log.warning("%s: close of the read-only client: %s", self.id, type(exc).__name__)
        try:
            await self._ex.close()
        except (TimeoutError, ccxt.BaseError, OSError) as exc:  # a half-dead socket must not stop shutdown
            log.warning("%s: close: %s", self.id, type(exc).__name__)

