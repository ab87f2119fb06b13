"""``sor-desktop plan`` writes prices as the window does: by the tick, with thousands separators
(a DOGE avg of 0.149853 was "0.15"; BTC limits were a bare 60057.9)."""

from __future__ import annotations

import json

from sor_desktop.cli.main import main
from tests.cli.test_plan_cmd import snap


def _table(tmp_path, capsys, books: list[dict], amount: str) -> str:
    f = tmp_path / "books.json"
    f.write_text(json.dumps(books))
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", amount]) == 0
    return capsys.readouterr().out


def test_btc_prices_have_separators(tmp_path, capsys) -> None:
    out = _table(tmp_path, capsys, [snap("a", [[60022.1, 1.0], [60030.0, 5.0]], [[60020.0, 1.0]])], "2")
    assert "60,026.0" in out or "60,026.1" in out  # the average
    assert "60,030.0" in out  # the worst price
    assert "60022" not in out and "60030 " not in out


def test_doge_prices_keep_their_decimals(tmp_path, capsys) -> None:
    doge = {"symbol": "DOGE/USDT:USDT", "base": "DOGE", "precision": {"amount": 1, "price": 0.00001},
            "limits": {"amount": {"min": 1}, "cost": {"min": 5}}}
    books = [{**snap("a", [[0.14985, 1000.0], [0.14987, 5000.0]], [[0.14980, 1000.0]], **doge),
              "symbol": "DOGE/USDT:USDT"}]
    out = _table(tmp_path, capsys, books, "2000")
    assert "0.14986" in out and "0.14987" in out
    assert "at avg 0.14986;" in out


def test_limits_ending_in_zero_keep_the_tick(tmp_path, capsys) -> None:
    """Every limit on a round figure (0.1499 on a 0.00001 tick): the prices were written with the
    limits' trimmed figures, "0.1499" and an average of "0.1498" for 0.14982."""
    doge = {"symbol": "DOGE/USDT:USDT", "base": "DOGE", "precision": {"amount": 1, "price": 0.00001},
            "limits": {"amount": {"min": 1}, "cost": {"min": 5}}}
    books = [{**snap("a", [[0.14982, 5000.0]], [[0.14980, 1000.0]], **doge), "symbol": "DOGE/USDT:USDT"}]
    out = _table(tmp_path, capsys, books, "2000")
    assert "0.14990" in out, out  # the limit, 5 bps past 0.14982, on the tick
    assert "at avg 0.14982;" in out, out
