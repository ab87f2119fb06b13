"""``sor-desktop record``: the --sim path end to end, and its one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sor_desktop.cli import record_cmd
from sor_desktop.cli.main import main
from sor_desktop.core.instrument import Instrument
from sor_desktop.venues.recording import read_recording

BTC = "BTC/USDT:USDT"


def test_record_sim_writes_plan_shaped_snapshots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "books.jsonl"
    rc = main(["record", "--venues", "bybit,weex", "--symbol", BTC, "--out", str(out), "--seconds", "0.6",
               "--sim", "--seed", "3"])
    assert rc == 0
    records = list(read_recording(out))
    venues = [r.book.venue for r in records]
    assert set(venues) == {"bybit", "weex"}
    printed = capsys.readouterr().out
    assert f"recorded {len(records)} books of {BTC} (bybit {venues.count('bybit')}, weex {venues.count('weex')})" \
        in printed
    for r in records:
        assert r.book.symbol == BTC and r.book.problem() is None and r.market is not None
        assert Instrument.from_market(r.market, r.book.venue).symbol == BTC
    by_venue = {v: [r.book.sequence for r in records if r.book.venue == v] for v in ("bybit", "weex")}
    for seqs in by_venue.values():
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--venues", "bybit,nope", "--sim"], "no simulated venue nope"),
        (["--venues", " , ", "--sim"], "--venues needs at least one venue id"),
        (["--venues", "bybit", "--sim", "--seconds", "0"], "--seconds must be positive"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                      message: str) -> None:
    rc = main(["record", "--symbol", BTC, "--out", str(tmp_path / "o.jsonl"), *argv])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and err.count("\n") == 1


def test_unknown_symbol_in_the_simulator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["record", "--venues", "weex", "--symbol", "XRP/USDT:USDT", "--out", str(tmp_path / "o"), "--sim"])
    assert rc == 2 and "the simulated weex has no XRP/USDT:USDT" in capsys.readouterr().err


def test_an_existing_file_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "keep.jsonl"
    out.write_text("precious\n")
    rc = main(["record", "--venues", "bybit", "--symbol", BTC, "--out", str(out), "--sim", "--seconds", "0.1"])
    assert rc == 2 and "--force" in capsys.readouterr().err
    assert out.read_text() == "precious\n"


def test_live_recording_without_the_ccxt_venue_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ModuleNotFoundError("No module named 'sor_desktop.venues.ccxt_venue'")

    monkeypatch.setattr(record_cmd, "_live_venue_class", missing)
    rc = main(["record", "--venues", "bybit", "--symbol", BTC, "--out", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert rc == 2 and "live recording needs the ccxt venue" in err and "--sim" in err
    assert not (tmp_path / "o.jsonl").exists()


def test_an_unknown_live_venue_id_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["record", "--venues", "nosuchvenue", "--symbol", BTC, "--out", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert rc == 2 and "nosuchvenue" in err and err.count("\n") == 1
    assert not (tmp_path / "o.jsonl").exists()


def test_record_without_venues_records_the_five(tmp_path: Path) -> None:
    """`record --sim --symbol ... --out ...` refused for want of --venues, where `route` and the
    window default to the five venues."""
    from sor_desktop.venues.quirks import DEFAULT_VENUES

    out = tmp_path / "books.jsonl"
    assert main(["record", "--symbol", BTC, "--out", str(out), "--seconds", "1.5", "--sim"]) == 0
    assert {r.book.venue for r in read_recording(out)} == set(DEFAULT_VENUES)


def test_a_recording_carries_each_venues_terms_for_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`plan --hold-hours 8` on a recording said "funding over 8 h: +0.00": the recording had
    no funding (nor the account's fee, nor the brackets). Each line now carries its venue's terms
    as read when the recording started, in the keys ``plan --books`` reads."""
    import json

    out = tmp_path / "books.jsonl"
    assert main(["record", "--venues", "bybit,mexc", "--symbol", BTC, "--out", str(out), "--seconds", "0.6",
                 "--sim", "--seed", "3"]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(line.get("funding") and line["funding"]["interval_hours"] > 0 for line in lines)
    assert all(line.get("brackets") for line in lines)
    capsys.readouterr()
    assert main(["plan", "--books", str(out), "--side", "buy", "--amount", "2", "--hold-hours", "8", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["funding_unknown"] == [] and plan["funding"] is not None
    assert all(leg["funding"] is not None for leg in plan["legs"])


def test_a_venue_failing_unexpectedly_is_named_not_dropped_in_silence(tmp_path: Path, caplog) -> None:
    """A venue's recording that raised anything but a venue error vanished: the other venues went
    on and the summary said nothing of it."""
    import asyncio

    from sor_desktop.venues.recording import RecordingWriter
    from sor_desktop.venues.sim.clock import VirtualClock
    from sor_desktop.venues.sim.config import SimConfig
    from sor_desktop.venues.sim.market import SimMarket

    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=3, venues=("bybit", "weex")), clock)
    venues = list(market.venues().values())
    broken = venues[1]

    async def boom(symbol: str) -> object:
        raise RuntimeError("parser bug")

    broken.watch_order_book = boom  # type: ignore[method-assign]
    with RecordingWriter(tmp_path / "b.jsonl") as writer:
        errors = asyncio.run(clock.drive(record_cmd.record(venues, BTC, writer, seconds=0.5, clock=clock)))
        assert writer.by_venue.get("bybit")
    assert errors == {broken.id: "RuntimeError: parser bug"}
    assert "recording stopped" in caplog.text and "parser bug" in caplog.text


def test_a_long_recording_follows_the_funding_rate(tmp_path: Path) -> None:
    """Terms were read once per venue connection: an hours-long recording kept its first
    funding rate in every line, past the venue's next funding. They are read again every
    ``terms_every`` seconds (15 minutes, as the window does), the books not held up meanwhile."""
    import asyncio
    import dataclasses
    import json

    from sor_desktop.venues.recording import RecordingWriter
    from sor_desktop.venues.sim.clock import VirtualClock
    from sor_desktop.venues.sim.config import SimConfig
    from sor_desktop.venues.sim.market import SimMarket

    clock = VirtualClock()
    market = SimMarket(SimConfig(seed=3, venues=("bybit",)), clock)
    venue = next(iter(market.venues().values()))
    real = venue.fetch_terms
    asked: list[float] = []

    async def terms(symbol: str) -> object:
        asked.append(clock.time())
        t = await real(symbol)
        assert t.funding is not None
        return dataclasses.replace(t, funding=dataclasses.replace(t.funding, rate=len(asked) * 1e-4))

    venue.fetch_terms = terms  # type: ignore[method-assign]
    out = tmp_path / "b.jsonl"
    with RecordingWriter(out) as writer:
        asyncio.run(clock.drive(record_cmd.record([venue], BTC, writer, seconds=2.5, clock=clock, terms_every=1.0)))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    rates = [line["funding"]["rate"] for line in lines]
    assert len(asked) >= 3
    assert rates[0] == pytest.approx(1e-4) and rates[-1] == pytest.approx(len(asked) * 1e-4)
    assert rates == sorted(rates)  # each line has the last rate read, never an older one after
    # books kept coming while the terms were read: more lines than terms reads
    assert len(lines) > 3 * len(asked)


def test_a_recorded_accounts_leverage_is_what_plan_reads_back() -> None:
    """The terms a recording carries include the account's leverage on the symbol where the venue
    said it, in the key ``plan --books`` reads (brackets and liquidation use it)."""
    from sor_desktop.cli.book_terms import book_terms
    from sor_desktop.core.venue_terms import FeeRates, VenueTerms
    from sor_desktop.venues.recording import terms_of

    fee = FeeRates(0.0004, 0.0002, True, "test")
    written = terms_of(VenueTerms("bybit", BTC, fee, leverage=7.0))
    assert written["leverage"] == 7.0
    assert book_terms(written, "line 1").leverage == 7.0
    assert "leverage" not in terms_of(VenueTerms("bybit", BTC, fee))
