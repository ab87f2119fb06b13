"""The real app end to end (qasync loop, sim venues, feeds, ordered shutdown) through its CLI."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def run(args: list[str], home) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOR_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "sor_desktop", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_screenshot_of_the_simulated_market(tmp_path, qapp):
    out = tmp_path / "shot.png"
    r = run(["--sim", "--screenshot", str(out), "--after", "1.5", "--amount", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1600, 1000)
    # the banner row is the simulated-mode blue, not an empty grey window
    banner = img.pixelColor(img.width() // 3, 30)
    assert banner.blue() > 120 and banner.red() < 80, banner.name()
    log = (tmp_path / "logs" / "sor-desktop.log").read_text()
    assert "Traceback" not in log and "window up in" in log


def test_bad_screenshot_folder_is_one_line_exit_2(tmp_path):
    r = run(["--sim", "--screenshot", str(tmp_path / "nope" / "x.png")], tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "does not exist" in r.stderr


def test_screenshot_at_a_given_size(tmp_path, qapp):
    out = tmp_path / "small.png"
    r = run(["--sim", "--size", "1280x720", "--screenshot", str(out), "--after", "1", "--amount", "2"], tmp_path)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 720)


def test_bad_size_is_one_line_exit_2(tmp_path):
    for bad in ("1280", "10x10", "axb"):
        r = run(["--sim", "--size", bad, "--screenshot", str(tmp_path / "x.png")], tmp_path)
        assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "--size" in r.stderr, r.stderr


def test_demo_flatten_of_a_hedged_position_is_one_route_of_both_sides(tmp_path, qapp, monkeypatch):
    """--demo-flatten without --demo-route opens a long on one venue and shorts elsewhere (Bybit's
    inverse market too), then flattens them; --demo-send presses Send: one route in the journal."""
    from sor_desktop import paths
    from sor_desktop.core.orders import Side
    from sor_desktop.engine.journal import Journal

    out = tmp_path / "shot.png"
    r = run(["--sim", "--size", "1280x720", "--screenshot", str(out), "--after", "0.5", "--demo-flatten",
             "--demo-send"], tmp_path)
    assert r.returncode == 0, r.stderr
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    journal = Journal(paths.journal_path(), exclusive=False)
    try:
        flatten, *opened = journal.recent_routes()
        assert flatten.side is None and flatten.reduce_only and flatten.state == "done"
        assert len(opened) == 3 and all(not o.reduce_only for o in opened)
        legs = journal.legs(flatten.route_id)
        assert {lg.side for lg in legs} == {Side.SELL, Side.BUY} and len(legs) == 3
        assert all(lg.status == "filled" for lg in legs)
    finally:
        journal.close()


def test_demo_flatten_needs_the_simulated_market(tmp_path):
    r = run(["--paper", "--demo-flatten"], tmp_path)
    assert r.returncode == 2 and "--demo-flatten and --demo-send need --sim" in r.stderr
