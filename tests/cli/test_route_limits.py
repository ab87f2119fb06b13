"""``route`` refuses, before anything is sent, an amount whose notional is above the maximum (a
fat finger such as 1e9 must not go out as "as much as the venues take"), with a default maximum
when none is configured, and a slippage that would leave a sell without a positive limit."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sor_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOR_VAULT_PASSWORD", raising=False)
    return tmp_path / "home"


ARGS = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--venues", "binanceusdm,bybit", "--yes"]


def _legs(journal: Path) -> int:
    if not journal.exists():
        return 0
    with sqlite3.connect(journal) as db:
        return int(db.execute("SELECT COUNT(*) FROM legs").fetchone()[0])


@pytest.mark.parametrize("extra", [
    ["--amount", "1e9"],  # no maximum configured: the default one applies
    ["--amount", "100", "--max-notional", "1000000"],  # ~6 M USDT at a 60 k price
    ["--amount", "2000000", "--unit", "quote", "--max-notional", "1000000"],
])
def test_an_amount_above_the_maximum_notional_is_refused_before_sending(
        extra: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", *extra, "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "maximum notional" in err and "nothing was sent" in err and "Traceback" not in err
    assert _legs(journal) == 0


def test_an_amount_within_the_maximum_still_routes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--max-notional", "1000000", "--journal", str(journal)])
    assert rc == 0, capsys.readouterr()
    assert _legs(journal) >= 1


def test_slippage_of_100_percent_or_more_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "sell", "--amount", "0.5", "--slippage-bps", "20000", "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2 and "--slippage-bps" in err and "Traceback" not in err
    assert _legs(journal) == 0


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "1e400", "0", "-5", '"lots"'])
def test_a_bad_max_notional_in_config_json_refuses_the_route(
        bad: str, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Even a route under the default maximum: the trader's own limit is unknown."""
    from sor_desktop import paths

    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('{"max_notional": ' + bad + '}', encoding="utf-8")
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert "max_notional" in err and "not a finite positive number" in err and "routes are refused" in err
    assert _legs(journal) == 0


@pytest.mark.parametrize("bad", ["nan", "inf", "-1", "abc"])
def test_a_bad_leg_cost_is_bad_input(bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--leg-cost", bad, "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2 and "--leg-cost" in err and "Traceback" not in err
    assert _legs(journal) == 0


def test_the_leg_cost_decides_whether_a_small_leg_is_worth_it(tmp_path: Path) -> None:
    """With no cost per leg the router splits whenever it saves anything; a high one keeps one venue."""
    counts = []
    for cost in ("0", "1000"):
        journal = tmp_path / f"j{cost}.sqlite3"
        args = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--yes"]  # the five venues
        assert main([*args, "--side", "buy", "--amount", "4", "--leg-cost", cost, "--journal", str(journal)]) == 0
        counts.append(_legs(journal))
    assert counts[0] > 1 and counts[1] == 1
