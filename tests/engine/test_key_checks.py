"""At every live start each trade key is probed before it trades: a key that can withdraw keeps its
venue view-only (and the executor refuses it); no IP whitelist, an expiry or a venue that cannot be
asked leave a warning on the chip for the whole session."""

from __future__ import annotations

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.preview import PreviewRequest
from sor_desktop.engine.session_events import Notice
from sor_desktop.engine.wiring import build_session
from sor_desktop.security.permissions import KeyPermissions, unchecked
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

SYMBOL = "BTC/USDT:USDT"

ANSWERS = {
    "binanceusdm": KeyPermissions("binanceusdm", True, True, True, True),  # can withdraw
    "bybit": KeyPermissions("bybit", True, True, False, False, expires_in_days=12),  # no IP, expiring
    "mexc": unchecked("mexc", "mexc offers no way to read a key's permissions by API"),
    "bingx": KeyPermissions("bingx", True, True, False, True),  # all good
    "weex": KeyPermissions("weex", True, False, False, True),  # cannot trade futures
}


@pytest.mark.asyncio
async def test_live_start_probes_every_trade_key(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(SYMBOL,)), clock)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    asked: list[str] = []

    async def probe(entry: str) -> KeyPermissions:
        asked.append(entry)
        return ANSWERS[entry]

    session.key_checks = ({v: v for v in ANSWERS}, probe)  # the entry is opaque to the check
    notices: list[Notice] = []
    session.listeners.append(lambda ev: notices.append(ev) if isinstance(ev, Notice) else None)
    await session.start()
    try:
        assert sorted(asked) == sorted(ANSWERS)
        caps = {v.id: v.capabilities for v in session.venues.values()}
        assert not caps["binanceusdm"].trading_allowed and "WITHDRAW" in (caps["binanceusdm"].view_only_reason or "")
        assert not caps["weex"].trading_allowed and "cannot trade" in (caps["weex"].view_only_reason or "")
        assert caps["bybit"].trading_allowed and caps["mexc"].trading_allowed and caps["bingx"].trading_allowed
        notes = {v: session.store.health(v).key_note for v in ANSWERS}
        assert notes["bybit"] == "no IP whitelist, expires in 12 days"
        assert notes["mexc"] is not None and notes["mexc"].startswith("cannot be checked on this venue")
        assert notes["bingx"] is None
        texts = " | ".join(n.text for n in notices)
        assert "binanceusdm: view-only" in texts and "bybit API key: no IP whitelist" in texts
        # the feed's own health updates do not wipe the warning off the chip
        for v in session.venues:
            session.store.put_book(market.book_at(v, SYMBOL, clock.time(), sequence=1))
        assert session.store.health("bybit").key_note == "no IP whitelist, expires in 12 days"
        plan = session.preview(PreviewRequest(symbol=SYMBOL, side=Side.BUY, amount_text="3")).plan
        assert plan is not None and "binanceusdm" not in {lg.venue for lg in plan.legs}
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_venue_already_view_only_keeps_its_own_reason(tmp_path, monkeypatch) -> None:
    """MEXC's connect-time order probe says precisely why orders are off (1002 'Contract not allow
    place order!'); the key check's 'cannot trade' must not replace it."""
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(SYMBOL,)), clock)
    venues = list(market.venues().values())
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=venues, clock=clock.time, monotonic=clock.monotonic)
    mexc = session.venues["mexc"]
    import dataclasses

    mexc.capabilities = dataclasses.replace(mexc.capabilities, trading_allowed=False,
                                            view_only_reason="MEXC refused a probe order: 1002 Contract not allow place order!")

    async def probe(entry: str) -> KeyPermissions:
        return KeyPermissions("mexc", True, False, False, None)

    session.key_checks = ({"mexc": "mexc"}, probe)
    await session.start()
    try:
        assert "1002" in (session.venues["mexc"].capabilities.view_only_reason or "")
    finally:
        await session.stop(timeout=1.0)
