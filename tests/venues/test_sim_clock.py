"""The virtual clock: time moves only when told, sleepers wake in time order, deadlocks are named."""

from __future__ import annotations

import asyncio

import pytest

from sor_desktop.venues.sim.clock import DEFAULT_EPOCH, VirtualClock


@pytest.mark.asyncio
async def test_sleepers_wake_in_time_order_at_their_time() -> None:
    clock = VirtualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, dt: float) -> None:
        await clock.sleep(dt)
        woke.append((name, clock.elapsed))

    tasks = [asyncio.ensure_future(sleeper(n, dt)) for n, dt in (("c", 3.0), ("a", 1.0), ("b", 2.0))]
    await clock.advance(2.5)
    assert woke == [("a", 1.0), ("b", 2.0)] and clock.elapsed == 2.5
    assert clock.time() == DEFAULT_EPOCH + 2.5
    await clock.advance(1.0)
    assert woke[-1] == ("c", 3.0)
    await asyncio.gather(*tasks)


@pytest.mark.asyncio
async def test_drive_jumps_to_each_wakeup_and_names_a_deadlock() -> None:
    clock = VirtualClock()

    async def chain() -> float:
        for _ in range(3):
            await clock.sleep(0.5)
        return clock.elapsed

    assert await clock.drive(chain()) == 1.5
    never: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    with pytest.raises(RuntimeError, match="nothing is sleeping"):
        await clock.drive(never)
    with pytest.raises(TimeoutError):
        await clock.drive(clock.sleep(100.0), max_seconds=10.0)
    with pytest.raises(ValueError):
        await clock.advance(-1.0)
