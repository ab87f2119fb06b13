"""Small figures written as a trader reads them: the smallest order in plain digits and in the
asset ("1.66377e-05 base", "(1 base)" in DOGE), no warning for an unfilled "0.00 USDT", and a
sub-dollar leg's cost in cents (the cost column read "0" and "3")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit
from sor_desktop.engine.preview import AmountError, PreviewRequest, to_plan_request
from sor_desktop.ui.preview_table import COLUMNS, totals_text


def test_the_smallest_order_is_in_plain_digits_and_the_asset(window) -> None:
    window.routing.amount.setText("0.00001")
    window.refresh_preview()
    text = window.routing.amount_error.text()
    assert text.endswith("smallest order any venue accepts (0.0001 BTC)"), text


def _inst(symbol: str, size: str, minimum: str) -> Instrument:
    base, _, rest = symbol.partition("/")
    return Instrument.from_market({"symbol": symbol, "base": base, "quote": rest[:4], "linear": True,
                                   "contractSize": size, "precision": {"amount": 1, "price": 0.00001},
                                   "limits": {"amount": {"min": minimum}}}, "binanceusdm")


@pytest.mark.parametrize(("symbol", "size", "minimum", "words"), [
    ("DOGE/USDT:USDT", "1", "1", "(1 DOGE)"),
    ("BTC/USDT:USDT", "0.00001", "1", "(0.00001 BTC)"),  # was "1e-05 base"
    ("BTC/USDT:USDT", "0.0000166377", "1", "(0.0000167 BTC)"),  # three figures, rounded up: enough
    ("SHIB/USDT:USDT", "1000", "1000", "(1,000,000 SHIB)"),
])
def test_the_minimum_is_named_in_its_asset(symbol: str, size: str, minimum: str, words: str) -> None:
    with pytest.raises(AmountError) as caught:
        to_plan_request(PreviewRequest(symbol, Side.BUY, "0.000001"), {"binanceusdm": _inst(symbol, size, minimum)}, {})
    assert str(caught.value) == f"below the smallest order any venue accepts {words}"


def test_an_unfilled_amount_that_rounds_to_nothing_does_not_warn(window) -> None:
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = replace(window._preview.plan, unit=AmountUnit.QUOTE)
    assert "unfilled" not in totals_text(replace(plan, unfilled=0.004, unfilled_reason="lots"), "BTC")
    assert "unfilled 0.01 USDT" in totals_text(replace(plan, unfilled=0.006, unfilled_reason="lots"), "BTC")


def test_a_sub_dollar_cost_is_written_in_cents(window) -> None:
    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = window._preview.plan
    legs = (replace(plan.legs[0], cost=0.42), replace(plan.legs[0], cost=3.17), replace(plan.legs[0], cost=22467.4))
    table = window.routing.preview
    table.show_plan(replace(plan, legs=legs), {}, "BTC")
    col = COLUMNS.index("cost")
    assert [table.table.item(r, col).text() for r in range(3)] == ["0.42", "3.17", "22,467"]


def test_route_says_no_unfilled_cents_either(window) -> None:
    import io

    from sor_desktop.cli.route_print import print_plan

    window.routing.amount.setText("1")
    window.refresh_preview()
    plan = replace(window._preview.plan, unit=AmountUnit.QUOTE)
    out = io.StringIO()
    print_plan(replace(plan, unfilled=0.004), out, {})
    assert "unfilled" not in out.getvalue()
    print_plan(replace(plan, unfilled=0.006), out, {})
    assert "unfilled 0.01 USDT" in out.getvalue()
