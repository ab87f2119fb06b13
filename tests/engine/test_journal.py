"""The journal: durable settings, intents committed before any send, monotonic leg records, TCA and
its CSV export."""

from __future__ import annotations

import csv
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.orders import OrderReport, OrderRequest, OrderStatus, Side
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal, JournalError, LegRow, RouteRow
from sor_desktop.engine.tca import export_csv, journal_route_tca, route_tca, slippage_bps

from .exec_fakes import FakeVenue, book, make_plan
from .test_executor import FAST


def test_wal_and_full_sync(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite3")
    assert j.wal
    assert j._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert j._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_default_path_follows_sor_desktop_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    with Journal() as j:
        assert j.path == tmp_path / "data" / "journal.sqlite3"
    assert (tmp_path / "data" / "journal.sqlite3").exists()


@pytest.mark.asyncio
async def test_every_intent_is_committed_before_the_first_order_leaves(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def before_send(req: OrderRequest) -> None:
        # a second connection sees only committed data
        with sqlite3.connect(path) as other:
            rows = other.execute("SELECT client_order_id, status FROM legs ORDER BY leg_index").fetchall()
        seen.append((req.client_order_id, rows))

    venues = {"v0": FakeVenue("v0"), "v1": FakeVenue("v1")}
    ex = Executor(venues, Journal(path), config=ExecutorConfig(resolve=FAST), before_send=before_send)
    res = await ex.execute(make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0), ("v1", "0.5", "50010", 50_001.0)]),
                           {v: book(v) for v in venues})
    cids = [lg.client_order_id for lg in res.legs]
    assert [s[0] for s in seen] == cids
    for _, rows in seen:
        assert [r[0] for r in rows] == cids  # both intents, before either send
        assert {r[1] for r in rows} <= {"pending", "filled"}


def _route(rid: str = "r0000000000001") -> RouteRow:
    return RouteRow(rid, None, 1000.0, "simulated", "BTC/USDT:USDT", Side.BUY, "base", 3.0, "fp", 150.0, 3.0,
                    "{}", "sending", None)


def _leg(rid: str, i: int, venue: str, contracts: str, preview: float, *, linear: bool = True,
         size: str = "1") -> LegRow:
    return LegRow(f"sor{rid}l{i}", rid, i, venue, "simulated", "BTC/USDT:USDT", Side.BUY, Decimal(contracts),
                  Decimal("999999"), Decimal(size), linear, preview, float(contracts), 0.1, "pending", Decimal(0),
                  None, Decimal(0), None, None, 1000.0, None, None, None, 1000.0)


def _report(cid: str, status: OrderStatus, contracts: str, filled: str, price: str | None, fee: str = "0") -> OrderReport:
    return OrderReport("v", "BTC/USDT:USDT", cid, status, Side.BUY, Decimal(contracts), Decimal(filled),
                       Decimal(price) if price else None, Decimal(fee))


def test_leg_records_never_go_backwards(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite3")
    rid = "r0000000000001"
    j.begin_route(_route(rid), [_leg(rid, 0, "v0", "2", 100.0)])
    cid = f"sor{rid}l0"
    j.record_report(cid, _report(cid, OrderStatus.PARTIALLY_FILLED, "2", "1", "100"), 1001.0, latency_ms=5.0)
    j.record_report(cid, _report(cid, OrderStatus.FILLED, "2", "2", "100.5", "0.1"), 1002.0)
    late = j.record_report(cid, _report(cid, OrderStatus.PARTIALLY_FILLED, "2", "1", "100"), 1003.0)
    assert late.status == "filled" and late.filled_contracts == Decimal("2") and late.avg_price == Decimal("100.5")
    assert late.latency_ms == 5.0 and late.ack_ts == 1001.0
    assert [e.kind for e in j.events(rid)] == ["intent", "ack", "fill", "fill", "done", "late_report"]
    with pytest.raises(JournalError):
        j.begin_route(_route(rid), [])


def test_open_legs_follow_every_write_and_a_reader_sees_the_writer(tmp_path: Path) -> None:
    """The window asks the open legs four times a second (why routes wait): the trading journal
    keeps them between its own writes, and every write, even one that fails, reads them again."""
    j = Journal(tmp_path / "j.sqlite3")
    reader = Journal(tmp_path / "j.sqlite3", exclusive=False)
    assert j.open_legs() == [] and reader.open_legs() == []
    rid = "r0000000000002"
    j.begin_route(_route(rid), [_leg(rid, 0, "v0", "2", 100.0), _leg(rid, 1, "v1", "1", 100.0)])
    assert [lg.status for lg in j.open_legs()] == ["pending", "pending"]
    assert len(reader.open_legs()) == 2
    cid = f"sor{rid}l0"
    j.mark_unknown(cid, 1001.0, "timed out")
    assert [lg.status for lg in j.open_legs()] == ["unknown", "pending"]
    j.record_report(cid, _report(cid, OrderStatus.FILLED, "2", "2", "100"), 1002.0)
    assert [lg.client_order_id for lg in j.open_legs()] == [f"sor{rid}l1"]
    with pytest.raises(JournalError):
        j.begin_route(_route(rid), [])  # a write that fails
    assert [lg.client_order_id for lg in j.open_legs()] == [f"sor{rid}l1"]
    assert [lg.client_order_id for lg in reader.open_legs()] == [f"sor{rid}l1"]
    got = j.open_legs()
    got.clear()  # a caller's list is its own
    assert len(j.open_legs()) == 1


def test_journal_survives_reopen(tmp_path: Path) -> None:
    rid = "r0000000000001"
    with Journal(tmp_path / "j.sqlite3") as j:
        j.begin_route(_route(rid), [_leg(rid, 0, "v0", "1", 100.0)])
    with Journal(tmp_path / "j.sqlite3") as j:
        assert [lg.status for lg in j.open_legs()] == ["pending"]
        assert j.route(rid) is not None


def test_tca_and_csv_export(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite3")
    rid = "r0000000000001"
    legs = [_leg(rid, 0, "v0", "1", 100.0), _leg(rid, 1, "v1", "2", 200.0)]
    j.begin_route(_route(rid), legs)
    j.record_report(legs[0].client_order_id, _report("x", OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0,
                    latency_ms=12.0)
    j.record_report(legs[1].client_order_id, _report("x", OrderStatus.CANCELED, "2", "1", "200", "0.10"), 1001.0,
                    latency_ms=30.0)
    t = route_tca(j.route(rid), j.legs(rid))  # type: ignore[arg-type]
    # leg 0 paid 101 vs 100 previewed: +100 bps; leg 1 paid as previewed
    assert [lg.slippage_bps for lg in t.legs] == [pytest.approx(100.0), pytest.approx(0.0)]
    # 1 @ 101 + 1 @ 200 = 150.5 against a preview of the same amounts of 150: +33.3 bps
    assert t.realised_avg_price == pytest.approx(150.5)
    assert t.preview_avg_price_filled == pytest.approx(150.0)
    assert t.slippage_bps == pytest.approx((150.5 / 150 - 1) * 1e4)
    assert t.fees_paid == pytest.approx(0.15) and t.filled_base == 2.0 and t.fill_ratio == pytest.approx(2 / 3)
    assert t.latency_ms == {"v0": 12.0, "v1": 30.0}
    j.finish_route(rid, "done", 1002.0, t.to_json())
    assert journal_route_tca(j, rid) == t
    out = tmp_path / "tca.csv"
    assert export_csv(j, out) == 2
    rows = list(csv.DictReader(out.open()))
    assert [r["venue"] for r in rows] == ["v0", "v1"]
    assert float(rows[0]["slippage_bps"]) == pytest.approx(100.0)
    assert float(rows[1]["route_slippage_bps"]) == pytest.approx(t.slippage_bps)
    assert rows[1]["status"] == "canceled" and float(rows[1]["filled_base"]) == 1.0
    # binary noise stays out of the file: 150.5 / 150 - 1 in bps prints as 33.3333333333
    assert rows[1]["route_slippage_bps"] == "33.3333333333"


def test_inverse_contract_filled_base_and_average() -> None:
    # 100 contracts of 100 USD at 50000 = 0.2 BTC; realised average is quote over base
    leg = _leg("r0000000000001", 0, "v0", "100", 50_000.0, linear=False, size="100")
    from dataclasses import replace

    filled = replace(leg, filled_contracts=Decimal("100"), avg_price=Decimal("50000"), status="filled")
    assert filled.filled_base == Decimal("0.2")


def test_slippage_sign_is_a_cost_for_both_sides() -> None:
    assert slippage_bps(Side.BUY, 100.0, 101.0) == pytest.approx(100.0)
    assert slippage_bps(Side.SELL, 100.0, 99.0) == pytest.approx(100.0)
    assert slippage_bps(Side.SELL, 100.0, 101.0) == pytest.approx(-100.0)


def test_one_trading_process_per_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    first = Journal(path)
    with pytest.raises(JournalError, match="in use by another sor-desktop process"):
        Journal(path)
    with Journal(path, exclusive=False) as reader:  # list/export may read beside it
        assert reader.recent_routes() == []
    first.close()
    Journal(path).close()  # released on close


@pytest.mark.asyncio
async def test_reduce_only_reaches_every_leg_and_the_reroute(tmp_path: Path) -> None:
    venues = {"v0": FakeVenue("v0", faults=["partial"]), "v1": FakeVenue("v1")}
    seen: list[tuple[str, bool]] = []
    ex = Executor(venues, Journal(tmp_path / "j.sqlite3"), config=ExecutorConfig(resolve=FAST),
                  before_send=lambda req: seen.append((req.venue, req.reduce_only)))
    plan = make_plan(Side.SELL, [("v0", "1", "49990", 50_000.0)])
    res = await ex.execute(plan, {v: book(v) for v in venues}, reduce_only=True)
    child = await ex.reroute_remainder(
        res.route_id, {v: book(v) for v in venues},
        lambda req, books: make_plan(Side.SELL, [("v1", "0.5", "49990", 50_000.0)], requested=req.amount))
    assert child is not None and child.state.value == "done"
    assert seen == [("v0", True), ("v1", True)]


def test_recent_tca_of_one_mode(tmp_path: Path) -> None:
    """Every mode journals to one file; a paper window's slippage plot showed the simulated
    market's routes."""
    from dataclasses import replace

    j = Journal(tmp_path / "j.sqlite3")
    for n, mode in enumerate(("simulated", "paper", "simulated")):
        rid = f"r000000000000{n}"
        j.begin_route(replace(_route(rid), mode=mode, created=1000.0 + n), [])
        j.finish_route(rid, "done", 1001.0 + n, {"route": rid, "mode": mode})
    assert [t["route"] for t in j.recent_tca(10, mode="simulated")] == ["r0000000000000", "r0000000000002"]
    assert [t["route"] for t in j.recent_tca(10, mode="paper")] == ["r0000000000001"]
    assert len(j.recent_tca(10)) == 3 and j.recent_tca(10, mode="live") == []
