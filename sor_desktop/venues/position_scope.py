"""Which ``fetch_positions`` calls read a venue's positions: every swap market without a symbol,
or the symbols asked for, as each venue answers (ccxt 4.5.90 and the venues' docs).

Without a symbol (the Positions panel's "elsewhere" read, every 30 s):

- bybit: ``GET /v5/position/list`` is scoped by ``category``; for ``linear`` "either ``symbol`` or
  ``settleCoin`` is required" (Bybit v5 "Get Position Info"; retCode 10001 otherwise), and with
  ``settleCoin`` it lists the open positions of that coin only. ccxt's ``fetch_positions(None)``
  sends ``category=linear&settleCoin=USDT`` (``options['defaultSettle']``), so USDC perpetuals and
  every inverse one were never read. So one call per settle coin of the linear markets loaded
  (``subType`` linear, ``settleCoin``), and one ``subType`` inverse call (ccxt sends
  ``category=inverse`` alone, which the docs allow: "You can query all open positions with
  ``/v5/position/list?category=inverse``"; it covers every coin).
- bingx: ccxt picks the endpoint by ``subType``: ``swap/v2/user/positions`` (USDⓈ-M, its default)
  or ``cswap/v1/user/positions`` (coin-M); ``symbol`` is optional on both (BingX "Query position
  data"). One call per kind of the markets loaded.
- binanceusdm: ``GET /fapi/v3/positionRisk`` (ccxt's default ``positionRisk``; ``symbol`` optional,
  "only symbol that has position or open orders will be returned", Binance "Position Information
  V3"); coin-M would be ``/dapi``, by ``subType``, so one call per kind loaded (ccxt's binanceusdm
  loads linear markets only).
- mexc: ``GET /api/v1/private/position/open_positions``, ``symbol`` optional (MEXC contract API
  "Get the user's current holding position"): ccxt sends none, every open position comes back.
- weex: ``GET /capi/v3/account/position/allPosition`` takes no parameters (WEEX V3 "Get All
  Positions"): every position. One call, as ccxt makes it.

With symbols: ccxt's bybit refuses a list of more than one ("fetchPositions() does not accept an
array with more than one symbol"), which the account loop's [window symbol, inverse companion]
is on Bybit: one call per symbol there. BingX and Binance choose the endpoint from the first
symbol (or the default linear): one call per kind with that kind's symbols. MEXC and WEEX read
every position and ccxt keeps the symbols asked for: one call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sor_desktop.core.instrument import Instrument

# (symbols for ccxt's fetch_positions, or None for all; params for that call)
PositionCall = tuple[list[str] | None, dict[str, Any]]

_BY_KIND = ("bingx", "binanceusdm")  # ccxt picks the endpoint by subType


def _kind(inst: Instrument) -> str:
    return "linear" if inst.linear else "inverse"


def position_calls(venue_id: str, symbols: Sequence[str] | None,
                   instruments: Iterable[Instrument]) -> list[PositionCall]:
    """The ``fetch_positions`` calls (symbols, params) that together read the positions of
    ``symbols`` (None or empty: of every swap market loaded) on ``venue_id``."""
    insts = {i.symbol: i for i in instruments}
    if not symbols:
        if venue_id == "bybit":
            settles = sorted({i.settle for i in insts.values() if i.linear}) or ["USDT"]
            calls: list[PositionCall] = [(None, {"subType": "linear", "settleCoin": s}) for s in settles]
            if any(not i.linear for i in insts.values()):
                calls.append((None, {"subType": "inverse"}))
            return calls
        if venue_id in _BY_KIND:
            kinds = sorted({_kind(i) for i in insts.values()}) or ["linear"]
            return [(None, {"subType": k}) for k in kinds]
        return [(None, {})]
    wanted = list(dict.fromkeys(symbols))
    if venue_id == "bybit":
        return [([s], {}) for s in wanted]
    if venue_id in _BY_KIND:
        groups: dict[str, list[str]] = {}
        for s in wanted:
            inst = insts.get(s)
            groups.setdefault(_kind(inst) if inst is not None else "linear", []).append(s)
        return [(syms, {"subType": k}) for k, syms in sorted(groups.items())]
    return [(wanted, {})]
