"""``sor-desktop record``: write book snapshots of one symbol on several venues to a JSON Lines file.

    sor-desktop record [--venues bybit,weex] --symbol BTC/USDT:USDT --out books.jsonl --seconds 60 [--sim]

Live venues come through ``sor_desktop.venues.ccxt_venue.CcxtVenue`` (public books, no keys);
``--sim`` records the built-in simulated market instead (``--seed`` picks its run). Each line is
one snapshot in the ``plan`` command's shape (see ``venues.recording``); ``ReplayVenue`` plays
the file back. Without ``--seconds`` it records until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sor_desktop.cli import numbers, sim_args
from sor_desktop.cli.errors import CliError
from sor_desktop.engine.venue_terms import FUNDING_EVERY_S
from sor_desktop.venues.base import Venue
from sor_desktop.venues.errors import NotSupported, VenueError
from sor_desktop.venues.quirks import DEFAULT_VENUES
from sor_desktop.venues.recording import RecordingError, RecordingWriter, market_of, terms_of
from sor_desktop.venues.sim.clock import Clock, RealClock

log = logging.getLogger(__name__)

_BACKOFF_MAX_S = 10.0


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("record", help="record order book snapshots to a JSON Lines file",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--venues", default=",".join(DEFAULT_VENUES),
                   help="venue ids, comma-separated (default the five: %(default)s)")
    p.add_argument("--symbol", required=True, help="unified symbol, e.g. BTC/USDT:USDT")
    p.add_argument("--out", required=True, help="JSON Lines file to write")
    p.add_argument("--seconds", default=None, help="stop after N seconds (default: until Ctrl-C)")
    p.add_argument("--sim", action="store_true", help="record the built-in simulated market (no network)")
    p.add_argument("--seed", type=sim_args.seed, default=0, help="simulated market seed (with --sim)")
    p.add_argument("--force", action="store_true", help="overwrite --out if it exists")


def _venue_ids(text: str) -> list[str]:
    ids = list(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))
    if not ids:
        raise CliError("--venues needs at least one venue id")
    return ids


def _live_venue_class() -> Any:
    return importlib.import_module("sor_desktop.venues.ccxt_venue").CcxtVenue


def _sim_venues(ids: Sequence[str], symbol: str, seed: int) -> list[Venue]:
    from sor_desktop.venues.sim import SimConfig, SimMarket
    from sor_desktop.venues.sim.specs import VENUES

    unknown = [v for v in ids if v not in VENUES]
    if unknown:
        raise CliError(f"no simulated venue {', '.join(unknown)} (choose from {', '.join(VENUES)})")
    market = SimMarket(SimConfig(seed=seed, venues=tuple(ids)))
    for v in ids:
        if symbol not in market.symbols(v):
            raise CliError(f"the simulated {v} has no {symbol} (it lists {', '.join(market.symbols(v))})")
    return [market.venue(v) for v in ids]


def _live_venues(ids: Sequence[str]) -> list[Venue]:
    try:
        cls = _live_venue_class()
    except (ModuleNotFoundError, AttributeError) as exc:
        raise CliError("live recording needs the ccxt venue (sor_desktop.venues.ccxt_venue.CcxtVenue), which "
                       f"this build does not have ({exc}); use --sim to record the simulated market") from exc
    try:
        return [cls(v) for v in ids]
    except ValueError as exc:  # an id ccxt.pro does not know
        raise CliError(str(exc)) from exc


async def record(venues: Sequence[Venue], symbol: str, writer: RecordingWriter, *,
                 seconds: float | None, clock: Clock | None = None,
                 terms_every: float = FUNDING_EVERY_S) -> dict[str, str]:
    """Write every book of ``symbol`` from each venue until ``seconds`` pass (or cancelled).

    A venue whose stream fails is retried with backoff; one that lacks the symbol is dropped.
    Each line carries its venue's terms as last read, read again every ``terms_every`` seconds
    beside the books (the funding rate moves). Returns the last error per venue that had one.
    Closes the venues.
    """
    clk = clock or RealClock()
    errors: dict[str, str] = {}

    async def one(venue: Venue) -> None:
        attempt = 0
        while True:
            try:
                if not venue.instruments():
                    await venue.connect()
                inst = venue.instruments().get(symbol)
                if inst is None:
                    raise NotSupported(venue.id, f"no market {symbol}")
                market = market_of(inst)
                terms = [await _terms(venue, symbol)]
                again = asyncio.ensure_future(_keep_terms(venue, symbol, terms, clk, terms_every))
                try:
                    while True:
                        writer.write(await venue.watch_order_book(symbol), market, terms[0])
                        attempt = 0
                finally:
                    again.cancel()
            except NotSupported as exc:
                errors[venue.id] = exc.message
                log.warning("%s: not recording: %s", venue.id, exc.message)
                return
            except VenueError as exc:
                errors[venue.id] = exc.message
                delay = min(_BACKOFF_MAX_S, 0.5 * 2**attempt)
                log.warning("%s: %s; retrying in %.1f s", venue.id, exc.message, delay)
                attempt += 1
                await clk.sleep(delay)
            except Exception as exc:  # a bug: this venue stops, said in the summary and the log
                errors[venue.id] = f"{type(exc).__name__}: {exc}"
                log.exception("%s: recording stopped", venue.id)
                return

    tasks = [asyncio.ensure_future(one(v)) for v in venues]
    all_done = asyncio.gather(*tasks)
    waiters: list[asyncio.Future[Any]] = [all_done]
    if seconds is not None:
        waiters.append(asyncio.ensure_future(clk.sleep(seconds)))
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in [*tasks, *waiters]:
            t.cancel()
        await asyncio.gather(*tasks, *waiters, return_exceptions=True)
        for v in venues:
            try:
                await v.close()
            except VenueError as exc:
                log.warning("%s: close failed: %s", v.id, exc.message)
    return errors


async def _keep_terms(venue: Venue, symbol: str, terms: list[dict[str, Any]], clk: Clock, every: float) -> None:
    """``terms[0]`` read again every ``every`` seconds; a failed read keeps the last (logged)."""
    while True:
        await clk.sleep(every)
        fresh = await _terms(venue, symbol)
        if fresh:
            terms[0] = fresh


async def _terms(venue: Venue, symbol: str) -> dict[str, Any]:
    """The venue's fee, funding and brackets for the recording's lines (``plan --hold-hours`` and
    ``--leverage`` need them); a venue that cannot say them is recorded without, and the log says
    so."""
    fetch = getattr(venue, "fetch_terms", None)
    if fetch is None:
        return {}
    try:
        return terms_of(await fetch(symbol))
    except VenueError as exc:
        log.warning("%s: recording without its fee, funding and brackets: %s", venue.id, exc.message)
    except Exception:  # the terms are optional: the books are still recorded
        log.warning("%s: recording without its fee, funding and brackets", venue.id, exc_info=True)
    return {}


def run(args: argparse.Namespace) -> int:
    ids = _venue_ids(args.venues)
    if args.seconds is not None:
        args.seconds = numbers.number(args.seconds, "--seconds")
    venues = _sim_venues(ids, args.symbol, args.seed) if args.sim else _live_venues(ids)
    try:
        writer = RecordingWriter(args.out, overwrite=args.force)
    except RecordingError as exc:
        hint = "; --force overwrites it" if not args.force and Path(args.out).exists() else ""
        raise CliError(f"{exc}{hint}") from exc
    errors: dict[str, str] = {}
    with writer:
        try:
            errors = asyncio.run(record(venues, args.symbol, writer, seconds=args.seconds))
        except KeyboardInterrupt:
            print("stopped")
    counts = ", ".join(f"{v} {writer.by_venue.get(v, 0)}" for v in ids)
    print(f"recorded {writer.count} books of {args.symbol} ({counts}) to {writer.path}")
    for v, message in errors.items():
        print(f"{v}: {message}")
    if writer.count == 0:
        raise CliError("no book was recorded")
    return 0
