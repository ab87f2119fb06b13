"""``plan`` with the snapshots' futures terms: fee, funding (``--hold-hours``), brackets."""

from __future__ import annotations

import json

import pytest

from sor_desktop.cli.main import main
from tests.cli.test_plan_cmd import run_json, snap

HOUR = 3_600_000
T0 = 1_700_000_000_000
ASKS, BIDS = [[100.0, 1.0], [100.2, 1.0], [100.5, 2.0]], [[99.9, 1.0], [99.7, 1.0]]


def _files(tmp_path, a_extra: dict, b_extra: dict) -> str:
    f = tmp_path / "books.json"
    f.write_text(json.dumps([{**snap("a", ASKS, BIDS, ts=T0), **a_extra},
                             {**snap("b", ASKS, BIDS, ts=T0), **b_extra}]))
    return str(f)


def test_hold_hours_routes_to_the_cheaper_funding_and_legs_carry_it(tmp_path, capsys):
    books = _files(tmp_path, {"funding": {"rate": 0.0005, "interval_hours": 8, "next_time": T0 + HOUR}},
                   {"funding": {"rate": -0.0005, "interval_hours": 8, "next_time": T0 + HOUR}})
    held = run_json(capsys, "--books", books, "--side", "buy", "--amount", "2", "--leg-cost", "0",
                    "--hold-hours", "24")
    assert [lg["venue"] for lg in held["legs"]] == ["b"]
    assert held["hold_hours"] == 24
    # 2 BTC received 0.05 % x mid 99.95 x 3 settlements
    assert held["legs"][0]["funding"] == pytest.approx(-2 * 0.0005 * 99.95 * 3)
    assert held["funding"] == pytest.approx(held["legs"][0]["funding"])
    free = run_json(capsys, "--books", books, "--side", "buy", "--amount", "2", "--leg-cost", "0")
    assert sorted(lg["venue"] for lg in free["legs"]) == ["a", "b"]
    assert all(lg["funding"] is None for lg in free["legs"])
    assert main(["plan", "--books", books, "--side", "buy", "--amount", "2", "--leg-cost", "0",
                 "--hold-hours", "24"]) == 0
    text = capsys.readouterr().out
    assert "funding" in text and "funding over 24 h: -0.30 USDT" in text


def test_account_fee_in_the_snapshot_overrides_the_market(tmp_path, capsys):
    books = _files(tmp_path, {}, {"fee": 0.0001})
    out = run_json(capsys, "--books", books, "--side", "buy", "--amount", "1", "--leg-cost", "0")
    assert [lg["venue"] for lg in out["legs"]] == ["b"]
    assert out["legs"][0]["fee"] == pytest.approx(100.0 * 0.0001)


def test_brackets_cap_legs_and_give_a_liquidation_price(tmp_path, capsys):
    tiers = [{"cap": 150, "max_leverage": 20, "mmr": 0.01}, {"cap": 10_000, "max_leverage": 5, "mmr": 0.05}]
    books = _files(tmp_path, {"brackets": tiers, "mark_price": 100.0}, {"fee": 0.003})
    out = run_json(capsys, "--books", books, "--side", "buy", "--amount", "2", "--leg-cost", "0",
                   "--leverage", "10")
    legs = {lg["venue"]: lg for lg in out["legs"]}
    assert legs["a"]["amount_base"] == pytest.approx(1.5)  # 10x only within the 150 USDT tier
    assert legs["a"]["liquidation_price"] == pytest.approx(legs["a"]["avg_price"] * 0.9 / 0.99)
    assert legs["b"]["liquidation_price"] is None
    assert main(["plan", "--books", books, "--side", "buy", "--amount", "2", "--leg-cost", "0",
                 "--leverage", "10"]) == 0
    assert "liq. price" in capsys.readouterr().out


@pytest.mark.parametrize("extra, needle", [
    ({"funding": {"rate": 0.0001}}, "funding is missing interval_hours"),
    ({"funding": {"rate": 0.0001, "interval_hours": -8}}, "positive number of hours"),
    ({"fee": "x"}, "fee must be a number"),
    ({"brackets": [{"cap": 1}]}, "a bracket needs numbers"),
    ({"brackets": {"cap": 1}}, "brackets must be a list"),
])
def test_bad_terms_are_one_line(tmp_path, capsys, extra, needle):
    books = _files(tmp_path, extra, {})
    assert main(["plan", "--books", books, "--side", "buy", "--amount", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("args, needle", [(["--hold-hours", "-1"], "zero or more"),
                                          (["--min-liq-distance", "100"], "below 100"),
                                          (["--leverage", "0"], "positive")])
def test_bad_futures_flags_are_one_line(tmp_path, capsys, args, needle):
    books = _files(tmp_path, {}, {})
    assert main(["plan", "--books", books, "--side", "buy", "--amount", "1", *args]) == 2
    assert needle in capsys.readouterr().err
