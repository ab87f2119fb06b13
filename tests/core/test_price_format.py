"""Prices are written by the symbol's tick, with thousands separators: 60,022.10 for BTC,
0.14985 for DOGE, never "0.15" for every DOGE level nor a bare 60022.1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.price_format import display_tick, format_price, tick_decimals


@pytest.mark.parametrize(("tick", "dp"), [(0.1, 1), (Decimal("0.01"), 2), (1, 0), (10, 0), (0.00001, 5),
                                          (Decimal("0.000001"), 6), (0.5, 1), (0.25, 2), (1e-9, 9)])
def test_decimals_follow_the_tick(tick, dp) -> None:
    assert tick_decimals(tick) == dp


def test_btc_and_doge_prices() -> None:
    assert format_price(60022.1, 0.1) == "60,022.1"
    assert format_price(60022.1, Decimal("0.01")) == "60,022.10"
    assert format_price(0.14985, 0.00001) == "0.14985"
    assert format_price(0.149851, Decimal("0.000001")) == "0.149851"
    assert format_price(1234567.0, 1) == "1,234,567"
    assert format_price(-0.0, 0.1) == "0.0"


def test_without_a_tick_the_magnitude_decides() -> None:
    # six significant figures at least, as a tickless axis or a CLI number without its market
    assert format_price(60022.123) == "60,022.12"
    assert format_price(0.1498512) == "0.149851"
    assert format_price(0.0000123456) == "0.0000123456"


def test_display_tick_is_the_finest_of_the_venues() -> None:
    # no venue's price may be rounded away on screen
    assert display_tick([Decimal("0.1"), Decimal("0.01"), Decimal("0.5")]) == Decimal("0.01")
    assert display_tick([]) is None


def test_amounts_are_written_with_the_decimals_their_lots_give() -> None:
    from sor_desktop.core.price_format import amount_digits

    assert amount_digits([1_000_039.0, 350_823.0]) == 0  # DOGE in lots of 1: not "1,000,039.0000"
    assert amount_digits([0.537, 2.463]) == 3  # BTC in lots of 0.001
    assert amount_digits([0.5, 0.0001]) == 4
    assert amount_digits([1e-9]) == 8  # at most eight
    assert amount_digits([0.1 + 0.2]) == 1  # float noise is not a decimal
