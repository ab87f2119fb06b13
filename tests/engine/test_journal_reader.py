"""Reading a journal (``journal list``/``export``, a second process) changes nothing, and no
journal opens a file that is not one of ours or is newer than this version: ``journal list
--journal notes.txt`` had made the file 0600 and its folder 0700, and another program's SQLite
file had been given our tables, WAL mode and user_version 1."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from sor_desktop.engine.journal import SCHEMA_VERSION, Journal, JournalError


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _written(path: Path) -> Path:
    with Journal(path) as j:
        j.record_event("cancel_all", 1_700_000_000.0, venue="v0", detail="0 cancelled")
    return path


def _foreign(path: Path, version: int = 42) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    db.execute("INSERT INTO notes(body) VALUES ('keep me')")
    db.execute(f"PRAGMA user_version={version}")
    db.commit()
    db.close()
    return path


def _state(path: Path) -> tuple[int, list[str], str]:
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = sorted(r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()
    return version, tables, mode


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_reading_leaves_the_file_and_its_folder_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = _written(folder / "j.sqlite3")
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    with Journal(path, exclusive=False) as j:
        assert [e for e in j.recent_routes(5)] == []
    assert (_mode(folder), _mode(path)) == (0o755, 0o644)


@pytest.mark.parametrize("exclusive", [False, True])
def test_another_programs_database_is_refused_and_left_alone(tmp_path: Path, exclusive: bool) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir()
    path = _foreign(folder / "other.db")
    os.chmod(folder, 0o755)
    os.chmod(path, 0o644)
    before = _state(path)
    with pytest.raises(JournalError, match="not a sor-desktop journal"):
        Journal(path, exclusive=exclusive)
    assert _state(path) == before == (42, ["notes"], "delete")
    # the writer made the file 0600, its folder 0700 and left other.db.lock beside it, then refused
    assert (_mode(folder), _mode(path)) == (0o755, 0o644)
    assert sorted(p.name for p in folder.iterdir()) == ["other.db"]


@pytest.mark.parametrize("exclusive", [False, True])
def test_a_journal_of_a_newer_version_is_refused_and_left_alone(tmp_path: Path, exclusive: bool) -> None:
    path = _written(tmp_path / "j.sqlite3")
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 6}")
    db.execute("ALTER TABLE legs ADD COLUMN v7_field TEXT")
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="newer"):
        Journal(path, exclusive=exclusive)
    assert _state(path)[0] == SCHEMA_VERSION + 6


def test_a_missing_journal_is_not_created_by_a_reader(tmp_path: Path) -> None:
    path = tmp_path / "none" / "j.sqlite3"
    with pytest.raises(JournalError, match="no journal"):
        Journal(path, exclusive=False)
    assert not path.parent.exists()


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n", encoding="utf-8")
    for exclusive in (False, True):
        with pytest.raises(JournalError):
            Journal(path, exclusive=exclusive)
    assert path.read_text(encoding="utf-8") == "my notes\n"


def test_an_empty_file_still_becomes_a_journal(tmp_path: Path) -> None:
    """The app creates its journal as an empty 0600 file first (paths.private_file)."""
    path = tmp_path / "j.sqlite3"
    path.touch()
    Journal(path).close()
    assert _state(path)[0] == SCHEMA_VERSION


def _routed(path: Path, *, open_leg: bool) -> Path:
    """A journal holding one route of one leg, open (unknown outcome) or final."""
    import asyncio

    from sor_desktop.core.orders import Side
    from sor_desktop.engine.executor import Executor

    from .exec_fakes import FakeVenue, book, make_plan

    venues = {"v0": FakeVenue("v0")}
    with Journal(path) as j:
        asyncio.run(Executor(venues, j).execute(make_plan(Side.BUY, [("v0", "0.5", "50010", 50_001.0)]),
                                                {"v0": book("v0")}))
        if open_leg:
            j._db.execute("UPDATE legs SET status='unknown'")
    return path


@pytest.mark.parametrize(("column", "value"), [("contracts", "abc"), ("side", "sideways")])
@pytest.mark.parametrize("open_leg", [True, False])
def test_a_leg_row_that_cannot_be_read_is_a_damaged_journal(tmp_path: Path, column: str, value: str,
                                                             open_leg: bool) -> None:
    """`contracts='abc'` in a leg made route, journal list and the window stop with
    "unexpected error: InvalidOperation" (the window exited 1): a row that cannot be read is a
    damaged journal, refused for trading with what to do, and said in one line when read."""
    path = _routed(tmp_path / "j.sqlite3", open_leg=open_leg)
    db = sqlite3.connect(path)
    db.execute(f"UPDATE legs SET {column}=?", (value,))
    db.commit()
    db.close()
    with pytest.raises(JournalError, match="cannot be read"):
        Journal(path)
    with Journal(path, exclusive=False) as reader:
        route = reader.recent_routes(1)[0]
        with pytest.raises(JournalError, match="cannot be read"):
            reader.legs(route.route_id)


def test_a_route_or_tca_row_that_cannot_be_read_is_said_so(tmp_path: Path) -> None:
    path = _routed(tmp_path / "j.sqlite3", open_leg=False)
    db = sqlite3.connect(path)
    db.execute("UPDATE tca SET data='{bad'")
    db.commit()
    db.close()
    with Journal(path, exclusive=False) as reader:
        with pytest.raises(JournalError, match="cannot be read"):
            reader.recent_tca()
    db = sqlite3.connect(path)
    db.execute("UPDATE routes SET side='x'")
    db.commit()
    db.close()
    with Journal(path, exclusive=False) as reader, pytest.raises(JournalError, match="cannot be read"):
        reader.recent_routes(5)


@pytest.mark.parametrize("make", ["folder", "lock_folder", "dangling_link"])
def test_a_journal_path_that_is_no_file_is_refused_plainly(tmp_path: Path, make: str) -> None:
    """A folder or a dangling link where the journal (or its lock) goes gave route and the window
    "unexpected error: IsADirectoryError" (exit 1) instead of the journal's refusal."""
    path = tmp_path / "j.sqlite3"
    if make == "folder":
        path.mkdir()
    elif make == "lock_folder":
        (tmp_path / "j.sqlite3.lock").mkdir()
    else:
        path.symlink_to(tmp_path / "gone" / "j.sqlite3")
    with pytest.raises(JournalError, match="cannot open the journal"):
        Journal(path)


# -- a journal that can be read but not written (a read-only mount, a 0500 folder) ----------------
# A healthy journal on a read-only bind mount read "cannot open the journal ...: it is damaged
# (SQLite integrity check: unable to open database file); trading is refused. Close sor-desktop,
# move it aside ...": SQLite's readers of a WAL file need its -shm, which a read-only folder cannot
# hold, and every SQLite error was called damage.

_CANTOPEN, _READONLY, _READONLY_CANTINIT = 14, 8, 1544
# what SQLite 3.40 answers a mode=ro open of a WAL file with no -shm: on a read-only mount (as
# root too), and in a 0500 folder of a user who is not root
_NO_SHM = [("unable to open database file", _CANTOPEN), ("attempt to write a readonly database", _READONLY_CANTINIT)]


def _sqlite_error(text: str, code: int) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


def _as_on_a_read_only_folder(monkeypatch: pytest.MonkeyPatch,
                              answer: tuple[str, int] = _NO_SHM[0]) -> list[str]:
    """SQLite as it answers where nothing can be created beside the file: a read-only open of a
    WAL file without its -shm cannot start; ``immutable=1`` (no -shm, no locks) can."""
    real = sqlite3.connect
    opened: list[str] = []

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(str(database))
        if kwargs.get("uri") and "immutable=1" not in str(database):
            raise _sqlite_error(*answer)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    return opened


@pytest.mark.parametrize("answer", _NO_SHM)
def test_a_reader_reads_a_journal_whose_folder_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 answer: tuple[str, int]) -> None:
    path = _written(tmp_path / "j.sqlite3")
    assert not path.with_name(path.name + "-wal").exists()  # a clean close leaves no -wal
    opened = _as_on_a_read_only_folder(monkeypatch, answer)
    with Journal(path, exclusive=False) as j:
        assert [e.kind for e in j.events(None)] == ["cancel_all"]
    assert any("immutable=1" in o for o in opened)


@pytest.mark.parametrize("answer", _NO_SHM)
def test_a_reader_never_skips_what_a_writer_has_not_checkpointed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 answer: tuple[str, int]) -> None:
    """``immutable`` reads the main file alone: beside a -wal holding commits it would miss them,
    so the reader says it cannot read the file instead."""
    path = tmp_path / "j.sqlite3"
    with Journal(path) as writer:
        writer.record_event("cancel_all", 1_700_000_000.0, venue="v0", detail="in the wal")
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        _as_on_a_read_only_folder(monkeypatch, answer)
        with pytest.raises(JournalError) as err:
            Journal(path, exclusive=False)
    text = str(err.value)
    assert "damaged" not in text and "move it aside" not in text, text
    assert "cannot be read" in text and str(path) in text, text


@pytest.mark.parametrize(("text", "code"), [("unable to open database file", _CANTOPEN),
                                            ("attempt to write a readonly database", _READONLY)])
def test_a_journal_that_cannot_be_written_is_not_called_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                text: str, code: int) -> None:
    path = _written(tmp_path / "j.sqlite3")
    real = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if not kwargs.get("uri"):  # the writer's open
            raise _sqlite_error(text, code)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    with pytest.raises(JournalError) as err:
        Journal(path)
    said = str(err.value)
    assert "damaged" not in said and "move it aside" not in said and "new journal" not in said, said
    assert "cannot be written" in said and "read-only" in said and "trading is refused" in said, said


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="POSIX modes; root writes anyway")
def test_a_read_only_folder_and_file_are_read(tmp_path: Path) -> None:
    """SQLite itself, no simulation (the trader's own 0500 folder: the writer may chmod it back)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = _written(folder / "j.sqlite3")
    os.chmod(path, 0o400)
    os.chmod(folder, 0o500)
    try:
        with Journal(path, exclusive=False) as j:
            assert [e.kind for e in j.events(None)] == ["cancel_all"]
        assert sorted(p.name for p in folder.iterdir()) == ["j.sqlite3", "j.sqlite3.lock"]
    finally:
        os.chmod(folder, 0o700)
        os.chmod(path, 0o600)
