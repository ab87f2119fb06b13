"""Command-line values of the simulated market, checked where they are parsed."""

from __future__ import annotations

import argparse


def seed(text: str) -> int:
    """``--seed``: numpy seeds the simulated books and takes only whole numbers 0 or more (a
    negative one left every feed "down" and retried for ever)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value
