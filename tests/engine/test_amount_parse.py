"""The amount the trader types: a comma is a thousands separator only where it groups digits by
three; anything else (``1,5`` meaning one and a half in many locales) is refused, never read as 15."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sor_desktop.engine.preview import AmountError, parse_amount


@pytest.mark.parametrize("text, expected", [
    ("2", Decimal("2")),
    (" 0.5 ", Decimal("0.5")),
    ("1,500", Decimal("1500")),
    ("12,345.67", Decimal("12345.67")),
    ("1,234,567", Decimal("1234567")),
])
def test_well_formed_amounts_parse(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["1,5", "0,25", "2,50", "1,5000", "1,23,456", ",5", "1,", "1.5,000", "1,,000"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused(text: str) -> None:
    with pytest.raises(AmountError, match=r"'\.'"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1_5", "1_000", "_1", "0x10", "١٢", "1 000", "--1", "Infinity", "nan"])
def test_underscores_and_other_non_numeric_forms_are_refused(text: str) -> None:
    # Decimal() reads '1_5' as 15 (a typo for 1.5) and Arabic-Indic digits as digits: refused
    with pytest.raises(AmountError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1e3", "2e3", "1E3", "1e-3", "1.5e2", "1,000e3"])
def test_an_exponent_is_refused_as_the_message_says(text: str) -> None:
    """'2e3' (the 'e' sits under the '3' on a keyboard: a typo for 23) was read as 2,000 where the
    message says "digits, '.' for decimals": the rule and its words are one."""
    with pytest.raises(AmountError, match=r"digits, '\.' for decimals"):
        parse_amount(text)
