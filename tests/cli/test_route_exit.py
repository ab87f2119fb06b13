"""``route`` tells the truth in its exit code and JSON: 0 only when the requested amount filled,
3 when partly or not filled, 2 bad input, 4 when the journal cannot be trusted (issue 10:
`route --yes` exited 0 after filling 1.66 of 4 BTC)."""

from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


ARGS = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--yes", "--json"]


def run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict, str]:
    rc = main([*ARGS, *extra])
    cap = capsys.readouterr()
    return rc, json.loads(cap.out), cap.err


def test_more_than_the_caps_allow_exits_3_with_requested_filled_unfilled(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--side", "buy", "--amount", "60", "--journal", str(tmp_path / "j.sqlite3"))
    assert rc == 3
    assert out["requested"] == 60 and 0 < out["filled"] < 60
    assert out["unfilled"] == pytest.approx(60 - out["filled"])
    assert out["status"] == "partly filled"
    legs = sum(Decimal(lg["filled_base"]) for lg in out["legs"])
    assert float(legs) == pytest.approx(out["filled"])


def test_a_fully_filled_route_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--side", "sell", "--amount", "0.5", "--journal", str(tmp_path / "j.sqlite3"))
    assert rc == 0 and out["status"] == "filled"
    assert out["requested"] == 0.5 and out["filled"] == pytest.approx(0.5) and out["unfilled"] == pytest.approx(0)


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_limit_price_is_never_passed_by_any_leg(side: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, probe, _ = run(capsys, "--side", side, "--amount", "0.5", "--journal", str(tmp_path / "p.sqlite3"))
    mid = probe["plan"]["avg_price"]
    limit = round(mid, 1)  # the average of half a BTC: a 20 BTC route cannot fill at or better than it
    rc, out, _ = run(capsys, "--side", side, "--amount", "20", "--limit-price", str(limit),
                     "--journal", str(tmp_path / "j.sqlite3"))
    assert rc == 3 and out["status"] in ("partly filled", "not filled")
    for lg in out["plan"]["legs"]:
        lp = float(lg["limit_price"])
        assert lp <= limit if side == "buy" else lp >= limit
    for lg in out["legs"]:
        if lg["avg_price"] is not None:
            assert float(lg["avg_price"]) <= limit if side == "buy" else float(lg["avg_price"]) >= limit


@pytest.mark.parametrize("bad", ["nan", "-1", "0", "x", "inf"])
def test_a_bad_limit_price_is_bad_input(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--side", "buy", "--amount", "1", "--limit-price", bad]) == 2
    assert "--limit-price" in capsys.readouterr().err


def test_a_damaged_journal_refuses_the_route_and_sends_nothing(tmp_path: Path, capsys, monkeypatch) -> None:
    from sor_desktop.venues.sim.venue import SimVenue
    from tests.engine.test_journal_safety import damaged_journal

    sent: list[object] = []
    monkeypatch.setattr(SimVenue, "submit_order", lambda self, r: sent.append(r))
    journal = damaged_journal(tmp_path / "j.sqlite3")
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 4 and sent == []
    assert "damaged" in err and "integrity check" in err and "move it aside" in err and "Traceback" not in err


def test_a_journal_failure_after_sending_is_said_plainly_and_exits_4(tmp_path: Path, capsys, monkeypatch) -> None:
    from sor_desktop.engine.journal import Journal

    def disk_full(self, *a, **k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Journal, "record_report", disk_full)
    rc = main([*ARGS, "--side", "buy", "--amount", "0.5", "--venues", "binanceusdm",
               "--journal", str(tmp_path / "j.sqlite3")])
    cap = capsys.readouterr()
    assert rc == 4
    assert "orders were sent to binanceusdm; their state could not be saved: database or disk is full" in cap.err
    assert json.loads(cap.out)["journal_error"].startswith("orders were sent to binanceusdm")


def test_the_default_simulated_market_has_a_venue_that_fills_4_btc_alone(tmp_path: Path, capsys) -> None:
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "4", "--json",
               "--journal", str(tmp_path / "j.sqlite3")])  # no --yes, no terminal: plan only
    cap = capsys.readouterr()
    assert rc == 2 and "pass --yes" in cap.err
    assert "no single venue" not in cap.err
    m = re.search(r"vs best single venue \((\w+)\): \+(\d+\.\d+) bps", cap.err)
    assert m is not None and float(m.group(2)) > 0, cap.err  # the split beats a venue that fills it alone


def test_sim_balance_per_venue_text() -> None:
    from sor_desktop.venues.sim.config import DEFAULT_SIM_BALANCES, parse_balances, sim_balances

    assert parse_balances("20000") == (Decimal(20000), {})
    got = sim_balances("mexc=5000, weex=1_000")
    assert got["mexc"] == 5000 and got["weex"] == 1000 and got["bybit"] == DEFAULT_SIM_BALANCES["bybit"]
    with pytest.raises(ValueError, match="venue=amount"):
        parse_balances("kraken=5")


def test_with_a_small_sim_balance_the_no_single_venue_line_says_margin_caps(tmp_path: Path, capsys) -> None:
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "4", "--json",
               "--sim-balance", "10000", "--journal", str(tmp_path / "j.sqlite3")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "no single venue can fill 4" in err and "why: margin caps" in err, err


@pytest.mark.parametrize("bad", ["nan", "-5", "0", "lots"])
def test_a_bad_sim_balance_is_bad_input(bad: str, capsys) -> None:
    assert main([*ARGS, "--side", "buy", "--amount", "1", "--sim-balance", bad]) == 2
    assert "--sim-balance" in capsys.readouterr().err


def test_a_leg_its_venue_cannot_carry_is_refused_before_anything_is_sent(tmp_path: Path, capsys, monkeypatch) -> None:
    """The check before sending asks each leg of the confirmed plan against the free margin read
    for the caps, at the marks of the books it is sent on; here the caps are lost on the way (as a
    long wait at the prompt can make them stale) and every leg needs more than its venue has."""
    from sor_desktop.cli import route_cmd
    from sor_desktop.engine.journal import Journal

    real = route_cmd.margin_caps

    async def no_caps(*a, **k):
        await real(*a, **k)  # the accounts are read as always
        return {}

    monkeypatch.setattr(route_cmd, "margin_caps", no_caps)
    journal = tmp_path / "j.sqlite3"
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "4", "--yes",
               "--sim-balance", "3000", "--journal", str(journal)])
    out = capsys.readouterr().out
    assert rc == 3, out
    assert "NOT SENT" in out and "mexc: the leg needs" in out and "of margin at the current mark" in out, out
    with Journal(journal) as j:
        assert j.recent_routes() == [] or all(not j.legs(r.route_id) for r in j.recent_routes())


def test_the_routes_margin_caps_charge_each_accounts_own_fee(tmp_path: Path, capsys, monkeypatch) -> None:
    """The caps charged the instrument's default taker rate while the check before sending
    charges the account's own (the simulated Binance account pays 0.032 %, its market's default
    is 0.04 %): the caps must be read with the same rates as that check."""
    from sor_desktop.cli import route_venues

    real = route_venues.venue_margin
    charged: dict[str, float | None] = {}

    def spy(side, book, inst, *a, **k):  # type: ignore[no-untyped-def]
        charged[inst.venue] = k.get("taker_fee")
        return real(side, book, inst, *a, **k)

    monkeypatch.setattr(route_venues, "venue_margin", spy)
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--json",
               "--journal", str(tmp_path / "j.sqlite3")])
    assert rc == 2, capsys.readouterr().err
    assert charged.get("binanceusdm") == pytest.approx(0.00032)
    assert set(charged) == {"binanceusdm", "bybit", "bingx", "weex", "mexc"}
    assert charged["bingx"] is None  # the simulated BingX does not say its account's rate: the default


def test_the_outcome_writes_prices_and_contracts_as_the_plan_did(tmp_path: Path, capsys) -> None:
    """The plan wrote DOGE's average as 0.15000 (its tick) and Binance's ETH contracts as 70.76;
    the outcome under it wrote 0.150000 and 70.760, so the same numbers read differently."""
    rc = main(["route", "--sim", "--symbol", "DOGE/USDT:USDT", "--side", "buy", "--amount", "2000000", "--yes",
               "--journal", str(tmp_path / "j.sqlite3")])
    out = capsys.readouterr().out
    assert rc == 0, out
    planned = re.search(r"at (\d+\.\d+) avg", out)
    shown = re.search(r"previewed (\d+\.\d+) -> realised (\d+\.\d+)", out)
    assert planned and shown, out
    decimals = len(planned.group(1).split(".")[1])
    assert len(shown.group(1).split(".")[1]) == decimals and len(shown.group(2).split(".")[1]) == decimals, out
    rc = main(["route", "--sim", "--symbol", "ETH/USDT:USDT", "--side", "sell", "--amount", "120", "--yes",
               "--journal", str(tmp_path / "j.sqlite3")])
    out = capsys.readouterr().out
    assert rc == 0, out
    legs = re.findall(r"^  (\w+) +(\d[\d.]*) +[\d,.]+ +[\d,.]+ +[\d,.]+ +[\d.]+ +[\d.]+%$", out, re.M)
    done = dict(re.findall(r"^  (\w+) +filled +(\d[\d.]*) ", out, re.M))
    assert legs and all(done[v] == ct for v, ct in legs), (legs, done)


def test_no_venue_answering_is_not_bad_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A network outage exited 2, the code of a typo: a script retrying on outages could not tell
    them apart. No venue answering exits 5; a symbol no venue lists stays bad input (2)."""
    from sor_desktop.cli import route_venues

    async def down(v, symbol, timeout):  # type: ignore[no-untyped-def]
        raise TimeoutError

    monkeypatch.setattr(route_venues, "_connect_one", down)
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--yes",
               "--journal", str(tmp_path / "j.sqlite3")])
    err = capsys.readouterr().err
    assert rc == 5 and "no venue could give a book" in err and "timed out" in err
