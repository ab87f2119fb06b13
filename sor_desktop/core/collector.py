"""No cyclic garbage collection inside a plan.

A plan's searches stop on a CPU budget (``lot_solver.TIME_LIMIT_S``), measured per thread. A
collection that starts inside a plan is paid by that plan's thread: in the window, with its heap
of Qt wrappers, one took 137 ms of a 3 ms plan, which then came out cut (a dust leg, 0.024 bps
from the optimum, or its fill not proven). Plans allocate little and make no cycles (the solver's
caches say why), so putting the collector off for a plan's few milliseconds costs nothing; it
collects at its next allocation threshold after the plan. Plans run on two threads at once (the
preview worker and the Qt thread), hence the count: the collector comes back when the last plan
ends, and only if it was on when the first began."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_inside = 0  # plans running now, on any thread
_was_on = False  # the collector's state when the first of them began


@contextmanager
def paused() -> Iterator[None]:
    global _inside, _was_on
    with _lock:
        if _inside == 0:
            _was_on = gc.isenabled()
            gc.disable()
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0 and _was_on:
                gc.enable()
