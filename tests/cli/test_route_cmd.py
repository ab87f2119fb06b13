"""``sor-desktop route`` and ``journal`` end to end on the simulated market."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOR_VAULT_PASSWORD", raising=False)
    return tmp_path / "home"


ARGS = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--venues", "binanceusdm,bybit,bingx"]


def test_route_sim_json_sends_journals_and_reports_costs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--amount", "2", "--yes", "--json", "--journal", str(journal)])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out
    assert out["state"] == "done" and out["confirmed"] is True
    planned = {lg["venue"]: Decimal(lg["contracts"]) for lg in out["plan"]["legs"]}
    assert len(planned) >= 1 and {lg["venue"] for lg in out["legs"]} == set(planned)
    for lg in out["legs"]:
        assert lg["status"] in ("filled", "canceled")
        assert Decimal(lg["filled_contracts"]) <= planned[lg["venue"]]
        assert lg["client_order_id"] == f"sor{out['route_id']}l{[*planned].index(lg['venue'])}"
        if Decimal(lg["filled_contracts"]) > 0:  # a buy never fills above its limit
            assert Decimal(lg["avg_price"]) <= Decimal(lg["limit_price"])
    tca = out["tca"]
    filled_base = sum(float(lg["filled_base"]) for lg in out["legs"])
    assert tca["filled_base"] == pytest.approx(filled_base)
    assert tca["fees_paid"] == pytest.approx(sum(float(lg["fee"]) for lg in out["legs"]))
    assert set(tca["latency_ms"]) == {lg["venue"] for lg in out["legs"] if lg["latency_ms"] is not None}
    with sqlite3.connect(journal) as db:
        rows = db.execute("SELECT client_order_id, status, filled_contracts FROM legs").fetchall()
    assert {r[0]: (r[1], Decimal(r[2])) for r in rows} == {
        lg["client_order_id"]: (lg["status"], Decimal(lg["filled_contracts"])) for lg in out["legs"]}

    # the same journal, listed and exported
    assert main(["journal", "list", "--journal", str(journal), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["route_id"] for r in listed] == [out["route_id"]]
    assert listed[0]["tca"]["slippage_bps"] == pytest.approx(tca["slippage_bps"])
    target = tmp_path / "tca.csv"
    assert main(["journal", "export", "--csv", str(target), "--journal", str(journal)]) == 0
    rows_csv = list(csv.DictReader(target.open()))
    assert sorted(r["client_order_id"] for r in rows_csv) == sorted(lg["client_order_id"] for lg in out["legs"])


def test_route_text_output_goes_to_the_default_journal(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*ARGS, "--amount", "0.3", "--yes"])
    text = capsys.readouterr().out
    assert rc == 0
    assert "Plan: buy 0.3 BTC of BTC/USDT:USDT" in text and ": done" in text and "slippage" in text
    assert (home / "data" / "journal.sqlite3").exists()
    assert main(["journal", "list"]) == 0
    assert "simulated" in capsys.readouterr().out


def test_without_a_terminal_and_without_yes_nothing_is_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    journal = tmp_path / "j.sqlite3"
    rc = main([*ARGS, "--amount", "0.3", "--journal", str(journal)])
    err = capsys.readouterr().err
    assert rc == 2 and "pass --yes" in err and "Traceback" not in err
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT COUNT(*) FROM legs").fetchone()[0] == 0


def test_a_declined_confirmation_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty("n\n"))
    journal = tmp_path / "j.sqlite3"
    assert main([*ARGS, "--amount", "0.3", "--journal", str(journal)]) == 3  # not filled
    assert "Not sent." in capsys.readouterr().out
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT COUNT(*) FROM legs").fetchone()[0] == 0


def test_max_notional_blocks_the_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*ARGS, "--amount", "1", "--yes", "--max-notional", "1000", "--json",
               "--journal", str(tmp_path / "j.sqlite3")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 3 and out["status"] == "not filled" and out["state"] == "blocked" and [p["code"] for p in out["problems"]] == ["max_notional"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--amount", "-1"], "--amount: amount must be greater than zero"),
    (["--amount", "abc"], "--amount: 'abc' is not a number"),
    (["--amount", "nan"], "--amount: 'nan' is not a number"),
    (["--amount", "1", "--max-notional", "x"], "--max-notional must be a finite number"),
    (["--amount", "1", "--max-venues", "0"], "--max-venues must be at least 1"),
    # nan compares false with 0: it passed the check and every venue then "timed out" (exit 2 with
    # a misleading message about the venues' books)
    (["--amount", "1", "--timeout", "nan"], "--timeout (seconds) must be a finite number"),
    (["--amount", "1", "--timeout", "inf"], "--timeout (seconds) must be a finite number"),
    (["--amount", "1", "--timeout", "-1"], "--timeout (seconds) must be positive"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, *argv, "--yes"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_unknown_venue_symbol_and_live_without_vault(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--sim", "--venues", "nope", "--symbol", "BTC/USDT:USDT", "--side", "buy",
                 "--amount", "1", "--yes"]) == 2
    assert "no venue nope" in capsys.readouterr().err
    assert main(["route", "--sim", "--symbol", "NOPE/USDT:USDT", "--side", "buy", "--amount", "1", "--yes"]) == 2
    assert "no venue could give a book of NOPE/USDT:USDT" in capsys.readouterr().err
    assert main(["route", "--live", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "1", "--yes"]) == 2
    assert "no key vault" in capsys.readouterr().err


def test_journal_commands_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["journal", "list", "--journal", str(tmp_path / "missing.sqlite3")]) == 2
    assert "no journal at" in capsys.readouterr().err
    (tmp_path / "bad.sqlite3").write_bytes(b"not a database at all" * 100)
    assert main(["journal", "list", "--journal", str(tmp_path / "bad.sqlite3")]) == 2
    assert "cannot open the journal" in capsys.readouterr().err


def test_journal_list_writes_a_memecoin_route_in_its_own_figures(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A DOGE route was listed as '2e+075.88975e+06' (requested and filled run together) at a
    realised price of '0.15'. Each column is apart, amounts grouped on the lot, prices in full."""
    rc = main(["route", "--sim", "--symbol", "DOGE/USDT:USDT", "--side", "sell", "--venues", "binanceusdm,bybit",
               "--amount", "200000", "--yes", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["state"] == "done"
    assert main(["journal", "list"]) == 0
    head, row = capsys.readouterr().out.strip().splitlines()
    assert "e+" not in row
    cells = row.split()
    assert "200,000" in cells
    realised = float(cells[cells.index("200,000") + 2].replace(",", ""))
    assert realised == pytest.approx(out["tca"]["realised_avg_price"], rel=1e-5)
    assert head.index("requested") < head.index("filled")


def test_journal_list_writes_the_realised_price_with_the_symbols_tick(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The route printed DOGE's average as 0.15000 (its tick); `journal list` wrote the same route's
    as 0.150000, by magnitude. Both write it as an average: the tick's figures and up to two more."""
    journal = tmp_path / "j.sqlite3"
    assert main(["route", "--sim", "--symbol", "DOGE/USDT:USDT", "--side", "buy", "--amount", "2000000", "--yes",
                 "--journal", str(journal)]) == 0
    routed = capsys.readouterr().out
    realised = routed.split("realised ")[1].split(":")[0]
    assert realised.count(".") == 1 and 5 <= len(realised.split(".")[1]) <= 7, routed
    assert main(["journal", "list", "--journal", str(journal)]) == 0
    listed = capsys.readouterr().out
    assert f" {realised} " in listed, listed


@pytest.mark.parametrize("text", ['{"max_notional": 100', '{"max_notional": "abc"}', '{"max_notional": 1e400}'])
def test_a_config_json_that_cannot_be_trusted_sends_nothing(text: str, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated config.json printed a line and let the default 5,000,000 apply: `route --yes`
    then sent a 120,000 notional the trader's max_notional of 100 would have stopped."""
    from sor_desktop import paths

    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text(text, encoding="utf-8")
    rc = main([*ARGS, "--amount", "2", "--yes", "--journal", str(tmp_path / "j.sqlite3")])
    cap = capsys.readouterr()
    assert rc == 2 and "filled" not in cap.out
    assert "config.json" in cap.err and "routes are refused" in cap.err
