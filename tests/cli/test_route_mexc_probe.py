"""``route`` on MEXC: the venue's permission probe order, sent at connect, is in the route's
journal like any order (it was sent unjournaled; once probes needed a journal, the CLI connected
its venues before it had an executor, so MEXC stayed view-only there). Against the loopback MEXC
server, run in a thread of its own (``main`` runs its own event loop)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sor_desktop.cli import route_cmd
from sor_desktop.cli.main import main
from sor_desktop.engine.journal import Journal
from sor_desktop.venues.mexc.probe import PROBE_ID_PREFIX
from tests.venues.loopback.fixtures import loopback_venue, serving


@pytest.fixture
def mexc_server() -> Iterator[Any]:
    started, stop = threading.Event(), threading.Event()
    box: dict[str, Any] = {}

    async def serve() -> None:
        async with serving("mexc") as server:
            box["server"] = server
            started.set()
            while not stop.is_set():
                await asyncio.sleep(0.02)

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert started.wait(10)
    yield box["server"]
    stop.set()
    thread.join(10)


def test_the_probe_order_is_journaled_by_route(mexc_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(route_cmd, "make_venues", lambda *a, **k: [loopback_venue(mexc_server, "mexc")])
    journal = tmp_path / "j.sqlite3"
    main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "0.001", "--yes", "--json",
          "--journal", str(journal)])
    probe = mexc_server.bodies[0]
    assert probe["vol"] == 0 and probe["externalOid"].startswith(PROBE_ID_PREFIX)
    with Journal(journal) as j:
        legs = {lg.client_order_id: lg for lg in j.all_legs()}
    assert legs[probe["externalOid"]].status == "rejected" and "2011" in (legs[probe["externalOid"]].reason or "")
    assert len(mexc_server.bodies) >= 2  # MEXC took the route's leg: the probe found orders by API on
