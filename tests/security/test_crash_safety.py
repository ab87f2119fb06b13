"""SIGKILL during saves, hundreds of times: the vault always opens with the old or the new keys.
The killing runs in a fresh subprocess (see crash_worker) so that fork happens without threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix" or not hasattr(os, "fork"), reason="needs fork and SIGKILL")


def run_worker(folder: Path, rounds: int, seed: int) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.security.crash_worker", str(folder), str(rounds), str(seed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check(report: dict[str, object], rounds: int) -> None:
    assert report["failures"] == []
    assert report["rounds"] == rounds
    # The kills really landed inside saves: temp files left behind, and files replaced whose save
    # never got to report back. Without these the test would prove nothing.
    assert report["temp_left"] > 0
    assert report["in_flight_landed"] > 0
    assert report["backups_checked"] > 0


def test_sigkill_during_saves_never_loses_the_vault(tmp_path: Path) -> None:
    check(run_worker(tmp_path, 300, seed=20240601), 300)


@pytest.mark.slow
def test_sigkill_during_saves_soak(tmp_path: Path) -> None:
    check(run_worker(tmp_path, 3000, seed=7), 3000)
