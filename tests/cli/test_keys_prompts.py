"""Without a terminal, a missing API secret or passphrase is asked for by naming the option that
gives it, not the vault password variables (which cannot help)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sor_desktop.cli import keys_cmd
from sor_desktop.cli.main import main
from tests.security.conftest import CHEAP, PASSWORD


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    monkeypatch.delenv("SOR_VAULT_NEW_PASSWORD", raising=False)
    monkeypatch.setattr(keys_cmd, "new_vault_kdf", CHEAP)
    monkeypatch.setattr(keys_cmd, "interactive", lambda: False)
    assert main(["keys", "init"]) == 0
    return tmp_path / "home" / "data" / "vault.sorv"


@pytest.mark.parametrize("argv, option", [
    (["add", "weex", "--api-key", "K" * 16, "--secret", "S" * 16, "--no-check"], "--passphrase"),
    (["add", "binanceusdm", "--api-key", "K" * 16, "--no-check"], "--secret"),
])
def test_a_missing_key_field_names_its_option(env: Path, argv: list[str], option: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["keys", *argv]) == 2
    err = capsys.readouterr().err
    assert option in err and "SOR_VAULT" not in err and err.count("\n") == 1


def test_a_missing_master_password_still_names_the_variable(
        env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SOR_VAULT_PASSWORD")
    capsys.readouterr()
    assert main(["keys", "list"]) == 2
    assert "SOR_VAULT_PASSWORD" in capsys.readouterr().err
