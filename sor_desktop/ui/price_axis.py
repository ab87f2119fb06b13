"""A price axis written like every other price in the window: thousands separators and as many
decimals as the tick spacing needs, never pyqtgraph's "(x0.001)" multiplier (a DOGE axis read
"price (x0.001)" with ticks at 149.85)."""

from __future__ import annotations

import math

import pyqtgraph as pg

from sor_desktop.core.price_format import format_price


def no_multipliers(axis: pg.AxisItem) -> None:
    """Values written out, never scaled: pyqtgraph still scales the ticks of an axis whose SI
    prefix is disabled (label without its "(x0.001)", ticks at 149.85 for 0.14985) unless no value
    range enables the prefix."""
    axis.setSIPrefixEnableRanges(())
    axis.enableAutoSIPrefix(False)


class PriceAxis(pg.AxisItem):
    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        no_multipliers(self)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        dp = max(0, -math.floor(math.log10(spacing * scale))) if spacing > 0 else 2
        return [format_price(v * scale, 10.0 ** -dp) for v in values]
