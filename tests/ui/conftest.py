"""Window tests on the seeded simulated market in virtual time.

The session's coroutines are driven deterministically: a plain asyncio loop on the Qt thread runs
only inside ``run_until_complete`` (qasync would also run them whenever Qt processes events, which
makes a test's order of events depend on timing; the app itself runs on qasync, covered by the
``--screenshot`` test). Books go into the store straight from the simulated market at chosen
virtual times, so every test sees the same books; the feeds are not started (the feed supervisor
has its own tests).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from sor_desktop.engine.session import Session
from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.engine.wiring import build_session
from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui import theme
from sor_desktop.ui.main_window import MainWindow
from sor_desktop.venues.base import Mode
from sor_desktop.venues.sim.clock import VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket

SYMBOL = "BTC/USDT:USDT"
DOGE = "DOGE/USDT:USDT"
SEED = 11


class Sim:
    """The simulated market on virtual time, and a way to move it and publish its books."""

    def __init__(self, session: Session, market: SimMarket, clock: VirtualClock) -> None:
        self.session = session
        self.market = market
        self.clock = clock
        self.seq = 0
        self.silent: set[str] = set()  # venues whose books stop arriving

    def publish(self) -> None:
        self.seq += 1
        for v in self.session.venues:
            if v in self.silent:
                continue
            book = self.market.book_at(v, SYMBOL, self.clock.time(), sequence=self.seq)
            self.session.store.put_book(book)
            h = self.session.store.health(v)
            if h.state is not LinkState.CONNECTED:
                self.session.store.set_health(VenueHealth(v, LinkState.CONNECTED))

    def step(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        loop.run_until_complete(self.clock.advance(seconds))
        self.publish()


@pytest.fixture
def loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    theme.apply(qapp)
    lp = asyncio.new_event_loop()
    asyncio.set_event_loop(lp)
    yield lp
    asyncio.set_event_loop(None)
    lp.close()


@pytest.fixture
def sim_session(loop, tmp_path, monkeypatch) -> Iterator[Sim]:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=SEED, latency_scale=0.0, symbols=(SYMBOL,)), clock)
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    loop.run_until_complete(session.connect_venues())
    loop.run_until_complete(session.refresh_accounts())
    sim = Sim(session, market, clock)
    sim.publish()
    yield sim
    loop.run_until_complete(session.stop(timeout=1.0))
    assert not [t for t in session.tasks if not t.done()], "session left tasks running"


@pytest.fixture
def window(qtbot, sim_session, tmp_path) -> Iterator[MainWindow]:
    settings = settings_mod.open_settings(tmp_path / "window.ini")
    w = MainWindow(sim_session.session, settings, restore=False)
    qtbot.addWidget(w)
    w.show()
    w.on_session_started()
    w.timer.stop()  # tests drive frames themselves: nothing redraws behind their back
    # previews are planned in line, so a test reads the one it asked for at once; the planner's
    # thread has its own tests (test_preview_thread.py, test_preview_lag.py)
    w.planner.inline = True
    yield w
    w.close()


@pytest.fixture
def doge(loop, qtbot, tmp_path, monkeypatch) -> Iterator[MainWindow]:
    """The window opened on DOGE/USDT:USDT (0.15, tick 0.00001; mexc does not list it), BTC also listed."""
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=11, latency_scale=0.0, symbols=("BTC/USDT:USDT", DOGE)), clock)
    session = build_session(Mode.SIMULATED, None, DOGE, venues=list(market.venues().values()),
                            clock=clock.time, monotonic=clock.monotonic)
    loop.run_until_complete(session.connect_venues())
    for v in session.venues:
        if DOGE in session.instruments.get(v, {}):
            session.store.put_book(market.book_at(v, DOGE, clock.time(), sequence=1))
            session.store.set_health(VenueHealth(v, LinkState.CONNECTED))
    w = MainWindow(session, settings_mod.open_settings(tmp_path / "window.ini"), restore=False)
    qtbot.addWidget(w)
    w.show()
    w.on_session_started()
    w.timer.stop()
    yield w
    w.close()
    loop.run_until_complete(session.stop(timeout=1.0))
