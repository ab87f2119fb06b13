"""How a number is written by a trader: ASCII digits, '.' for decimals, an optional exponent.

Python's own ``float`` and ``int`` (and ``Decimal``) also take ``1_5`` as 15, other scripts'
digits, surrounding spaces, 'nan' and 'Infinity': each typed or configured number is matched
against ``PLAIN`` before it is read, so a typo is refused rather than read as another amount.
"""

from __future__ import annotations

import math
import re

PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
WHOLE = re.compile(r"[+-]?\d+", re.ASCII)


def read_plain(text: str) -> float | None:
    """``text`` as a finite float when it is written as ``PLAIN`` says, else None."""
    if not PLAIN.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None
