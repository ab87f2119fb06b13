"""An account read the venue's rate limiter turned away, on every loopback venue: the session
says so (rate limited, when the next read is) and does not ask that venue again before then, as
every venue's docs ask (Binance: "back off and not spam the API" after a 429, or an IP ban
follows). The account loop read every 2 s whatever the answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal
from sor_desktop.engine.session import Session
from sor_desktop.engine.session_events import AccountUpdate, SessionEvent
from sor_desktop.venues.base import Mode
from tests.venues.loopback.suite import Loopback, trading

__all__ = ["trading"]


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    j = Journal(tmp_path / "journal.sqlite3")
    yield j
    j.close()


@pytest.mark.asyncio
async def test_a_rate_limited_account_read_is_said_and_backed_off(trading: Loopback, journal: Journal) -> None:
    v, server, case = trading.v, trading.server, trading.case
    session = Session(Mode.LIVE, [v], case.symbol, executor=Executor({v.id: v}, journal), account_every_s=0.05)
    session.instruments[v.id] = dict(v.instruments())
    seen: list[SessionEvent] = []
    session.listeners.append(seen.append)

    def reads() -> int:
        return sum(1 for m, _ in server.requests if m == "GET")

    server.faults.rate_limit_reads = 1
    await session.refresh_accounts()
    failed = [e for e in seen if isinstance(e, AccountUpdate) and e.error]
    assert len(failed) == 1 and "rate limited" in (failed[0].error or "")
    assert "next read in" in (failed[0].error or "")
    before = reads()
    for _ in range(3):  # the loop comes round again at once: the venue is left alone
        await session.refresh_accounts()
    assert reads() == before
    session._account_wait[v.id] = (0.0, session._account_wait[v.id][1])  # the wait is over
    await session.refresh_accounts()
    assert reads() > before
    last = [e for e in seen if isinstance(e, AccountUpdate)][-1]
    assert last.error is None
    assert v.id not in session._account_wait
