"""Reading book snapshot files for ``plan --books``.

A file holds one snapshot (a JSON object), a JSON list of them, or JSON Lines (one snapshot per
line, what the recorder writes). Each snapshot:
``{"venue", "symbol", "timestamp", "bids": [[price, amount], ...], "asks": [...], "market": {ccxt
unified market}}`` with amounts in contracts of ``market.contractSize``, and optionally the
account's futures terms (``fee``, ``funding``, ``brackets``, ``leverage``, ``mark_price``:
``cli/book_terms.py``). When a venue and symbol appear
more than once (a recording), the latest snapshot (by timestamp, then by position) is the one used.
Snapshots of different symbols of one base asset (``BTC/USDT:USDT`` and ``BTC/USD:BTC``) route together.

Every problem becomes a ``CliError`` naming the file (and line for JSON Lines); the levels' and
market's shape is checked in ``cli/book_shape.py``. A file past ``MAX_BYTES`` is refused unread.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sor_desktop.cli.book_shape import check_market, checked_levels
from sor_desktop.cli.book_terms import BookTerms, book_terms
from sor_desktop.cli.errors import CliError
from sor_desktop.core.book import BookError, BookSnapshot
from sor_desktop.core.instrument import Instrument, InstrumentError, base_and_quote, linear_by_symbol
from sor_desktop.venues.instruments import recorded_instrument

MAX_BYTES = 256 * 2**20

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedBook:
    book: BookSnapshot
    instrument: Instrument
    market: dict[str, Any]
    source: str
    terms: BookTerms = BookTerms()  # the optional fee, funding, brackets (cli/book_terms.py)


def load_books(paths: Sequence[str | Path]) -> list[LoadedBook]:
    """Latest snapshot per venue and symbol across ``paths``, all of one base asset (linear and
    inverse markets of it route together, ``core/inverse_venue.py``), none crossed or empty."""
    latest: dict[tuple[str, str], LoadedBook] = {}
    for path in paths:
        for where, raw in _records(Path(path)):
            loaded = _snapshot(raw, where)
            key = (loaded.book.venue, loaded.book.symbol)
            prev = latest.get(key)
            if prev is None or loaded.book.timestamp >= prev.book.timestamp:
                latest[key] = loaded
    books = list(latest.values())
    if not books:
        raise CliError("no book snapshots in " + ", ".join(str(p) for p in paths))
    bases = sorted({base_and_quote(b.book.symbol)[0] for b in books})
    if len(bases) > 1:
        symbols = sorted({b.book.symbol for b in books})
        raise CliError("books of different symbols cannot be routed together (one base asset, linear and "
                       "inverse markets of it, can): " + ", ".join(symbols))
    for b in books:
        problem = b.book.problem()
        if problem:
            raise CliError(f"{b.source}: {b.book.venue}: {problem}")
    return books


def _read(path: Path) -> str:
    # A book file is read whole: the limit keeps /dev/zero or a mistaken path from filling memory.
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise CliError(f"{path}: larger than {MAX_BYTES / 2**20:g} MB, more than plan reads from "
                           "one book file (split a long recording)")
        return data.decode("utf-8")
    except FileNotFoundError:
        raise CliError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"{path}: is a directory, not a book file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: cannot read: {exc}") from None


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ValueError("nested too deeply to be a book snapshot") from None


def _records(path: Path) -> list[tuple[str, Any]]:
    text = _read(path)
    if not text.strip():
        raise CliError(f"{path}: empty file")
    try:
        doc = _parse(text)
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if len(lines) < 2:
            raise CliError(f"{path}: malformed JSON: {whole.msg} (line {whole.lineno})") from None
        out = []
        for n, line in lines:
            try:
                out.append((f"{path}:{n}", _parse(line)))
            except json.JSONDecodeError as exc:
                if n == lines[-1][0] and not text.endswith("\n") and out:
                    # the last line cut off (a crash or a full disk while ``record`` wrote): what
                    # came before it is whole
                    warn = f"{path}:{n}: the last line is cut off ({exc.msg}); planning on the {len(out)} before it"
                    log.warning("%s", warn)
                    print(f"sor-desktop: {warn}", file=sys.stderr)
                    break
                raise CliError(f"{path}:{n}: malformed JSON line: {exc.msg}") from None
            except ValueError as exc:
                raise CliError(f"{path}:{n}: {exc}") from None
        return out
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from None
    if isinstance(doc, list):
        return [(f"{path}[{i}]", item) for i, item in enumerate(doc)]
    return [(str(path), doc)]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid number in a book file")


def _contract_kind(market: dict[str, Any], symbol: str, where: str) -> dict[str, Any]:
    """The market with ``linear``/``inverse`` set: from the symbol when the dict has neither flag;
    when it has them and the symbol says the other kind, that is an error (a USD-margined and a
    coin-margined contract of the same name are priced differently)."""
    by_symbol = linear_by_symbol(symbol)
    said = None if by_symbol is None else "linear" if by_symbol else "inverse"
    linear, inverse = market.get("linear"), market.get("inverse")
    if linear is None and inverse is None:
        if by_symbol is None:
            return market  # Instrument says what is missing
        return {**market, "linear": by_symbol, "inverse": not by_symbol}
    flagged = "linear" if linear else "inverse" if inverse else None
    if said is not None and flagged is not None and flagged != said:
        raise CliError(f"{where}: market says {flagged} but the symbol {symbol} is {said} "
                       f"(settled in the {'quote' if said == 'linear' else 'base'} currency)")
    return market


def _snapshot(raw: Any, where: str) -> LoadedBook:
    if not isinstance(raw, dict):
        raise CliError(f"{where}: a snapshot must be a JSON object, got {type(raw).__name__}")
    missing = [k for k in ("venue", "symbol", "bids", "asks", "market") if k not in raw]
    if missing:
        raise CliError(f"{where}: snapshot is missing {', '.join(missing)}")
    venue, symbol, market = raw["venue"], raw["symbol"], raw["market"]
    if not isinstance(venue, str) or not venue or not isinstance(symbol, str) or not symbol:
        raise CliError(f"{where}: venue and symbol must be non-empty strings")
    if not isinstance(market, dict):
        raise CliError(f"{where}: market must be a ccxt market object")
    if market.get("symbol", symbol) != symbol:
        raise CliError(f"{where}: market is for {market.get('symbol')!r}, the book for {symbol!r}")
    ts = raw.get("timestamp") or 0
    if not isinstance(ts, int | float) or isinstance(ts, bool) or not math.isfinite(ts):
        raise CliError(f"{where}: timestamp must be a number of milliseconds")
    market = _contract_kind(market, symbol, where)
    check_market(market, where)
    bids, asks = checked_levels(raw["bids"], "bids", where), checked_levels(raw["asks"], "asks", where)
    try:
        book = BookSnapshot.from_lists(venue, symbol, int(ts), bids, asks)
        # the venue's minimum order value where the market keeps it in ``info`` only (Bybit, BingX)
        instrument = recorded_instrument({**market, "symbol": symbol}, venue)
    except (BookError, InstrumentError, TypeError) as exc:
        raise CliError(f"{where}: {exc}") from None
    return LoadedBook(book, instrument, market, where, book_terms(raw, where))
