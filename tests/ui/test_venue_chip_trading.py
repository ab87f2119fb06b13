"""A venue chip says whether a venue trades and why, where view-only is the default and a probe
decided (MEXC, ``venues.mexc.probe``): the reason on the chip's tooltip and "view-only" in its
text come from the venue's capabilities."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from sor_desktop.engine.feed import FeedHealth, FeedState
from sor_desktop.engine.session_feeds import FeedSet
from sor_desktop.engine.store import Store
from sor_desktop.ui.venue_chips import chip_text
from sor_desktop.venues.base import Capabilities

SYMBOL = "BTC/USDT:USDT"


@pytest.mark.parametrize(("caps", "reason"), [
    (Capabilities(trading_allowed=False, view_only_reason="MEXC refuses futures orders by API (1002)"),
     "MEXC refuses futures orders by API (1002)"),
    (Capabilities(trading_allowed=True, trading_note="MEXC takes futures orders by API for this account"),
     "MEXC takes futures orders by API for this account"),
    (Capabilities(trading_allowed=True), None),
])
def test_the_chip_says_which(caps: Capabilities, reason: str | None) -> None:
    """What a connected venue's chip shows (text, tooltip) for each probe outcome."""
    store = Store()
    venue = SimpleNamespace(id="mexc", capabilities=caps)
    feeds = FeedSet.__new__(FeedSet)  # just the health path: no supervisor
    feeds.venues, feeds.symbol, feeds.store = {"mexc": venue}, SYMBOL, store
    feeds._on_health(FeedHealth("mexc", SYMBOL, FeedState.LIVE))
    health = store.health("mexc")
    assert health.reason == reason and health.view_only is (not caps.trading_allowed)
    assert ("view-only" in chip_text(health)) is (not caps.trading_allowed)
