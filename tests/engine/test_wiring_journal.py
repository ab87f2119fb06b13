"""Window routes are journalled in every mode (issue 10: simulated routes went to an in-memory
journal, so `journal list` said "No routes"), and a journal that cannot be trusted refuses trading
in the window instead of crashing it or being used."""

from __future__ import annotations

import pytest

from sor_desktop import paths
from sor_desktop.cli.main import main
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.session_events import Notice
from sor_desktop.engine.wiring import build_session
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

from .test_journal_safety import damaged_journal
from .test_session_margin import make_session, req, settle


@pytest.mark.asyncio
async def test_a_simulated_window_route_is_in_the_journal_marked_simulated(tmp_path, monkeypatch, capsys) -> None:
    session, _, _ = await make_session(tmp_path, monkeypatch)
    try:
        route_id = session.submit(session.preview(req("0.5")).plan)
        await settle(session, "route:")
    finally:
        await session.stop(timeout=1.0)
    with Journal(paths.journal_path(), exclusive=False) as j:
        rows = j.recent_routes()
    assert [(r.route_id, r.mode) for r in rows] == [(route_id, "simulated")]
    assert main(["journal", "list", "--mode", "simulated"]) == 0
    assert route_id in capsys.readouterr().out
    assert main(["journal", "list", "--mode", "live"]) == 0
    out = capsys.readouterr().out
    assert route_id not in out and "No live routes" in out


@pytest.mark.asyncio
async def test_a_damaged_journal_refuses_trading_in_the_window_with_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    damaged_journal(paths.journal_path())
    session, _, _ = await make_session(tmp_path, monkeypatch)
    try:
        notices = [n.text for n in session.start_notices if isinstance(n, Notice) and n.level == "error"]
        assert any("damaged" in t and "move it aside" in t for t in notices), notices
        plan = session.preview(req("0.5")).plan
        sent: list[object] = []
        for v in session.venues.values():
            monkeypatch.setattr(v, "submit_order", lambda r, sent=sent: sent.append(r))
        session.submit(plan)
        await settle(session, "route:")
        assert sent == []
        assert not session.executor.ready and "damaged" in (session.executor.trading_refused or "")
    finally:
        await session.stop(timeout=1.0)


@pytest.mark.asyncio
async def test_a_damaged_journal_is_said_once_at_start_not_as_a_wait(tmp_path, monkeypatch) -> None:
    """The status bar also said "routes wait: cannot open the journal ...": a second copy of the
    error, and a wait for something that a restart with a new journal alone ends."""
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    damaged_journal(paths.journal_path())
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=5, latency_scale=0.0, symbols=("BTC/USDT:USDT",)), clock)
    session = build_session(Mode.SIMULATED, None, "BTC/USDT:USDT", venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    notices: list[Notice] = []
    session.listeners.append(lambda ev: notices.append(ev) if isinstance(ev, Notice) else None)
    await session.start()
    try:
        said = [n for n in notices if "damaged" in n.text]
        assert len(said) == 1 and said[0].level == "error" and "move it aside" in said[0].text
        assert not any(n.text.startswith("routes wait") for n in notices)
    finally:
        await session.stop(timeout=1.0)
