"""The command line's numbers, read as ``core.number_text`` says (``route --amount 1_5`` had
bought 15 BTC) and refused in one line that names the option."""

from __future__ import annotations

import argparse
from decimal import Decimal

from sor_desktop.cli.errors import CliError
from sor_desktop.core.number_text import WHOLE, read_plain
from sor_desktop.engine.preview import AmountError, parse_amount


def number(text: str, what: str, *, positive: bool = True, integer: bool = False) -> float:
    """``text`` as a float (an int when ``integer``): finite, and positive or at least zero."""
    if not isinstance(text, str):  # argparse gives a list for '--option=--'
        raise CliError(f"{what}: no value given")
    if integer:
        if not WHOLE.fullmatch(text) or len(text) > 30:  # int() refuses past 4,300 digits with a ValueError
            raise CliError(f"{what} must be an integer written in digits (at most 30), got {text[:40]!r}")
        value: float = int(text)
    else:
        got = read_plain(text)
        if got is None:
            raise CliError(f"{what} must be a finite number written in digits ('.' for decimals), got {text!r}")
        value = got
    if value <= 0 if positive else value < 0:
        raise CliError(f"{what} must be {'positive' if positive else 'zero or more'}, got {text!r}")
    return value


def amount(text: str, what: str = "--amount") -> Decimal:
    """An order's amount, read exactly as the window's amount field reads it (thousands may be
    grouped with commas: '1,500.5')."""
    if not isinstance(text, str):  # argparse gives a list for '--amount=--'
        raise CliError(f"{what}: no amount given")
    try:
        return parse_amount(text)
    except AmountError as exc:
        raise CliError(f"{what}: {exc}") from None


def plain(text: str) -> float:
    """An argparse ``type`` for a finite number written as ``core.number_text`` says."""
    got = read_plain(text)
    if got is None:
        raise argparse.ArgumentTypeError(f"expected a finite number written in digits ('.' for decimals), got {text!r}")
    return got
