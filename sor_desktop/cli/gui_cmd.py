"""Options of the window (``sor-desktop`` with no subcommand) and its start."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sor_desktop.cli import numbers, sim_args
from sor_desktop.cli.errors import CliError
from sor_desktop.core.number_text import PLAIN, WHOLE

# The wait becomes a Qt timer in milliseconds (a C int): inf and 1e300 overflowed it. An hour is
# more than any screenshot needs.
MAX_AFTER = 3600


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("window")
    mode = g.add_mutually_exclusive_group()
    mode.add_argument("--sim", action="store_true", help="simulated market of the five venues (no network)")
    mode.add_argument("--paper", action="store_true", help="live public books, orders matched locally")
    g.add_argument("--venues", help="comma-separated venue ids (default: the five product venues)")
    g.add_argument("--symbol", default="BTC/USDT:USDT", help="unified symbol to open (default %(default)s)")
    g.add_argument("--seed", type=sim_args.seed, default=7, help="seed of the simulated market (default %(default)s)")
    g.add_argument("--sim-balance", metavar="USDT|VENUE=USDT,...",
                   help="--sim: each venue's starting USDT, one amount for all or per venue")
    g.add_argument("--screenshot", type=Path, metavar="PATH",
                   help="start, wait, save the main window as PNG and exit")
    g.add_argument("--after", default="4", metavar="SECONDS",
                   help="wait before the screenshot, 0 to 3600 (default %(default)s)")
    g.add_argument("--amount", help="prefill the routing panel's amount (base units), e.g. for screenshots")
    g.add_argument("--side", choices=("buy", "sell"), default="buy", help="prefill the side")
    g.add_argument("--hold-hours", type=numbers.plain, metavar="H",
                   help="prefill the routing panel's intended holding time (funding over H hours)")
    # README screenshots only: route the prefilled amount once, in the simulated market
    g.add_argument("--demo-route", action="store_true", help=argparse.SUPPRESS)
    # README screenshots only: hover and click the depth chart this many bps from the mid (sweep to
    # here), and make a simulated venue reject its next order
    g.add_argument("--demo-sweep", type=numbers.plain, metavar="BPS", help=argparse.SUPPRESS)
    g.add_argument("--demo-reject", metavar="VENUE", help=argparse.SUPPRESS)
    # README screenshots only: open the flatten confirmation over the positions (after --demo-route;
    # without it, a long on one venue and a short on another are opened first: a hedged flatten),
    # and with --demo-send press Send in it (the blotter after the flatten)
    g.add_argument("--demo-flatten", action="store_true", help=argparse.SUPPRESS)
    g.add_argument("--demo-send", action="store_true", help=argparse.SUPPRESS)
    g.add_argument("--size", metavar="WxH", help="window size, e.g. 1280x720 (screenshots)")


def _venues(text: str | None) -> list[str] | None:
    if text is None:
        return None
    ids = [v.strip() for v in text.split(",") if v.strip()]
    if not ids:
        raise CliError("--venues needs at least one venue id")
    return ids


def run(args: argparse.Namespace) -> int:
    if args.hold_hours is not None and not 0 <= args.hold_hours <= 24 * 365:
        raise CliError("--hold-hours must be from 0 to 8760 hours")
    # checked here, not by argparse: a desktop launch shows this in a dialog (argparse only prints);
    # written in digits ('1_0' read as 10), or a word for a number no timer can wait
    text = str(args.after)
    if not (PLAIN.fullmatch(text) or text.lower().lstrip("+-") in ("inf", "infinity", "nan")):
        raise CliError(f"--after must be a number of seconds from 0 to {MAX_AFTER}, got {text!r}")
    args.after = float(text)
    if not 0 <= args.after <= MAX_AFTER:  # nan fails it too
        raise CliError(f"--after must be from 0 to {MAX_AFTER} seconds, got {args.after:g}")
    if args.screenshot is not None:
        parent = args.screenshot.expanduser().resolve().parent
        if not parent.is_dir():
            raise CliError(f"--screenshot: folder {parent} does not exist")
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from sor_desktop.app import AppOptions, run_app  # Qt loads only when the window is wanted

    mode = "sim" if args.sim else "paper" if args.paper else None
    if args.sim_balance is not None:
        from sor_desktop.venues.sim.config import parse_balances

        if mode != "sim":
            raise CliError("--sim-balance goes with --sim")
        try:
            parse_balances(args.sim_balance)
        except ValueError as exc:
            raise CliError(f"--sim-balance: {exc}") from None
    if args.demo_route and (mode != "sim" or not (args.amount or args.demo_sweep is not None)):
        raise CliError("--demo-route needs --sim and --amount (or --demo-sweep)")
    if (args.demo_reject or args.demo_sweep is not None) and mode != "sim":
        raise CliError("--demo-sweep and --demo-reject need --sim")
    if (args.demo_flatten or args.demo_send) and mode != "sim":
        raise CliError("--demo-flatten and --demo-send need --sim")
    if args.demo_send and not args.demo_flatten:
        raise CliError("--demo-send goes with --demo-flatten")
    size = None
    if args.size is not None:
        parts = args.size.lower().split("x")
        if len(parts) != 2 or not all(WHOLE.fullmatch(x) and len(x) < 6 for x in parts):
            raise CliError(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1280x720")
        w, h = int(parts[0]), int(parts[1])
        if not (640 <= w <= 7680 and 480 <= h <= 4320):
            raise CliError(f"--size {args.size}: between 640x480 and 7680x4320")
        size = (w, h)
    return run_app(AppOptions(
        mode=mode, venues=_venues(args.venues), symbol=args.symbol, seed=args.seed,
        screenshot=args.screenshot, after=args.after, amount=args.amount, side=args.side,
        demo_route=args.demo_route, demo_sweep_bps=args.demo_sweep, demo_reject=args.demo_reject,
        hold_hours=args.hold_hours,
        sim_balance=args.sim_balance, window_size=size, demo_flatten=args.demo_flatten, demo_send=args.demo_send,
    ))
