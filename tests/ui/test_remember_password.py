"""'Remember on this computer': off by default, only an OS secret store, a clear way to forget it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from sor_desktop.security import remember
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault
from sor_desktop.ui import vault_dialogs as vd
from tests.security.memory_keyring import MemoryKeyring

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORD = "master password 1"


@pytest.fixture
def store() -> Iterator[MemoryKeyring]:
    old = keyring.get_keyring()
    mem = MemoryKeyring()
    keyring.set_keyring(mem)
    try:
        yield mem
    finally:
        keyring.set_keyring(old)


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    v = Vault(tmp_path / "vault.sorv", kdf_params=CHEAP)
    v.create(PASSWORD)
    v.lock()
    return v


def test_off_by_default_then_remembered_and_used_at_next_start(qtbot, store: MemoryKeyring, vault: Vault,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = vd.UnlockDialog(Vault(vault.path, kdf_params=CHEAP))
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled() and not dialog.remember.isChecked()
    dialog.password.setText(PASSWORD)
    assert dialog.try_unlock()
    assert store.store == {}  # not ticked: nothing kept
    dialog = vd.UnlockDialog(Vault(vault.path, kdf_params=CHEAP))
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.remember.setChecked(True)
    assert dialog.try_unlock()
    assert list(store.store.values()) == [PASSWORD]
    for f in vault.path.parent.iterdir():  # nothing in plain files beside the vault
        assert PASSWORD.encode() not in f.read_bytes()
    monkeypatch.setattr(vd.UnlockDialog, "exec", lambda self: pytest.fail("asked though remembered"))
    got = vd.unlock_or_continue(None, Vault(vault.path, kdf_params=CHEAP))
    assert got is not None and not got.locked
    assert remember.forget(vault.path) and store.store == {}


def test_a_remembered_password_that_no_longer_opens_is_forgotten(qtbot, store: MemoryKeyring, vault: Vault,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    remember.remember(vault.path, "an old password that changed")
    shown: list[str] = []

    def exec_(self: vd.UnlockDialog) -> int:
        shown.append(self.error.text())
        self.reject()
        return 0

    monkeypatch.setattr(vd.UnlockDialog, "exec", exec_)
    assert vd.unlock_or_continue(None, Vault(vault.path, kdf_params=CHEAP)) is None
    assert shown and "no longer opens the vault" in shown[0] and "forgotten" in shown[0]
    assert store.store == {}


def test_no_os_store_means_no_option(qtbot, vault: Vault) -> None:
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = vd.UnlockDialog(Vault(vault.path, kdf_params=CHEAP))
        qtbot.addWidget(dialog)
        assert not dialog.remember.isEnabled()
        assert "no OS secret store" in dialog.remember.toolTip()
        with pytest.raises(RuntimeError, match="no OS secret store"):
            remember.remember(vault.path, PASSWORD)
    finally:
        keyring.set_keyring(old)


def test_plain_file_backends_are_refused() -> None:
    class PlaintextLike(MemoryKeyring):
        pass

    PlaintextLike.__module__ = "keyrings.alt.file"
    old = keyring.get_keyring()
    keyring.set_keyring(PlaintextLike())
    try:
        assert remember.unavailable_reason() is not None
    finally:
        keyring.set_keyring(old)
