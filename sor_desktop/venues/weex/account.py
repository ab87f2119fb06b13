"""WEEX account rules: one-way or hedge, and the side params an order carries in each.

Position mode. WEEX documents the account's mode as ``dualSidePosition`` of
``GET /capi/v3/account/accountConfig`` ("true: can hold both long and short positions
simultaneously, false: one-way position mode"; V3 reference, Account_API/GetAccountConfig).
ccxt 4.5.90's ``fetch_position_mode`` reads ``separatedType`` of ``symbolConfig`` instead, which
WEEX describes as its combined/split positions setting (合仓/分仓: COMBINED merges opens into one
position, SEPARATED keeps each open apart; zh-CN reference, Account_API/GetAllPositions), not
one-way/hedge: it is not used here.

Order sides. WEEX's place-order requires ``positionSide`` LONG/SHORT and has no reduce-only
field (V3 reference, Transaction_API/PlaceOrder): BUY+LONG opens a long, SELL+LONG closes it,
SELL+SHORT opens a short, BUY+SHORT closes it. So a reduce always names the side it closes (a
sell names LONG), in both modes: it can never open the other side. An order that is not
reduce-only names the side it opens. The params are the same in both modes; what the mode
changes is what a non-reduce order does to a held opposite position: in hedge mode a sell while
long opens a short beside the long (no netting), in one-way mode the venue books one net
position. The reference does not say how one-way treats an opening side against a held one (the
loopback server nets it); ccxt's unified ``reduceOnly`` stays in the body as ccxt sends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest, Side


def position_mode(account_config: Any) -> PositionMode | None:
    """The mode ``accountConfig`` states, or None when the answer does not say."""
    flag = account_config.get("dualSidePosition") if isinstance(account_config, Mapping) else None
    if isinstance(flag, str):
        flag = {"true": True, "false": False}.get(flag.lower())
    if not isinstance(flag, bool):
        return None
    return PositionMode.HEDGE if flag else PositionMode.ONE_WAY


async def read_position_mode(ex: Any, symbol: str | None = None) -> PositionMode | None:
    """Read the account's mode (one signed request; the mode is account-wide on WEEX, so the
    symbol does not matter)."""
    return position_mode(await ex.contractPrivateGetCapiV3AccountAccountConfig())


def position_side(side: Side, reduce_only: bool) -> str:
    """The ``positionSide`` of an order: the side a reduce closes, else the side it opens."""
    opens_long = side is Side.BUY
    return ("SHORT" if opens_long else "LONG") if reduce_only else ("LONG" if opens_long else "SHORT")


def position_params(mode: PositionMode | None, request: OrderRequest) -> dict[str, Any]:
    """The position fields of a WEEX order, the same in every mode: ``positionSide`` stated by us
    (ccxt's request takes it over the one ccxt derives, so a change in ccxt cannot turn a reduce
    into an open). ``CcxtVenue`` merges them over the generic params (``ccxt_account``)."""
    return {"positionSide": position_side(request.side, request.reduce_only)}
