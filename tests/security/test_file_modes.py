"""Files that hold money state are private: folders 0700, vault, journal, logs and window.ini 0600,
whatever the umask; a data folder others can write to is refused with what to run."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sor_desktop import logs, paths
from sor_desktop.cli.main import main
from sor_desktop.engine.journal import Journal
from sor_desktop.security.vault import Vault
from tests.security.conftest import CHEAP, PASSWORD, sample_entry

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def home(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    old = os.umask(request.param)
    try:
        yield tmp_path / "home"
    finally:
        os.umask(old)


def test_first_journal_makes_a_private_data_folder(home: Path) -> None:
    journal = Journal()
    try:
        journal.path.stat()
    finally:
        journal.close()
    assert mode(paths.data_dir()) == 0o700
    assert mode(paths.journal_path()) == 0o600
    for extra in paths.data_dir().iterdir():  # lock, -wal, -shm
        assert mode(extra) == 0o600, extra.name


def test_vault_and_logs_are_private(home: Path) -> None:
    vault = Vault(kdf_params=CHEAP)
    vault.create(PASSWORD)
    vault.add(sample_entry())
    assert mode(paths.data_dir()) == 0o700 and mode(vault.path) == 0o600
    target = logs.setup(logging.INFO)
    try:
        logging.getLogger("test.modes").info("hello")
        handler = next(h for h in logging.getLogger().handlers if getattr(h, "_sor_desktop", False))
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.doRollover()  # the file opened after a rollover is private too
        logging.getLogger("test.modes").info("after rollover")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert mode(paths.log_dir()) == 0o700
    assert mode(target) == 0o600
    assert mode(target.with_name(target.name + ".1")) == 0o600


def test_window_ini_is_private_after_qt_writes_it(home: Path) -> None:
    from sor_desktop.ui.settings import Prefs, open_settings, save_prefs, settings_file

    s = open_settings()
    save_prefs(s, Prefs())
    s.sync()
    assert mode(paths.config_dir()) == 0o700
    assert mode(settings_file()) == 0o600


def test_an_old_0755_data_folder_is_tightened(home: Path) -> None:
    folder = paths.data_dir()
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    paths.ensure_private_folders()
    assert mode(folder) == 0o700


@pytest.mark.parametrize("bad", [0o777, 0o770, 0o702])
def test_a_data_folder_others_can_write_is_refused(home: Path, bad: int, capsys: pytest.CaptureFixture[str]) -> None:
    folder = paths.data_dir()
    folder.mkdir(parents=True)
    os.chmod(folder, bad)
    with pytest.raises(paths.UnsafeFolder, match="chmod 700"):
        Journal()
    rc = main(["journal", "list"])
    err = capsys.readouterr().err
    assert rc == 2
    assert f"chmod 700 '{folder}'" in err and "Traceback" not in err
    assert mode(folder) == bad  # refused, not silently repaired
    assert not paths.journal_path().exists()
