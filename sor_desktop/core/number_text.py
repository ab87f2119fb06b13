"""How a number is written by a trader: ASCII digits and '.' for decimals, nothing else.

Python's own ``float`` and ``int`` (and ``Decimal``) also take ``1_5`` as 15, other scripts'
digits, surrounding spaces, 'nan', 'Infinity' and exponents: each typed or configured number is
matched against ``PLAIN`` before it is read, so a typo is refused rather than read as another
amount. An exponent is refused too: a trader writes 1000, not 1e3, and on a keyboard the 'e' sits
under the '3' ('2e3' typed for 23 had been read as 2,000). ``STORED`` is for numbers a program
wrote, not a trader: Qt writes window.ini's floats in their shortest form (1,000,000 as '1e+06').
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
STORED = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
# Commas only as thousands separators, grouping the integer part by three: "1,5" (one and a half
# where the comma is the decimal mark) must never be read as 15.
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", re.ASCII)

MAX_DIGITS = 12  # a typed number's integer digits, and its figures less six


class TypedNumberError(ValueError):
    """A number typed in a ticket field that cannot be read; the message goes next to the field."""


def read_plain(text: str) -> float | None:
    """``text`` as a finite float when it is written as ``PLAIN`` says, else None."""
    return _read(PLAIN, text)


def read_stored(text: str) -> float | None:
    """``text`` as a finite float when it is written as ``STORED`` says (a program's own file), else None."""
    return _read(STORED, text)


def _read(form: re.Pattern[str], text: str) -> float | None:
    if not form.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def read_typed(text: str, what: str) -> Decimal:
    """A positive number typed in a ticket field (the amount, the limit price), exactly: ``PLAIN``
    digits (no exponent), thousands grouped by commas or not, at most ``MAX_DIGITS`` integer
    digits. ``what`` names the field."""
    s = text.strip()
    if not PLAIN.fullmatch(s.replace(",", "")):
        # Decimal() takes '1_5' as 15 (a typo for 1.5), other scripts' digits and 'Infinity'
        raise TypedNumberError(f"{s!r} is not a number: digits, '.' for decimals, ',' only to group thousands")
    if "," in s:
        if not GROUPED.fullmatch(s):
            raise TypedNumberError(f"{s!r}: use '.' for decimals (a comma only groups thousands, e.g. 1,500.5)")
        s = s.replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise TypedNumberError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise TypedNumberError(f"{what} must be a finite number")
    if value <= 0:
        raise TypedNumberError(f"{what} must be greater than zero")
    if len(value.as_tuple().digits) > MAX_DIGITS + 6 or value.adjusted() > MAX_DIGITS:
        raise TypedNumberError(f"{what} is too large")
    return value
