"""The window under load: five simulated venues at 50 book updates per second each, the main
window open (offscreen), for 60 s. Prints frames painted per second, event-loop lag p50/p99,
time from a book's arrival to the chart painted with it p50/p99, CPU share of one core, RSS, and
the cold start from process start to the first painted chart.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_ui.py [--seconds 60] [--hz 50]

Targets (issue 4): lag p99 < 25 ms, update-to-screen p99 < 50 ms, >= 25 fps, RSS < 400 MB,
cold start < 3 s. Other processes on the machine share the cores: say so with the numbers.
"""

from __future__ import annotations

import time

T0 = time.monotonic()  # before Qt, numpy and the app are imported: the cold start counts them

import argparse  # noqa: E402
import asyncio  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync  # noqa: E402
from PySide6.QtGui import QPaintEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sor_desktop.engine.wiring import build_session, sim_venues  # noqa: E402
from sor_desktop.ui import theme  # noqa: E402
from sor_desktop.ui.main_window import MainWindow  # noqa: E402
from sor_desktop.venues.base import Mode  # noqa: E402

SYMBOL = "BTC/USDT:USDT"


class PaintProbe:
    """Counts paints of the depth chart and, at the end of each, how old the books it shows are."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.paints = 0
        self.first_paint: float | None = None
        self.latency_ms: list[float] = []
        self._pending: list[float] = []
        self.frame_cpu_ms: list[float] = []  # CPU time of the window's frame work (not waiting for a core)
        view = window.depth_chart.plot
        paint_event = view.paintEvent

        def painted(event: QPaintEvent) -> None:
            paint_event(event)  # the scene is drawn into the window's backing store when this returns
            if window.depth_chart.frames:
                now = time.monotonic()
                self.paints += 1
                if self.first_paint is None:
                    self.first_paint = now
                self.latency_ms.extend((now - t) * 1e3 for t in self._pending)
                self._pending.clear()

        view.paintEvent = painted  # Qt calls the Python override it finds on the instance
        original = window.on_frame

        def on_frame() -> None:
            # take the arrivals the frame is about to draw before the window consumes them
            dirty = window.session.store._dirty
            self._pending.extend(dirty.values())
            t = time.thread_time()
            original()
            self.frame_cpu_ms.append((time.thread_time() - t) * 1e3)

        window.timer.timeout.disconnect()
        window.timer.timeout.connect(on_frame)


class GcPauses:
    """How long each garbage collection held the loop, per generation."""

    def __init__(self) -> None:
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._t = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.ms[info["generation"]].append((time.perf_counter() - self._t) * 1e3)

    def summary(self) -> str:
        return ", ".join(f"gen{g} {len(v)}x max {max(v, default=0.0):.1f} ms" for g, v in self.ms.items())


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def lag_probe(out: list[float], stop: asyncio.Event, interval: float = 0.01) -> None:
    """How late a 10 ms sleep wakes up: the event loop's responsiveness."""
    while not stop.is_set():
        t = time.monotonic()
        await asyncio.sleep(interval)
        out.append(max(0.0, (time.monotonic() - t - interval) * 1e3))


async def main(args: argparse.Namespace, app: QApplication) -> int:
    venues = sim_venues(None, seed=3, update_hz=args.hz, symbols=(SYMBOL,))
    session = build_session(Mode.SIMULATED, None, SYMBOL, venues=venues)
    window = MainWindow(session, restore=False)
    probe = PaintProbe(window)
    window.show()
    await session.start()
    window.on_session_started()
    window.routing.amount.setText("3")  # the live preview and the impact view work as in real use
    while probe.first_paint is None:
        await asyncio.sleep(0.005)
    cold = probe.first_paint - T0
    print(f"cold start to first painted chart: {cold:.2f} s (target < 3 s)")

    await asyncio.sleep(2.0)  # warm-up, not measured
    probe.paints, probe.latency_ms, probe.frame_cpu_ms = 0, [], []
    gc_pauses = GcPauses()
    lags: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.create_task(lag_probe(lags, stop))
    updates0 = session.store.updates
    cpu0 = time.process_time()
    t_start = time.monotonic()
    rss_peak = rss_mb()
    while time.monotonic() - t_start < args.seconds:
        await asyncio.sleep(1.0)
        rss_peak = max(rss_peak, rss_mb())
    wall = time.monotonic() - t_start
    cpu = time.process_time() - cpu0
    stop.set()
    await lag_task
    updates = session.store.updates - updates0
    print(f"venues: {len(venues)} at {args.hz:g} Hz each, {wall:.0f} s, {updates / wall:.0f} book updates/s handled")
    print(f"frames painted: {probe.paints / wall:.1f} per second (target >= 25)")
    print(f"event-loop lag: p50 {pct(lags, 50):.2f} ms, p99 {pct(lags, 99):.2f} ms (target p99 < 25 ms)")
    print(f"book update to painted chart: p50 {pct(probe.latency_ms, 50):.1f} ms, "
          f"p99 {pct(probe.latency_ms, 99):.1f} ms (target p99 < 50 ms; n={len(probe.latency_ms)})")
    print(f"CPU: {cpu / wall * 100:.0f}% of one core; {cpu / max(probe.paints, 1) * 1e3:.1f} ms of CPU per painted "
          f"frame (everything: sim, feeds, frame, paint)")
    print(f"frame work (store -> charts, CPU time): p50 {pct(probe.frame_cpu_ms, 50):.1f} ms, "
          f"p99 {pct(probe.frame_cpu_ms, 99):.1f} ms")
    print(f"garbage collections: {gc_pauses.summary()}")
    with open("/proc/loadavg") as f:
        print(f"machine load average while measuring: {f.read().split()[0]} on {os.cpu_count()} cores")
    print(f"RSS: {rss_mb():.0f} MB now, {rss_peak:.0f} MB peak (target < 400 MB); "
          f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if lags:
        print(f"(lag mean {statistics.fmean(lags):.2f} ms over {len(lags)} probes; the machine's cores are "
              "shared with other processes)")
    window.timer.stop()
    await session.stop()
    window.close()
    return 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--hz", type=float, default=50.0, help="book updates per second per venue")
    args = parser.parse_args()
    os.environ.setdefault("SOR_DESKTOP_HOME", tempfile.mkdtemp(prefix="sor-bench-ui-"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(main(args, app))


if __name__ == "__main__":
    raise SystemExit(cli())
