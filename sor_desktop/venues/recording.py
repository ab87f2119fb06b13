"""Book recordings: JSON Lines, one ``BookSnapshot.to_json(market)`` object per line.

Each line is the ``plan`` command's snapshot shape::

    {"venue": "bybit", "symbol": "BTC/USDT:USDT", "timestamp": 1767225600023, "sequence": 12,
     "bids": [[price, amount], ...], "asks": [[price, amount], ...], "market": {ccxt unified market},
     "fee": 0.00032, "funding": {...}, "brackets": [...]}

The terms (the last keys, ``terms_of``) are the venue's as last read (``record`` reads them again
every 15 minutes), each only when the venue says it: ``plan --books`` charges them as it charges a
snapshot's terms.

Amounts are in contracts of ``market.contractSize``. The market written is built from the
venue's ``Instrument``, so its ``contractSize`` is the unit the book amounts are really counted in
(1 for WEEX, whose books are in coins though ccxt advertises 0.0001 BTC).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from sor_desktop.core.book import BookError, BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.venue_terms import VenueTerms


class RecordingError(ValueError):
    """A recording that cannot be read or written; the message names the file and line."""


def _num(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def terms_of(terms: VenueTerms) -> dict[str, Any]:
    """The terms ``plan --books`` reads beside a book (``cli/book_terms.py``): the account's own
    taker rate, funding, brackets, mark price and leverage, each only when known."""
    out: dict[str, Any] = {}
    if terms.fee.own:
        out["fee"] = terms.fee.taker
    if terms.funding is not None:
        out["funding"] = terms.funding.to_json()
    if terms.brackets:
        out["brackets"] = [b.to_json() for b in terms.brackets]
    if terms.mark_price is not None:
        out["mark_price"] = terms.mark_price
    if terms.leverage:
        out["leverage"] = terms.leverage
    return out


def market_of(inst: Instrument) -> dict[str, Any]:
    """A ccxt unified market dict describing ``inst`` (``Instrument.from_market`` gives it back)."""
    return {
        "id": inst.venue_symbol,
        "symbol": inst.symbol,
        "base": inst.base,
        "quote": inst.quote,
        "settle": inst.settle,
        "type": "swap",
        "swap": True,
        "contract": True,
        "linear": inst.linear,
        "inverse": not inst.linear,
        "contractSize": float(inst.contract_size),
        "precision": {"amount": float(inst.amount_step), "price": float(inst.price_tick)},
        "limits": {
            "amount": {"min": _num(inst.min_amount), "max": _num(inst.max_amount)},
            "cost": {"min": _num(inst.min_notional), "max": None},
        },
        "taker": float(inst.taker_fee),
        "maker": float(inst.maker_fee),
    }


class RecordingWriter:
    """Appends snapshots to a JSON Lines file, one flushed line per book (a crash loses at most one)."""

    def __init__(self, path: str | Path, *, overwrite: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and not overwrite:
            raise RecordingError(f"{self.path} already exists (choose another file or allow overwriting)")
        try:
            self._fh: IO[str] = self.path.open("w", encoding="utf-8")
        except OSError as exc:
            raise RecordingError(f"cannot write {self.path}: {exc.strerror or exc}") from exc
        self.count = 0
        self.by_venue: dict[str, int] = {}

    def write(self, book: BookSnapshot, market: Mapping[str, Any] | None,
              terms: Mapping[str, Any] | None = None) -> None:
        """One line: the book, its market and, when given, its venue's terms (``terms_of``)."""
        self._fh.write(json.dumps({**book.to_json(market), **(terms or {})}, separators=(",", ":")))
        self._fh.write("\n")
        self._fh.flush()
        self.count += 1
        self.by_venue[book.venue] = self.by_venue.get(book.venue, 0) + 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class RecordedBook:
    book: BookSnapshot
    market: dict[str, Any] | None


def parse_snapshot(obj: Any, where: str) -> RecordedBook:
    if not isinstance(obj, dict):
        raise RecordingError(f"{where}: expected a JSON object")
    try:
        venue, symbol, timestamp = str(obj["venue"]), str(obj["symbol"]), int(obj["timestamp"])
    except KeyError as exc:
        raise RecordingError(f"{where}: missing {exc.args[0]!r}") from exc
    except (TypeError, ValueError) as exc:
        raise RecordingError(f"{where}: timestamp must be an integer (ms)") from exc
    sequence = obj.get("sequence")
    try:
        book = BookSnapshot.from_lists(venue, symbol, timestamp, obj.get("bids") or [], obj.get("asks") or [],
                                       sequence=int(sequence) if sequence is not None else None)
    except (BookError, TypeError, ValueError) as exc:
        raise RecordingError(f"{where}: {exc}") from exc
    market = obj.get("market")
    if market is not None and not isinstance(market, dict):
        raise RecordingError(f"{where}: market must be an object")
    return RecordedBook(book, market)


def read_recording(path: str | Path) -> Iterator[RecordedBook]:
    """Snapshots of a recording in file order; blank lines are skipped."""
    p = Path(path)
    try:
        fh = p.open(encoding="utf-8")
    except OSError as exc:
        raise RecordingError(f"cannot read {p}: {exc.strerror or exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RecordingError(f"{p}:{n}: not JSON ({exc.msg})") from exc
            yield parse_snapshot(obj, f"{p}:{n}")
