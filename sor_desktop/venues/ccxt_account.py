"""The account rules a ``CcxtVenue`` takes from its venue's own folder: how to read the
position mode, which position fields an order carries in each mode, and how to scope "every
open order" when no symbol is given.

Each venue may define ``RULES = AccountRules(...)`` in ``sor_desktop/venues/<venue_id>/account.py``;
a venue without that module (or with fields left out) gets the defaults below: the position
mode is not known (``None``: orders say ``reduceOnly`` as before), a hedge-mode order asks ccxt
to set the venue's position side (``ccxt_orders.position_params``), and open orders are listed
with ccxt's default scope.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sor_desktop.core.account import PositionMode
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderRequest
from sor_desktop.venues.ccxt_orders import position_params

# (ccxt exchange, unified symbol) -> the account's mode for it, None when the venue does not say
ModeReader = Callable[[Any, str], Awaitable[PositionMode | None]]
# (mode, order) -> ccxt params that place the order on the right position side
PositionParams = Callable[[PositionMode | None, OrderRequest], dict[str, Any]]
# the swap instruments loaded -> one ccxt params dict per fetch_open_orders(None) call that
# together cover every open swap order of the account
OpenOrderScopes = Callable[[Mapping[str, Instrument]], list[dict[str, Any]]]


def _ccxt_default_scope(instruments: Mapping[str, Instrument]) -> list[dict[str, Any]]:
    return [{}]


@dataclass(frozen=True, slots=True)
class AccountRules:
    read_position_mode: ModeReader | None = None
    position_params: PositionParams = position_params
    open_order_scopes: OpenOrderScopes = _ccxt_default_scope


DEFAULT = AccountRules()


@cache
def account_rules(venue_id: str) -> AccountRules:
    """``venues/<venue_id>/account.py``'s ``RULES``, or the defaults."""
    name = f"sor_desktop.venues.{venue_id}.account"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, f"sor_desktop.venues.{venue_id}"):
            raise  # the module exists but something it imports does not: a real bug
        return DEFAULT
    rules = getattr(module, "RULES", DEFAULT)
    if not isinstance(rules, AccountRules):
        raise TypeError(f"{name}.RULES must be an AccountRules")
    return rules
