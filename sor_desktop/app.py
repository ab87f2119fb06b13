"""Composition root of the window: QApplication, the qasync loop, logging, unlock-or-continue,
wiring of session and window, and the ordered shutdown (feeds, tasks, venues, then quit)."""

from __future__ import annotations

import asyncio
import logging
import math
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sor_desktop import logs, paths
from sor_desktop.venues.base import Mode

if TYPE_CHECKING:
    from sor_desktop.security.vault import Vault
    from sor_desktop.ui.main_window import MainWindow

log = logging.getLogger("sor_desktop.app")
T0 = time.monotonic()


@dataclass(frozen=True)
class AppOptions:
    mode: str | None = None  # "sim" | "paper" | None: decide from the vault
    venues: list[str] | None = None
    symbol: str = "BTC/USDT:USDT"
    seed: int = 7
    screenshot: Path | None = None
    after: float = 4.0
    amount: str | None = None
    side: str = "buy"
    demo_route: bool = False  # README screenshots: send the prefilled order once (simulated only)
    sim_balance: str | None = None  # --sim-balance text (venues.sim.config.parse_balances)
    demo_sweep_bps: float | None = None  # README screenshots: hover and click the depth chart there
    demo_reject: str | None = None  # README screenshots: that simulated venue rejects its next order
    window_size: tuple[int, int] | None = None  # --size WxH: the window at a given size (screenshots)
    # README screenshots: open the flatten confirmation (after demo_route; without it, on a long on
    # one venue and a short on another opened first), and with demo_send press its Send
    demo_flatten: bool = False
    demo_send: bool = False
    hold_hours: float | None = None  # prefill the routing panel's holding time (funding)


def choose_mode(opts: AppOptions, parent: object = None) -> tuple[Mode, Vault | None]:
    """Simulated when asked or when no vault exists; otherwise offer to unlock the vault. Without
    keys the window runs on the simulated market (public-only live books need ``--paper``)."""
    if opts.mode == "sim":
        return Mode.SIMULATED, None
    if opts.mode == "paper":
        return Mode.PAPER, None
    if not paths.vault_path().exists() or opts.screenshot is not None:
        return Mode.SIMULATED, None
    try:
        from sor_desktop.ui import vault_dialogs
    except ImportError:
        log.warning("vault dialogs are not available: starting without keys")
        return Mode.SIMULATED, None
    vault = vault_dialogs.unlock_or_continue(parent)
    return (Mode.LIVE, vault) if vault is not None else (Mode.SIMULATED, None)


def run_app(opts: AppOptions) -> int:
    logs.setup()
    import qasync
    from PySide6.QtWidgets import QApplication

    from sor_desktop.ui import theme
    from sor_desktop.ui.app_icon import DESKTOP_FILE_NAME, app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("sor-desktop")
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # pairs the window with the desktop entry
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # we quit ourselves, after the ordered shutdown
    theme.apply(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return int(loop.run_until_complete(_main(app, opts)))
    finally:
        asyncio.set_event_loop(None)


async def _main(app: object, opts: AppOptions) -> int:
    from PySide6.QtWidgets import QApplication

    from sor_desktop.engine.wiring import build_session
    from sor_desktop.ui.log_panel import QtLogHandler, install_hooks
    from sor_desktop.ui.main_window import MainWindow

    assert isinstance(app, QApplication)
    mode, vault = choose_mode(opts)
    try:
        session = build_session(mode, opts.venues, opts.symbol, seed=opts.seed, vault=vault,
                                sim_balance=opts.sim_balance)
    except ValueError as exc:  # an unknown venue id: one line, as every command-line error
        print(f"sor-desktop: {exc}", file=sys.stderr)
        return 2
    window = MainWindow(session, restore=opts.screenshot is None)
    handler = QtLogHandler(logging.WARNING)
    handler.relay.record.connect(window.log_panel.append)
    logging.getLogger().addHandler(handler)
    install_hooks(asyncio.get_running_loop(), window.notice.notify)
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    window.window_closed.connect(lambda: None if closed.done() else closed.set_result(None))
    close_on_signals(closed)
    wire_vault(window, vault)
    if opts.window_size is not None:
        window.resize(*opts.window_size)
    window.show()
    code = 0
    try:
        await session.start()
        if not session.symbol_instruments() and any(session.instruments.values()):
            listed = ", ".join(c.symbol for c in session.symbol_choices()[1:9])
            print(f"sor-desktop: no venue lists {opts.symbol}; try one of: {listed}", file=sys.stderr)
            return 2
        window.on_session_started()
        prefill(window, opts.side, opts.amount, opts.hold_hours)
        if opts.demo_sweep_bps is not None:
            await asyncio.sleep(1.0)
            window.demo_sweep(opts.demo_sweep_bps)
        if opts.demo_reject:
            reject_next_order(session, opts.demo_reject)
        if opts.demo_route and (opts.amount or opts.demo_sweep_bps is not None):
            await asyncio.sleep(1.0)
            window.prefs.skip_confirm = True  # this run only (the layout and prefs are not saved)
            window.prefs.type_above_notional = math.inf  # a demo types nothing
            window.refresh_preview(now=True)
            window.routing.request_route()
        if opts.demo_flatten:
            await asyncio.sleep(2.0)
            if not opts.demo_route:
                await open_demo_hedge(session)
            await session.refresh_accounts()
            window.docks["positions"].raise_()
            window.prefs.skip_confirm = False
            window.flatten()
            if opts.demo_send and window.confirm is not None:
                await asyncio.sleep(1.0)
                if window.confirm.typed is not None:
                    window.confirm.typed.setText(window.confirm.expected)
                window.confirm.accept()
                await asyncio.sleep(1.0)
                await session.refresh_accounts()
                window.docks["blotter"].raise_()
        log.info("window up in %.2fs (%s, %d venues)", time.monotonic() - T0, mode, len(session.venues))
        if opts.screenshot is not None:
            await asyncio.sleep(opts.after)
            code = 0 if save_screenshot(window, opts.screenshot) else 1
        else:
            await closed
    finally:
        await shutdown(window, session)
        logging.getLogger().removeHandler(handler)
    return code


async def open_demo_hedge(session: object) -> None:
    """README screenshots (simulated only): a long on one venue, a short on another, and a short on
    a venue's inverse market of the base when there is one, each its own route: a hedged position
    for the flatten to close in one route."""
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.preview import PreviewRequest
    from sor_desktop.engine.session import Session

    assert isinstance(session, Session)
    venues = sorted(session.symbol_instruments())
    wanted = [(Side.BUY, "1", venues[0], frozenset[str]()), (Side.SELL, "0.6", venues[-1], frozenset[str]())]
    for _key, (venue, _symbol) in sorted(session.companions().items())[:1]:
        wanted.append((Side.SELL, "0.3", venue, frozenset({venue})))  # its inverse market alone
    for side, amount, venue, off in wanted if len(venues) > 1 else ():
        pv = session.preview(PreviewRequest(session.symbol, side, amount, included=frozenset({venue}),
                                            switched_off=off))
        if pv.plan is None or not pv.plan.legs:
            log.warning("demo hedge: nothing to %s on %s (%s)", side, venue, pv.error or "no plan")
            continue
        session.submit(pv.plan)
        routes = [t for t in session.tasks if t.get_name().startswith("route:")]
        if routes:
            await asyncio.wait(routes, timeout=10)


def reject_next_order(session: object, venue: str) -> None:
    """The simulated venue's fault hook: its next order is refused as the venue words a margin
    reject (README screenshot of a rejected leg). Simulated venues only."""
    from sor_desktop.engine.session import Session

    assert isinstance(session, Session)
    faults = getattr(session.venues.get(venue), "faults", None)
    if faults is None:
        log.warning("--demo-reject %s: not a simulated venue of this session", venue)
        return
    faults.reject_next("2005 Insufficient balance")


def close_on_signals(closed: asyncio.Future[None]) -> None:
    """Ctrl+C in the terminal that started the window, and SIGTERM from the desktop session, close
    it like its close button (layout saved, feeds and venues stopped) instead of being ignored or
    killing it mid-write. Python runs the handler at the next frame: the frame timer keeps the
    interpreter waking up under Qt's loop."""
    loop = closed.get_loop()

    def request_close(signum: int, _frame: object) -> None:
        log.info("%s received: closing the window", signal.Signals(signum).name)
        loop.call_soon_threadsafe(lambda: None if closed.done() else closed.set_result(None))

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_close)


def wire_vault(window: object, vault: Vault | None) -> None:
    """Tools > API keys (and Unlock vault) with the venue check; without a vault the menu offers to
    create one. The session vault's idle auto-lock stops live order entry until it is unlocked."""
    from sor_desktop.ui import vault_dialogs
    from sor_desktop.ui.main_window import MainWindow
    from sor_desktop.venues.permissions import probe_permissions

    assert isinstance(window, MainWindow)
    checker = vault_dialogs.asyncio_checker(probe_permissions)
    if vault is None:
        window.vault_menu.checker = checker
        return
    window.vault_menu.attach(vault, checker)
    vault.add_lock_listener(lambda: window.lock_trading("the vault locked itself (idle); unlock it in Tools"))


def save_screenshot(window: object, path: Path) -> bool:
    from PySide6.QtWidgets import QWidget

    assert isinstance(window, QWidget)
    pix = window.grab()
    dialog = getattr(window, "confirm", None)
    if isinstance(dialog, QWidget) and dialog.isVisible():
        # an open confirmation is a window of its own: drawn where it stands over the main window
        from PySide6.QtGui import QPainter

        painter = QPainter(pix)
        at = dialog.frameGeometry().topLeft() - window.geometry().topLeft()
        if not pix.rect().contains(at):
            at = pix.rect().center() - dialog.rect().center()
        painter.drawPixmap(at, dialog.grab())
        painter.end()
    ok = bool(pix.save(str(path), "PNG"))
    if ok:
        print(f"saved {path}")
    else:
        print(f"sor-desktop: could not write {path}", file=sys.stderr)
    return ok


async def shutdown(window: object, session: object) -> None:
    """Ordered: stop the frame timer and save the layout, then the session stops its feeds,
    cancels its tasks (bounded wait) and closes every venue; only then does Qt quit."""
    from PySide6.QtWidgets import QApplication

    from sor_desktop.engine.session import Session
    from sor_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(session, Session)
    window.timer.stop()
    window.save_layout()
    try:
        await asyncio.wait_for(session.stop(), 10.0)
    except TimeoutError:
        log.error("shutdown: the session did not stop within 10 s")
    window.hide()
    window.deleteLater()
    app = QApplication.instance()
    if app is not None:
        app.quit()


def prefill(window: MainWindow, side: str, amount: str | None, hold_hours: float | None) -> None:
    """The ticket as ``--side``, ``--amount`` and ``--hold-hours`` set it (the side even with no
    amount: ``--side sell`` alone opened on Buy)."""
    window.routing.pick_side(side)
    if amount:
        window.routing.amount.setText(amount)
    if hold_hours:
        window.routing.advanced.setChecked(True)
        window.routing.futures.hold.setValue(hold_hours)
