"""The one fair price per symbol that every simulated venue quotes around.

A geometric random walk on a fixed 1 s grid with occasional jumps. The grid is the pace at
which every venue's quotes re-centre together: on a finer grid each venue's book, refreshed at its
own rate, straddles a different fair price, and the consolidated book was crossed across venues
in every snapshot (issue 10); on this one it is crossed only while a slow venue still shows the
previous step (a 20 s recording: 184 of 984 snapshots, where it was 985 of 985; see
benchmarks/bench_sim_crossed.py). The variance per
unit of time, and so the daily volatility, is the same on any grid. The path is drawn lazily as
time is asked for, from generators of its own, one for each kind of draw: the value at a given
time does not depend on how often or in which order it was asked for.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

GRID = 1.0  # seconds between path points
_MAX_CATCH_UP = 1_000_000  # steps drawn at once after a long pause (about 6 days); older ones are skipped


class FairPrice:
    def __init__(
        self,
        start_price: float,
        seed: np.random.SeedSequence,
        *,
        start_time: float,
        annual_vol: float = 0.6,
        jumps_per_hour: float = 12.0,
        jump_bps: float = 15.0,
        history_seconds: float = 60.0,
    ) -> None:
        diffusion, jump_times, jump_sizes = seed.spawn(3)
        self._z = np.random.default_rng(diffusion)
        self._u = np.random.default_rng(jump_times)
        self._j = np.random.default_rng(jump_sizes)
        self._sigma = annual_vol * math.sqrt(GRID / (365.0 * 24 * 3600))
        self._jump_p = jumps_per_hour * GRID / 3600.0
        self._jump = jump_bps / 1e4
        self._t0 = start_time
        self._last = 0  # grid index of the newest path point
        self._path: deque[float] = deque([math.log(start_price)], maxlen=int(history_seconds / GRID) + 1)

    def at(self, t: float) -> float:
        """Fair price at wall time ``t`` (clamped to the kept history for older times)."""
        idx = int((t - self._t0) / GRID)
        if idx > self._last:
            self._extend(idx - self._last)
        first = self._last - len(self._path) + 1
        pos = min(max(0, idx - first), len(self._path) - 1)
        return math.exp(self._path[pos])

    def _extend(self, steps: int) -> None:
        skipped = max(0, steps - _MAX_CATCH_UP)  # a long pause: the price resumes where it was
        drawn = steps - skipped
        moves = self._z.standard_normal(drawn) * self._sigma
        jumps = self._u.random(drawn) < self._jump_p
        n_jumps = int(jumps.sum())
        if n_jumps:
            moves[jumps] += self._j.standard_normal(n_jumps) * self._jump
        logs = self._path[-1] + np.cumsum(moves)
        keep = self._path.maxlen or len(logs)
        self._path.extend(logs[-keep:].tolist())
        self._last += steps
