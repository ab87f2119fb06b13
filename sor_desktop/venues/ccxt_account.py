"""The account rules a ``CcxtVenue`` takes from its venue's own folder: how to read the
position mode, and which position fields an order carries in each mode.

A venue's ``sor_desktop/venues/<venue_id>/account.py`` may define, at module level:

- ``async def read_position_mode(ex, symbol) -> PositionMode | None``: ask the venue (``ex`` is
  the ccxt exchange, ``symbol`` the unified symbol; ignore it where the mode is account-wide);
  None when the answer does not say.
- ``def position_params(mode, request) -> dict``: ccxt ``create_order`` params that put the
  order on the right position side for ``mode`` (None: not known), merged over the generic ones.
- ``async def read_margin(ex, symbol) -> Any`` and ``def margin_params(margin, request) -> dict``:
  where each order must say the account's margin type itself (MEXC's ``openType``), what the
  account has set (read once per symbol, again after a refused order) and the params it gives.

What a venue leaves out gets the defaults: the mode is not known (orders say ``reduceOnly`` as
before), and a hedge-mode order asks ccxt to set the position side (``ccxt_orders.position_params``).
Where a cancel-all without a symbol looks is ``cancel_scope``'s business, not this module's.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sor_desktop.core.account import PositionMode
from sor_desktop.core.orders import OrderRequest
from sor_desktop.venues.ccxt_orders import position_params

# (ccxt exchange, unified symbol) -> the account's mode for it, None when the venue does not say
ModeReader = Callable[[Any, str], Awaitable[PositionMode | None]]
# (mode, order) -> ccxt params that place the order on the right position side
PositionParams = Callable[[PositionMode | None, OrderRequest], dict[str, Any]]
# (ccxt exchange, unified symbol) -> the account's margin setting, as the venue's module reads it
MarginReader = Callable[[Any, str], Awaitable[Any]]


def _no_margin_params(margin: Any, request: OrderRequest) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class AccountRules:
    read_position_mode: ModeReader | None = None
    position_params: PositionParams = position_params
    read_margin: MarginReader | None = None
    margin_params: Callable[[Any, OrderRequest], dict[str, Any]] = _no_margin_params


DEFAULT = AccountRules()


@cache
def account_rules(venue_id: str) -> AccountRules:
    """The functions ``venues/<venue_id>/account.py`` defines, the defaults for the rest."""
    name = f"sor_desktop.venues.{venue_id}.account"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, f"sor_desktop.venues.{venue_id}"):
            raise  # the module exists but something it imports does not: a real bug
        return DEFAULT
    return AccountRules(
        read_position_mode=getattr(module, "read_position_mode", DEFAULT.read_position_mode),
        position_params=getattr(module, "position_params", DEFAULT.position_params),
        read_margin=getattr(module, "read_margin", DEFAULT.read_margin),
        margin_params=getattr(module, "margin_params", DEFAULT.margin_params),
    )
