"""``journal list|export`` read the journal and change nothing but the CSV they are asked to
write: ``export --csv journal.sqlite3`` had overwritten the order history with a CSV, and ``journal
list`` created a journal where there was none."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from sor_desktop import paths
from sor_desktop.cli.main import main
from sor_desktop.engine.journal import Journal

ROUTE = ["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "0.2", "--yes"]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _one_line(capsys: pytest.CaptureFixture[str], needle: str) -> None:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unexpected" not in err and needle in err, err


def _routes(path: Path) -> int:
    with Journal(path, exclusive=False) as j:
        return len(j.recent_routes(100))


def test_export_onto_the_journal_itself_is_refused_and_the_journal_kept(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ROUTE) == 0
    journal = paths.journal_path()
    capsys.readouterr()
    for target in (journal, journal.with_name(journal.name + "-wal")):
        assert main(["journal", "export", "--csv", str(target)]) == 2
        _one_line(capsys, "is the journal itself")
    assert _routes(journal) == 1
    assert main(["journal", "list"]) == 0


def test_export_onto_an_existing_file_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ROUTE) == 0
    target = tmp_path / "notes.csv"
    target.write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["journal", "export", "--csv", str(target)]) == 2
    _one_line(capsys, "--force")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert main(["journal", "export", "--csv", str(target), "--force"]) == 0
    assert target.read_text(encoding="utf-8").startswith("route_id,")


def test_list_without_a_journal_creates_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["journal", "list"]) == 0
    assert "No routes" in capsys.readouterr().out
    assert main(["journal", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # a script reads JSON, as before
    assert not paths.journal_path().exists()


def test_a_damaged_page_is_one_line_when_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.test_journal_safety import damaged_journal

    path = damaged_journal(tmp_path / "j.sqlite3")
    for argv in (["list"], ["export", "--csv", str(tmp_path / "out.csv")]):
        rc = main(["journal", *argv, "--journal", str(path)])  # the damage may miss what is read
        err = capsys.readouterr().err
        assert rc in (0, 2) and "unexpected" not in err and "Traceback" not in err, err
        assert rc == 0 or (str(path) in err and len(err.strip().splitlines()) == 1), err


def test_a_hand_edited_leg_is_one_line_when_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ROUTE) == 0
    db = sqlite3.connect(paths.journal_path())
    db.execute("UPDATE legs SET contracts='abc'")
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(["journal", "list"]) == 2
    _one_line(capsys, "cannot be read")
    assert main(ROUTE) == 4  # a journal that cannot be trusted: nothing is sent
    assert "cannot be read" in capsys.readouterr().err


@pytest.mark.parametrize("limit", ["99999999999999999999999", "1_0", "0"])
def test_a_bad_limit_is_one_line(limit: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["journal", "list", "--limit", limit]) == 2
    _one_line(capsys, "--limit")


def test_route_into_a_folder_that_does_not_exist_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`route --journal /tmp/typo/j.sqlite3` created the folders and routed on a new journal,
    whose empty history let the route past the daily maximum of the real one."""
    target = tmp_path / "typo" / "j.sqlite3"
    assert main([*ROUTE, "--journal", str(target)]) == 2
    _one_line(capsys, "does not exist")
    assert not target.parent.exists()


def test_an_export_that_fails_half_way_leaves_the_old_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A row that cannot be read part-way through had left a partial CSV over the old one
    (truncated before reading, so with --force the old export was lost)."""
    assert main(ROUTE) == 0
    assert main([*ROUTE[:-2], "0.3", "--yes"]) == 0  # another plan: the same one again is a duplicate
    db = sqlite3.connect(paths.journal_path())
    newest = db.execute("SELECT route_id FROM routes ORDER BY created DESC LIMIT 1").fetchone()[0]
    db.execute("UPDATE tca SET data='{bad' WHERE route_id=?", (newest,))
    db.commit()
    db.close()
    target = tmp_path / "out.csv"
    target.write_text("old export\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["journal", "export", "--csv", str(target), "--force"]) == 2
    _one_line(capsys, "cannot be read")
    assert target.read_text(encoding="utf-8") == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_route_into_a_new_journal_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped file name in an existing folder starts a journal whose empty history counts
    nothing toward the daily maximum: said, and logged."""
    assert main([*ROUTE, "--journal", str(tmp_path / "jurnal.sqlite3")]) == 0
    assert "a new journal at" in capsys.readouterr().err
    assert main([*ROUTE[:-2], "0.3", "--yes", "--journal", str(tmp_path / "jurnal.sqlite3")]) == 0
    assert "a new journal" not in capsys.readouterr().err


def test_a_venue_reason_is_never_a_spreadsheet_formula() -> None:
    """A reject's words go to the CSV as they came: Binance's start with a minus ("-2019 Margin is
    insufficient."), which a spreadsheet reads as a formula; text cells that start with = + - @
    are written as text, numbers stay numbers."""
    from sor_desktop.engine.tca import _cell

    assert _cell("-2019 Margin is insufficient.") == "'-2019 Margin is insufficient."
    assert _cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert _cell("@SUM(A1)") == "'@SUM(A1)" and _cell("+1 rest") == "'+1 rest"
    assert _cell(-0.5) == "-0.5" and _cell("-0.5") == "-0.5" and _cell("binanceusdm") == "binanceusdm"


def test_list_says_the_fill_in_the_requests_unit_and_the_blotters_words(capsys: pytest.CaptureFixture[str]) -> None:
    """A 50,000 USDT buy was listed "requested 50,000.00 USDT, filled 0.8339" (BTC, unnamed), and
    a route with a rejected leg "done" beside its 1.537 of 4: the blotter's words and units."""
    assert main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "30000",
                 "--unit", "quote", "--yes"]) == 0
    capsys.readouterr()
    assert main(["journal", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["status"] == "filled"
    assert main(["journal", "list"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[1]
    filled = row["tca"]["filled_base"] * row["tca"]["realised_avg_price"]
    assert f"{filled:,.2f} USDT" in line and " filled " in f" {line} "


def test_list_marks_an_estimated_fee_and_an_unknown_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A leg's fee the venue did not give is never listed as paid: "~... est." for an estimate,
    "+ N unknown" for a fill with no fee at all."""
    from dataclasses import replace

    from sor_desktop.core.orders import OrderStatus
    from sor_desktop.engine.tca import route_tca
    from tests.engine.test_journal import _leg, _report, _route

    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        for rid, fee in (("r0000000000001", "0.20"), ("r0000000000002", "0")):
            legs = [_leg(rid, 0, "v0", "1", 100.0), _leg(rid, 1, "v1", "2", 200.0)]
            j.begin_route(replace(_route(rid), created=1000.0 + int(rid[-1])), legs)
            j.record_report(legs[0].client_order_id, _report("x", OrderStatus.FILLED, "1", "1", "101", "0.05"), 1001.0)
            est = replace(_report("x", OrderStatus.FILLED, "2", "2", "200", fee), fee_estimated=True)
            j.record_report(legs[1].client_order_id, est, 1001.0)
            j.finish_route(rid, "done", 1002.0, route_tca(j.route(rid), j.legs(rid)).to_json())  # type: ignore[arg-type]
    assert main(["journal", "list", "--journal", str(path)]) == 0
    out = capsys.readouterr().out
    assert "~0.2500 est." in out and "0.0500 + 1 unknown" in out
    assert main(["journal", "list", "--journal", str(path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [[lg["fee_estimated"] for lg in r["tca"]["legs"]] for r in listed] == [[False, True], [False, True]]


def test_list_writes_the_realised_average_past_the_tick(capsys: pytest.CaptureFixture[str]) -> None:
    """A fill at 59,999.77 was listed "60,000" beside whole-dollar limits: an average is no price
    on the tick, and is written as the blotter writes it (two figures past the tick)."""
    assert main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "7.3", "--yes"]) == 0
    capsys.readouterr()
    assert main(["journal", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    realised = row["tca"]["realised_avg_price"]
    assert main(["journal", "list"]) == 0
    cells = capsys.readouterr().out.strip().splitlines()[1].split()
    shown = [float(c.replace(",", "")) for c in cells if c.replace(",", "").replace(".", "").isdigit()
             and 1_000 < float(c.replace(",", "")) < 1_000_000]
    assert shown and abs(shown[0] - realised) <= 0.006, (cells, realised)


def test_list_and_route_agree_on_a_sliver_below_every_lot(capsys: pytest.CaptureFixture[str]) -> None:
    """`route --amount 0.16714` ended "filled: 0.1671 of 0.16714" with the filled exit code (the
    0.00004 is below every venue's lot, and the router says so); `journal list` called the same
    route "partly filled as planned"."""
    assert main(["route", "--sim", "--symbol", "BTC/USDT:USDT", "--side", "buy", "--amount", "0.16714",
                 "--yes", "--json"]) == 0
    routed = json.loads(capsys.readouterr().out)
    assert routed["status"] == "filled" and routed["filled"] < 0.16714
    assert main(["journal", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["status"] == "filled", row["status"]


def test_list_in_a_home_that_cannot_be_written_says_there_is_no_journal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """On an empty read-only home `journal list` said "cannot make the folder .../data" (exit 2):
    it makes no folder, so there is nothing to fail at; it says there is no journal yet. (Every
    mkdir refused as a read-only mount refuses it, even to root.)"""
    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setattr(Path, "mkdir", read_only)
    assert main(["journal", "list"]) == 0
    out, err = capsys.readouterr()
    assert "No routes in the journal" in out and "none yet: no journal at" in out, (out, err)
    assert "cannot make the folder" not in err, err
    assert main(["journal", "list", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_list_changes_no_folder_of_the_home(home: Path) -> None:
    """A reader creates nothing and tightens no mode (the writer's start-up makes them 0700)."""
    data = home / "data"
    data.mkdir(parents=True)
    os.chmod(data, 0o755)
    assert main(["journal", "list"]) == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o755 and not (home / "config").exists()
