"""Every number the command line takes is written as a trader writes one: ASCII digits, '.' for
decimals. Python's own ``float``/``int`` read ``1_5`` as 15 and other scripts' digits as digits,
so ``route --amount 1_5 --yes`` bought 15 BTC where the window refuses ``1_5`` as a typo for 1.5."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sor_desktop.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "example_books.json"
ROUTE = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--yes", "--json"]
PLAN = ["plan", "--books", str(EXAMPLE), "--side", "buy"]
LITERALS = ["1_5", "\uff11", "\u0661", "0x10", "1e400"]  # underscore, full-width and Arabic-Indic 1


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], what: str) -> None:
    rc = main(argv)
    cap = capsys.readouterr()
    assert rc == 2, cap.out
    err = cap.err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and what in err, err
    assert "filled" not in cap.out


@pytest.mark.parametrize("text", LITERALS)
def test_route_amount_is_never_read_as_a_python_literal(text: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    journal = tmp_path / "j.sqlite3"
    _refused(capsys, [*ROUTE, "--amount", text, "--journal", str(journal)], "--amount")


@pytest.mark.parametrize(("option", "text"), [
    ("--max-notional", "1_000_000"), ("--limit-price", "60_000"), ("--slippage-bps", "1_0"),
    ("--max-venues", "1_0"), ("--leverage", "1_0"), ("--timeout", "1_5"), ("--leg-cost", "1_0"),
    ("--hold-hours", "8_0"), ("--slippage-bps", "\uff15"),
])
def test_route_options_refuse_python_literals(option: str, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, [*ROUTE, "--amount", "0.1", option, text], option)


@pytest.mark.parametrize(("option", "text"), [
    ("--amount", "1_5"), ("--amount", "\uff11"), ("--max-venues", "1_0"), ("--slippage-bps", "1_0"),
    ("--limit-price", "60_000"), ("--leg-cost", "1_0"), ("--hold-hours", "8_0"), ("--leverage", "1_0"),
    ("--min-liq-distance", "5_0"), ("--repeat", "1_0"),
])
def test_plan_options_refuse_python_literals(option: str, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*PLAN, option, text] + ([] if option == "--amount" else ["--amount", "1"])
    _refused(capsys, argv, option)


def test_plain_and_grouped_amounts_still_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*ROUTE, "--amount", "0.25", "--slippage-bps", "10", "--max-venues", "3",
               "--journal", str(tmp_path / "j.sqlite3")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["requested"] == 0.25
    assert main([*PLAN, "--amount", "1,000", "--unit", "quote", "--json"]) == 0


def test_a_dash_for_an_amount_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, [*ROUTE, "--amount=--"], "--amount")


def test_record_seconds_refuses_python_literals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, ["record", "--sim", "--symbol", "BTC/USDT:USDT", "--out", str(tmp_path / "r.jsonl"),
                      "--seconds", "1_0"], "--seconds")


def test_window_hold_hours_refuses_python_literals(capsys: pytest.CaptureFixture[str]) -> None:
    from sor_desktop.cli.main import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--sim", "--hold-hours", "8_0"])
    assert "--hold-hours" in capsys.readouterr().err


def test_window_after_refuses_python_literals(capsys: pytest.CaptureFixture[str]) -> None:
    _refused(capsys, ["--sim", "--after", "1_0", "--screenshot", "x.png"], "--after")


@pytest.mark.parametrize(("argv", "what"), [
    (["--sim", "--seed", "1_0", "--screenshot", "x.png"], "--seed"),
    (["--sim", "--size", "1_280x720", "--screenshot", "x.png"], "--size"),
    (["journal", "list", "--limit", "9" * 5000], "--limit"),
])
def test_other_whole_numbers_are_plain_digits(argv: list[str], what: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        rc = int(exc.code or 0)
    err = capsys.readouterr().err
    assert rc == 2 and what in err and "Traceback" not in err and "unexpected" not in err


@pytest.mark.parametrize(("option", "text"), [("--amount", "1e9"), ("--amount", "2e3"), ("--max-notional", "1e12"),
                                              ("--limit-price", "6e4")])
def test_route_refuses_an_exponent_as_its_message_says(option: str, text: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`--amount 1e9` and `--max-notional 1e12` were taken, while the message and README say
    "ASCII digits, '.' for decimals"."""
    argv = [*ROUTE, option, text, "--journal", str(tmp_path / "j.sqlite3")]
    if option != "--amount":
        argv += ["--amount", "0.1"]
    rc = main(argv)
    cap = capsys.readouterr()
    last = cap.err.strip().splitlines()[-1]  # after the note that the journal is new, if any
    assert rc == 2 and "Traceback" not in cap.err and "filled" not in cap.out, cap
    assert option in last and "digits" in last and "'.' for decimals" in last and repr(text) in last, last
    if (tmp_path / "j.sqlite3").exists():
        with sqlite3.connect(tmp_path / "j.sqlite3") as db:
            assert db.execute("SELECT COUNT(*) FROM routes").fetchone()[0] == 0
