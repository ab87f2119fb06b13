"""The limit price typed in the Route panel, read as strictly as the amount and put on a tick that
never passes what was typed: a buy's rounded down, a sell's up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.limit_entry import LimitError, read_limit

BTC_TICKS = (Decimal("0.1"), Decimal("0.1"))
DOGE_TICKS = (Decimal("0.00001"),)


def test_an_empty_field_is_no_limit() -> None:
    assert read_limit("", Side.BUY, BTC_TICKS) is None
    assert read_limit("   ", Side.SELL, BTC_TICKS) is None


@pytest.mark.parametrize("text, says", [
    ("1_5", "is not a number"),  # float() reads 15
    ("６００００", "is not a number"),  # full-width digits: int() reads them
    ("٦٠٠٠٠", "is not a number"),  # Arabic-Indic digits
    ("1e3", "is not a number: digits"),  # a price is written out, never as an exponent
    ("6E4", "is not a number: digits"),
    ("-60000", "greater than zero"),
    ("0", "greater than zero"),
    ("0.0", "greater than zero"),
    ("nan", "is not a number"),
    ("Infinity", "is not a number"),
    ("60.000,5", "use '.' for decimals"),
    ("1,5", "a comma only groups thousands"),
    ("60000..1", "is not a number"),
    ("9" * 20, "too large"),
])
def test_a_malformed_limit_is_refused_with_its_reason(text: str, says: str) -> None:
    with pytest.raises(LimitError) as err:
        read_limit(text, Side.BUY, BTC_TICKS)
    assert says in str(err.value) and "limit" in str(err.value)


@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_a_price_on_the_tick_is_taken_as_typed(side: Side) -> None:
    got = read_limit(" 60,012.3 ", side, BTC_TICKS)
    assert got is not None and got.price == Decimal("60012.3") and got.note(side) is None
    doge = read_limit("0.15012", side, DOGE_TICKS)
    assert doge is not None and doge.price == Decimal("0.15012") and doge.note(side) is None


@pytest.mark.parametrize("side, text, ticks, want, words", [
    (Side.BUY, "60012.37", BTC_TICKS, "60012.3", "rounded down"),
    (Side.SELL, "60012.31", BTC_TICKS, "60012.4", "rounded up"),
    (Side.BUY, "0.150129", DOGE_TICKS, "0.15012", "rounded down"),
    (Side.SELL, "0.150121", DOGE_TICKS, "0.15013", "rounded up"),
])
def test_a_price_off_every_tick_is_moved_onto_the_tick_never_past_what_was_typed(side, text, ticks, want, words):
    got = read_limit(text, side, ticks)
    assert got is not None and got.price == Decimal(want)
    typed = Decimal(text)
    assert got.price <= typed if side is Side.BUY else got.price >= typed
    note = got.note(side) or ""
    assert text in note and want in note and words in note and "tick" in note


def test_a_price_on_one_venues_coarser_tick_is_on_a_tick() -> None:
    """Ticks that do not nest (0.25 and 0.1): 60012.25 is on the first; each leg's venue puts its
    own IOC limit on its own tick toward the safe side (``core.price_limit.clamp_ioc``)."""
    got = read_limit("60012.25", Side.BUY, (Decimal("0.25"), Decimal("0.1")))
    assert got is not None and got.price == Decimal("60012.25") and got.note(Side.BUY) is None


def test_a_buy_below_one_tick_is_refused() -> None:
    with pytest.raises(LimitError, match="below one tick"):
        read_limit("0.000001", Side.BUY, DOGE_TICKS)
    sell = read_limit("0.000001", Side.SELL, DOGE_TICKS)
    assert sell is not None and sell.price == Decimal("0.00001")


def test_no_known_tick_takes_the_price_as_typed() -> None:
    got = read_limit("60012.37", Side.BUY, ())
    assert got is not None and got.price == Decimal("60012.37") and got.note(Side.BUY) is None
