"""BingX account rules: position mode, what an order says about it, and the swap balance.

Position mode (BingX "Query position mode", ``GET /openApi/swap/v1/positionSide/dual``, ccxt
``bingx.fetch_position_mode``): ``dualSidePosition`` "true" is hedge mode, "false" one-way. It is
one setting for every USDⓈ-M contract of the account ("The Position Mode applies to all
contracts"), so one answer serves all symbols.

What an order must say (BingX "Place order", ``positionSide`` and ``reduceOnly``):

- one-way: ``positionSide=BOTH``; ``reduceOnly=true`` when the order may only close.
- hedge: ``positionSide`` LONG or SHORT names the side the order acts on (``side=SELL &
  positionSide=LONG`` closes a long); ``reduceOnly`` "is not accepted". ccxt builds exactly this
  from ``params['hedged']``: a reduce-only order goes to the opposite side (SELL -> LONG, BUY ->
  SHORT), any other to its own (BUY -> LONG, SELL -> SHORT), and drops ``reduceOnly``
  (``bingx.create_order_request``). So in hedge mode a sell that does not say reduce-only OPENS a
  short beside the long instead of netting against it.

A wrong guess costs nothing but a refusal: BingX answers 109400 "In the One-way mode, the
'PositionSide' field can only be set to BOTH." (or the Hedge-mode twin) and places nothing.

Balance: ccxt reads the v3 swap balance (``GET /openApi/swap/v3/user/balance``) with
``total = maxWithdrawAmount``, a field that answer does not have, so ``safe_balance`` makes
``total = availableMargin + usedMargin`` and drops ``freezedMargin``, the margin held by open
orders (shown on the loopback server: with one resting order the total came out short by its
margin). The docs' example has ``balance = availableMargin + usedMargin`` with no orders open;
``balance`` ("asset balance") is the wallet balance, so it is the total here and the free margin
is ``availableMargin``, the used margin ``usedMargin + freezedMargin`` (each as BingX states it:
in the docs' own example ``balance`` is 0.0001 above ``availableMargin + usedMargin``, a rounding
ccxt's sum hides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sor_desktop.core.account import Balance, PositionMode
from sor_desktop.venues.ccxt_convert import dec

POSITION_SIDE_CODE = "109400"  # positionSide against the account's mode (BingX place-order errors)


async def fetch_position_mode(ex: Any) -> PositionMode:
    """The account's mode for USDⓈ-M contracts, through ccxt's ``fetch_position_mode``."""
    answer = await ex.fetch_position_mode()
    return PositionMode.HEDGE if answer.get("hedged") else PositionMode.ONE_WAY


async def read_position_mode(ex: Any, symbol: str) -> PositionMode:
    """The account rule ``CcxtVenue`` calls (``ccxt_account``); one mode for every symbol. Orders
    then carry ccxt's ``hedged`` flag in hedge mode (``ccxt_orders.position_params``, the same
    params as ``order_params``)."""
    return await fetch_position_mode(ex)


def order_params(mode: PositionMode | None, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` for ccxt's ``create_order`` under ``mode`` (None: not known, sent one-way,
    which a hedge-mode account refuses with 109400 and nothing placed)."""
    out = dict(params)
    if mode is PositionMode.HEDGE:
        out["hedged"] = True  # ccxt: positionSide LONG/SHORT from side and reduceOnly, no reduceOnly
    else:
        out.pop("hedged", None)  # ccxt: positionSide BOTH, reduceOnly as given
    return out


def is_position_side_refusal(message: str) -> bool:
    """The venue refused the order's positionSide: the account's mode changed since it was read."""
    return POSITION_SIDE_CODE in message and "PositionSide" in message


def balances(venue: str, raw: Mapping[str, Any], currencies: Sequence[str] | None = None) -> list[Balance]:
    """The swap balances of ccxt's ``fetch_balance`` answer, read from BingX's own fields."""
    rows = raw.get("info", {}).get("data") if isinstance(raw.get("info"), Mapping) else None
    out = []
    for row in rows if isinstance(rows, list) else []:
        code = str(row.get("asset") or "")
        total, free = dec(row.get("balance")), dec(row.get("availableMargin"))
        if not code or total is None or free is None or (currencies is not None and code not in currencies):
            continue
        position_margin, order_margin = dec(row.get("usedMargin")), dec(row.get("freezedMargin"))
        if position_margin is not None and order_margin is not None:
            used = position_margin + order_margin
        else:
            used = total - free
        out.append(Balance(venue, code, total, free, used))
    return sorted(out, key=lambda b: b.currency)
