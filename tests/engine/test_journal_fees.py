"""A leg's fee in the journal and its cost analysis: the venue's figure, or an estimate said to
be one, never summed as a paid 0. Journals written before the flag stay readable, and a fill
they recorded with fee 0 reads as "not known", not as free."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.core.orders import OrderStatus
from sor_desktop.engine.journal import SCHEMA_VERSION, Journal
from sor_desktop.engine.tca import RouteTca, export_csv, fees_text, journal_route_tca, route_tca

from .test_journal import _leg, _report, _route

RID = "r0000000000001"


def _two_legs(j: Journal) -> tuple[str, str]:
    legs = [_leg(RID, 0, "v0", "1", 100.0), _leg(RID, 1, "v1", "2", 200.0)]
    j.begin_route(_route(RID), legs)
    return legs[0].client_order_id, legs[1].client_order_id


def _estimated(cid: str, filled: str, fee: str):  # type: ignore[no-untyped-def]
    return replace(_report(cid, OrderStatus.FILLED, filled, filled, "100", fee), fee_estimated=True)


def test_an_estimated_fee_stays_flagged_and_is_not_taken_for_the_venues(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        a, b = _two_legs(j)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
        j.record_report(b, _estimated(b, "2", "0.10"), 1001.0)
        assert (j.leg(a).fee, j.leg(a).fee_estimated) == (Decimal("0.05"), False)
        assert (j.leg(b).fee, j.leg(b).fee_estimated) == (Decimal("0.10"), True)
    with Journal(path, exclusive=False) as j:  # as stored, read back by another process
        assert j.leg(b).fee_estimated is True and j.leg(a).fee_estimated is False
        t = route_tca(j.route(RID), j.legs(RID))  # type: ignore[arg-type]
    assert [lg.fee_estimated for lg in t.legs] == [False, True]
    assert t.fees_paid == pytest.approx(0.15) and t.fees_estimated is True
    assert fees_text(t) == "~0.1500 est."


def test_the_venues_fee_replaces_an_estimate_and_an_estimate_never_replaces_it(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a, b = _two_legs(j)
        j.record_report(a, replace(_estimated(a, "1", "0.06"), status=OrderStatus.PARTIALLY_FILLED), 1001.0)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "100", "0.05"), 1002.0)
        assert (j.leg(a).fee, j.leg(a).fee_estimated) == (Decimal("0.05"), False)
        j.record_report(b, _report(b, OrderStatus.PARTIALLY_FILLED, "2", "2", "100", "0.09"), 1001.0)
        j.record_report(b, _estimated(b, "2", "0.12"), 1002.0)  # the same fill, the fee not given this time
        assert (j.leg(b).fee, j.leg(b).fee_estimated) == (Decimal("0.09"), False)


def test_a_later_answer_without_the_fill_does_not_turn_an_estimate_into_a_paid_zero(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a, _ = _two_legs(j)
        j.record_report(a, replace(_estimated(a, "1", "0.06"), status=OrderStatus.PARTIALLY_FILLED), 1001.0)
        # a sparse answer (a cancel acknowledgement carrying ids only): nothing filled, fee 0
        j.record_report(a, _report(a, OrderStatus.CANCELED, "1", "0", None, "0"), 1002.0)
        assert (j.leg(a).filled_contracts, j.leg(a).fee, j.leg(a).fee_estimated) == (1, Decimal("0.06"), True)


def test_a_fill_with_no_fee_at_all_is_unknown_not_free(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a, b = _two_legs(j)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
        j.record_report(b, _estimated(b, "2", "0"), 1001.0)  # no price to estimate at: not known
        t = route_tca(j.route(RID), j.legs(RID))  # type: ignore[arg-type]
    assert [lg.fee_unknown for lg in t.legs] == [False, True]
    assert fees_text(t) == "0.0500 + 1 unknown"


def test_a_fee_free_fill_is_a_paid_zero(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a, b = _two_legs(j)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "101", "0"), 1001.0)
        j.record_report(b, _report(b, OrderStatus.FILLED, "2", "2", "100", "0"), 1001.0)
        t = route_tca(j.route(RID), j.legs(RID))  # type: ignore[arg-type]
    assert t.fees_paid == 0 and not t.fees_estimated and not any(lg.fee_unknown for lg in t.legs)
    assert fees_text(t) == "0.0000"


def test_the_csv_says_where_each_fee_came_from(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        a, b = _two_legs(j)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
        j.record_report(b, _estimated(b, "2", "0.10"), 1001.0)
        t = route_tca(j.route(RID), j.legs(RID))  # type: ignore[arg-type]
        j.finish_route(RID, "done", 1002.0, t.to_json())
        assert journal_route_tca(j, RID) == t  # the stored analysis keeps the flags
        out = tmp_path / "tca.csv"
        export_csv(j, out)
    rows = list(csv.DictReader(out.open()))
    assert [r["fee_basis"] for r in rows] == ["venue", "estimate"]
    assert {r["route_fees_basis"] for r in rows} == {"estimate"}


def _schema_1(path: Path) -> None:
    """What a journal written before the fee flag holds: the same tables without the column."""
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE legs DROP COLUMN fee_estimated")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()


def test_an_old_journal_stays_readable_and_its_fills_without_a_fee_read_unknown(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path) as j:
        a, b = _two_legs(j)
        j.record_report(a, _report(a, OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
        j.record_report(b, _report(b, OrderStatus.FILLED, "2", "2", "100", "0"), 1001.0)  # the old silent 0
        stored = route_tca(j.route(RID), j.legs(RID)).to_json()  # type: ignore[arg-type]
        for leg in stored["legs"]:
            del leg["fee_estimated"]  # the analysis as the old version stored it
        del stored["fees_estimated"]
        j.finish_route(RID, "done", 1002.0, stored)
    _schema_1(path)
    with Journal(path, exclusive=False) as j:  # `journal list` reads it as it is: nothing written
        assert [lg.fee_estimated for lg in j.legs(RID)] == [False, True]
        old = journal_route_tca(j, RID)
    assert old is not None and [lg.fee_unknown for lg in old.legs] == [False, True]
    assert fees_text(old) == "0.0500 + 1 unknown"
    with Journal(path) as j:  # opened for trading: migrated, and the old rows read the same
        assert j._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        assert [lg.fee_estimated for lg in j.legs(RID)] == [False, True]
        c = j.legs(RID)[1].client_order_id
        j.record_report(c, _report(c, OrderStatus.FILLED, "2", "2", "100", "0.1"), 1003.0)  # a late true fee
        assert j.leg(c).fee_estimated is False


def test_a_stored_analysis_reads_back_equal() -> None:
    t = RouteTca.from_json({"route_id": "r", "parent_route_id": None, "created": 1.0, "mode": "live",
                            "symbol": "BTC/USDT:USDT", "side": "buy", "requested": 1.0, "unit": "base",
                            "preview_avg_price": 100.0, "preview_filled_base": 1.0, "preview_avg_price_filled": 100.0,
                            "realised_avg_price": 100.0, "filled_base": 1.0, "fill_ratio": 1.0, "slippage_bps": 0.0,
                            "preview_fees": 0.05, "fees_paid": 0.05, "latency_ms": {}, "legs": []})
    assert RouteTca.from_json(t.to_json()) == t
