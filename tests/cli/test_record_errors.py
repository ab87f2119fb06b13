"""``record`` suggests --force only when the output file already exists; a missing folder is not
something --force can fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from sor_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_a_missing_folder_does_not_suggest_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "no" / "such" / "dir" / "rec.jsonl"
    rc = main(["record", "--venues", "bybit", "--symbol", "BTC/USDT:USDT", "--out", str(out), "--sim",
               "--seconds", "0.1"])
    err = capsys.readouterr().err
    assert rc == 2 and "cannot write" in err and "--force" not in err
    assert not out.exists()
