"""Router speed: median and p99 of ``plan_route`` for 2, 5 and 10 venues at 100, 1,000 and 5,000
levels per side, against the exact MILP oracle (tests/core/oracle.py, scipy HiGHS) on the same
instance. Prints figures; asserts nothing about time.

    .venv/bin/python benchmarks/bench_router.py [--reps N] [--no-milp] [--adversarial-only]

Then the adversarial families of issue 11 (they need ../shared): the five instances that stalled,
the recorded venues' own markets (WEEX's 1e-8 BTC lot, MEXC's contracts, a Bybit-inverse-sized
lot of 1 USD) beside Binance's and Bybit's 0.001 on deep real books, memecoin lot counts (orders
of 1e7 to 1e9 coins), ten venues with at most three on deep orders, and the recorded and ten-venue
instances again with the order as a notional in USDT (quote units), and three venues whose lots
(0.0003, 0.003, 0.01 BTC) are no multiples of each other (non-decimal lots), near-equal coprime
lots (0.001 and 0.001001 BTC beside 0.003 and a thin 0.0007: coprime lots), and random mixes of
decimal, non-decimal and near-equal coprime lots (0.012345 to 0.012348 BTC), thin and deep
(random lot mixes), and ten venues with at most three, most with minimums, lots up to a million
grains apart, BTC or a memecoin (10 venues, mins). Per family: median, p99 and max of the plan computation over every instance and repetition (wall clock, and the process's
CPU time, which a machine shared with other work does not inflate), the largest ``gap_bps``, and
the MILP oracle's median time and how many plans have its cost (within 0.01 bps).

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
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sor_desktop.core.book import BookSnapshot  # noqa: E402
from sor_desktop.core.instrument import Instrument  # noqa: E402
from sor_desktop.core.orders import Side  # noqa: E402
from sor_desktop.core.plan import AmountUnit, Plan, PlanRequest, VenueInput  # noqa: E402
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


def _families(n: int) -> dict[str, list[tuple[PlanRequest, list[VenueInput]]]]:
    """The adversarial families (tests/core/real_instances.py builds them from ../shared)."""
    import math
    import random

    from tests.core.real_instances import memecoin_instance, recorded_instance, recorded_mix, ten_venues
    from tests.core.test_router_milp_lots import STALLS

    def amount(rng: random.Random, low: float, high: float) -> float:
        return round(math.exp(rng.uniform(math.log(low), math.log(high))), 4)

    out: dict[str, list[tuple[PlanRequest, list[VenueInput]]]] = {}
    out["issue stalls"] = [(PlanRequest(side, amt), recorded_instance(1, names, asset))
                           for side, amt, names, asset in STALLS]
    recorded = []
    for seed in range(n):
        venues, rng, asset = recorded_mix(seed)
        scale = 1.0 if asset == "BTC" else 20.0
        recorded.append((PlanRequest(rng.choice([Side.BUY, Side.SELL]), amount(rng, 0.003 * scale, 150 * scale),
                                     max_venues=rng.choice([None, None, 1, 2, 3])), venues))
    out["recorded lots"] = recorded
    meme = []
    for seed in range(n):
        venues, rng = memecoin_instance(seed, n_venues=2 + seed % 4)
        meme.append((PlanRequest(rng.choice([Side.BUY, Side.SELL]), float(round(amount(rng, 1e7, 1e9))),
                                 max_venues=rng.choice([None, None, 2, 3])), venues))
    out["memecoin lots"] = meme
    ten = []
    for seed in range(max(4, n // 3)):
        venues, rng = ten_venues(seed)
        ten.append((PlanRequest(rng.choice([Side.BUY, Side.SELL]), amount(rng, 20, 200), max_venues=3), venues))
    out["10 venues, max 3"] = ten
    # the same books with the order as a notional (USDT): the fill is searched, then proven
    quote = []
    for req, venues in recorded[: max(4, n // 2)] + ten:
        book = venues[0].book
        mid = float(book.asks[0, 0] + book.bids[0, 0]) / 2
        quote.append((replace(req, amount=round(req.amount * mid, 2), unit=AmountUnit.QUOTE), venues))
    out["quote units"] = quote
    out["non-decimal lots"] = non_decimal()
    out["coprime lots"] = coprime()
    out["random lot mixes"] = [lot_mix(seed) for seed in range(n)]
    out["10 venues, mins"] = [ten_with_minimums(seed) for seed in range(max(4, n // 3))]
    return out


def _deep_venue(name: str, step: float, size: float, depth: float, levels: int, seed: int) -> VenueInput:
    """A venue of ``levels`` half-dollar levels a side around 60,000, ``depth`` BTC in all, on
    lots of ``step`` contracts of ``size`` BTC."""
    rng = np.random.default_rng(seed)
    ins = Instrument.from_market(_market(step, size, 0.0004, None, None), name)
    w = rng.uniform(0.5, 1.5, levels)
    lots = np.maximum(np.floor(w / w.sum() * depth / (step * size)), 1)
    asks = np.column_stack([60_000 + np.arange(1, levels + 1) * 0.5, lots * step])
    bids = np.column_stack([60_000 - np.arange(1, levels + 1) * 0.5, lots * step])
    return VenueInput(BookSnapshot.from_lists(name, ins.symbol, 0, bids, asks), ins)


def non_decimal() -> list[tuple[PlanRequest, list[VenueInput]]]:
    """Lots of 0.0003, 0.003 and 0.01 BTC (no lot a multiple of the finer ones' period), the two
    coarse ones deep: the largest fill of three such groups (``lot_fill._max_fill_search``) runs
    through the coarsest group's counts when the finer two cannot hit the room exactly."""
    venues = [_deep_venue("thin#0", 3, 0.0001, 0.0021, 2, 1), _deep_venue("coarse#1", 0.003, 1, 556.4, 50, 2),
              _deep_venue("coarser#2", 0.01, 1, 1676.7, 50, 3)]
    return [(PlanRequest(side, amount), venues) for side in (Side.BUY, Side.SELL)
            for amount in (745.7774, 745.7771, 600.0001)]


def coprime() -> list[tuple[PlanRequest, list[VenueInput]]]:
    """Near-equal coprime lots (0.001 and 0.001001 BTC: 1,000 and 1,001 grains) beside 0.003 BTC
    and a thin 0.0007 BTC one, each deep (75-140 ms a plan before ``lot_fill._reaches``)."""
    venues = [_deep_venue("thin#0", 7, 0.0001, 0.0021, 1, 1), _deep_venue("a#1", 0.001, 1, 300, 50, 2),
              _deep_venue("b#2", 0.001001, 1, 300, 50, 3), _deep_venue("c#3", 0.003, 1, 900, 50, 4)]
    return [(PlanRequest(side, amount), venues) for side in (Side.BUY, Side.SELL)
            for amount in (500.0003, 777.7777, 450.1234)]


# contract sizes in BTC: decimal ones, non-decimal ones, and near-equal coprime ones (0.012345 ..
# 0.012348 BTC: no two of them reach everything below a hundred-odd BTC)
LOT_SIZES = [0.0001, 0.001, 0.01, 0.0003, 0.1667, 0.012345, 0.012346, 0.012347, 0.012348, 0.001001, 0.0007,
             0.00205, 0.003]


def lot_mix(seed: int) -> tuple[PlanRequest, list[VenueInput]]:
    """3-5 venues drawn from ``LOT_SIZES``, a third of them thin (0.005-0.05 BTC), the others
    1-300 BTC deep, an order of 1-100 % of their depth, max venues none, 2 or 3: the mixes a
    fuzz of the largest fill and of whole plans found slowest (seconds before ``lot_fill``)."""
    import random

    rng = random.Random(seed)
    venues = []
    for i in range(rng.randint(3, 5)):
        depth = rng.uniform(0.005, 0.05) if rng.random() < 0.3 else 10 ** rng.uniform(0, 2.5)
        venues.append(_deep_venue(f"v{i}#{i}", rng.choice(LOT_SIZES), 1, depth, rng.choice([1, 5, 50]),
                                  rng.randint(0, 99)))
    total = sum(float(v.book.asks[:, 1].sum()) for v in venues)
    return (PlanRequest(rng.choice([Side.BUY, Side.SELL]), round(rng.uniform(0.01, 1.0) * total, 4),
                        max_venues=rng.choice([None, None, 2, 3])), venues)


def ten_with_minimums(seed: int) -> tuple[PlanRequest, list[VenueInput]]:
    """Ten venues, at most three, minimums of 1-500 lots on about two in three, lots from one to a
    million grains apart (a quarter of them non-decimal or near-equal), 1-1,000 levels, caps on
    some, leg costs of 0-5 USDT, BTC or a memecoin, an order of 0.1-100 % of all the depth (up to
    1e10 grains): the shape a wide fuzz of issue 11's inputs found slowest (10-30 ms a plan, most
    of it box problems of many undecided venues and the searches around the plan)."""
    import math
    import random
    from fractions import Fraction

    rng = random.Random(seed)
    while True:
        meme = rng.random() < 0.3
        price = 1e-5 * rng.uniform(1, 50) if meme else 60_000.0
        base_lot = 10 ** rng.uniform(0, 4) if meme else 10 ** rng.uniform(-8, -1)
        venues = []
        for i in range(10):
            lot = base_lot * 10 ** rng.uniform(0, 6)
            e = math.floor(math.log10(lot))
            lot = float(f"{min((1, 2, 2.5, 5), key=lambda d: abs(d * 10**e - lot)) * 10**e:.12g}")  # noqa: B023
            if rng.random() < 0.25:  # near-equal or non-decimal lots, as some venues list
                lot = float(f"{lot * rng.choice([1.001, 1.0003, 3, 7, 0.7, 1.667]):.6g}")
            step, size = (lot, 1.0) if rng.random() < 0.5 else (1.0, lot)
            minimum = rng.choice([0, 0, 1, 5, 50, 500])
            ins = Instrument.from_market(_market(step, size, rng.choice([0.0002, 0.0004, 0.0005, 0.0006]),
                                                 step * minimum if minimum else None, None), f"v{i}")
            levels = rng.choice([1, 5, 50, 1000])
            w = np.array([rng.uniform(0.5, 1.5) for _ in range(levels)])
            lots = np.maximum(np.floor(w / w.sum() * 10 ** rng.uniform(3, 7.5) / price / lot), 1)
            tick = price * 1e-5
            amounts = np.array([float(f"{x:.10g}") for x in lots * step])
            asks = np.column_stack([price + np.arange(1, levels + 1) * tick * rng.choice([1, 1, 3]), amounts])
            bids = np.column_stack([price - np.arange(1, levels + 1) * tick * rng.choice([1, 1, 3]), amounts])
            venues.append(VenueInput(BookSnapshot.from_lists(f"v{i}#{i}", ins.symbol, 0, bids, asks), ins))
        depth = [float(v.book.asks[:, 1].sum()) * float(v.instrument.contract_size) for v in venues]
        if rng.random() < 0.3:
            venues = [replace(v, cap_base=d * rng.uniform(0.05, 1.2) if rng.random() < 0.5 else None)
                      for v, d in zip(venues, depth, strict=True)]
        req = PlanRequest(rng.choice([Side.BUY, Side.SELL]), float(f"{rng.uniform(0.001, 1.0) * sum(depth):.6g}"),
                          max_venues=3, leg_cost=rng.choice([0.0, 1.0, 1.0, 5.0]))
        lot_sizes = [Fraction(v.instrument.amount_step * v.instrument.contract_size) for v in venues]
        grain = lot_sizes[0]
        for f in lot_sizes[1:]:
            grain = Fraction(math.gcd(grain.numerator * f.denominator, f.numerator * grain.denominator),
                             grain.denominator * f.denominator)
        if max(lot_sizes) / grain <= 1e6 and Fraction(req.amount) / grain <= 1e10:  # issue 11's scope
            return req, venues


def adversarial(n: int, reps: int, milp) -> None:
    """Every family's plans are timed first, then checked against the MILP: HiGHS run between
    families (or between two plans) left the plans timed after it up to 2x slower, medians and all
    (what it allocates and evicts), which no plan of the window ever has beside it."""
    timed = {name: _time_family(cases, reps) for name, cases in _families(n).items()}
    if milp is not None:  # warm, after the timing: scipy's import and HiGHS start-up are not a solve
        milp(PlanRequest(Side.BUY, 1.0, AmountUnit.BASE), instance(2, 10))
    print(f"\n{'family':<18} {'plans':>5} {'median ms':>9} {'p99 ms':>7} {'max ms':>7} {'cpu p99':>7}"
          f" {'cpu max':>7} {'max gap bps':>11} {'MILP ms':>8} {'= MILP':>7}")
    for name, (cases, times, cpu, plans) in timed.items():
        milp_ms: list[float] = []
        same = milp_failed = 0
        for (req, venues), plan in zip(cases, plans, strict=True):
            if milp is not None:
                # a quote plan's fill comes from its notional: the MILP is asked for that fill
                asked = req if req.unit is AmountUnit.BASE else replace(req, unit=AmountUnit.BASE, amount=plan.filled)
                t0 = time.perf_counter()
                try:
                    opt = milp(asked, venues)
                except AssertionError:  # HiGHS hit its own time limit: counted, not compared
                    milp_failed += 1
                    continue
                finally:
                    milp_ms.append((time.perf_counter() - t0) * 1e3)
                legs = sum(req.leg_cost for _ in plan.legs)
                mine = (plan.total_cost if req.side is Side.BUY else -plan.total_cost) + legs
                same += abs(mine - opt.cost) <= 1e-6 * max(plan.notional, 1.0)
        at = min(len(times) - 1, int(0.99 * len(times)))
        line = (f"{name:<18} {len(cases):>5} {statistics.median(times):>9.2f} {times[at]:>7.2f} {times[-1]:>7.2f}"
                f" {cpu[at]:>7.2f} {cpu[-1]:>7.2f} {max(p.gap_bps for p in plans):>11.2g}")
        if milp is not None:
            line += f" {statistics.median(milp_ms):>8.0f} {same:>3}/{len(cases) - milp_failed:<3}"
            if milp_failed:
                line += f" (MILP gave up on {milp_failed})"
        print(line, flush=True)


def _time_family(cases: list[tuple[PlanRequest, list[VenueInput]]], reps: int
                 ) -> tuple[list[tuple[PlanRequest, list[VenueInput]]], list[float], list[float], list[Plan]]:
    """Each instance warmed once, then timed ``reps`` times: wall and CPU ms sorted, and its plan."""
    times: list[float] = []
    cpu: list[float] = []
    plans = []
    for req, venues in cases:
        plan_route(req, venues)  # warm
        for _ in range(reps):
            c0, t0 = time.process_time(), time.perf_counter()
            plan = plan_route(req, venues)
            times.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
        plans.append(plan)
    return cases, sorted(times), sorted(cpu), plans


def linear_inverse(n: int, reps: int, milp: bool) -> None:
    """Binance and Bybit linear beside Bybit's inverse BTC/USD:BTC on real books (issue 14), against
    the mixed MILP of tests/core/test_router_inverse.py (whole 1 USD contracts, level by level)."""
    from tests.core.real_instances import linear_inverse_mix

    oracle = None
    if milp:
        from tests.core.test_router_inverse import milp_mixed as oracle
    times: list[float] = []
    gaps: list[float] = []
    same = 0
    done = []
    for seed in range(n):  # timed first, the oracle after (``adversarial``)
        venues, req = linear_inverse_mix(seed)
        plan_route(req, venues)  # warm
        for _ in range(reps):
            c0 = time.process_time()
            plan = plan_route(req, venues)
            times.append((time.process_time() - c0) * 1e3)
        gaps.append(plan.gap_bps)
        done.append((venues, req, plan))
    for venues, req, plan in done if oracle is not None else ():
        cost, _ = oracle(req, venues, plan.filled)
        mine = (plan.total_cost if req.side is Side.BUY else -plan.total_cost) + req.leg_cost * len(plan.legs)
        same += abs(mine - cost) <= 1e-6 * max(plan.notional, 1.0)
    times.sort()
    at = min(len(times) - 1, int(0.99 * len(times)))
    line = (f"{'linear + inverse':<18} {n:>5} cpu median {statistics.median(times):.2f} ms, p99 {times[at]:.2f},"
            f" max {times[-1]:.2f}; max gap {max(gaps):.2g} bps")
    print(line + (f"; {same}/{n} at the mixed MILP's cost" if oracle is not None else ""), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=300)
    ap.add_argument("--no-milp", action="store_true")
    ap.add_argument("--adversarial-only", action="store_true")
    ap.add_argument("--instances", type=int, default=30, help="instances per adversarial family")
    ap.add_argument("--adversarial-reps", type=int, default=5, help="timed runs of each adversarial instance")
    args = ap.parse_args()
    milp = None
    if not args.no_milp:
        try:
            from tests.core.oracle import milp_optimum as milp
        except ImportError as exc:  # scipy is a test extra
            print(f"(MILP oracle unavailable: {exc})")
    if not args.adversarial_only:
        if milp is not None:  # warm: scipy's import and HiGHS start-up are not the oracle's solve time
            milp(PlanRequest(Side.BUY, 1.0, AmountUnit.BASE), instance(2, 10))
        synthetic(args, milp)
    adversarial(args.instances, args.adversarial_reps, milp)
    linear_inverse(min(args.instances, 12), args.adversarial_reps, milp is not None)


def synthetic(args: argparse.Namespace, milp) -> None:
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
                    try:
                        opt = milp(req, venues)
                    except AssertionError:  # HiGHS hit its own time limit
                        print(line + f" {(time.perf_counter() - t0) * 1e3:>9.1f}   (MILP gave up)", flush=True)
                        continue
                    mt = (time.perf_counter() - t0) * 1e3
                    # the oracle's cost has the leg costs in it (1 USDT a leg by default)
                    mine = plan.total_cost + req.leg_cost * len(plan.legs)
                    same = abs(mine - opt.cost) <= 1e-6 * plan.notional
                    line += f" {mt:>9.1f} {mt / med:>10.0f}x {'yes' if same else 'NO':>9}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
