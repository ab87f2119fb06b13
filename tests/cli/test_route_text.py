"""The ``route`` text output says when no single venue can take the whole order (instead of a bare
"+0.00 bps" against a venue that could not fill it), and the outcome table gives each leg's fill in
contracts and in base units under headers that say which is which."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sor_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SOR_VAULT_PASSWORD", raising=False)
    return tmp_path / "home"


def test_route_text_names_the_single_venue_shortfall_and_fills_in_base(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 10 000 USDT of free margin per simulated venue at 10x: no venue alone takes 2 BTC (~120 k)
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "2", "--yes",
               "--sim-balance", "10000", "--venues", "binanceusdm,bybit,mexc", "--journal", str(tmp_path / "j.sqlite3")])
    text = capsys.readouterr().out
    assert rc == 0, text
    assert "no single venue can fill 2" in text
    assert "why: margin caps" in text  # and says why (issue 10)
    assert text.splitlines()[-1] == "filled: 2.000 of 2.000 BTC"  # named, on the lots (0.001)
    header = next(line for line in text.splitlines() if "status" in line)
    assert "filled ct" in header and "filled base" in header
    rows = [line.split() for line in text.splitlines() if re.match(r"\s+(binanceusdm|bybit|mexc)\s+filled", line)]
    assert rows
    for cols in rows:
        venue, contracts, base = cols[0], float(cols[2].replace(",", "")), float(cols[3].replace(",", ""))
        size = 0.0001 if venue == "mexc" else 1.0  # MEXC's BTC contract is 0.0001 BTC
        assert base == pytest.approx(contracts * size)


def test_route_text_writes_a_low_priced_symbol_to_its_tick(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """DOGE at 0.15: every price in the plan and the outcome with the tick's figures (a fixed two
    decimals wrote each leg's average as 0.15, the same for legs 1 bp apart)."""
    rc = main(["route", "--sim", "--symbol", "DOGE/USDT:USDT", "--side", "buy", "--amount", "300000", "--yes",
               "--venues", "binanceusdm,bybit,bingx", "--journal", str(tmp_path / "j.sqlite3")])
    text = capsys.readouterr().out
    assert rc == 0, text
    total = re.search(r"total 300,000 DOGE at (\S+) avg", text)
    assert total is not None and re.fullmatch(r"0\.\d{5}", total.group(1)), text
    legs = [line.split() for line in text.splitlines() if re.match(r"\s+(binanceusdm|bybit|bingx)\s+filled", line)]
    assert legs and all(re.fullmatch(r"0\.\d{5,}", cols[4]) for cols in legs), text
    tca = re.search(r"previewed (\S+) -> realised (\S+):", text)
    assert tca is not None and all(re.fullmatch(r"0\.\d{5,}", p) for p in tca.groups()), text


def test_a_plan_on_one_venue_says_it_is_best_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A plan of one venue read "vs best single venue (mexc): +0.00 bps (+0.00)" (itself)."""
    rc = main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "2",
               "--journal", str(tmp_path / "j.sqlite3")])  # no --yes, no terminal: the plan only
    err = capsys.readouterr()
    text = err.out + err.err
    assert rc == 2
    legs = re.findall(r"^  (\w+)\s+\d+\s+[\d.]+\s+[\d,.]+\s+\d", text, flags=re.M)
    if len(legs) == 1:
        assert f"one venue alone is best: {legs[0]}" in text and "+0.00 bps" not in text, text
    else:
        assert "vs best single venue" in text, text


def test_limits_are_grouped_as_the_window_writes_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The limit column read 60032.1 beside an average of 60,000.6."""
    main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "5",
          "--journal", str(tmp_path / "j.sqlite3")])
    cap = capsys.readouterr()
    rows = [line.split() for line in (cap.out + cap.err).splitlines()
            if line.startswith("  ") and len(line.split()) == 7 and line.split()[0] != "venue"]
    assert rows and all("," in r[3] and "," in r[4] for r in rows), rows


def test_the_single_venue_note_writes_a_memecoin_amount_grouped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """'no single venue can fill 5244342; compared at 2626602' read like prices: amounts are
    grouped and written to their lots, as everywhere else."""
    rc = main(["route", "--sim", "--symbol", "DOGE/USDT:USDT", "--side", "buy", "--amount", "2000000", "--yes",
               "--sim-balance", "20000", "--venues", "binanceusdm,bybit", "--journal", str(tmp_path / "j.sqlite3")])
    text = capsys.readouterr().out
    assert rc == 0, text
    note = re.search(r"no single venue can fill (\S+); compared at (\S+),", text)
    assert note is not None, text
    assert note.group(1) == "2,000,000" and re.fullmatch(r"\d{1,3}(,\d{3})+", note.group(2)), text
