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
    ["--amount", "1000000000"],  # no maximum configured: the default one applies
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


def _config(text: str) -> None:
    from sor_desktop import paths

    cfg = paths.config_path()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text, encoding="utf-8")


def test_max_notional_flag_only_lowers_the_configured_maximum(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """config.json said 50,000: `--max-notional 1e9` sent 2.6 BTC (~156,000 USDT). A flag may
    tighten the trader's guard for one route, never lift it."""
    _config('{"max_notional": 50000}')
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "2.6", "--max-notional", "1000000000", "--journal", str(journal)])
    out, err = capsys.readouterr()
    assert rc == 3 and "Traceback" not in err
    assert "NOT SENT" in out and "maximum 50,000.0 (config.json's max_notional)" in out, out
    assert "--max-notional 1,000,000,000 is above config.json's max_notional (50,000): the lower applies" in err, err
    assert _legs(journal) == 0
    # and below it, the flag is the maximum
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--max-notional", "10000", "--journal", str(journal)])
    out, err = capsys.readouterr()
    assert rc == 3 and "maximum 10,000.0 (--max-notional)" in out, (out, err)
    assert _legs(journal) == 0


def test_max_notional_flag_above_the_largest_guard_is_bad_input(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--max-notional", "1000000000000", "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2 and "--max-notional" in err and "1,000,000,000" in err and "Traceback" not in err, err
    assert _legs(journal) == 0


def test_the_windows_largest_order_guards_route_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Tools > Settings "largest order" (window.ini) at 50,000 refused 2 BTC in the window, and
    `route --amount 2.5` then sent ~150,000 USDT: one guard, two answers."""
    from sor_desktop import paths

    ini = paths.config_dir() / "window.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text("[prefs]\nmax_notional=50000\n", encoding="utf-8")
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--side", "buy", "--amount", "2.5", "--journal", str(journal)])
    out, err = capsys.readouterr()
    assert rc == 3 and "NOT SENT" in out and "maximum 50,000.0 (the window's largest order" in out, (out, err)
    assert _legs(journal) == 0
    # a route under it goes
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--journal", str(journal)])
    assert rc == 0, capsys.readouterr()
    assert _legs(journal) >= 1
