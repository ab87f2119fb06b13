"""A vault in a folder other users can write to is refused, as the journal is: they could swap
the file, plant its lock or backups. The refusal is one line, the folder is left as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sor_desktop import paths
from sor_desktop.cli import keys_cmd
from sor_desktop.cli.main import main
from sor_desktop.security.vault import Vault
from tests.security.conftest import CHEAP, PASSWORD, sample_entry

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    monkeypatch.delenv("SOR_VAULT_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(keys_cmd, "new_vault_kdf", CHEAP)
    monkeypatch.setattr(keys_cmd, "interactive", lambda: False)


def shared(tmp_path: Path, bits: int) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, bits)
    return folder


@pytest.mark.parametrize("bits", [0o1777, 0o777, 0o770, 0o702])
def test_keys_init_in_a_folder_others_can_write_is_refused_in_one_line(
        cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], bits: int) -> None:
    folder = shared(tmp_path, bits)
    assert main(["keys", "init", "--vault", str(folder / "x.sorv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "unexpected" not in err, err
    assert f"{folder} can be written by other users" in err, err
    assert list(folder.iterdir()) == []  # no vault, no lock file, no temporary file
    assert mode(folder) == bits  # refused, not repaired


def test_a_shared_tmp_like_folder_is_not_answered_with_chmod_700(cli: None, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared(tmp_path, 0o1777)  # sticky: shared by design, as /tmp is
    assert main(["keys", "init", "--vault", str(folder / "x.sorv")]) == 2
    err = capsys.readouterr().err
    assert "chmod 700" not in err and "a folder of your own" in err, err


def test_an_existing_vault_whose_folder_became_shared_is_neither_read_nor_written(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    vault = Vault(folder / "vault.sorv", kdf_params=CHEAP)
    vault.create(PASSWORD)
    before = vault.path.read_bytes()
    os.chmod(folder, 0o777)
    with pytest.raises(paths.UnsafeFolder, match="can be written by other users"):
        vault.add(sample_entry())
    assert vault.path.read_bytes() == before
    with pytest.raises(paths.UnsafeFolder):
        Vault(vault.path, kdf_params=CHEAP).unlock(PASSWORD)
    with pytest.raises(paths.UnsafeFolder):
        Vault(folder / "other.sorv", kdf_params=CHEAP).create(PASSWORD)


def test_keys_list_of_a_vault_in_a_shared_folder_says_so(cli: None, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "keys"
    Vault(folder / "vault.sorv", kdf_params=CHEAP).create(PASSWORD)
    os.chmod(folder, 0o777)
    assert main(["keys", "list", "--vault", str(folder / "vault.sorv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{folder} can be written by other users" in err, err


def test_a_private_or_read_only_shared_folder_still_holds_a_vault(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    os.chmod(mine, 0o755)  # others may read (a home folder): the file itself is 0600 and sealed
    vault = Vault(mine / "vault.sorv", kdf_params=CHEAP)
    vault.create(PASSWORD)
    vault.add(sample_entry())
    assert mode(vault.path) == 0o600 and mode(mine) == 0o755
    new = Vault(tmp_path / "new" / "deeper" / "vault.sorv", kdf_params=CHEAP)
    new.create(PASSWORD)
    assert mode(new.path.parent) == 0o700
