"""Venues for a headless route: build them for a mode, connect, and take one book from each."""

from __future__ import annotations

import asyncio
import getpass
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sor_desktop.cli.errors import CliError
from sor_desktop.core.account import Balance, Position, PositionMode
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.margin import DEFAULT_HEADROOM
from sor_desktop.core.orders import Side
from sor_desktop.engine.margin_caps import VenueMargin, venue_margin
from sor_desktop.venues.base import Mode, Venue
from sor_desktop.venues.quirks import DEFAULT_VENUES

log = logging.getLogger(__name__)
PASSWORD_ENV = "SOR_VAULT_PASSWORD"


def sim_venues(ids: Sequence[str] | None, seed: int, balance: str | None = None) -> list[Venue]:
    """``balance``: the ``--sim-balance`` text (see ``sim.config.parse_balances``)."""
    from sor_desktop.venues.sim.config import SimConfig, sim_balances
    from sor_desktop.venues.sim.market import SimMarket

    try:
        market = SimMarket(SimConfig(seed=seed, venues=tuple(ids or DEFAULT_VENUES), balances=sim_balances(balance)))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return list(market.venues().values())


def paper_venues(ids: Sequence[str] | None) -> list[Venue]:
    """Live public books (no keys), orders matched on this machine."""
    from sor_desktop.venues.ccxt_venue import CcxtVenue
    from sor_desktop.venues.paper import PaperVenue

    try:
        return [PaperVenue(CcxtVenue(v)) for v in ids or DEFAULT_VENUES]
    except ValueError as exc:
        raise CliError(str(exc)) from None


def live_venues(ids: Sequence[str] | None, vault_path: Path | None) -> list[Venue]:
    """Venues with a key in the vault; without a vault or a key, say so and stop."""
    try:
        from sor_desktop.security.errors import VaultError
        from sor_desktop.security.vault import Vault
    except ImportError:
        raise CliError("--live needs the key vault, which is not available in this build") from None
    from sor_desktop.venues.ccxt_venue import ApiCredentials, CcxtVenue

    vault = Vault(vault_path)
    if not vault.exists():
        raise CliError(f"--live needs API keys, and there is no key vault at {vault.path} "
                       "(create one with `sor-desktop keys init` and `sor-desktop keys add`)")
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        if not sys.stdin.isatty():
            raise CliError(f"no terminal to ask for the vault password: set {PASSWORD_ENV}")
        password = getpass.getpass("Master password: ")
    try:
        vault.unlock(password)
    except VaultError as exc:
        raise CliError(str(exc)) from None
    wanted = list(ids or DEFAULT_VENUES)
    try:  # the window uses the same choice (Vault.trade_key): one key per venue, everywhere
        keys = {v: k for v in wanted if (k := vault.trade_key(v)) is not None}
    except VaultError as exc:
        raise CliError(str(exc)) from None
    missing = [v for v in wanted if v not in keys]
    if ids is not None and missing:
        raise CliError(f"no API key in the vault for {', '.join(missing)}")
    usable = [v for v in wanted if v in keys]
    if not usable:
        raise CliError("the vault has no API key for any of the venues " + ", ".join(wanted))
    # ccxt_venue's Credentials protocol declares settable attributes, which no frozen value satisfies
    return [CcxtVenue(v, credentials=ApiCredentials(keys[v].api_key, keys[v].secret,  # type: ignore[arg-type]
                                                    keys[v].passphrase))
            for v in usable]


def make_venues(mode: Mode, ids: Sequence[str] | None, *, seed: int, vault_path: Path | None,
                sim_balance: str | None = None) -> list[Venue]:
    if mode is Mode.SIMULATED:
        return sim_venues(ids, seed, sim_balance)
    if mode is Mode.PAPER:
        return paper_venues(ids)
    return live_venues(ids, vault_path)


@dataclass
class Connected:
    venues: dict[str, Venue] = field(default_factory=dict)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    books: dict[str, BookSnapshot] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # venue -> why it is left out


async def _connect_one(v: Venue, symbol: str, timeout: float) -> tuple[Instrument, BookSnapshot]:
    await asyncio.wait_for(v.connect(), timeout)
    inst = v.instruments().get(symbol)
    if inst is None:
        raise LookupError(f"does not list {symbol}")
    book = await asyncio.wait_for(v.watch_order_book(symbol), timeout)
    return inst, book


async def connect(venues: Sequence[Venue], symbol: str, timeout: float) -> Connected:
    """Connect every venue and wait for one book of ``symbol`` from each; a failing venue is
    left out with its reason, never fatal by itself."""
    out = Connected()
    results = await asyncio.gather(*(_connect_one(v, symbol, timeout) for v in venues), return_exceptions=True)
    for v, r in zip(venues, results, strict=True):
        if isinstance(r, BaseException):
            why = "timed out" if isinstance(r, TimeoutError) else str(r) or type(r).__name__
            out.skipped[v.id] = why
            log.info("route: %s left out: %s", v.id, why)
            continue
        out.venues[v.id] = v
        out.instruments[v.id], out.books[v.id] = r
    return out


Account = tuple[list[Balance], list[Position], PositionMode | None]


async def margin_caps(conn: Connected, side: Side, leverage: float, slippage_bps: float,
                      headroom: float = DEFAULT_HEADROOM, accounts: dict[str, Account] | None = None,
                      fees: Mapping[str, float] | None = None,
                      leverages: Mapping[str, float] | None = None) -> dict[str, VenueMargin]:
    """What each venue's free margin carries for this side (``core.margin``, the rule the
    simulated venue checks too); a venue whose account cannot be read is not capped (it still
    refuses what it cannot carry). ``accounts`` receives what was read, by venue id (the check
    before sending asks it again at the mark of then); ``fees``: the accounts' own taker rates,
    which the check before sending charges too; ``leverages``: the accounts' own leverages on the
    symbol, where the venues said them (else ``leverage``)."""
    vids = list(conn.venues)

    async def account(v: Venue) -> tuple[list[Balance], list[Position], PositionMode | None]:
        symbol = conn.instruments[v.id].symbol
        # hedge mode: a sell does not net a long, so the long pays for none of it
        return await v.fetch_balance(), await v.fetch_positions([symbol]), await v.fetch_position_mode(symbol)

    got = await asyncio.gather(*(account(conn.venues[v]) for v in vids), return_exceptions=True)
    caps: dict[str, VenueMargin] = {}
    for vid, acct in zip(vids, got, strict=True):
        if isinstance(acct, BaseException):
            log.info("route: no balance from %s: %s", vid, acct)
            continue
        if accounts is not None:
            accounts[vid] = acct
        m = venue_margin(side, conn.books[vid], conn.instruments[vid], acct[0], acct[1],
                         leverage=(leverages or {}).get(vid, leverage),
                         slippage_bps=slippage_bps, headroom=headroom, hedge=acct[2] is PositionMode.HEDGE,
                         taker_fee=(fees or {}).get(vid))
        if m is not None:
            caps[vid] = m
    return caps


async def _next_book(v: Venue, symbol: str, timeout: float) -> BookSnapshot:
    # the venue's coroutine made only when this one runs: one made for a task cancelled before it
    # started (Ctrl+C) was never awaited, and Python said so on the trader's terminal
    return await asyncio.wait_for(v.watch_order_book(symbol), timeout)


async def _close(v: Venue) -> None:
    await asyncio.wait_for(v.close(), 5.0)


async def fresh_books(conn: Connected, symbol: str, timeout: float) -> dict[str, BookSnapshot]:
    """The next book from every connected venue (after the trader took time to confirm)."""
    vids = list(conn.venues)
    got = await asyncio.gather(*(_next_book(conn.venues[v], symbol, timeout) for v in vids), return_exceptions=True)
    books = {}
    for vid, b in zip(vids, got, strict=True):
        if isinstance(b, BookSnapshot):
            books[vid] = b
        else:
            log.warning("route: no fresh book from %s: %s", vid, b)
    return books


async def close_all(venues: Sequence[Venue]) -> None:
    results = await asyncio.gather(*(_close(v) for v in venues), return_exceptions=True)
    for v, r in zip(venues, results, strict=True):
        if isinstance(r, BaseException):
            log.warning("closing %s failed: %s", v.id, r)
