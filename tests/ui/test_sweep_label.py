"""Sweep to here writes its limit in the limit field with the symbol's tick's figures (issue 16: its
label used ,.2f, so a DOGE limit of 0.15012 read 0.15)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.engine.preview import Sweep, SweepVenue
from sor_desktop.ui.routing_panel import RoutingPanel


def _inst(venue: str, tick: str, base: str) -> Instrument:
    d = Decimal
    return Instrument(venue, f"{base}/USDT:USDT", f"{base}USDT", base, "USDT", "USDT", True, d("1"), d(tick),
                      d("1"), None, None, None, d("0.0005"), d(0))


@pytest.mark.parametrize("base, tick, price, shown", [
    ("DOGE", "0.00001", 0.15012, "0.15012"),
    ("DOGE", "0.00001", 0.15, "0.15"),
    ("BTC", "0.1", 60123.4, "60123.4"),
    ("BTC", "0.1", 100000.0, "100000"),
])
def test_the_sweep_writes_the_limit_field_to_the_tick(qtbot, base, tick, price, shown):
    panel = RoutingPanel()
    qtbot.addWidget(panel)
    panel.set_instruments({"a": _inst("a", tick, base), "b": _inst("b", tick, base)})
    panel.set_sweep(Sweep(Side.BUY, price, False, (SweepVenue("a", Decimal("100"), 100 * price),)))
    assert panel.limit.text() == shown
