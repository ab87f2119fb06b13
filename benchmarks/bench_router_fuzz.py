"""Router plan time and exactness on random inputs within issue 11's scope, beyond the fixed
families of ``bench_router.py``: 3-5 or 10 venues (10 with max venues 3), lots of round sizes
(1, 2, 2.5, 5 times a power of ten; a quarter of them near-equal or non-decimal: x1.001, x1.0003,
x3, x7, x0.7, x1.667) spread over grain ratios up to 1e6, BTC-priced or memecoin-priced (lots of
1 to 1e10 coins), books of 1, 5, 50 or 1,000 levels holding 1e3 to 3e7 USDT, minimums of 0-500
lots, margin caps on some venues, max venues none/2/3, leg costs 0-5 USDT, orders of 0.1-100 % of
the depth up to 1e10 grains. Instances outside that scope (grain ratio > 1e6, order > 1e10
grains) are drawn again.

    .venv/bin/python benchmarks/bench_router_fuzz.py [--seed 1] [--plans 200] [--milp-every 4]

Prints, for the 3-5 venue and the 10 venue plans apart: CPU median, p99 and max of a plan (the
second run of each: the first warms the caches a live preview also has warm), how many took more
than 5 ms and 50 ms, how many have ``gap_bps`` above 0.01 or unproven (inf), and, on every
``--milp-every``-th plan of at most 5 venues, whether it costs the MILP optimum (``tests/core/oracle``;
HiGHS's own tolerance sometimes leaves its answer off its own fill constraint: counted apart).
The slowest plans are listed with their shape. Plan times swing 2x on a shared machine: compare
runs on the same seed, alternating.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sor_desktop.core.book import BookSnapshot  # noqa: E402
from sor_desktop.core.instrument import Instrument  # noqa: E402
from sor_desktop.core.orders import Side  # noqa: E402
from sor_desktop.core.plan import Plan, PlanRequest, VenueInput  # noqa: E402
from sor_desktop.core.router import plan_route  # noqa: E402

ROUND = (1, 2, 2.5, 5)
ODD = (1.001, 1.0003, 3, 7, 0.7, 1.667)
MAX_RATIO = 1e6
MAX_GRAINS = 1e10


def _market(step: float, size: float, taker: float, min_amount: float | None) -> dict:
    return {"symbol": "X/USDT:USDT", "base": "X", "quote": "USDT", "settle": "USDT", "type": "swap",
            "linear": True, "inverse": False, "contract": True, "contractSize": size,
            "precision": {"amount": step, "price": 1e-8},
            "limits": {"amount": {"min": min_amount}, "cost": {"min": None}}, "taker": taker}


def _round_lot(x: float) -> float:
    e = math.floor(math.log10(x))
    return float(f"{min(ROUND, key=lambda m: abs(m * 10 ** e - x)) * 10 ** e:.12g}")


def _venue(rng: random.Random, name: str, lot: float, price: float, depth: float, levels: int,
           min_lots: int) -> VenueInput:
    # half the venues count lots of 1 contract of ``lot`` base, half lots of ``lot`` contracts of 1
    step, size = (lot, 1.0) if rng.random() < 0.5 else (1.0, lot)
    ins = Instrument.from_market(_market(step, size, rng.choice([0.0002, 0.0004, 0.0005, 0.0006]),
                                         step * min_lots if min_lots else None), name)
    w = np.array([rng.uniform(0.5, 1.5) for _ in range(levels)])
    lots = np.maximum(np.floor(w / w.sum() * depth / lot), 1)
    amounts = np.array([float(f"{x:.10g}") for x in lots * step])  # as a venue writes them: decimals
    tick = price * 1e-5 * rng.choice([1, 1, 3])
    asks = np.column_stack([price + np.arange(1, levels + 1) * tick, amounts])
    bids = np.column_stack([price - np.arange(1, levels + 1) * tick, amounts])
    return VenueInput(BookSnapshot.from_lists(name, ins.symbol, 0, bids, asks), ins)


def grain(venues: list[VenueInput]) -> tuple[Fraction, list[Fraction]]:
    lots = [Fraction(v.instrument.amount_step * v.instrument.contract_size) for v in venues]
    g = lots[0]
    for lot in lots[1:]:
        g = Fraction(math.gcd(g.numerator * lot.denominator, lot.numerator * g.denominator),
                     g.denominator * lot.denominator)
    return g, lots


def _draw(rng: random.Random) -> tuple[PlanRequest, list[VenueInput]]:
    meme = rng.random() < 0.3
    price = 1e-5 * rng.uniform(1, 50) if meme else 60_000.0
    base_lot = 10 ** rng.uniform(0, 4) if meme else 10 ** rng.uniform(-8, -1)
    n = rng.choice([3, 4, 5, 5, 10])
    venues = []
    for i in range(n):
        lot = _round_lot(base_lot * 10 ** rng.uniform(0, 6))
        if rng.random() < 0.25:
            lot = float(f"{lot * rng.choice(ODD):.6g}")
        depth = 10 ** rng.uniform(3, 7.5) / price
        venues.append(_venue(rng, f"v{i}#{i}", lot, price, depth, rng.choice([1, 5, 50, 1000]),
                             rng.choice([0, 0, 1, 5, 50, 500])))
    total = sum(float(v.book.asks[:, 1].sum()) * float(v.instrument.contract_size) for v in venues)
    if rng.random() < 0.3:
        venues = [VenueInput(v.book, v.instrument, cap_base=float(v.book.asks[:, 1].sum())
                             * float(v.instrument.contract_size) * rng.uniform(0.05, 1.2))
                  if rng.random() < 0.5 else v for v in venues]
    max_venues = 3 if n == 10 else rng.choice([None, None, 2, 3])
    amount = float(f"{rng.uniform(0.001, 1.0) * total:.6g}")
    return PlanRequest(rng.choice([Side.BUY, Side.SELL]), amount, max_venues=max_venues,
                       leg_cost=rng.choice([0.0, 1.0, 1.0, 5.0])), venues


def draw(rng: random.Random) -> tuple[PlanRequest, list[VenueInput]]:
    while True:
        req, venues = _draw(rng)
        g, lots = grain(venues)
        if max(lots) / g <= MAX_RATIO and Fraction(req.amount) / g <= MAX_GRAINS:
            return req, venues


def _vs_milp(req: PlanRequest, venues: list[VenueInput], plan, milp) -> str:
    """'same', 'worse by X bps', 'fills less', or 'oracle off' (HiGHS outside its own constraint)."""
    try:
        opt = milp(req, venues)
    except AssertionError:
        return "oracle off"
    ins = {v.instrument.venue: v.instrument for v in venues}
    real = float(sum(Decimal(n) * ins[v].amount_step * ins[v].contract_size
                     for v, n in zip(opt.names, opt.lots, strict=True)))
    if abs(real - opt.fill_base) > 1e-12 * max(1.0, real) or real > req.amount * (1 + 1e-15):
        return "oracle off"
    if plan.filled < opt.fill_base * (1 - 1e-12):
        return "fills less"
    mine = (plan.total_cost if req.side is Side.BUY else -plan.total_cost) + req.leg_cost * len(plan.legs)
    excess = (mine - opt.cost) / max(plan.notional, 1e-9) * 1e4
    return "same" if excess <= 0.01 else f"worse by {excess:.3g} bps"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--plans", type=int, default=200)
    ap.add_argument("--milp-every", type=int, default=4, help="0: no MILP")
    ap.add_argument("--show", type=int, default=8, help="slowest plans listed")
    args = ap.parse_args()
    milp = None
    if args.milp_every:
        from tests.core.oracle import milp_optimum as milp
    rng = random.Random(args.seed)
    rows: dict[str, list[tuple[float, float, int, str]]] = {"3-5 venues": [], "10 venues, max 3": []}
    shapes: list[tuple[float, int, str]] = []
    checks: dict[int, tuple[PlanRequest, list[VenueInput], Plan]] = {}
    for t in range(args.plans):
        req, venues = draw(rng)
        plan_route(req, venues)
        c0 = time.process_time()
        plan = plan_route(req, venues)
        ms = (time.process_time() - c0) * 1e3
        if milp and len(venues) <= 5 and t % args.milp_every == 0:
            checks[t] = (req, venues, plan)
        rows["10 venues, max 3" if len(venues) == 10 else "3-5 venues"].append((ms, plan.gap_bps, t, ""))
        g, lots = grain(venues)
        shapes.append((ms, t, f"{len(venues)} venues, max {req.max_venues}, leg {req.leg_cost:g}, "
                              f"{sum(v.instrument.min_amount is not None for v in venues)} minimums, "
                              f"{sum(v.cap_base is not None for v in venues)} caps, lots/grain "
                              f"{sorted(int(lot / g) for lot in lots)}, order {float(req.amount / g):.3g} grains, "
                              f"gap {plan.gap_bps:.2g}"))
    # the MILP after every plan is timed: HiGHS between plans left the next ones slower
    for name, got in rows.items():
        rows[name] = [(ms, gap, t, _vs_milp(*checks[t], milp) if t in checks else "") for ms, gap, t, _ in got]
    print(f"seed {args.seed}, {args.plans} plans; CPU ms of a plan")
    print(f"{'family':<17} {'plans':>5} {'median':>7} {'p99':>7} {'max':>7} {'>5ms':>5} {'>50ms':>5}"
          f" {'gap>0.01':>8} {'inf':>4} {'MILP same':>9} {'worse':>5} {'oracle off':>10}")
    for name, got in rows.items():
        if not got:
            continue
        ts = sorted(r[0] for r in got)
        at = min(len(ts) - 1, int(0.99 * len(ts)))
        checks = [r[3] for r in got if r[3]]
        print(f"{name:<17} {len(ts):>5} {statistics.median(ts):>7.2f} {ts[at]:>7.2f} {ts[-1]:>7.2f}"
              f" {sum(x > 5 for x in ts):>5} {sum(x > 50 for x in ts):>5}"
              f" {sum(0.01 < r[1] < math.inf for r in got):>8} {sum(r[1] == math.inf for r in got):>4}"
              f" {checks.count('same'):>9} {sum(c.startswith(('worse', 'fills')) for c in checks):>5}"
              f" {checks.count('oracle off'):>10}")
        for r in got:
            if r[3].startswith(("worse", "fills")):
                print(f"  plan {r[2]}: {r[3]}")
    print("slowest:")
    for ms, t, shape in sorted(shapes, reverse=True)[:args.show]:
        print(f"  plan {t}: {ms:.1f} ms, {shape}")


if __name__ == "__main__":
    main()
