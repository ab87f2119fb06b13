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


@pytest.mark.asyncio
async def test_live_start_probes_every_read_only_key_too(tmp_path, monkeypatch) -> None:
    """Only the trade keys were asked at start: a read-only key that had since been given trade
    or withdrawal rights on the venue read every balance and position without a word, where
    "a data key that leaks cannot trade" was the point of having one."""
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=(SYMBOL,)), clock)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    readers = {
        "binanceusdm": KeyPermissions("binanceusdm", True, False, True, True),  # read key that can withdraw
        "bybit": KeyPermissions("bybit", True, True, False, True),  # read key that can trade
        "bingx": KeyPermissions("bingx", True, False, False, True),  # a proper read-only key
        "mexc": unchecked("mexc", "mexc offers no way to read a key's permissions by API"),
    }
    dropped: list[str] = []
    for v in readers:
        monkeypatch.setattr(session.venues[v], "drop_read_key", lambda v=v: dropped.append(v), raising=False)

    async def probe(entry: str) -> KeyPermissions:
        return readers[entry]

    session.read_key_checks = ({v: v for v in readers}, probe)
    notices: list[Notice] = []
    session.listeners.append(lambda ev: notices.append(ev) if isinstance(ev, Notice) else None)
    await session.start()
    try:
        texts = {n.text for n in notices}
        assert dropped == ["binanceusdm"]
        assert any(t.startswith("binanceusdm read-only key") and "WITHDRAW" in t and "not used" in t for t in texts)
        assert any(t.startswith("bybit read-only key") and "can place orders" in t for t in texts)
        assert not any(t.startswith(("bingx read-only", "mexc read-only")) for t in texts)
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_dropped_read_only_key_reads_nothing_more() -> None:
    from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtVenue

    trade, reader = ApiCredentials("TRADEKEY0001", "tradesecret"), ApiCredentials("READKEY00001", "readsecret")
    both = CcxtVenue("bybit", credentials=trade, read_credentials=reader)
    only_reader = CcxtVenue("binanceusdm", read_credentials=reader)
    try:
        assert both._account_client() is not both._ex
        both.drop_read_key()
        assert both._account_client() is both._ex and both._has_keys  # the trade key reads
        only_reader.drop_read_key()
        assert not only_reader._has_keys  # no key left: account reads are refused as keyless
    finally:
        await both.close()
        await only_reader.close()


def test_a_live_session_asks_the_read_only_keys_its_venues_read_with(tmp_path, monkeypatch) -> None:
    from dataclasses import replace

    from sor_desktop.security.entries import KeyRole
    from sor_desktop.security.vault import Vault
    from tests.security.conftest import CHEAP, PASSWORD, sample_entry

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    vault = Vault(tmp_path / "v.sorv", kdf_params=CHEAP)
    vault.create(PASSWORD)
    vault.add(sample_entry("bybit", "trade", 1))
    vault.add(replace(sample_entry("bybit", "data", 2), role=KeyRole.READ_ONLY))
    vault.add(sample_entry("bingx", "trade", 3))
    session = build_session(Mode.LIVE, ["bybit", "bingx"], SYMBOL, vault=vault)
    try:
        assert session.key_checks is not None and sorted(session.key_checks[0]) == ["bingx", "bybit"]
        assert session.read_key_checks is not None
        readers = session.read_key_checks[0]
        assert list(readers) == ["bybit"] and readers["bybit"].label == "data"
    finally:
        session.journal.close()
