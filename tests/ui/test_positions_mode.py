"""Positions show each venue's leverage and margin mode (issue 16: no margin mode)."""

from __future__ import annotations

import pytest

from sor_desktop.ui.positions import COLUMNS
from sor_desktop.venues.ccxt_convert import position
from tests.ui.test_flatten import _long_on_two_venues


def test_a_sim_position_shows_its_leverage_and_cross_margin(window, sim_session, loop):
    held = _long_on_two_venues(window, sim_session, loop)
    t = window.positions.table
    col = COLUMNS.index("lev./mode")
    for venue in held:
        text = t.item(window.positions.rows[venue], col).text()
        assert text.endswith("cross") and "x " in text, text  # e.g. "10x cross"


@pytest.mark.parametrize("raw, mode", [("isolated", "isolated"), ("cross", "cross"), ("CROSS", "cross"),
                                       (None, None), ("portfolio", None)])
def test_ccxt_margin_mode_is_kept_when_the_venue_says_it(raw, mode):
    p = position("bybit", {"symbol": "BTC/USDT:USDT", "contracts": 0.5, "side": "long", "contractSize": 1,
                           "entryPrice": 60000, "leverage": 5, "marginMode": raw}, None)
    assert p is not None and p.margin_mode == mode
