"""The order journal: SQLite in WAL mode with ``synchronous=FULL``.

Write order is the safety argument: a route and every leg's intent are committed in one
transaction *before* the first order leaves; every acknowledgement, fill, cancel and final state
is committed as it is learned. A leg whose status is not final after a crash is exactly a leg
whose outcome must be asked of the venue (``engine.reconcile``) before trading resumes.

Amounts and prices are stored as exact decimal strings; times as wall-clock seconds.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sor_desktop import paths
from sor_desktop.core.orders import OrderReport, OrderStatus, Side

log = logging.getLogger(__name__)
# 2: legs.fee_estimated (a version-1 journal is given the column when opened for trading; its
# rows, NULL there, and a read-only look at a version-1 file read as ``_fee_estimated`` says)
SCHEMA_VERSION = 2
FINAL = ("filled", "canceled", "rejected")
MIXED = "mixed"  # routes.side of a route whose legs go both ways (a flatten of longs and shorts)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS routes(
  route_id TEXT PRIMARY KEY,
  parent_route_id TEXT,
  created REAL NOT NULL,
  mode TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  unit TEXT NOT NULL,
  requested REAL NOT NULL,
  fingerprint TEXT NOT NULL,
  preview_avg_price REAL NOT NULL,
  preview_filled REAL NOT NULL,
  plan_json TEXT NOT NULL,
  state TEXT NOT NULL,
  finished REAL,
  reduce_only INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS routes_fp ON routes(fingerprint, created);
CREATE TABLE IF NOT EXISTS legs(
  client_order_id TEXT PRIMARY KEY,
  route_id TEXT NOT NULL REFERENCES routes(route_id),
  leg_index INTEGER NOT NULL,
  venue TEXT NOT NULL,
  mode TEXT NOT NULL,
  symbol TEXT NOT NULL,
  side TEXT NOT NULL,
  contracts TEXT NOT NULL,
  limit_price TEXT NOT NULL,
  contract_size TEXT NOT NULL,
  linear INTEGER NOT NULL,
  preview_avg_price REAL NOT NULL,
  preview_base REAL NOT NULL,
  preview_fee REAL NOT NULL,
  status TEXT NOT NULL,
  filled_contracts TEXT NOT NULL DEFAULT '0',
  avg_price TEXT,
  fee TEXT NOT NULL DEFAULT '0',
  venue_order_id TEXT,
  reason TEXT,
  intent_ts REAL NOT NULL,
  sent_ts REAL,
  ack_ts REAL,
  latency_ms REAL,
  updated REAL NOT NULL,
  fee_estimated INTEGER,
  UNIQUE(route_id, leg_index)
);
CREATE INDEX IF NOT EXISTS legs_open ON legs(status);
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts REAL NOT NULL,
  route_id TEXT,
  client_order_id TEXT,
  venue TEXT,
  kind TEXT NOT NULL,
  status TEXT,
  filled_contracts TEXT,
  avg_price TEXT,
  fee TEXT,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS tca(
  route_id TEXT PRIMARY KEY REFERENCES routes(route_id),
  computed REAL NOT NULL,
  slippage_bps REAL,
  fees REAL NOT NULL,
  filled_base REAL NOT NULL,
  data TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class RouteRow:
    route_id: str
    parent_route_id: str | None
    created: float
    mode: str
    symbol: str
    side: Side | None  # None: its legs go both ways, each on its own side (stored as MIXED)
    unit: str
    requested: float
    fingerprint: str
    preview_avg_price: float
    preview_filled: float
    plan_json: str
    state: str  # sending | done | unresolved
    finished: float | None
    reduce_only: bool = False


@dataclass(frozen=True, slots=True)
class LegRow:
    client_order_id: str
    route_id: str
    leg_index: int
    venue: str
    mode: str
    symbol: str
    side: Side
    contracts: Decimal
    limit_price: Decimal
    contract_size: Decimal
    linear: bool
    preview_avg_price: float
    preview_base: float
    preview_fee: float
    status: str  # an OrderStatus value
    filled_contracts: Decimal
    avg_price: Decimal | None
    fee: Decimal
    venue_order_id: str | None
    reason: str | None
    intent_ts: float
    sent_ts: float | None
    ack_ts: float | None
    latency_ms: float | None
    updated: float
    # ``fee`` is an estimate at the taker rate (the venue did not give it); with fee 0 on a fill:
    # not known at all (``fee_unknown``)
    fee_estimated: bool = False

    @property
    def fee_unknown(self) -> bool:
        return self.fee_estimated and self.fee == 0 and self.filled_contracts > 0

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def filled_base(self) -> Decimal:
        if self.filled_contracts == 0:
            return Decimal(0)
        if self.linear:
            return self.filled_contracts * self.contract_size
        if not self.avg_price:
            return Decimal(0)
        return self.filled_contracts * self.contract_size / self.avg_price


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    ts: float
    route_id: str | None
    client_order_id: str | None
    venue: str | None
    kind: str
    status: str | None
    filled_contracts: str | None
    avg_price: str | None
    fee: str | None
    detail: str | None


# what a row that is not as this version wrote it raises while it is read
_UNREADABLE = (ValueError, TypeError, KeyError, ArithmeticError)


def _route(row: sqlite3.Row) -> RouteRow:
    d = dict(row)
    try:
        d["side"] = None if d["side"] == MIXED else Side(d["side"])
        d["reduce_only"] = bool(d["reduce_only"])
        return RouteRow(**d)
    except _UNREADABLE as exc:
        raise DamagedRow(f"route {d.get('route_id')!r} cannot be read ({type(exc).__name__}: {exc})") from exc


def _leg(row: sqlite3.Row) -> LegRow:
    d = dict(row)
    try:
        d["side"] = Side(d["side"])
        d["linear"] = bool(d["linear"])
        for k in ("contracts", "limit_price", "contract_size", "filled_contracts", "fee"):
            d[k] = Decimal(d[k])
        d["avg_price"] = Decimal(d["avg_price"]) if d["avg_price"] is not None else None
        d["fee_estimated"] = _fee_estimated(d.get("fee_estimated"), d["fee"], d["filled_contracts"])
        return LegRow(**d)
    except _UNREADABLE as exc:
        raise DamagedRow(f"leg {d.get('client_order_id')!r} cannot be read ({type(exc).__name__})") from exc


def _fee_estimated(flag: Any, fee: Decimal, filled: Decimal) -> bool:
    """The stored flag; a row from before it (NULL, or no column in a version-1 file) that shows
    a fill with fee 0 did not record its fee (the venue's answer had none): not known, not free."""
    if flag is None:
        return fee == 0 and filled > 0
    return bool(flag)


def _merged_fee(prev: LegRow, report: OrderReport) -> tuple[Decimal, bool]:
    """(fee, estimated) after ``report``: an answer showing less than the recorded fill says
    nothing of its fee; the venue's figure replaces an estimate of the same fill, never the
    other way round; like for like, the larger (fees only add up)."""
    if report.filled_contracts < prev.filled_contracts:
        return prev.fee, prev.fee_estimated
    if report.fee_estimated and not prev.fee_estimated and prev.filled_contracts > 0 \
            and report.filled_contracts == prev.filled_contracts:
        return prev.fee, False
    if report.fee_estimated == prev.fee_estimated:
        return max(prev.fee, report.fee), report.fee_estimated
    return report.fee, report.fee_estimated


def _tca(data: str, route_id: str | None = None) -> dict[str, Any]:
    try:
        got = json.loads(data)
    except _UNREADABLE as exc:
        raise DamagedRow(f"the cost analysis of route {route_id!r} cannot be read ({exc})") from exc
    if not isinstance(got, dict):
        raise DamagedRow(f"the cost analysis of route {route_id!r} cannot be read (not an object)")
    return got


def _s(d: Decimal | None) -> str | None:
    return None if d is None else format(d, "f")


class JournalError(Exception):
    pass


class DamagedRow(JournalError):
    """A row that is not as sor-desktop writes it (edited by hand, or another version's)."""


class NoJournal(JournalError):
    """A reader found no journal (none yet, or an empty file): nothing has been routed from it."""


def damaged_message(path: Path, detail: str, check: str = "SQLite integrity check") -> str:
    return (f"cannot open the journal {path}: it is damaged ({check}: {detail}); trading is refused. "
            f"Close sor-desktop, move it aside (keep it: it is the record of earlier orders, "
            f"`sor-desktop journal list --journal <moved file>` may still read it), check open orders and "
            f"positions on the venues' own sites, then start again with a new journal")


# SQLite's primary result codes that say the file could not be opened or written here (its
# folder or mount is read-only, its permissions refuse this user): nothing about its contents
_CANTOPEN, _READONLY, _PERM = 14, 8, 3
_NO_ACCESS = (_CANTOPEN, _READONLY, _PERM)


def _no_access(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _NO_ACCESS


def access_message(path: Path, detail: str, *, write: bool) -> str:
    """An open refused by the file system, said as such: a healthy order history called damaged
    had been sent aside, with "start again with a new journal"."""
    if write:
        return (f"cannot open the journal {path} for trading: it cannot be written here (SQLite: {detail}). "
                f"Its folder or file is read-only (a read-only file system, or their permissions); "
                f"the journal was left as it is and trading is refused until sor-desktop can write to it")
    return (f"cannot read the journal {path}: it cannot be read here (SQLite: {detail}). Its folder or file "
            f"is read-only or not readable by you (a read-only file system, or their permissions), and "
            f"SQLite needs to create {path.name}-shm beside it to read what was written last; the journal "
            f"was left as it is. Copy its folder somewhere you can write and use --journal")


def _wal_holds_commits(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except FileNotFoundError:
        return False


def _connect_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that has read the file's header.

    A reader of a WAL file needs its -shm, which SQLite cannot create in a read-only folder
    ("unable to open database file" on a read-only mount, "attempt to write a readonly database"
    in a folder this user may not write). Without a -wal holding commits the main file is the whole
    journal and no writer can be at work (a writer cannot create its -wal there either), so it is
    read as immutable: no -shm, no locks. Beside such a -wal that would miss commits: refused."""
    uri = path.resolve().as_uri()
    try:
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error:
            db.close()
            raise
        return db
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        # CANTOPEN on a read-only mount; READONLY_CANTINIT (no -shm to start from) in a 0500 folder
        if not isinstance(code, int) or code & 0xFF not in (_CANTOPEN, _READONLY) or _wal_holds_commits(path):
            raise
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None, check_same_thread=False)


def _check_ours(db: sqlite3.Connection, path: Path) -> set[str]:
    """Its tables; a newer schema or another program's tables: refused before anything is
    written."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    tables = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and "routes" not in tables:
        raise JournalError(f"{path} is not a sor-desktop journal (its tables: {', '.join(sorted(tables))}); "
                           "it was left as it is")
    if version > SCHEMA_VERSION:
        raise JournalError(f"the journal {path} was written by a newer sor-desktop (schema {version}; this "
                           f"version reads up to {SCHEMA_VERSION}); it was left as it is: use the newer version")
    return tables


def _take_lock(path: Path) -> IO[str]:
    """An exclusive advisory lock beside the journal, held while it is open for trading.

    Two processes sending from one journal could each take the other's fresh intents for
    orders lost in a crash; the lock makes the second one stop with a clear message instead.
    The OS drops the lock when the process dies, so a killed process never leaves it behind.
    """
    fh = open(paths.private_file(path.with_name(path.name + ".lock")), "a+", encoding="utf-8")  # noqa: SIM115
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise JournalError(f"the journal {path} is in use by another sor-desktop process") from None
    return fh


class Journal:
    """One SQLite file. All methods are synchronous and commit before returning.

    ``exclusive`` (the default, for trading) holds a process lock on the file; readers such as
    ``journal list`` pass False and open it read-only: nothing of the file, its folder or its
    schema is changed, and a missing file is an error rather than a new journal.
    Either way a file that is not a sor-desktop journal (another program's database: tables but
    not ours) or is of a newer schema is refused and left as it is.
    """

    def __init__(self, path: Path | str | None = None, *, exclusive: bool = True) -> None:
        self.path = Path(path) if path is not None else paths.journal_path()
        self._lockfile: IO[str] | None = None
        memory = str(self.path) == ":memory:"
        if not exclusive and not memory and not self.path.is_file():
            raise NoJournal(f"no journal at {self.path}")
        if exclusive and not memory and self.path.is_file() and self.path.stat().st_size:
            self._refuse_if_not_ours()  # before its file and folder are made private, or a lock set beside it
        if exclusive and not memory:
            try:
                paths.private_file(self.path)  # orders and fills are nobody else's business: 0600 in 0700
                self._lockfile = _take_lock(self.path)
            except paths.UnsafeFolder:
                raise
            except OSError as exc:  # a folder or a dangling link where the file or its lock goes
                raise JournalError(f"cannot open the journal {self.path}: {exc.strerror or exc}"
                                   + (f" ({exc.filename})" if exc.filename else "")) from exc
        try:
            if exclusive or memory:
                self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            else:
                self._db = _connect_reader(self.path)
            self._db.row_factory = sqlite3.Row
            tables = _check_ours(self._db, self.path)
            if not tables and not (exclusive or memory):
                raise NoJournal(f"the journal {self.path} is empty: no routes yet")
            if exclusive or memory:
                mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                self._db.execute("PRAGMA synchronous=FULL")
                self._db.execute("PRAGMA foreign_keys=ON")
                if exclusive:
                    self._check_integrity()
                    self._check_rows()
                self._db.executescript(_SCHEMA)
                self._migrate()
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            else:
                mode = self._db.execute("PRAGMA journal_mode").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            if _no_access(exc):
                raise JournalError(access_message(self.path, str(exc), write=exclusive)) from exc
            raise JournalError(damaged_message(self.path, str(exc))) from exc
        except JournalError:
            self._close_quietly()
            raise
        self.wal = str(mode).lower() == "wal"
        self._lock = threading.RLock()
        # an exclusive journal is written by this object alone: its open legs, asked four times a
        # second by the window (a table scan: 9 ms at 50,000 legs), are read again only after a
        # transaction (``_tx`` counts them, rolled back or not)
        self._exclusive = exclusive
        self._writes = 0
        self._open: tuple[int, list[LegRow]] | None = None

    def _refuse_if_not_ours(self) -> None:
        """``_check_ours`` on a read-only look at an existing file (a damaged one is left to the
        full open, which says so with what to do)."""
        try:
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error:
            return
        try:
            _check_ours(db, self.path)
        except sqlite3.DatabaseError:
            pass
        finally:
            db.close()

    def _migrate(self) -> None:
        """An older file given what this version writes (CREATE TABLE IF NOT EXISTS adds no
        column to a table that exists); its old rows keep NULL, read by ``_leg``."""
        columns = {str(r[1]) for r in self._db.execute("PRAGMA table_info(legs)")}
        if "fee_estimated" not in columns:
            self._db.execute("ALTER TABLE legs ADD COLUMN fee_estimated INTEGER")

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
        self._release()

    def _check_rows(self) -> None:
        """Every route and leg readable before trading from the file: one that is not (a cell
        edited by hand) stopped the window at its first read of the open legs."""
        if "legs" not in {str(r[0]) for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}:
            return
        try:
            for row in self._db.execute("SELECT * FROM routes"):
                _route(row)
            for row in self._db.execute("SELECT * FROM legs"):
                _leg(row)
        except DamagedRow as exc:
            raise JournalError(damaged_message(self.path, str(exc), "its rows")) from exc

    def _check_integrity(self) -> None:
        """SQLite's own full check, before trading from this file: a damaged page could hide an
        open order or take the next intent with it."""
        rows = [str(r[0]) for r in self._db.execute("PRAGMA integrity_check(20)").fetchall()]
        if rows != ["ok"]:
            raise sqlite3.DatabaseError("; ".join(rows[:3]) + (" ..." if len(rows) > 3 else ""))

    def _release(self) -> None:
        if self._lockfile is not None:
            self._lockfile.close()  # closing the file drops the lock
            self._lockfile = None

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    self._db.execute("COMMIT")
                except BaseException:
                    # SQLite has already rolled back after some errors (a full disk): rolling back
                    # again would raise "no transaction is active" and hide the error that matters
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
            finally:
                self._writes += 1

    def _event(self, db: sqlite3.Connection, ts: float, kind: str, *, route_id: str | None = None,
               cid: str | None = None, venue: str | None = None, report: OrderReport | None = None,
               status: str | None = None, detail: str | None = None) -> None:
        db.execute(
            "INSERT INTO events(ts, route_id, client_order_id, venue, kind, status, filled_contracts,"
            " avg_price, fee, detail) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (ts, route_id, cid, venue, kind, status or (str(report.status) if report else None),
             _s(report.filled_contracts) if report else None, _s(report.avg_price) if report else None,
             _s(report.fee) if report else None, detail),
        )

    # -- writes ---------------------------------------------------------------------------------
    def begin_route(self, route: RouteRow, legs: Sequence[LegRow]) -> None:
        """The route and every leg's intent, committed together before anything is sent."""
        with self._tx() as db:
            try:
                db.execute("INSERT INTO routes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (
                    route.route_id, route.parent_route_id, route.created, route.mode, route.symbol,
                    MIXED if route.side is None else str(route.side), route.unit, route.requested, route.fingerprint,
                    route.preview_avg_price, route.preview_filled, route.plan_json, route.state,
                    route.finished, int(route.reduce_only)))
            except sqlite3.IntegrityError as exc:
                raise JournalError(f"route {route.route_id} is already in the journal") from exc
            for lg in legs:
                db.execute(
                    "INSERT INTO legs(client_order_id, route_id, leg_index, venue, mode, symbol, side,"
                    " contracts, limit_price, contract_size, linear, preview_avg_price, preview_base,"
                    " preview_fee, status, intent_ts, updated, fee_estimated)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
                    (lg.client_order_id, lg.route_id, lg.leg_index, lg.venue, lg.mode, lg.symbol,
                     str(lg.side), _s(lg.contracts), _s(lg.limit_price), _s(lg.contract_size),
                     int(lg.linear), lg.preview_avg_price, lg.preview_base, lg.preview_fee,
                     str(OrderStatus.PENDING), lg.intent_ts, lg.intent_ts))
                self._event(db, route.created, "intent", route_id=route.route_id, cid=lg.client_order_id,
                            venue=lg.venue, status=str(OrderStatus.PENDING),
                            detail=f"{lg.side} {_s(lg.contracts)} @ {_s(lg.limit_price)}")

    def record_report(self, cid: str, report: OrderReport, ts: float, *, sent_ts: float | None = None,
                      latency_ms: float | None = None, kind: str = "ack",
                      status: OrderStatus | None = None, reason: str | None = None) -> LegRow:
        """What the venue said about a leg. Appends an ``ack``/``fill``/``cancel``/``reject``
        event for each change; never moves a final leg back, never lowers a filled amount."""
        with self._tx() as db:
            prev = self._leg_row(db, cid)
            new_status = str(status or report.status)
            if prev.final and new_status != prev.status:
                if prev.status == "rejected" and report.filled_contracts > 0:
                    # never expected: a leg proven not placed shows fills. Keep the record, shout.
                    log.error("leg %s was recorded as not placed but %s reports %s filled", cid, prev.venue,
                              report.filled_contracts)
                db.execute("UPDATE legs SET updated=? WHERE client_order_id=?", (ts, cid))
                self._event(db, ts, "late_report", route_id=prev.route_id, cid=cid, venue=prev.venue,
                            report=report, detail=f"ignored: leg already {prev.status}")
                return prev
            filled = max(prev.filled_contracts, report.filled_contracts)
            avg = report.avg_price if report.avg_price is not None else prev.avg_price
            fee, estimated = _merged_fee(prev, report)
            why = reason or report.reason or prev.reason
            ack_ts = prev.ack_ts
            if ack_ts is None and latency_ms is not None:
                ack_ts = ts
            db.execute(
                "UPDATE legs SET status=?, filled_contracts=?, avg_price=?, fee=?, fee_estimated=?,"
                " venue_order_id=?, reason=?, sent_ts=COALESCE(sent_ts, ?), ack_ts=?,"
                " latency_ms=COALESCE(latency_ms, ?), updated=? WHERE client_order_id=?",
                (new_status, _s(filled), _s(avg), _s(fee), int(estimated),
                 report.venue_order_id or prev.venue_order_id, why, sent_ts, ack_ts, latency_ms, ts, cid))
            if new_status == "rejected":
                self._event(db, ts, "reject", route_id=prev.route_id, cid=cid, venue=prev.venue, report=report,
                            status=new_status, detail=why)
            else:
                if prev.status in ("pending", "unknown"):
                    self._event(db, ts, kind, route_id=prev.route_id, cid=cid, venue=prev.venue,
                                report=report, status=new_status)
                if filled > prev.filled_contracts:
                    self._event(db, ts, "fill", route_id=prev.route_id, cid=cid, venue=prev.venue,
                                report=report, status=new_status,
                                detail=f"+{_s(filled - prev.filled_contracts)}")
                if new_status in ("filled", "canceled"):
                    self._event(db, ts, "cancel" if new_status == "canceled" else "done", route_id=prev.route_id,
                                cid=cid, venue=prev.venue, report=report, status=new_status, detail=why)
            return self._leg_row(db, cid)

    def mark_unknown(self, cid: str, ts: float, reason: str, *, sent_ts: float | None = None) -> LegRow:
        return self._set_status(cid, ts, OrderStatus.UNKNOWN, reason, sent_ts, "unknown")

    def mark_not_placed(self, cid: str, ts: float, reason: str, *, sent_ts: float | None = None,
                        kind: str = "not_placed") -> LegRow:
        """Final (status rejected): the venue refused the order (``kind="reject"``), or proved it
        never had it (``not_placed``). Nothing was filled."""
        return self._set_status(cid, ts, OrderStatus.REJECTED, reason, sent_ts, kind)

    def _set_status(self, cid: str, ts: float, status: OrderStatus, reason: str, sent_ts: float | None,
                    kind: str) -> LegRow:
        """Move a leg that is not final yet to ``status`` with no fill, and record the event."""
        with self._tx() as db:
            prev = self._leg_row(db, cid)
            if prev.final:
                return prev
            db.execute("UPDATE legs SET status=?, reason=?, sent_ts=COALESCE(sent_ts, ?), updated=?"
                       " WHERE client_order_id=?", (str(status), reason, sent_ts, ts, cid))
            self._event(db, ts, kind, route_id=prev.route_id, cid=cid, venue=prev.venue,
                        status=str(status), detail=reason)
            return self._leg_row(db, cid)

    def finish_route(self, route_id: str, state: str, ts: float, tca: dict[str, Any] | None = None) -> None:
        with self._tx() as db:
            db.execute("UPDATE routes SET state=?, finished=? WHERE route_id=?", (state, ts, route_id))
            self._event(db, ts, "route_" + state, route_id=route_id)
            if tca is not None:
                db.execute("INSERT OR REPLACE INTO tca VALUES (?,?,?,?,?,?)", (
                    route_id, ts, tca.get("slippage_bps"), float(tca.get("fees_paid", 0.0)),
                    float(tca.get("filled_base", 0.0)), json.dumps(tca, sort_keys=True)))

    def record_event(self, kind: str, ts: float, *, venue: str | None = None, route_id: str | None = None,
                     detail: str | None = None) -> None:
        with self._tx() as db:
            self._event(db, ts, kind, venue=venue, route_id=route_id, detail=detail)

    # -- reads ----------------------------------------------------------------------------------
    def _leg_row(self, db: sqlite3.Connection, cid: str) -> LegRow:
        row = db.execute("SELECT * FROM legs WHERE client_order_id=?", (cid,)).fetchone()
        if row is None:
            raise JournalError(f"no leg {cid} in the journal")
        return _leg(row)

    def leg(self, cid: str) -> LegRow:
        with self._lock:
            return self._leg_row(self._db, cid)

    def route(self, route_id: str) -> RouteRow | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM routes WHERE route_id=?", (route_id,)).fetchone()
        return _route(row) if row else None

    def legs(self, route_id: str) -> list[LegRow]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM legs WHERE route_id=? ORDER BY leg_index",
                                    (route_id,)).fetchall()
        return [_leg(r) for r in rows]

    def all_legs(self) -> list[LegRow]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM legs ORDER BY intent_ts, route_id, leg_index").fetchall()
        return [_leg(r) for r in rows]

    def open_legs(self) -> list[LegRow]:
        """Legs whose final outcome is not recorded: pending, unknown, acknowledged, partly filled."""
        with self._lock:
            if self._open is not None and self._open[0] == self._writes:
                return list(self._open[1])
            rows = self._db.execute(
                "SELECT * FROM legs WHERE status NOT IN (?,?,?) ORDER BY intent_ts, leg_index", FINAL
            ).fetchall()
            legs = [_leg(r) for r in rows]
            if self._exclusive:
                self._open = (self._writes, legs)
        return list(legs)

    def recent_routes(self, limit: int = 20, mode: str | None = None) -> list[RouteRow]:
        """Newest first; only routes of ``mode`` (simulated, paper, live) when given."""
        where, args = ("WHERE mode=? ", (mode, limit)) if mode else ("", (limit,))
        with self._lock:
            rows = self._db.execute(f"SELECT * FROM routes {where}ORDER BY created DESC, rowid DESC LIMIT ?",
                                    args).fetchall()
        return [_route(r) for r in rows]

    def children(self, route_id: str) -> list[RouteRow]:
        """Re-routes of ``route_id``'s remainder."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM routes WHERE parent_route_id=? ORDER BY created",
                                    (route_id,)).fetchall()
        return [_route(r) for r in rows]

    def notional_since(self, since: float, mode: str = "") -> Decimal:
        """Quote notional committed by legs whose intent is at or after ``since`` (of ``mode``, or
        every mode when empty): what filled for final legs, the whole leg at its limit while open."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM legs WHERE intent_ts>=?" + (" AND mode=?" if mode else ""),
                                    (since, mode) if mode else (since,)).fetchall()
        total = Decimal(0)
        for lg in map(_leg, rows):
            if lg.final:
                total += lg.filled_base * (lg.avg_price or 0) if lg.linear else lg.filled_contracts * lg.contract_size
            else:
                total += lg.contracts * lg.contract_size * (lg.limit_price if lg.linear else 1)
        return total

    def fingerprint_seen_since(self, fingerprint: str, since: float) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM routes WHERE fingerprint=? AND created>=? LIMIT 1",
                                   (fingerprint, since)).fetchone()
        return row is not None

    def tca(self, route_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM tca WHERE route_id=?", (route_id,)).fetchone()
        return _tca(row[0], route_id) if row else None

    def recent_tca(self, limit: int = 100, mode: str | None = None) -> list[dict[str, Any]]:
        """TCA of the most recent finished routes, oldest first (for a slippage-over-time plot);
        of one mode when given (every mode journals to one file: a paper window plotted the
        simulated market's routes)."""
        with self._lock:
            if mode is None:
                rows = self._db.execute(
                    "SELECT t.data FROM tca t JOIN routes r USING(route_id) ORDER BY r.created DESC LIMIT ?",
                    (limit,)).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT t.data FROM tca t JOIN routes r USING(route_id) WHERE r.mode = ? "
                    "ORDER BY r.created DESC LIMIT ?", (mode, limit)).fetchall()
        return [_tca(r[0]) for r in reversed(rows)]

    def events(self, route_id: str | None = None) -> list[EventRow]:
        with self._lock:
            if route_id is None:
                rows = self._db.execute("SELECT * FROM events ORDER BY id").fetchall()
            else:
                rows = self._db.execute("SELECT * FROM events WHERE route_id=? ORDER BY id",
                                        (route_id,)).fetchall()
        return [EventRow(**dict(r)) for r in rows]
