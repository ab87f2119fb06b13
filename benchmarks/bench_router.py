"""Router speed: median and p99 of ``plan_route`` for 2, 5 and 10 venues at 100, 1,000 and 5,000
levels per side, against the exact MILP oracle (tests/core/oracle.py, scipy HiGHS) on the same
instance. Prints figures; asserts nothing about time.

    .venv/bin/python benchmarks/bench_router.py [--reps N] [--no-milp]

Books are synthetic (seeded): BTC around 60,000, tick 0.1, 1-3 ticks between levels, lognormal
sizes; the venues cycle through the five real venues' specs (steps 0.001 / 0.0001 / MEXC 1 x
0.0001 contracts, their taker fees and minimums). Two order sizes: 5 BTC (a typical large
order) and 20 % of all the venues' depth (walks deep into every book).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sor_desktop.core.book import BookSnapshot  # noqa: E402
from sor_desktop.core.instrument import Instrument  # noqa: E402
from sor_desktop.core.orders import Side  # noqa: E402
from sor_desktop.core.plan import AmountUnit, PlanRequest, VenueInput  # noqa: E402
from sor_desktop.core.router import plan_route  # noqa: E402

SPECS = [  # name, step, contract size, taker, min amount, min notional
    ("binanceusdm", 0.001, 1, 0.0004, 0.001, 5),
    ("bybit", 0.001, 1, 0.0006, 0.001, None),
    ("bingx", 0.0001, 1, 0.0005, None, None),
    ("weex", 0.0001, 1, 0.0008, 0.0001, None),
    ("mexc", 1, 0.0001, 0.0002, 1, None),
]


def _market(step: float, size: float, taker: float, min_amount: float | None, min_cost: float | None) -> dict:
    return {"symbol": "BTC/USDT:USDT", "base": "BTC", "quote": "USDT", "settle": "USDT", "linear": True,
            "inverse": False, "contractSize": size, "precision": {"amount": step, "price": 0.1},
            "limits": {"amount": {"min": min_amount}, "cost": {"min": min_cost}}, "taker": taker}


def instance(n_venues: int, n_levels: int, seed: int = 7) -> list[VenueInput]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_venues):
        name, step, size, taker, min_amount, min_cost = SPECS[i % len(SPECS)]
        ins = Instrument.from_market(_market(step, size, taker, min_amount, min_cost), f"{name}#{i}")
        mid = 60_000 + rng.uniform(-5, 5)
        gaps = rng.integers(1, 4, size=(2, n_levels)).cumsum(axis=1) * 0.1
        base = rng.lognormal(-1.0, 1.0, size=(2, n_levels))
        contracts = np.maximum(np.floor(base / size / step), 1) * step
        bids = np.column_stack([np.round(mid - gaps[0], 1), contracts[0]])
        asks = np.column_stack([np.round(mid + gaps[1], 1), contracts[1]])
        out.append(VenueInput(BookSnapshot.from_lists(ins.venue, ins.symbol, 0, bids, asks), ins))
    return out


def _time(fn, reps: int) -> tuple[float, float]:
    fn()  # warm
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    return statistics.median(ts) * 1e3, ts[min(len(ts) - 1, int(0.99 * len(ts)))] * 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--no-milp", action="store_true")
    args = ap.parse_args()
    milp = None
    if not args.no_milp:
        try:
            from tests.core.oracle import milp_optimum as milp
        except ImportError as exc:  # scipy is a test extra
            print(f"(MILP oracle unavailable: {exc})")
        else:  # warm: scipy's import and HiGHS start-up are not the oracle's solve time
            milp(PlanRequest(Side.BUY, 1.0, AmountUnit.BASE), instance(2, 10))
    print(f"{'venues':>6} {'levels':>6} {'order BTC':>10} {'median ms':>10} {'p99 ms':>8} {'legs':>4}"
          f" {'MILP ms':>9} {'MILP/router':>11} {'same cost':>9}")
    for n_venues in (2, 5, 10):
        for n_levels in (100, 1_000, 5_000):
            venues = instance(n_venues, n_levels)
            depth = sum(float(v.book.asks[:, 1].sum()) * float(v.instrument.contract_size) for v in venues)
            for amount in (5.0, round(0.2 * depth, 3)):
                req = PlanRequest(Side.BUY, amount, AmountUnit.BASE)
                reps = max(20, args.reps // (1 + n_levels // 1000))
                med, p99 = _time(lambda req=req, venues=venues: plan_route(req, venues), reps)
                plan = plan_route(req, venues)
                line = (f"{n_venues:>6} {n_levels:>6} {amount:>10.3f} {med:>10.3f} {p99:>8.3f}"
                        f" {len(plan.legs):>4}")
                if milp is not None:
                    t0 = time.perf_counter()
                    opt = milp(req, venues)
                    mt = (time.perf_counter() - t0) * 1e3
                    same = abs(plan.total_cost - opt.cost) <= 1e-6 * plan.notional
                    line += f" {mt:>9.1f} {mt / med:>10.0f}x {'yes' if same else 'NO':>9}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
