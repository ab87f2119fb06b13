"""Per-venue facts ccxt's market dicts do not tell, kept in one table.

Every entry was checked against the installed ccxt 4.5.90 source
(``ccxt/{binance,bybit,bingx,weex,mexc}.py`` and ``ccxt/pro/*.py``):

=============  ======================  ====================================================
venue          client id on the wire   where ccxt sets it from our unified ``clientOrderId``
=============  ======================  ====================================================
binanceusdm    ``newClientOrderId``    binance.create_order_request (``safe_string_n`` of
                                       newClientOrderId/clientOrderId); max 36 chars
bybit          ``orderLinkId``         bybit.create_order_request; max 36 chars
bingx          ``clientOrderID``       bingx.create_order_request (swap); 1-40 chars; BingX
                                       lower-cases it ("Place order", docs-v3), so only
                                       lower-case ids are sent (``client_id_lowercase``)
weex           ``newClientOrderId``    weex.create_contract_order_request; max 36 chars: WEEX's
                                       V3 place-order reference gives the pattern
                                       ``^[.A-Z:/a-z0-9_-]{1,36}$`` (ccxt's -1180 text says 40)
mexc           ``externalOid``         mexc.create_swap_order; max 32 chars (MEXC contract API
                                       error 2030 "External order ID is too long (Max. 32
                                       bits)")
=============  ======================  ====================================================

Book sequence, as ccxt 4.5.90 handles it (``ccxt/pro``):

- binanceusdm: ccxt checks ``pu`` == previous ``u`` and rejects the watch with ChecksumError,
  dropping the cached book and the subscription, so the next watch refetches a snapshot.
- bybit: ccxt applies deltas blindly (no ``u``/``seq`` check): we check ``u`` += 1.
- weex: ccxt stores ``u`` as the nonce but never compares it. A WEEX frame starts at the last
  frame's ``u`` (``U`` == previous ``u``, the first delta's ``U`` == the snapshot's ``u``; JKorf/Weex.Net's
  books check that against the live venue): we check ``U`` == last ``u`` (the first delta on a
  snapshot may start before it) and fetch the REST book when a subscribe brings no snapshot
  (``venues/weex/books.py``; loopback-proven).
- bingx: every ``depth`` frame is a full snapshot (``orderbook.reset``) with no update id: nothing
  to chain, a lost frame is replaced by the next (tests/venues/test_bingx_books.py, loopback).
- mexc: ccxt only skips deltas older than the book; gaps are not detected. MEXC's contract docs
  ("How is incremental depth information maintained") require each ``push.depth`` version to be
  the previous + 1; merged frames (default since 2025-04-09) carry ``begin``..``end``. We check
  ``begin`` (or ``version``) == previous ``version`` + 1 (``mexc.books``); a gap rebuilds the book
  from the next frame and a fresh REST snapshot, on the same subscription.

Heartbeats and accounts, per venue (the venue's module says more):

- bingx (``venues/bingx``): the server pings with the text ``Ping`` every 5 s and wants ``Pong``;
  ccxt answers but trusts only pong frames, which BingX does not document: ``heartbeat`` makes the
  ``Ping`` the sign of life (``ccxt_link.PROTOCOL_CLASSES``; test_bingx_heartbeat.py and
  benchmarks/bench_bingx_heartbeat.py on the loopback server). Position mode is one setting per
  account (``positionSide/dual``); hedge mode needs positionSide LONG/SHORT and refuses
  reduceOnly (``account``). ccxt's v3 swap balance total leaves out open orders' frozen margin
  (``account.balances``). Cancel-all: the swap ``allOpenOrders`` without a symbol cancels every
  swap order (docs); ccxt's ``cancel_all_orders(None)`` goes to spot (defaultType; see
  ``cancel_scope`` below). Client ids are lower-cased by BingX ("Place order"): only lower-case
  ones are sent. The loopback server also answers ``trade/cancelAllAfter`` (dead-man switch below).
- mexc (``venues/mexc/account.py``): ccxt sends every order as cross (``openType`` 2) unless told;
  each order carries the account's own open type from ``position/leverage`` and, on isolated, the
  leverage of the position it opens or closes (read once per symbol, again after a refused
  order; a failed read sends nothing). Loopback-proven; whether the live venue refuses a cross
  order on an isolated symbol is not known.

The fee a filled order paid (``order_fees``; test_ccxt_loopback_fees.py on every loopback venue,
the answer shapes from venue-data's recorded responses; none checked against the live venues):

- binanceusdm: the order answers carry no commission; the order's trades do
  (``GET /fapi/v1/userTrades`` with ``orderId``, ``commission``: ``binanceusdm/fees.py``). A fee in
  BNB (the BNB discount) is not in the settle coin: estimated.
- bybit: the order's ``cumExecFee`` in the settle coin (ccxt reads only ``cumFeeDetail``:
  ``bybit/fees.py``).
- bingx: the order's ``commission`` (negative when paid; ccxt takes its absolute value, so a
  rebate would read as a charge; IOC legs take liquidity). ``""`` on a fill: not given.
- mexc: the order's ``takerFee`` + ``makerFee`` with ``feeCurrency`` (ccxt). Without
  ``feeCurrency``: not given.
- weex: the order answers carry no fee; its trades do (``GET /capi/v3/userTrades``,
  ``commission``: ``weex/fees.py``).

Where none of that gives it (trades not listed yet, a field left empty, a read that failed), the
fee is estimated at the account's taker rate (read by ``fetch_terms``, else the market's) and
flagged ``OrderReport.fee_estimated``: shown as an estimate, never as a paid 0.

Errors during a send (``<venue>/errors.py``, each code with its source): only the listed codes
mean "certainly not placed"; every other error is an unknown outcome resolved by client id.

- binanceusdm: not-placed codes from Binance's USDⓈ-M error list and ccxt's table; -1000/-1001/
  -1006/-1007/-1008 and -4116 (duplicate client id) are unknown. Lookup not-found: -2013.
- bybit: retCode list from Bybit v5 docs and ccxt; 10000, 10016, 10014 and 110072 (duplicate
  orderLinkId) are unknown. Lookup: realtime (open orders), realtime with ``openOnly=1`` (the
  recent 500 closed; 2 too for inverse on older accounts), then the history, which Bybit says may
  lag (empty everywhere: no such order; an acknowledged order is then asked again, never closed
  as unfilled: ``engine/reconcile``).
- bingx: from ccxt's table; 80001/80012 (ccxt: BadRequest/InsufficientFunds, BingX docs: service
  errors) and the "system busy" codes are unknown. Lookup not-found: 80016, 109421.
- weex: from ccxt's table (WEEX's own names in its comments); -1054 SYSTEM_ERROR is unknown.
  Lookup by client id: ccxt documents ``clientOrderId`` on WEEX's single-order query for spot
  only (weex.fetch_order: "*spot only*", and an order id is required for swaps), and Weex.Net's
  futures GetOrder takes only ``orderId``; WEEX's own contract page
  (https://www.weex.com/api-doc/contract/Transaction_API/GetSingleOrderInfo) could not be read
  from here. So the lookup does not rely on it: it finds our ``clientOrderId`` among the symbol's
  open orders, then its order history. (-3200 CONTRACT_ORDER_NOT_EXIST, ccxt InvalidOrder, is
  "no such order" if it ever comes.) A fill's average where ``avgPrice`` is 0 is
  ``cumQuote / executedQty`` (``ccxt_convert._average``): ccxt's own divides by the advertised
  0.0001 contract, and the app counts WEEX's contracts in coins.
- mexc: from MEXC's contract error list and ccxt; 500/501/513/603/9999 are unknown. Lookup
  not-found: 2040 (seen in a public client's tests, not confirmed in MEXC's docs here) or empty data.

Edges of a route, the same tests for every venue against its loopback server (verified there,
not on the live venues; ``tests/venues/test_ccxt_loopback_edges.py``,
``tests/engine/test_executor_partial_loopback.py``, ``tests/engine/test_session_rate_limit_loopback.py``):

- an IOC filled in part and expired: Binance, BingX and WEEX answer the fill in the placement
  (CANCELED, filled X of Y, its average); Bybit and MEXC answer ids only (ACKNOWLEDGED) and the
  lookup by client id gives it. The executor books CANCELED with failure "partly filled", the
  journal keeps X and the average, the blotter writes X with the digits it needs.
- the rate limiter on a send: binanceusdm -1003 at HTTP 429, bybit 10006, mexc 510 are on their
  "not placed" tables (``RateLimited``); bingx 100410 (ccxt: "system is busy") and weex's bare
  HTTP 429 (WEEX docs: no code of its own) are unknown, resolved by client id, never resent. A
  read so answered is ``RateLimited`` on every venue (bingx 100410/100500 through its table's
  ``slow_down``: ccxt's OperationFailed was said as such), and the session's account reads of that
  venue wait (5 s doubling to 60 s) and say "rate limited, next read in N s".
- client order id limits (``client_id_max_len`` above): one past it is refused before sending; the
  loopback servers refuse it as the venue does (binanceusdm -1100 with the documented pattern,
  bybit 10001, bingx 80014, weex -1180, mexc 2030; bybit's and bingx's codes are their generic
  parameter errors, not a documented id-length code). ``client_ids`` makes at most 36 (32 on
  MEXC) of ``[0-9a-z]``, which every venue takes, for any leg index.

Cancel-all without a symbol: the futures markets only (``cancel_scope``): ccxt defaults BingX,
WEEX and MEXC to spot there.

Positions without a symbol (every symbol's, for the Positions panel; ``position_scope``, sources
there): bybit's ``/v5/position/list`` needs ``symbol`` or ``settleCoin`` for linear (10001) and
ccxt's ``fetch_positions(None)`` sends ``settleCoin=USDT`` only, so USDC and inverse positions went
unread: one call per linear settle coin loaded plus one ``category=inverse`` call (all inverse
positions, as Bybit documents). ccxt's bybit also refuses more than one symbol per call: the
account loop's [symbol, inverse companion] is read one symbol at a time. binanceusdm
(``/fapi/v3/positionRisk``), bingx (``swap/v2/user/positions``), mexc (``position/open_positions``)
and weex (``position/allPosition``) list every position without a symbol; Binance and BingX pick
the endpoint by ``subType``, so one call per kind (linear/inverse) loaded. Loopback-proven
(test_ccxt_loopback_positions_all.py); not verified: Bybit's paging beyond 200 positions per call
(ccxt asks ``limit=200`` and does not follow ``nextPageCursor`` unless told).

Dead-man switches (the venue cancels our orders if we vanish), verified:

- binanceusdm: ``POST /fapi/v1/countdownCancelAll`` per symbol (Binance USDⓈ-M "Auto-Cancel All
  Open Orders"; ccxt fapiPrivate POST countdownCancelAll). Armed by the watchdog for the symbols
  traded in the session, refreshed while the app runs (``binanceusdm/deadman.py``).
- bingx: swap ``POST /openApi/swap/v2/trade/cancelAllAfter`` (10-120 s, USDⓈ-M perpetuals; ccxt
  bingx.cancel_all_orders_after). Armed and refreshed the same way (``bingx/deadman.py``).
- bybit: Disconnect Cancel All (DCP, ``POST /v5/order/disconnected-cancel-all``, product
  DERIVATIVES, 3-300 s). Per Bybit's docs (https://bybit-exchange.github.io/docs/v5/order/dcp)
  Bybit switches it on per account ("contact your client manager"), it triggers only for a
  private websocket subscribed to "dcp", and ``/v5/account/info`` reports ``dcpStatus``. So it is
  armed (``bybit/deadman.py``) only where setting the window succeeds *and* ``dcpStatus`` reads ON,
  then a private "dcp" link is held and reconnected; otherwise nothing is claimed. Either way
  ``server_dead_man_switch`` stays False: DCP fires when the app dies, not when only the public
  feed is lost, so the watchdog covers Bybit like the others. No API call switches DCP off: a
  deliberate close lets Bybit cancel the account's derivatives orders after the window.
- weex, mexc: no countdown or disconnect cancel in ccxt 4.5.90's API tables; none claimed. The
  watchdog covers them.

Position mode (one-way or hedge; ``<venue>/account.py``, loaded by ``ccxt_account``):

- binanceusdm: account-wide, ``GET /fapi/v1/positionSide/dual`` ``dualSidePosition`` (Binance
  "Get Current Position Mode"; ccxt binance.fetch_position_mode). Hedge-mode orders: ccxt's
  ``hedged`` param sends ``positionSide`` LONG/SHORT and drops ``reduceOnly`` (binance
  .create_order_request), which Binance refuses in hedge mode (-1106).
- bybit: per symbol, ``positionIdx`` of ``GET /v5/position/list`` (0 one-way; 1 and 2 hedge;
  Bybit v5 "Get Position Info"). UTA 2.0: only USDT perpetuals can be hedge (Bybit v5 "Switch
  Position Mode"); inverse and USDC perpetuals are one-way. Hedge orders: ccxt's ``hedged``
  sends ``positionIdx`` 1/2 (bybit.create_order_request).
- weex: account-wide, ``dualSidePosition`` of ``GET /capi/v3/account/accountConfig`` (WEEX V3
  "Get Account Configuration"). Not ccxt's weex.fetch_position_mode: it reads ``separatedType``
  of ``symbolConfig``, WEEX's combined/split positions setting (合仓/分仓, zh-CN reference). Every
  order names ``positionSide`` (required, LONG/SHORT, no reduce-only field: V3 "Place Order"): a
  reduce the side it closes, an open the side it opens, in both modes (``weex/account.py``).
  Loopback-proven; how one-way mode treats an opening side against a held one is not documented.
- bingx, mexc: in their own ``account.py`` (their rows in README's venue table).

Bybit inverse (BTC/USD:BTC): ccxt 4.5.90 takes ``contractSize`` from ``minOrderQty`` (1 USD,
bybit.fetch_future_markets), scopes every call by ``category=inverse`` and reads the BTC balance
from the unified wallet (UTA 2.0, bybit.fetch_balance). Proven on the loopback server as the
suite's ``[bybit-inverse]`` case. The router plans inverse legs beside linear ones on one base
basis (``core/inverse_venue.py``); the window subscribes it beside the linear book (``Session.companions``).
Its risk-limit tiers are counted in BTC (Bybit v5 Get Risk Limit example): ``bybit/costs.py`` prices
them at the mark. The same example writes its rates as percents ("0.5" maintenance, "1" initial at
100x): a maintenance value at or above 1 / max leverage is read as a percent (``maintenance_rate``).
Checked on the docs' example only, not the live venue.

Futures terms (fee, funding, tiers; ``venues/account_costs.py`` and each venue's ``costs.py``),
loopback-proven through ccxt 4.5.90 with the same tests on every venue
(``tests/venues/test_account_costs_venues.py``):

- the next settlement: ccxt puts it in ``nextFundingTimestamp`` for BingX and WEEX (WEEX's
  ``fundingTimestamp`` is the answer's own time, BingX's is empty) and in ``fundingTimestamp``
  elsewhere. WEEX gives the last settled rate and a forecast: the forecast is used.
- bingx (``bingx/costs.py``): tiers are signed only and carry ``maintAmount`` (ccxt leaves it in
  ``info``) but no leverage: the contract's max on every tier, said in ``missing``. The funding
  interval is the answer's ``fundingIntervalHours``: without it, no funding.
- mexc (``mexc/costs.py``): tiers from the contract detail, in contracts (ccxt 4.5.90 reads them
  as notionals and skips ``riskBaseVol``), priced at ``fair_price``; no account fee for perpetuals.
- weex: no tier endpoint.

Minimum order value (``venues/instruments.py``; each venue's ``minimums.py`` cites its source): what
a venue refuses an order below becomes the instrument's ``min_notional`` wherever instruments are
built (the live venue, the simulated market, book files, replays), the larger of ccxt's
``limits.cost.min`` and the venue's own field. Checked on the recorded markets
(``tests/venues/test_min_order_value.py``, the same tests for every venue):

- bybit: ``info.lotSizeFilter.minNotionalValue`` (Bybit v5 "Get Instruments Info", "Minimum notional
  value"; 110094 below it, ccxt's table), 5 USDT on every recorded linear market. ccxt 4.5.90 maps it
  to ``limits.cost.min`` for linear markets only; the recorded markets (older ccxt) have null there,
  which let a 3 USDT DOGE leg be planned. Linear only: the inverse ``BTC/USD:BTC`` counts 1 USD
  contracts (minimum ``minOrderQty``, 1 contract) and its ``minNotionalValue`` is empty.
- bingx: ``info.tradeMinUSDT`` (BingX "USDT-M Perp Futures symbols", "The minimum trading
  unit(USDT)"; 110425 "... minimum nominal value ... greater than 2u", ccxt's table), 2 USDT on every
  recorded market. ccxt 4.5.90 maps it to ``limits.cost.min``; the recorded markets have ``cost: {}``.
- binanceusdm: ``MIN_NOTIONAL`` filter ``notional`` (5 USDT; -4164 below it unless reduce-only).
  ccxt 4.5.90 and the recorded markets already carry it in ``limits.cost.min``; read from ``info`` too.
- mexc: none stated. ``contract/detail`` has ``minVol`` (contracts: the amount minimum) and no order
  value field; ccxt 4.5.90 leaves ``limits.cost`` empty for swaps.
- weex: none stated. V3 ``exchangeInfo`` has ``minOrderSize``/``maxOrderSize`` (coins),
  ``maxPositionSize`` and ``marketOpenLimitSize``, no order-value field; ccxt 4.5.90 sets
  ``limits.cost.min`` to None.
- closes (``instruments.CLOSES_EXEMPT``, ``Instrument.min_notional_on_close``): Binance's -4164
  ("unless you choose reduce only") and Bybit's Derivatives Trading Rules ("closing orders are
  exempt from notional value") take a reduce-only order under the minimum, so the preview plans it,
  ``check_plan`` and the adapter pass it; on BingX, MEXC and WEEX the minimum holds for a close too.
- not verified: the live venues' current figures (the recorded markets are ccxt's fixtures), and
  whether BingX's minimum binds reduce-only orders (held to it here; the simulated venue exempts
  reduce-only ones on every venue).

MEXC (``venues/mexc``), verified against MEXC's contract API docs (mexcdevelop/apidocs
``contract_v1_en``) and ccxt 4.5.90, proven on the loopback server
(``tests/venues/loopback/mexc.py``):

- books and orders count contracts (``contractSize`` 0.0001 BTC for BTC_USDT, ``volUnit`` 1).
- orders: IOC is ``type`` 3; ``side`` 1 open long, 2 close short, 3 open short, 4 close long;
  ``positionMode`` 1 hedge / 2 one-way, read from ``position/position_mode`` (``mexc.account``).
  ccxt's hedged path sends a reduce-only buy as 4 and ``parse_order`` reads side 2 as a sell and
  ignores ``externalOid``: corrected there.
- orders by API: off for most accounts since 2022-07-25 (update log); such accounts get 1002
  "Contract not allow place order!" (ccxt issues #14474, #15055). View-only unless the probe of
  ``mexc.probe`` (an order refused either way, sent once at connect and journaled like any order:
  ``engine.probe_journal``; no journal, no probe) shows this account may trade. No endpoint reads a
  key's permissions or IP binding, nor the account's API trading: the key check reads the futures
  account (``account/assets``) and sends no order; "cannot be checked on this venue".
- ccxt 4.5.90's ``fetch_markets`` loads spot markets too, whatever ``fetchMarkets.types`` says.
- not verified: whether the venue checks the permission (1002) before the order's fields; a
  reused ``externalOid`` (the docs say the batch endpoint returns the existing order id; the
  loopback does that for single orders too).

Inverse (coin-margined) markets (``VenueQuirks.inverse_orders``): routed, and their orders sent,
only where placement, lookup by client id and cancel are proven on the same path. Bybit
``BTC/USD:BTC``: the loopback suite's "bybit-inverse" case. BingX: ccxt 4.5.90 loads its coin-M
markets and places their orders on ``/openApi/cswap/v1/trade/order``, while the adapter's lookup
asks the USDⓈ-M ``/openApi/swap/v2/trade/order``: a leg there could not be found again, so its
inverse markets are not routed and an order on one is refused before sending. MEXC and WEEX: no
inverse perpetual is routed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class VenueQuirks:
    # Unit that book and order quantities are counted in, when it differs from the market's
    # advertised contractSize (WEEX lists 0.0001 BTC but books and orders are in coins).
    quantity_unit: Decimal | None = None
    client_id_param: str = "clientOrderId"  # the venue's own name on the wire
    client_id_max_len: int = 36
    # ccxt checks the book sequence itself for these; for the others the venue adapter does.
    ccxt_checks_sequence: bool = False
    # which check ``book_sequence`` applies when ccxt does not ("bybit", "weex"), or None
    sequence_check: str | None = None
    orders_by_api: bool = True  # False: view-only unless a probe shows otherwise
    view_only_reason: str | None = None
    server_dead_man_switch: bool = False
    # ccxt options so only swap markets load (fewer requests, no spot symbol clashes)
    ccxt_options: Mapping[str, Any] = field(default_factory=dict)
    book_limit: int | None = None  # depth to subscribe; None: ccxt's default
    client_id_lowercase: bool = False  # the venue lower-cases client ids: refuse others before sending
    # inverse (coin-margined) orders placed, looked up and cancelled through the same proven path
    # (loopback-tested): elsewhere the inverse markets are not routed and their orders are refused
    inverse_orders: bool = False


QUIRKS: dict[str, VenueQuirks] = {
    "binanceusdm": VenueQuirks(
        client_id_param="newClientOrderId",
        ccxt_checks_sequence=True,
        # cancel_all with no symbol lists open orders of every symbol, which ccxt refuses unless told
        ccxt_options={"warnOnFetchOpenOrdersWithoutSymbol": False},
    ),
    "bybit": VenueQuirks(
        client_id_param="orderLinkId",
        sequence_check="bybit",
        # DCP (armed where the account has it) fires when the app dies, not when a feed is lost
        server_dead_man_switch=False,
        ccxt_options={"fetchMarkets": {"types": ["linear", "inverse"]}},
        # watch defaults to 50 but un_watch to 500: an explicit depth keeps them on one topic
        book_limit=50,
        inverse_orders=True,  # BTC/USD:BTC: the loopback suite's "bybit-inverse" case
    ),
    "bingx": VenueQuirks(client_id_param="clientOrderID", client_id_max_len=40, client_id_lowercase=True),
    "weex": VenueQuirks(
        # WEEX's V3 reference counts sizes in the base asset (exchangeInfo minOrderSize/
        # maxOrderSize "(base asset)", orders' executedQty "in the base asset") although
        # contractVal is 0.0001
        quantity_unit=Decimal(1),
        client_id_param="newClientOrderId",
        client_id_max_len=36,  # V3 PlaceOrder: newClientOrderId 1-36 characters
        sequence_check="weex",
    ),
    "mexc": VenueQuirks(
        client_id_param="externalOid",
        client_id_max_len=32,
        sequence_check="mexc",
        orders_by_api=False,
        view_only_reason=("MEXC has switched off futures order placement by API for most accounts; "
                          "with keys, a probe order at connect decides for this account"),
        # fetchMarkets: ccxt 4.5.90 ignores it (its fetch_markets loads spot too); kept for later
        # versions. snapshotDelay: ccxt caches this many push.depth frames before it fetches the
        # REST snapshot (default 25: 5 s of MEXC's 200 ms pushes before a first book, and again
        # after every reconnect or resync); the version check and ccxt's alignment of the cache
        # with the snapshot's version keep the book exact with 2.
        ccxt_options={"fetchMarkets": {"types": {"spot": False, "swap": {"linear": True, "inverse": False}}},
                      "watchOrderBook": {"snapshotDelay": 2}},
    ),
}

DEFAULT_VENUES: tuple[str, ...] = ("binanceusdm", "bybit", "bingx", "weex", "mexc")


def quirks_for(venue_id: str) -> VenueQuirks:
    return QUIRKS.get(venue_id, VenueQuirks())
