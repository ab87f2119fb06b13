"""Tools > "API keys…" and "Unlock vault…": the key vault from inside the window, with or without a
vault at start. Without one, "API keys…" offers to create it (password typed twice) and then opens
the key manager; "Unlock vault…" shows only while a vault exists and is locked."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from sor_desktop.security import remember as remember_store
from sor_desktop.security.vault import Vault
from sor_desktop.ui.vault_dialogs import KeyManagerDialog, PermissionChecker, UnlockDialog, UnlockOutcome

log = logging.getLogger(__name__)


class VaultMenu(QObject):
    def __init__(self, parent: QWidget, menu: QMenu, *, notify: Callable[[str, str], None],
                 on_unlocked: Callable[[], None]) -> None:
        super().__init__(parent)
        self._parent = parent
        self._notify = notify
        self._on_unlocked = on_unlocked
        self.vault: Vault | None = None  # the session's vault, or one made here on first use
        self.checker: PermissionChecker | None = None  # asks the venue about a key (set by the app)
        self.unlock_dialog: UnlockDialog | None = None
        self.manager: KeyManagerDialog | None = None
        self.keys_action = QAction("API keys…", parent)
        self.keys_action.triggered.connect(self.open_keys)
        self.unlock_action = QAction("Unlock vault…", parent)
        self.unlock_action.triggered.connect(lambda: self._ask_password(then_manager=False))
        self.forget_action = QAction("Forget remembered password", parent)
        self.forget_action.triggered.connect(self.forget_password)
        menu.addAction(self.keys_action)
        menu.addAction(self.unlock_action)
        menu.addAction(self.forget_action)
        menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    def attach(self, vault: Vault, checker: PermissionChecker | None) -> None:
        self.vault = vault
        self.checker = checker
        vault.add_lock_listener(self.update_actions)
        self.update_actions()

    def update_actions(self) -> None:
        v = self.vault or Vault()  # without a session vault: the default file under the data dir
        self.unlock_action.setVisible(v.exists() and v.locked)
        self.forget_action.setVisible(remember_store.recall(v.path) is not None)

    def forget_password(self) -> None:
        v = self._current()
        if remember_store.forget(v.path):
            self._notify("info", "the master password is no longer remembered on this computer")
        self.update_actions()

    def _current(self) -> Vault:
        if self.vault is None:
            self.vault = Vault()
        return self.vault

    def open_keys(self) -> None:
        if self._current().locked:
            self._ask_password(then_manager=True)
        else:
            self._open_manager()

    def _ask_password(self, *, then_manager: bool) -> None:
        if self.unlock_dialog is not None:
            self.unlock_dialog.raise_()
            return
        vault = self._current()
        dlg = UnlockDialog(vault, self._parent)
        dlg.without_button.setText("Cancel")  # from the menu, declining changes nothing
        dlg.without_button.setToolTip("")
        self.unlock_dialog = dlg

        def closed(_result: int) -> None:
            self.unlock_dialog = None
            dlg.deleteLater()
            self.update_actions()
            if dlg.outcome is UnlockOutcome.UNLOCKED and not vault.locked:
                self._on_unlocked()
                if then_manager:
                    self._open_manager()

        dlg.finished.connect(closed)
        dlg.open()

    def _open_manager(self) -> None:
        if self.manager is not None:
            self.manager.raise_()
            return
        vault = self._current()
        dlg = KeyManagerDialog(vault, checker=self.checker, parent=self._parent)
        dlg.keys_changed.connect(lambda: self._notify("info", "keys saved: restart to trade with them"))
        self.manager = dlg

        def closed(_result: int) -> None:
            self.manager = None
            dlg.deleteLater()
            self.update_actions()

        dlg.finished.connect(closed)
        dlg.open()
