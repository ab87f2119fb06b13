"""Clocks for the simulated market and the replay: real time for the app, virtual time for tests.

A ``VirtualClock`` never sleeps for real. Time moves only when a test calls ``advance`` (or
``drive``, which jumps from one pending wake-up to the next until an awaitable is done), and
sleepers wake in time order, so a seeded run gives the same books and fills every time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable
from typing import Protocol, TypeVar

T = TypeVar("T")

DEFAULT_EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z: virtual runs start at a fixed wall time


class Clock(Protocol):
    def time(self) -> float:
        """Wall time, seconds since the epoch (book and order timestamps)."""
        ...

    def monotonic(self) -> float:
        """Monotonic seconds (``BookSnapshot.received``)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class VirtualClock:
    """Deterministic time for tests; see the module docstring.

    ``settle_rounds`` is how many times ``advance`` yields to the event loop after each wake-up,
    so woken coroutines run until they block again before time moves on.
    """

    def __init__(self, start: float = DEFAULT_EPOCH, *, settle_rounds: int = 20) -> None:
        self._start = start
        self._elapsed = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._settle_rounds = settle_rounds

    def time(self) -> float:
        return self._start + self._elapsed

    def monotonic(self) -> float:
        return self._elapsed

    @property
    def elapsed(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._elapsed + seconds, next(self._order), fut))
        await fut

    def next_wakeup(self) -> float | None:
        """Elapsed time of the earliest pending sleeper, if any."""
        self._drop_cancelled()
        return self._sleepers[0][0] if self._sleepers else None

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking every sleeper due on the way, in order."""
        if seconds < 0:
            raise ValueError("a clock cannot go back")
        await self._settle()
        target = self._elapsed + seconds
        while True:
            self._drop_cancelled()
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            when, _, fut = heapq.heappop(self._sleepers)
            self._elapsed = max(self._elapsed, when)
            fut.set_result(None)
            await self._settle()
        self._elapsed = target
        await self._settle()

    async def drive(self, awaitable: Awaitable[T], *, max_seconds: float = 3600.0) -> T:
        """Await ``awaitable`` while jumping time to each next wake-up until it is done.

        Raises ``TimeoutError`` past ``max_seconds`` of virtual time, and ``RuntimeError`` when
        it waits on something no sleeper will ever bring (a deadlock in virtual time).
        """
        task = asyncio.ensure_future(awaitable)
        deadline = self._elapsed + max_seconds
        try:
            await self._settle()
            while not task.done():
                nxt = self.next_wakeup()
                if nxt is None:
                    raise RuntimeError("virtual clock: the awaited task is blocked and nothing is sleeping")
                if nxt > deadline:
                    raise TimeoutError(f"virtual clock: not done after {max_seconds} s")
                await self.advance(nxt - self._elapsed)
        finally:
            if not task.done():
                task.cancel()
        return task.result()

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)

    async def _settle(self) -> None:
        for _ in range(self._settle_rounds):
            await asyncio.sleep(0)
