"""Ctrl+C in the terminal that started the window (SIGINT) and a polite kill from the desktop or
the session (SIGTERM) go through the same ordered shutdown as closing the window: the layout is
saved, the session stops, the process exits 0, no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_window_in_order(sig: signal.Signals, tmp_path: Path) -> None:
    env = dict(os.environ, SOR_DESKTOP_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-m", "sor_desktop", "--sim"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    log = tmp_path / "logs" / "sor-desktop.log"
    try:
        deadline = time.monotonic() + 30
        while not (log.exists() and "window up in" in log.read_text()):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the window did not come up"
            time.sleep(0.1)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Traceback" not in log.read_text()
    assert (tmp_path / "config" / "window.ini").exists()  # saved by the ordered shutdown
