"""Cancels our open orders on a venue whose feed we lost, unless the venue does it itself.

Our routes use IOC orders, which should never rest; but a venue may leave one open, and a trader
may place others by hand. If the app is cut off (no books from a venue for ``threshold_s``), it
can no longer see or manage those orders: on venues with a server-side dead-man switch
(``Capabilities.server_dead_man_switch``) the venue cancels them; on the others this watchdog
does, once per outage, and re-arms when the feed comes back.

It also keeps the venues' own countdown cancel-all armed (Binance USDⓈ-M, BingX:
``Venue.refresh_dead_man``): every ``dead_man_refresh_s`` while a venue's feed is live it restarts a
``dead_man_s`` countdown, so if this app dies or hangs the venue cancels the orders itself.
While a venue's feed is lost its countdown is not refreshed: the watchdog's own cancel-all has
fired by then, and the venue's follows when the countdown runs out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sor_desktop.engine.executor import Executor
from sor_desktop.venues.base import CancelAllResult

log = logging.getLogger(__name__)


class _HasAge(Protocol):
    venue: str
    book_age_s: float | None


def ages_from_health(health: Iterable[_HasAge]) -> dict[str, float | None]:
    """Book age per venue from ``FeedSupervisor.health()`` (the freshest symbol of each venue)."""
    out: dict[str, float | None] = {}
    for h in health:
        prev = out.get(h.venue)
        if h.book_age_s is not None and (prev is None or h.book_age_s < prev):
            out[h.venue] = h.book_age_s
        else:
            out.setdefault(h.venue, prev)
    return out


@dataclass(frozen=True, slots=True)
class WatchdogFired:
    venue: str
    silent_s: float | None  # seconds since its feed was last seen live
    result: CancelAllResult  # what was cancelled, and what could not be


class Watchdog:
    """``ages()`` gives seconds since the last book per venue (None when none is held yet) for the
    venues with a feed to watch; a venue it leaves out is not watched."""

    def __init__(
        self,
        executor: Executor,
        ages: Callable[[], Mapping[str, float | None]],
        *,
        threshold_s: float = 10.0,
        interval_s: float = 1.0,
        on_fire: Callable[[WatchdogFired], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        dead_man_s: float = 60.0,
        dead_man_refresh_s: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.executor = executor
        self.ages = ages
        self.threshold_s = threshold_s
        self.interval_s = interval_s
        self.on_fire = on_fire
        self.on_error = on_error  # a check that failed, once per new failure (it goes on watching)
        self._failing: str | None = None
        self._armed: set[str] = set()  # venues seen live since their last cancel
        self._live_at: dict[str, float] = {}  # when each armed venue's feed was last seen live
        self._task: asyncio.Task[None] | None = None
        self.fired: list[WatchdogFired] = []
        if not 0 < dead_man_refresh_s < dead_man_s:
            raise ValueError("the countdown must be refreshed more often than it runs out")
        self.dead_man_s = dead_man_s
        self.dead_man_refresh_s = dead_man_refresh_s
        self._clock = clock
        self._dead_man_at: dict[str, float] = {}  # venue -> when its countdown was last refreshed
        self.dead_man: dict[str, str] = {}  # venue -> what its countdown covers, or why it failed

    def guarded(self) -> list[str]:
        """Venues this watchdog acts for: trading allowed, no dead-man switch of their own."""
        return [vid for vid, v in self.executor.venues.items()
                if v.capabilities.trading_allowed and not v.capabilities.server_dead_man_switch]

    async def check_once(self) -> list[WatchdogFired]:
        try:
            ages = dict(self.ages())
        except Exception as exc:  # noqa: BLE001 -- a broken feed layer is itself a lost feed
            log.warning("watchdog could not read feed ages: %s", exc)
            ages = {}
        lost: list[tuple[str, float | None]] = []
        now = self._clock()
        for vid in self.guarded():
            if vid not in ages:  # nothing subscribed there (the symbol is not listed): not watched
                self._armed.discard(vid)
                continue
            age = ages[vid]
            if age is not None and age <= self.threshold_s:
                self._armed.add(vid)
                self._live_at[vid] = now - age
                await self._refresh_dead_man(vid)
            elif vid in self._armed:
                # no book at all (dropped for a new symbol, or a book being rebuilt): silent since
                # it was last seen live, against the same threshold as a stale book
                silent = age if age is not None else now - self._live_at.get(vid, now)
                if silent > self.threshold_s:
                    lost.append((vid, silent))
        fired = []
        for vid, age in lost:
            self._armed.discard(vid)
            result = (await self.executor.cancel_all(venues=[vid])).get(vid) or CancelAllResult(vid)
            log.warning("feed of %s silent (%s s): cancel-all -> %s", vid, age, result)
            ev = WatchdogFired(vid, age, result)
            fired.append(ev)
            self.fired.append(ev)
            if self.on_fire is not None:
                try:
                    self.on_fire(ev)
                except Exception:
                    log.exception("watchdog listener failed")
        return fired

    async def _refresh_dead_man(self, vid: str) -> None:
        now = self._clock()
        last = self._dead_man_at.get(vid)
        if last is not None and now - last < self.dead_man_refresh_s:
            return
        self._dead_man_at[vid] = now
        try:
            armed = await self.executor.venues[vid].refresh_dead_man(self.dead_man_s)
        except Exception as exc:  # noqa: BLE001 -- the watchdog's own cancel still covers the venue
            was = self.dead_man.get(vid, "")
            self.dead_man[vid] = f"failed: {exc}"
            if was != self.dead_man[vid]:  # said once per new failure: it is retried every refresh
                self._say(f"{vid}: the venue's countdown cancel-all could not be refreshed ({exc}): if the app "
                          "stops now, the venue will not cancel its open orders; the feed watchdog still does "
                          "while the app runs", logging.WARNING)
            return
        if self.dead_man.get(vid, "").startswith("failed:"):
            self._say(f"{vid}: the venue's countdown cancel-all is armed again", logging.INFO)
        if armed is not None:
            self.dead_man[vid] = armed
        else:
            self.dead_man.pop(vid, None)

    async def _run(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception as exc:  # noqa: BLE001 -- the watchdog must outlive any one failed check
                self._failed(exc)
            else:
                self._failing = None
            await asyncio.sleep(self.interval_s)

    def _say(self, text: str, level: int) -> None:
        log.log(level, "%s", text)
        if self.on_error is not None:
            try:
                self.on_error(text)
            except Exception:
                log.exception("watchdog listener failed")

    def _failed(self, exc: Exception) -> None:
        """A failed check, logged and said once until the checks pass again (every second would
        bury the trader's notices); the next check runs as usual."""
        text = f"order watchdog: a check failed ({str(exc) or type(exc).__name__}); still watching"
        if text == self._failing:
            log.debug("%s", text)
            return
        self._failing = text
        log.error("%s", text, exc_info=exc)
        if self.on_error is not None:
            try:
                self.on_error(text)
            except Exception:
                log.exception("watchdog listener failed")

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="order-watchdog")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            except Exception:  # its end must not stop the session's own shutdown
                log.exception("order watchdog ended with an error")
            self._task = None
