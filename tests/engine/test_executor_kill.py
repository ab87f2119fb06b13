"""A real process killed with SIGKILL between two sends, then a new process started on the same
journal: the route comes back consistent, reconciled with the venues, nothing sent twice.

The venues are file-backed fakes (every accepted order fsynced to a JSON-lines file), so the
second process sees exactly what the first one placed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, json, os, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.executor import Executor, ExecutorConfig
    from sor_desktop.engine.journal import Journal
    from sor_desktop.engine.reconcile import ResolveConfig
    from tests.engine.exec_fakes import FakeVenue, book, make_plan

    where, mode, kill_at = Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    ROUTE = "killkillkill00000000"
    cfg = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=0.3, backoff_start_s=0.01, backoff_max_s=0.05))

    class KillingVenue(FakeVenue):
        async def submit_order(self, request):
            if kill_at == "venue" and mode == "send" and self.id == "v1":
                os.kill(os.getpid(), signal.SIGKILL)
            return await super().submit_order(request)

    venues = {v: KillingVenue(v, state_file=where / f"{v}.jsonl") for v in ("v0", "v1", "v2")}

    def hook(req):
        if kill_at == "hook" and req.client_order_id.endswith("l1"):
            os.kill(os.getpid(), signal.SIGKILL)

    async def main():
        ex = Executor(venues, Journal(where / "journal.sqlite3"), config=cfg, before_send=hook)
        plan = make_plan(Side.BUY, [(v, "0.5", "50010", 50001.0) for v in venues])
        books = {v: book(v) for v in venues}
        if mode == "send":
            await ex.execute(plan, books, route_id=ROUTE)
            print(json.dumps({"finished": True}))
            return
        was_ready = ex.ready
        report = await ex.recover()
        again = await ex.execute(plan, books, route_id=ROUTE)
        print(json.dumps({
            "was_ready": was_ready, "ready": ex.ready,
            "resolved": [lg.client_order_id for lg in report.resolved],
            "not_placed": [lg.client_order_id for lg in report.not_placed],
            "again": str(again.state), "again_problems": [p.code for p in again.problems],
            "submits": {v.id: v.submits for v in venues.values()},
        }))

    asyncio.run(main())
    """
)


def _run(tmp: Path, mode: str, kill_at: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOR_DESKTOP_HOME=str(tmp / "home"))
    return subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(tmp), mode, kill_at], capture_output=True,
                          text=True, timeout=120, env=env)


def _accepted(tmp: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in tmp.glob("v*.jsonl"):
        for line in f.read_text().splitlines():
            cid = json.loads(line)["cid"]
            counts[cid] = counts.get(cid, 0) + 1
    return counts


@pytest.mark.parametrize("kill_at", ["hook", "venue"])
def test_sigkill_between_sends_then_restart(tmp_path: Path, kill_at: str) -> None:
    first = _run(tmp_path, "send", kill_at)
    assert first.returncode == -signal.SIGKILL, first.stderr
    before = _accepted(tmp_path)
    if kill_at == "venue":  # v0's order had reached the venue, v1's had not
        assert before == {"sorkillkillkill00000000l0": 1}

    second = _run(tmp_path, "recover", kill_at)
    assert second.returncode == 0, second.stderr
    out = json.loads(second.stdout.strip().splitlines()[-1])
    assert out["was_ready"] is False and out["ready"] is True
    cids = [f"sorkillkillkill00000000l{i}" for i in range(3)]
    assert sorted(out["resolved"] + out["not_placed"]) == cids
    assert sorted(out["resolved"]) == sorted(before)  # exactly what the venues hold was found
    assert out["again"] == "blocked" and "duplicate" in out["again_problems"]
    assert out["submits"] == {"v0": [], "v1": [], "v2": []}  # the restart sent nothing
    assert _accepted(tmp_path) == before and all(n == 1 for n in before.values())

    import sqlite3

    with sqlite3.connect(tmp_path / "journal.sqlite3") as db:
        legs = dict(db.execute("SELECT client_order_id, status FROM legs").fetchall())
        state = db.execute("SELECT state FROM routes").fetchone()[0]
    assert {c: ("filled" if c in before else "rejected") for c in cids} == legs
    assert state == "done"


LOOPBACK_CHILD = textwrap.dedent(
    """
    import asyncio, json, os, signal, sys
    from decimal import Decimal
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.executor import Executor, ExecutorConfig
    from sor_desktop.engine.journal import Journal
    from sor_desktop.engine.reconcile import ResolveConfig
    from sor_desktop.venues.ccxt_venue import CcxtConfig, CcxtVenue
    from tests.engine.exec_fakes import make_plan
    from tests.venues.loopback.fixtures import KEYS

    where, mode, urls = Path(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
    ROUTE = "loopkill000000000000"
    SYMBOL = "BTC/USDT:USDT"
    cfg = ExecutorConfig(resolve=ResolveConfig(acceptance_window_s=0.5, backoff_start_s=0.02, backoff_max_s=0.1),
                         acceptance_windows={})

    first_done = None

    class KillBeforeSecondSend(CcxtVenue):
        async def submit_order(self, request):
            if mode == "send" and self.id == "bybit":
                await asyncio.wait_for(first_done.wait(), 30)  # the binance leg went out and was answered
                os.kill(os.getpid(), signal.SIGKILL)
            report = await super().submit_order(request)
            first_done.set()
            return report

    async def main():
        global first_done
        first_done = asyncio.Event()
        venues = {vid: KillBeforeSecondSend(vid, credentials=KEYS, config=CcxtConfig(
                      api_urls=u, request_timeout_ms=2000, keepalive_ms=1000)) for vid, u in urls.items()}
        await asyncio.gather(*(v.connect() for v in venues.values()))
        ex = Executor(venues, Journal(where / "journal.sqlite3"), config=cfg)
        books = dict(zip(venues, await asyncio.gather(*(v.watch_order_book(SYMBOL) for v in venues.values()))))
        plan = make_plan(Side.BUY, [(vid, "0.004", str(Decimal(str(b.best_ask)) + 5), b.best_ask)
                                    for vid, b in books.items()])
        try:
            if mode == "send":
                await ex.execute(plan, books, route_id=ROUTE)
                return
            was_ready = ex.ready
            report = await ex.recover()
            again = await ex.execute(plan, books, route_id=ROUTE)
            print(json.dumps({"was_ready": was_ready, "ready": ex.ready,
                              "resolved": {lg.client_order_id: lg.status for lg in report.resolved},
                              "not_placed": [lg.client_order_id for lg in report.not_placed],
                              "journal": {lg.client_order_id: lg.status for lg in ex.journal.legs(ROUTE)},
                              "again": [p.code for p in again.problems]}))
        finally:
            await asyncio.gather(*(v.close() for v in venues.values()))

    asyncio.run(main())
    """
)


@pytest.mark.asyncio
async def test_sigkill_between_sends_on_the_loopback_servers(tmp_path: Path) -> None:
    import asyncio

    from tests.venues.loopback.fixtures import serving

    async def child(mode: str, urls: str) -> tuple[int, str, str]:
        env = dict(os.environ, SOR_DESKTOP_HOME=str(tmp_path / "home"))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", LOOPBACK_CHILD, str(ROOT), str(tmp_path), mode, urls, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 120)
        return proc.returncode or 0, out.decode(), err.decode()

    async with serving("binanceusdm") as bn, serving("bybit") as by:
        urls = json.dumps({"binanceusdm": bn.api_urls, "bybit": by.api_urls})
        rc, _, err = await child("send", urls)
        assert rc == -signal.SIGKILL, err
        leg0, leg1 = "sorloopkill000000000000l0", "sorloopkill000000000000l1"
        assert [p.client_id for p in bn.placements] == [leg0] and by.placements == []

        rc, out, err = await child("recover", urls)
        assert rc == 0, err
        got = json.loads(out.strip().splitlines()[-1])
        assert got["was_ready"] is False and got["ready"] is True
        # leg 0 was recorded filled before the kill or is found now; leg 1 never left
        assert got["resolved"] in ({}, {leg0: "filled"}) and got["not_placed"] == [leg1]
        assert got["journal"] == {leg0: "filled", leg1: "rejected"}
        assert got["again"] == ["duplicate"]
        # nothing was placed by the restart, nothing twice
        assert [p.client_id for p in bn.placements] == [leg0] and by.placements == []
