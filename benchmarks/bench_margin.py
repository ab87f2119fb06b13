"""Legs the preview planned that the venue then rejected for margin, over one simulated session.

1,000 random routes on the simulated market (virtual time, real latencies, books moving between
routes): sizes log-uniform from dust (0.0001 BTC) to 40 BTC (far above every venue's margin cap),
both sides, a quarter reduce-only. Free margin is re-read after every fill, as in the window. The
figure that must be 0 is "rejected for margin".

Run: ``.venv/bin/python benchmarks/bench_margin.py [--routes N] [--seed S]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.engine.margin_run import run_margin_session  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--routes", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    t0 = time.perf_counter()
    r = asyncio.run(run_margin_session(args.routes, seed=args.seed))
    print(f"routes asked {r.routes}, sent {r.sent}, nothing routable {r.no_plan}")
    print(f"legs planned {r.legs_planned}, filled {r.legs_filled}, rejected for margin {len(r.rejected_margin)}, "
          f"rejected otherwise {len(r.rejected_other)}")
    for line in (r.rejected_margin + r.rejected_other)[:10]:
        print(f"  {line}")
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 1 if r.rejected_margin else 0


if __name__ == "__main__":
    raise SystemExit(main())
