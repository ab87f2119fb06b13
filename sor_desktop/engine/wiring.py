"""Builds a session for a mode: its venues, journal, executor and store. Used by the window (and
by tests and the UI benchmark, which pass their own simulated market)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sor_desktop import paths
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.checks import Problem
from sor_desktop.core.market_key import split_key
from sor_desktop.core.plan import Plan
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.guards_config import load_guards
from sor_desktop.engine.journal import Journal, JournalError
from sor_desktop.engine.session import Session
from sor_desktop.engine.session_events import Notice
from sor_desktop.engine.store import Store
from sor_desktop.venues.base import Mode, Venue
from sor_desktop.venues.quirks import DEFAULT_VENUES
from sor_desktop.venues.sim.config import sim_balances

log = logging.getLogger(__name__)


def sim_venues(ids: Sequence[str] | None, seed: int, **config: Any) -> list[Venue]:
    from sor_desktop.venues.sim.config import DEFAULT_SIM_BALANCES, SimConfig
    from sor_desktop.venues.sim.market import SimMarket

    if "balance" not in config:
        config.setdefault("balances", dict(DEFAULT_SIM_BALANCES))  # the app's demo accounts
    cfg = SimConfig(seed=seed, venues=tuple(ids or DEFAULT_VENUES), **config)
    return list(SimMarket(cfg).venues().values())


def paper_venues(ids: Sequence[str] | None) -> list[Venue]:
    from sor_desktop.venues.paper import PaperVenue

    return [PaperVenue.public(v) for v in ids or DEFAULT_VENUES]


def trade_keys(ids: Sequence[str] | None, vault: Any, problems: list[str] | None = None) -> dict[str, Any]:
    """venue -> the trade key its orders use (``Vault.trade_key``: the chosen one, the same as every
    command uses). A venue with several trade keys and no choice gets none, and says why."""
    from sor_desktop.security.errors import NoTradeKey

    keys: dict[str, Any] = {}
    for v in ids or DEFAULT_VENUES:
        try:
            key = vault.trade_key(v) if vault is not None else None
        except NoTradeKey as exc:
            log.warning("%s: books only: %s", v, exc)
            if problems is not None:
                problems.append(f"{v}: books only: {exc}")
            key = None
        if key is not None:
            keys[v] = key
    return keys


def _read_key(vault: Any, venue: str) -> Any:
    from sor_desktop.security.errors import NoTradeKey

    try:
        return vault.read_key(venue) if vault is not None else None
    except NoTradeKey:  # several trade keys, none chosen: said by trade_keys
        return None


def live_venues(ids: Sequence[str] | None, vault: Any, problems: list[str] | None = None,
                keys: dict[str, Any] | None = None) -> list[Venue]:
    """Every venue with a trade key trades with it; account data comes through its read-only key
    when it has one; the others stream public books view-only. ``keys``: ``trade_keys`` already
    chosen (so the session probes the very keys its venues carry)."""
    from sor_desktop.venues.ccxt_venue import CcxtVenue

    if keys is None:
        keys = trade_keys(ids, vault, problems)
    readers = {v: _read_key(vault, v) for v in ids or DEFAULT_VENUES}
    return [CcxtVenue(v, credentials=keys.get(v), read_credentials=readers.get(v)) for v in ids or DEFAULT_VENUES]


def build_session(mode: Mode, ids: Sequence[str] | None, symbol: str, *, seed: int = 7,
                  vault: Any = None, venues: Sequence[Venue] | None = None,
                  store: Store | None = None, clock: Callable[[], float] = time.time,
                  monotonic: Callable[[], float] = time.monotonic, sim_balance: str | None = None,
                  journal_path: Path | str | None = None) -> Session:
    """``clock``/``monotonic``: wall and book-receive clocks (a simulated market on virtual time
    passes its own, so book ages and journal times agree with it). ``sim_balance``: the
    ``--sim-balance`` text (``sim.config.parse_balances``); raises ValueError when it is bad.
    ``journal_path``: another journal than the app's (benchmarks keep theirs apart)."""
    key_problems: list[str] = []
    keys: dict[str, Any] | None = None  # live: venue -> the trade key it carries, chosen once
    if mode is Mode.LIVE and vault is not None:
        keys = trade_keys(ids, vault, key_problems)
    if venues is None:
        if mode is Mode.SIMULATED:
            venues = sim_venues(ids, seed, balances=sim_balances(sim_balance))
        elif mode is Mode.PAPER:
            venues = paper_venues(ids)
        else:
            venues = live_venues(ids, vault, key_problems, keys=keys)
    # every mode journals to the one file (routes carry their mode; the executor reconciles and
    # counts each mode apart), so `journal list` shows what the window sent, simulated included
    refused: str | None = None
    try:
        journal = Journal(journal_path if journal_path is not None else paths.journal_path())
    except JournalError as exc:  # damaged, or in use by another process: the window opens, trading does not
        refused = str(exc)
        log.error("%s", refused)
        journal = Journal(":memory:")
    store = store or Store(clock=monotonic)
    holder: dict[str, Session] = {}

    def stale_reason(venue: str) -> str | None:
        s = holder.get("s")
        if s is None:
            return None
        # a venue's second market (core.market_key) has its own book age, never turning the venue's chip
        h = s.companion_health(venue) if split_key(venue)[1] and venue in s.companions() \
            else s.store.health(split_key(venue)[0], s.symbol)
        return None if h.routable else (h.reason or str(h.state))

    guards = load_guards(paths.config_path())
    config = ExecutorConfig(max_route_notional=guards.max_route_notional, max_day_notional=guards.max_day_notional)
    def margin_check(plan: Plan, books: Mapping[str, BookSnapshot]) -> list[Problem]:
        s = holder.get("s")
        return [] if s is None else s.margin_problems(plan, books)

    executor = Executor({v.id: v for v in venues}, journal, config=config, stale_reason=stale_reason, clock=clock,
                        monotonic=monotonic, margin_check=margin_check)
    session = Session(mode, venues, symbol, executor=executor, store=store)
    session.start_notices.extend(Notice("warning", p) for p in key_problems)
    if guards.refusal is not None:
        executor.refuse(guards.refusal, "config.json")
        session.start_notices.append(Notice("error", guards.refusal))
    if refused is not None:
        executor.refuse(refused)
        session.start_notices.append(Notice("error", refused))
    session.journal = journal
    if keys is not None:
        from sor_desktop.security.entries import KeyRole
        from sor_desktop.venues.permissions import probe_permissions

        session.key_checks = (keys, probe_permissions)
        # the read-only keys the venues read with are asked too: one that gained rights since
        # it was added must not go on reading unseen
        readers = {v: e for v in (ids or DEFAULT_VENUES)
                   if (e := _read_key(vault, v)) is not None and e.role is KeyRole.READ_ONLY}
        session.read_key_checks = (readers, probe_permissions)
    holder["s"] = session
    return session
