"""``sor-desktop plan`` end to end: files in, a table or JSON out, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "example_books.json"
MARKET = {
    "symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": True,
    "inverse": False, "contractSize": 1, "precision": {"amount": 0.001, "price": 0.1},
    "limits": {"amount": {"min": 0.001}, "cost": {"min": 5}}, "taker": 0.0005, "maker": 0.0002,
}


def snap(venue: str, asks, bids, ts: int = 1, **market) -> dict:
    return {"venue": venue, "symbol": "BTC/USDT:USDT", "timestamp": ts, "bids": bids, "asks": asks,
            "market": {**MARKET, **market}}


def run_json(capsys, *args: str) -> dict:
    assert main(["plan", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_example_books_json_is_complete_and_consistent(capsys):
    out = run_json(capsys, "--books", str(EXAMPLE), "--side", "buy", "--amount", "2", "--repeat", "5")
    for key in ("side", "requested", "filled", "avg_price", "fees", "total_cost", "legs", "best_single",
                "savings_bps", "unfilled", "excluded", "compute_ms"):
        assert key in out
    assert out["side"] == "buy" and out["requested"] == 2
    assert out["filled"] == pytest.approx(2)
    assert out["compute_ms"] > 0
    books = {b["venue"]: b for b in json.loads(EXAMPLE.read_text())}
    for leg in out["legs"]:
        m = books[leg["venue"]]["market"]
        contracts = Decimal(leg["contracts"])
        assert contracts % Decimal(repr(m["precision"]["amount"])) == 0
        assert leg["amount_base"] == pytest.approx(float(contracts) * m["contractSize"])
        assert Decimal(leg["limit_price"]) >= Decimal(repr(leg["worst_price"]))
        assert leg["cost"] == pytest.approx(leg["avg_price"] * leg["amount_base"] + leg["fee"])
    assert out["total_cost"] == pytest.approx(sum(leg["cost"] for leg in out["legs"]))
    assert set(out["best_single"]) >= {"venue", "avg_price", "total_cost", "filled"}
    assert out["savings_bps"] >= 0


def test_table_names_the_legs_and_the_comparison(capsys):
    assert main(["plan", "--books", str(EXAMPLE), "--side", "sell", "--amount", "100000", "--unit", "quote"]) == 0
    text = capsys.readouterr().out
    assert "SELL 100000 USDT" in text
    assert "proceeds after fees" in text
    assert "best single venue" in text or "one venue alone is best" in text


def test_object_list_and_json_lines_files(tmp_path, capsys):
    one = tmp_path / "one.json"
    one.write_text(json.dumps(snap("a", [[100.0, 1.0]], [[99.0, 1.0]])))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([snap("b", [[100.5, 1.0]], [[99.0, 1.0]])]))
    lines = tmp_path / "rec.jsonl"
    # a recording: the later snapshot of venue c wins
    lines.write_text("\n".join(json.dumps(s) for s in (
        snap("c", [[90.0, 5.0]], [[89.0, 1.0]], ts=1), snap("c", [[100.2, 1.0]], [[99.0, 1.0]], ts=2))))
    out = run_json(capsys, "--books", str(one), str(many), str(lines), "--side", "buy", "--amount", "2.5")
    legs = {leg["venue"]: leg["contracts"] for leg in out["legs"]}
    assert legs == {"a": "1", "c": "1", "b": "0.5"}  # cheapest first: 100.0, 100.2, then 100.5


def _fails(capsys, args: list[str], needle: str) -> None:
    assert main(["plan", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and needle in err, err


@pytest.mark.parametrize("content, needle", [
    ("{not json", "malformed JSON"),
    (json.dumps(snap("x", [[100.0, 1.0]], [[101.0, 1.0]])), "crossed"),
    (json.dumps(snap("x", [], [])), "empty"),
    (json.dumps({"venue": "x"}), "missing"),
    (json.dumps(snap("x", [["a", 1]], [])), "pairs"),
    ('{"venue": "x", "symbol": "BTC/USDT:USDT", "bids": [[NaN, 1]], "asks": [], "market": {}}', "NaN"),
])
def test_bad_files_get_one_line(tmp_path, capsys, content, needle):
    f = tmp_path / "b.json"
    f.write_text(content)
    _fails(capsys, ["--books", str(f), "--side", "buy", "--amount", "1"], needle)


@pytest.mark.parametrize("args, needle", [
    (["--amount", "-1"], "greater than zero"),
    (["--amount", "0"], "greater than zero"),
    (["--amount", "nan"], "not a number"),
    (["--amount", "lots"], "number"),
    (["--amount", "1", "--unit", "coins"], "unknown unit"),
    (["--amount", "1", "--side", "hold"], "unknown side"),
    (["--amount", "1", "--max-venues", "0"], "positive"),
    (["--amount", "1", "--repeat", "1.5"], "integer"),
    (["--amount", "1", "--slippage-bps", "-2"], "zero or more"),
])
def test_bad_arguments_get_one_line(capsys, args, needle):
    base = ["--books", str(EXAMPLE)]
    if "--side" not in args:
        base += ["--side", "buy"]
    _fails(capsys, base + args, needle)


def test_a_bad_json_lines_record_is_named_by_line(tmp_path, capsys):
    f = tmp_path / "rec.jsonl"
    f.write_text(json.dumps(snap("a", [[100.0, 1.0]], [[99.0, 1.0]])) + "\n{oops\n")
    _fails(capsys, ["--books", str(f), "--side", "buy", "--amount", "1"], "rec.jsonl:2")


def test_missing_file_and_mixed_symbols(tmp_path, capsys):
    _fails(capsys, ["--books", str(tmp_path / "nope.json"), "--side", "buy", "--amount", "1"], "no such file")
    a = tmp_path / "a.json"
    a.write_text(json.dumps(snap("a", [[100.0, 1.0]], [[99.0, 1.0]])))
    e = tmp_path / "e.json"
    other = snap("e", [[100.0, 1.0]], [[99.0, 1.0]])
    other["symbol"] = other["market"]["symbol"] = "ETH/USDT:USDT"
    e.write_text(json.dumps(other))
    _fails(capsys, ["--books", str(a), str(e), "--side", "buy", "--amount", "1"], "different symbols")


def test_console_entry_point_in_a_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "sor_desktop", "plan", "--books", str(EXAMPLE), "--side", "buy", "--amount", "1",
         "--max-venues", "2", "--json"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert 1 <= len(out["legs"]) <= 2 and out["filled"] == pytest.approx(1)
    bad = subprocess.run([sys.executable, "-m", "sor_desktop", "plan", "--books", str(EXAMPLE), "--side", "buy",
                          "--amount", "-3"], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().count("\n") == 0


# -- issue 11 / issue 10: the kind from the symbol, the price limit, the leg cost --------------

def _no_kind(**extra) -> dict:
    s = snap("a", [[100.0, 1.0], [100.5, 2.0]], [[99.0, 1.0]])
    del s["market"]["linear"], s["market"]["inverse"]
    s["market"].update(extra)
    return s


def test_a_market_without_linear_or_inverse_flags_takes_the_kind_from_its_symbol(tmp_path, capsys):
    f = tmp_path / "a.json"
    f.write_text(json.dumps(_no_kind()))  # BTC/USDT:USDT settles in the quote: linear
    out = run_json(capsys, "--books", str(f), "--side", "buy", "--amount", "1")
    assert out["filled"] == pytest.approx(1.0)
    assert capsys.readouterr().err == ""  # nothing to say when nothing disagrees


def test_flags_that_contradict_the_symbol_are_one_line_and_exit_2(tmp_path, capsys):
    f = tmp_path / "a.json"
    f.write_text(json.dumps(_no_kind(linear=False, inverse=True)))
    _fails(capsys, ["--books", str(f), "--side", "buy", "--amount", "1"], "market says inverse but the symbol")


def test_limit_price_never_plans_a_leg_past_it_on_either_side(tmp_path, capsys):
    f = tmp_path / "b.json"
    f.write_text(json.dumps([snap("a", [[100.0, 1.0], [100.5, 2.0]], [[99.0, 1.0], [98.4, 2.0]]),
                             snap("b", [[100.2, 1.0], [101.0, 2.0]], [[98.9, 1.0], [98.0, 2.0]])]))
    buy = run_json(capsys, "--books", str(f), "--side", "buy", "--amount", "5", "--limit-price", "100.3",
                   "--slippage-bps", "50", "--leg-cost", "0")
    assert {lg["venue"]: lg["contracts"] for lg in buy["legs"]} == {"a": "1", "b": "1"}
    assert all(Decimal(lg["limit_price"]) <= Decimal("100.3") for lg in buy["legs"])
    assert buy["limit_price"] == 100.3 and buy["unfilled"] == pytest.approx(3.0)
    sell = run_json(capsys, "--books", str(f), "--side", "sell", "--amount", "5", "--limit-price", "98.5",
                    "--slippage-bps", "50", "--leg-cost", "0")
    assert all(Decimal(lg["limit_price"]) >= Decimal("98.5") for lg in sell["legs"])
    assert all(lg["worst_price"] >= 98.5 for lg in sell["legs"])


def test_leg_cost_keeps_a_dust_split_off_and_the_table_says_it(tmp_path, capsys):
    f = tmp_path / "b.json"
    # b is 0.1 cheaper on a tenth of the order: saves 0.01 USDT, less than a 1 USDT leg
    f.write_text(json.dumps([snap("a", [[100.0, 5.0]], [[99.0, 1.0]]),
                             snap("b", [[99.9, 0.1], [101.0, 5.0]], [[99.0, 1.0]])]))
    split = run_json(capsys, "--books", str(f), "--side", "buy", "--amount", "1", "--leg-cost", "0")
    assert len(split["legs"]) == 2 and split["leg_cost"] == 0
    one = run_json(capsys, "--books", str(f), "--side", "buy", "--amount", "1")
    assert [lg["venue"] for lg in one["legs"]] == ["a"] and one["leg_cost"] == 1.0
    assert one["gap_bps"] == 0
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", "1", "--leg-cost", "0.5"]) == 0
    assert "leg cost 0.5 USDT per venue used; proven optimal" in capsys.readouterr().out


@pytest.mark.parametrize("args, needle", [
    (["--limit-price", "0"], "positive"),
    (["--limit-price", "abc"], "number"),
    (["--limit-price", "inf"], "finite number"),
    (["--leg-cost", "-1"], "zero or more"),
    (["--leg-cost", "nan"], "finite number"),
    (["--limit-fee-adjusted"], "needs --limit-price"),
])
def test_bad_limit_and_leg_cost_get_one_line(capsys, args, needle):
    _fails(capsys, ["--books", str(EXAMPLE), "--side", "buy", "--amount", "1", *args], needle)


def test_linear_and_inverse_snapshots_of_one_base_route_together(tmp_path, capsys):
    lin = snap("binanceusdm", [[100.0, 5.0]], [[99.0, 5.0]])
    inv = snap("bybit", [[99.5, 300.0]], [[98.5, 300.0]])  # 1 USD contracts: 300 USD ~ 3 BTC
    inv["symbol"] = "BTC/USD:BTC"
    inv["market"] = {**inv["market"], "symbol": "BTC/USD:BTC", "quote": "USD", "settle": "BTC", "linear": False,
                     "inverse": True, "contractSize": 1, "precision": {"amount": 1, "price": 0.5},
                     "limits": {"amount": {"min": 1}}}
    f = tmp_path / "mixed.json"
    f.write_text(json.dumps([lin, inv]))
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", "4", "--json", "--leg-cost", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    legs = {lg["symbol"]: lg for lg in out["legs"]}
    assert set(legs) == {"BTC/USDT:USDT", "BTC/USD:BTC"}
    n = int(legs["BTC/USD:BTC"]["contracts"])  # the cheaper inverse book, less at most the last contract
    assert n in (299, 300)
    assert legs["BTC/USD:BTC"]["amount_base"] == pytest.approx(n / 99.5)
    assert out["filled"] == pytest.approx(n / 99.5 + float(legs["BTC/USDT:USDT"]["contracts"]))
    assert 4 - 1 / 99.5 - 0.001 < out["filled"] <= 4


def test_a_venue_whose_snapshot_lags_the_others_is_left_out_with_its_age(tmp_path, capsys):
    """`plan` on a recording routed all 4 BTC onto a mexc book an hour older (and 100 USDT lower)
    than the others, without a word: the window leaves a stale venue out, and so does `plan`."""
    books = json.loads(EXAMPLE.read_text())
    for b in books:
        if b["venue"] == "mexc":
            b["timestamp"] -= 3_600_000
            b["asks"] = [[p - 100, q] for p, q in b["asks"]]
            b["bids"] = [[p - 100, q] for p, q in b["bids"]]
    f = tmp_path / "stale.json"
    f.write_text(json.dumps(books))
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "mexc" not in {lg["venue"] for lg in out["legs"]}
    (why,) = [e["reason"] for e in out["excluded"] if e["venue"] == "mexc"]
    assert "3,600 s older than the newest" in why
    assert main(["plan", "--books", str(f), "--side", "buy", "--amount", "4", "--json", "--max-book-age", "7200"]) == 0
    assert "mexc" in {lg["venue"] for lg in json.loads(capsys.readouterr().out)["legs"]}


def test_a_recording_cut_off_mid_line_plans_on_what_was_written(tmp_path, capsys):
    """A recording whose last line was cut (a crash or a full disk while `record` wrote) was
    refused whole, its good snapshots lost; the cut last line is now skipped with a warning. A
    bad line in the middle still refuses the file."""
    books = json.loads(EXAMPLE.read_text())
    lines = [json.dumps(b) for b in books]
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines) + "\n" + lines[0][: len(lines[0]) // 2])
    assert main(["plan", "--books", str(cut), "--side", "buy", "--amount", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["filled"] == pytest.approx(1.0)
    assert f"{cut}:{len(lines) + 1}" in captured.err and "cut off" in captured.err
    middle = tmp_path / "middle.jsonl"
    middle.write_text("\n".join([lines[0], lines[1][:40], *lines[2:]]) + "\n")
    _fails(capsys, ["--books", str(middle), "--side", "buy", "--amount", "1"], "malformed JSON line")


def test_the_table_says_no_account_limits_the_plan(capsys):
    """`plan --books books.jsonl --amount 5` put 300,000 USDT on mexc, whose simulated account
    carries about 150,000: a plan from snapshots has no balances or positions, and says so."""
    assert main(["plan", "--books", str(EXAMPLE), "--side", "buy", "--amount", "5"]) == 0
    out = capsys.readouterr().out
    assert "no account was read" in out and "margin" in out and "route" in out, out
