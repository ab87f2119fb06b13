"""BingX's heartbeat at its real scale on the loopback BingX server (not a test; prints figures).

The server pings with the text ``Ping`` every 5 s (BingX's documented period) and answers no
websocket ping frames; the client runs the app's default keep-alive (``CcxtConfig``: 4 s, 2
misses). For ccxt's own handling and for ``venues.bingx.heartbeat``: reconnects of a healthy link
over ``--healthy`` seconds, then how long after the peer goes silent the keep-alive finds it.

    .venv/bin/python benchmarks/bench_bingx_heartbeat.py --healthy 30
"""

from __future__ import annotations

import argparse
import asyncio
import time

from sor_desktop.venues import ccxt_link
from tests.venues.loopback.bingx import BingxServer
from tests.venues.loopback.fixtures import loopback_venue

SYMBOL = "BTC/USDT:USDT"


async def run(with_heartbeat: bool, healthy_s: float) -> tuple[int, float | None]:
    saved = dict(ccxt_link.PROTOCOL_CLASSES)
    if not with_heartbeat:
        ccxt_link.PROTOCOL_CLASSES.pop("bingx", None)
    server = BingxServer(ping_interval=5.0, diff_interval=0.2)
    await server.start()
    try:
        venue = loopback_venue(server, "bingx", keys=False, keepalive_ms=4000)
        ccxt_link.PROTOCOL_CLASSES.update(saved)
        end = time.monotonic() + healthy_s
        while time.monotonic() < end:
            try:
                await venue.watch_order_book(SYMBOL)
            except Exception:  # noqa: BLE001 - a drop; the next watch reconnects
                await asyncio.sleep(0.05)
        drops = server.ws_connections - 1
        server.silence()
        start = time.monotonic()
        found: float | None = None
        while time.monotonic() - start < 30:
            try:
                await asyncio.wait_for(venue.watch_order_book(SYMBOL), 30 - (time.monotonic() - start))
            except TimeoutError:
                break
            except Exception:  # noqa: BLE001 - the keep-alive's verdict
                found = time.monotonic() - start
                break
        await venue.close()
        return drops, found
    finally:
        ccxt_link.PROTOCOL_CLASSES.update(saved)
        await server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--healthy", type=float, default=30.0, help="seconds of healthy link per variant")
    args = parser.parse_args()
    print(f"server Ping every 5 s, no pong frames; keep-alive 4 s x 2 misses; healthy link {args.healthy:.0f} s")
    for label, on in (("ccxt only", False), ("bingx.heartbeat", True)):
        drops, found = await run(on, args.healthy)
        seen = f"{found:.1f} s" if found is not None else "not within 30 s"
        print(f"{label:16s} reconnects of a healthy link: {drops:3d}   silent peer found after: {seen}")


if __name__ == "__main__":
    asyncio.run(main())
