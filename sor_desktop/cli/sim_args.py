"""Command-line values of the simulated market, checked where they are parsed."""

from __future__ import annotations

import argparse

from sor_desktop.core.number_text import WHOLE


def seed(text: str) -> int:
    """``--seed``: numpy seeds the simulated books and takes only whole numbers 0 or more (a
    negative one left every feed "down" and retried for ever)."""
    if not WHOLE.fullmatch(text) or len(text) > 20:  # int() takes '1_0' and other scripts' digits
        raise argparse.ArgumentTypeError(f"expected a whole number 0 or more, got {text!r}")
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value
