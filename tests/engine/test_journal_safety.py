"""The journal holds everything or nothing is sent: a damaged journal refuses trading at start-up,
and a failure to record after orders went out is said in plain words and blocks trading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.exec_events import RouteEvent, RouteState
from sor_desktop.engine.executor import Executor
from sor_desktop.engine.journal import Journal, JournalError

from .exec_fakes import FakeVenue, book, make_plan


def damaged_journal(path: Path) -> Path:
    """A journal with some history, then one page of its file overwritten (as a bad sector does)."""
    with Journal(path) as j:
        for i in range(400):
            j.record_event("cancel_all", 1_700_000_000.0 + i, venue="v0", detail=f"{i} cancelled " + "x" * 40)
    size = path.stat().st_size
    assert size > 4 * 4096
    with open(path, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)  # one whole page in the middle, past the schema on page 1
        fh.write(b"\xde\xad\xbe\xef" * 1024)
    return path


def test_a_journal_with_a_damaged_page_is_refused_for_trading_with_what_to_do(tmp_path: Path) -> None:
    path = damaged_journal(tmp_path / "j.sqlite3")
    with pytest.raises(JournalError) as err:
        Journal(path)
    text = str(err.value)
    assert "damaged" in text and "integrity check" in text and str(path) in text
    assert "move it aside" in text  # what to do
    # reading it (journal list) is still possible, it is only trading that is refused
    Journal(path, exclusive=False).close()


@pytest.mark.asyncio
async def test_a_failure_to_record_after_sending_is_said_plainly_and_blocks_trading(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    journal = Journal(tmp_path / "j.sqlite3")
    events: list[object] = []
    ex = Executor(venues, journal, on_event=events.append)
    books = {v: book(v) for v in venues}

    def disk_full(*a: object, **k: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(journal, "record_report", disk_full)
    plan = make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0), ("v1", "0.5", "50010", 50_001.0)])
    res = await ex.execute(plan, books)
    assert all(v.accepted for v in venues.values())  # the orders did go out
    assert res.state is RouteState.UNRESOLVED
    assert res.journal_error is not None
    assert res.journal_error.startswith("orders were sent to v0, v1; their state could not be saved: "
                                        "database or disk is full")
    assert any(isinstance(e, RouteEvent) and e.journal_error == res.journal_error for e in events)
    assert not ex.ready
    monkeypatch.undo()
    again = await ex.execute(make_plan(Side.BUY, [("v0", "0.1", "50010", 50_001.0)]), books)
    assert again.state is RouteState.BLOCKED
    assert any(p.code == "journal" and "could not be saved" in p.message for p in again.problems)
    assert sum(len(v.accepted) for v in venues.values()) == 2  # nothing more was sent


@pytest.mark.asyncio
async def test_a_journal_that_cannot_take_the_intents_sends_nothing(tmp_path: Path, monkeypatch) -> None:
    venues = {"v0": FakeVenue("v0")}
    journal = Journal(tmp_path / "j.sqlite3")
    ex = Executor(venues, journal)

    def broken(*a: object, **k: object) -> None:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(journal, "begin_route", broken)
    res = await ex.execute(make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0)]), {"v0": book("v0")})
    assert res.state is RouteState.BLOCKED and not venues["v0"].accepted
    assert "nothing was sent" in res.problems[0].message and "malformed" in res.problems[0].message


@pytest.mark.asyncio
async def test_a_really_full_journal_after_sending_names_the_error(tmp_path: Path) -> None:
    # not a stub: SQLite's own SQLITE_FULL, by capping the file at its size just before the orders leave
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    journal = Journal(tmp_path / "j.sqlite3")

    def disk_fills_up(_req: object) -> None:
        db = journal._db
        db.execute(f"PRAGMA max_page_count={db.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(sqlite3.OperationalError, match="full"):
            while True:  # take the free room left in the last pages
                db.execute("INSERT INTO events(ts, kind, detail) VALUES (0, 'filler', ?)", ("x" * 200,))

    ex = Executor(venues, journal, before_send=disk_fills_up)
    plan = make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0), ("v1", "0.5", "50010", 50_001.0)])
    res = await ex.execute(plan, {v: book(v) for v in venues})
    assert all(v.accepted for v in venues.values())
    assert res.journal_error == ("orders were sent to v0, v1; their state could not be saved: "
                                 "database or disk is full")
    assert not ex.ready


def test_every_single_damaged_page_is_caught_at_start_up(tmp_path: Path) -> None:
    # issue 10: with one page damaged, `route --sim --yes` still sent orders in 6 of 16 cases
    import shutil

    base = tmp_path / "base.sqlite3"
    with Journal(base) as j:
        for i in range(400):
            j.record_event("cancel_all", 1_700_000_000.0 + i, venue="v0", detail=f"{i} cancelled " + "x" * 40)
    pages = base.stat().st_size // 4096
    assert pages > 10
    accepted = []
    for page in range(pages):
        copy = tmp_path / f"page{page}.sqlite3"
        shutil.copy(base, copy)
        with open(copy, "r+b") as fh:
            fh.seek(page * 4096)
            fh.write(b"\xde\xad\xbe\xef" * 1024)
        try:
            Journal(copy).close()
        except JournalError:
            continue
        accepted.append(page)
    assert accepted == []
