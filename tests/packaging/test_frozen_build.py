"""Smoke test of the frozen one-folder build (packaging/build.sh runs it after building).

The binary comes from $SOR_FROZEN_APP, else dist/sor-desktop/sor-desktop; without one the tests
skip. Every run gets its own SOR_DESKTOP_HOME so nothing touches the user's real data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

import sor_desktop

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MIN_WIDTH, MIN_HEIGHT = 640, 400


@pytest.fixture(scope="module")
def frozen_app() -> Path:
    app = Path(os.environ.get("SOR_FROZEN_APP") or ROOT / "dist" / "sor-desktop" / "sor-desktop")
    if not (app.is_file() and os.access(app, os.X_OK)):
        pytest.skip(f"no frozen build at {app} (run packaging/build.sh)")
    return app


def _env(home: Path, platform: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    env.update(SOR_DESKTOP_HOME=str(home), QT_QPA_PLATFORM=platform)
    return env


def _run(cmd: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=env["SOR_DESKTOP_HOME"])


def _assert_window_picture(png: Path) -> None:
    """A real picture of the window: big enough, and not one flat colour (a blank or black grab)."""
    image = QImage(str(png))
    assert not image.isNull(), f"{png} is not a readable image"
    assert image.width() >= MIN_WIDTH and image.height() >= MIN_HEIGHT, (image.width(), image.height())
    counts: dict[int, int] = {}
    step = 4
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            rgb = image.pixel(x, y) & 0xFFFFFF
            counts[rgb] = counts.get(rgb, 0) + 1
    samples = sum(counts.values())
    # Thresholds sit far between an empty main window with one label (29 colours, 114 edges,
    # one colour on >99%) and the terminal on the simulated market (~1,200 colours, ~6,000 edges,
    # top colour ~60%).
    assert len(counts) >= 200, f"only {len(counts)} colours: a blank window?"
    assert max(counts.values()) / samples < 0.85, "one colour covers 85% of the picture"
    # Text and lines mean light-dark edges: some pixels must differ strongly from their neighbour.
    edges = 0
    for y in range(0, image.height(), step):
        for x in range(1, image.width()):
            a, b = image.pixelColor(x - 1, y), image.pixelColor(x, y)
            if abs(a.lightness() - b.lightness()) > 60:
                edges += 1
    assert edges > 1000, f"only {edges} sharp edges: no text or lines drawn?"


def test_frozen_version_matches_the_package(frozen_app: Path, tmp_path: Path) -> None:
    result = _run([str(frozen_app), "--version"], _env(tmp_path, "offscreen"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sor-desktop {sor_desktop.__version__}"


def _screenshot(frozen_app: Path, home: Path, env: dict[str, str], wrapper: list[str]) -> Path:
    png = home / "window.png"
    result = _run([*wrapper, str(frozen_app), "--sim", "--screenshot", str(png), "--after", "3"], env)
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert png.is_file(), f"no screenshot written\n{result.stdout}\n{result.stderr}"
    _assert_clean_log(home)
    return png


def _assert_clean_log(home: Path) -> None:
    # Resources that fail to load in a frozen build (icons, package data) only show up as log
    # lines, since the window still opens: none may be there.
    for log_file in (home / "logs").glob("*.log*"):
        text = log_file.read_text(encoding="utf-8", errors="replace")
        assert "app icon:" not in text, text
        assert "Traceback" not in text, text


def test_frozen_window_screenshot_offscreen(frozen_app: Path, tmp_path: Path, qapp) -> None:
    png = _screenshot(frozen_app, tmp_path, _env(tmp_path, "offscreen"), [])
    _assert_window_picture(png)
    keep = os.environ.get("SOR_SMOKE_SCREENSHOT")
    if keep:
        shutil.copyfile(png, keep)


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run not installed (apt-get install xvfb)")
def test_frozen_window_screenshot_on_x11(frozen_app: Path, tmp_path: Path, qapp) -> None:
    # The bundled xcb platform plugin against a real X server: what a Linux desktop user gets.
    env = _env(tmp_path, "xcb")
    png = _screenshot(frozen_app, tmp_path, env, ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"])
    _assert_window_picture(png)


def _without_timing(value: object) -> object:
    # compute_ms is a wall-clock measurement: the one field two correct runs may disagree on.
    if isinstance(value, dict):
        return {k: _without_timing(v) for k, v in value.items() if k != "compute_ms"}
    if isinstance(value, list):
        return [_without_timing(v) for v in value]
    return value


def test_frozen_plan_matches_the_source_tree(frozen_app: Path, tmp_path: Path) -> None:
    # The bundled example books, planned by the frozen program and by the source tree: the same
    # plan proves the router, Decimal rounding and venue specs survived freezing.
    books = frozen_app.parent / "resources" / "example_books.json"
    if not books.is_file():
        pytest.skip("no resources/example_books.json in the bundle")
    env = _env(tmp_path, "offscreen")
    results = {}
    for unit, amount in (("base", "2"), ("quote", "50000")):
        args = ["plan", "--books", str(books), "--side", "buy", "--amount", amount, "--unit", unit, "--json"]
        frozen = _run([str(frozen_app), *args], env)
        source = _run([sys.executable, "-m", "sor_desktop", *args], {**env, "PYTHONPATH": str(ROOT)})
        if source.returncode == 2 and "invalid choice: 'plan'" in source.stderr:
            pytest.skip("the plan subcommand is not in this tree yet")
        assert frozen.returncode == 0, frozen.stderr
        assert source.returncode == 0, source.stderr
        results[unit] = json.loads(frozen.stdout)
        assert _without_timing(results[unit]) == _without_timing(json.loads(source.stdout))
    assert results["base"] != results["quote"]

    human = _run([str(frozen_app), "plan", "--books", str(books), "--side", "sell", "--amount", "2"], env)
    assert human.returncode == 0, human.stderr
    assert human.stdout.startswith("SELL 2 BTC"), human.stdout
