"""Tools > API keys… from a window started without a vault: create one, then manage keys; the
Unlock item shows only while a vault exists and is locked."""

from __future__ import annotations

from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault
from sor_desktop.ui.vault_dialogs import KeyManagerDialog

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORD = "master password 1"


def _action(window, text: str):
    found = [a for a in window.tools_menu.actions() if a.text() == text]
    assert found, f"no Tools > {text} (have {[a.text() for a in window.tools_menu.actions()]})"
    return found[0]


def test_api_keys_creates_a_vault_when_there_is_none(window, tmp_path):
    keys = _action(window, "API keys…")
    vault = Vault(tmp_path / "menu.sorv", kdf_params=CHEAP)  # the default file, with a cheap KDF
    window.vault_menu.vault = vault
    window.vault_menu.update_actions()
    assert not _action(window, "Unlock vault…").isVisible()  # nothing to unlock yet
    keys.trigger()
    dlg = window.vault_menu.unlock_dialog
    assert dlg is not None and dlg.creating and dlg.confirm.isVisible()
    dlg.password.setText(PASSWORD)
    dlg.confirm.setText("something else")
    dlg.unlock_button.click()
    assert not vault.exists() and "differ" in dlg.error.text()
    dlg.password.setText(PASSWORD)
    dlg.confirm.setText(PASSWORD)
    dlg.unlock_button.click()
    assert vault.exists() and not vault.locked
    assert isinstance(window.vault_menu.manager, KeyManagerDialog) and window.vault_menu.manager.isVisible()
    window.vault_menu.manager.accept()
    assert not _action(window, "Unlock vault…").isVisible()  # unlocked: hidden
    vault.lock()
    window.tools_menu.aboutToShow.emit()  # the trader opens the menu again
    assert _action(window, "Unlock vault…").isVisible()


def test_cancel_creates_nothing(window, tmp_path):
    vault = Vault(tmp_path / "menu.sorv", kdf_params=CHEAP)
    window.vault_menu.vault = vault
    _action(window, "API keys…").trigger()
    dlg = window.vault_menu.unlock_dialog
    assert dlg.without_button.text() == "Cancel"
    dlg.without_button.click()
    assert not vault.exists() and window.vault_menu.manager is None and window.vault_menu.unlock_dialog is None


def test_the_session_vault_unlocks_from_the_menu_and_order_entry_resumes(window, tmp_path):
    vault = Vault(tmp_path / "live.sorv", kdf_params=CHEAP)
    vault.create(PASSWORD)
    window.vault_menu.attach(vault, None)
    assert not _action(window, "Unlock vault…").isVisible()
    vault.lock()  # the idle auto-lock
    window.lock_trading("idle")
    assert _action(window, "Unlock vault…").isVisible()  # the lock listener shows it at once
    _action(window, "Unlock vault…").trigger()
    dlg = window.vault_menu.unlock_dialog
    assert not dlg.creating
    dlg.password.setText(PASSWORD)
    dlg.unlock_button.click()
    assert not vault.locked and window.trading_locked is None
    assert not _action(window, "Unlock vault…").isVisible()
    assert window.vault_menu.manager is None  # Unlock only unlocks; API keys… opens the manager
