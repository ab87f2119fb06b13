"""Vault dialogs: unlock at start (or continue without keys) and the key manager.

Standalone widgets for the main window to wire in:

- ``unlock_or_continue(parent, vault=None) -> Vault | None``: modal; the unlocked vault, or ``None``
  when the trader continues without keys (simulated or public books only).
- ``KeyManagerDialog(vault, checker=..., venues=...)``: add, edit, remove and test keys. It emits
  ``keys_changed`` after every saved change and closes itself when the vault locks (idle timeout).
- ``PermissionChecker``: how the manager asks a venue about a key without knowing about asyncio or
  ccxt; ``asyncio_checker(probe)`` adapts ``venues.permissions.probe_permissions`` on the qasync loop.

Wiring, from the composition root (which may import the venue layer; this module does not)::

    from sor_desktop.venues.permissions import probe_permissions
    manager = KeyManagerDialog(vault, checker=asyncio_checker(probe_permissions), parent=window)
    manager.keys_changed.connect(window.on_keys_changed)
    manager.open()
    vault.add_lock_listener(window.stop_live_orders)   # idle auto-lock: window calls vault.lock()

Secrets are typed into password fields (Qt disables copy and cut there), never shown back: editing a
key leaves its secrets blank, meaning unchanged. Keys in the table are masked. After a save, the
clipboard is cleared if it still holds what was pasted, so it does not linger in clipboard history.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import replace
from enum import StrEnum

from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sor_desktop import paths
from sor_desktop.security import remember as remember_store
from sor_desktop.security.entries import KeyEntry, KeyRole, trim_notes
from sor_desktop.security.errors import ReusedSecret, VaultError
from sor_desktop.security.permissions import KeyPermissions, Verdict, unchecked
from sor_desktop.security.vault import Vault
from sor_desktop.ui import theme
from sor_desktop.venues.quirks import DEFAULT_VENUES

log = logging.getLogger(__name__)

PermissionChecker = Callable[[KeyEntry, Callable[[KeyPermissions], None]], None]
UNCHANGED = "unchanged (leave blank to keep)"
ERROR_STYLE = "color: #e05252"
DEFAULT_LABEL = "main"


def free_label(venue: str, taken: Collection[tuple[str, str]], base: str = DEFAULT_LABEL) -> str:
    """``base`` if ``venue`` has no key by that label, else the first free ``base-2``, ``base-3``, ..."""
    label, n = base, 1
    while (venue, label) in taken:
        n += 1
        label = f"{base}-{n}"
    return label


def asyncio_checker(probe: Callable[[KeyEntry], Awaitable[KeyPermissions]]) -> PermissionChecker:
    """Run ``probe`` as a task on the running (qasync) loop and hand its result back."""
    tasks: set[asyncio.Task[KeyPermissions]] = set()

    def check(entry: KeyEntry, done: Callable[[KeyPermissions], None]) -> None:
        task = asyncio.ensure_future(probe(entry))
        tasks.add(task)

        def finished(t: asyncio.Task[KeyPermissions]) -> None:
            tasks.discard(t)
            if t.cancelled():
                done(unchecked(entry.venue, "the check was cancelled"))
            elif (exc := t.exception()) is not None:
                log.error("permission check of %s/%s failed: %s", entry.venue, entry.label, type(exc).__name__)
                done(unchecked(entry.venue, f"the check failed: {type(exc).__name__}"))
            else:
                done(t.result())

        task.add_done_callback(finished)

    return check


def _password_field(placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setPlaceholderText(placeholder)
    return field


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


class UnlockOutcome(StrEnum):
    UNLOCKED = "unlocked"
    WITHOUT_KEYS = "without keys"


class UnlockDialog(QDialog):
    """Unlock the vault (or create it when there is none yet), or continue without keys."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.outcome: UnlockOutcome | None = None
        self.creating = not vault.exists()
        self.setWindowTitle("Create the key vault" if self.creating else "Unlock the key vault")
        self.setModal(True)
        self.setMinimumWidth(460)
        intro = QLabel(
            f"No key vault yet at <code>{vault.path}</code>: choose a master password to create it."
            if self.creating
            else f"Master password for <code>{vault.path}</code>"
        )
        intro.setWordWrap(True)
        self.password = _password_field("master password")
        self.confirm = _password_field("repeat the master password")
        self.confirm.setVisible(self.creating)
        self.error = _error_label()
        self.busy = False
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # no measure of Argon2's progress: a busy bar with what it does
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.remember = QCheckBox("Remember on this computer (in the OS secret store)")
        cannot = remember_store.unavailable_reason()
        self.remember.setEnabled(cannot is None)
        self.remember.setToolTip(cannot or "Unlocks at start without asking; Tools > Forget remembered password undoes it")
        self.unlock_button = QPushButton("Create" if self.creating else "Unlock")
        self.unlock_button.setDefault(True)
        self.without_button = QPushButton("Continue without keys")
        self.without_button.setToolTip("Simulated market or public books only; no live orders")
        self.unlock_button.clicked.connect(self.try_unlock)
        self.without_button.clicked.connect(self.continue_without_keys)
        buttons = QHBoxLayout()
        buttons.addWidget(self.without_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        lay = QVBoxLayout(self)
        for w in (intro, self.password, self.confirm, self.remember, self.progress, self.error):
            lay.addWidget(w)
        lay.addLayout(buttons)

    def try_unlock(self) -> bool:
        """Create or unlock; True when done. The key derivation (Argon2, 0.3 s by default and up to
        what a vault header may ask) runs on a worker thread while the window keeps painting."""
        if self.busy:
            return False
        password = self.password.text()
        if self.creating and password != self.confirm.text():
            # the repeat is what is asked again: clearing both made the trader type it twice more
            self.error.setText("the two passwords differ: type the same one again in the second field")
            self.confirm.clear()
            self.confirm.setFocus()
            return False
        try:
            if self.creating:
                self._off_thread(lambda: self.vault.create(password), "creating the vault")
            else:
                self._off_thread(lambda: self.vault.unlock(password), "deriving the key from the password")
        except (VaultError, OSError) as exc:
            text = str(exc) if isinstance(exc, VaultError | paths.UnsafeFolder) else (
                f"cannot open {exc.filename or self.vault.path}: {exc.strerror or type(exc).__name__}")
            self.error.setText(text)
            self.password.clear()
            self.confirm.clear()
            self.password.setFocus()
            return False
        if self.remember.isChecked():
            try:
                remember_store.remember(self.vault.path, password)
            except Exception as exc:  # noqa: BLE001 -- unlocked all the same; say the store failed
                log.warning("could not remember the password: %s", type(exc).__name__)
                QMessageBox.warning(self, "Not remembered",
                                    f"The vault is unlocked, but the OS secret store refused the password "
                                    f"({type(exc).__name__}); you will be asked again next time.")
        self._forget()
        self.outcome = UnlockOutcome.UNLOCKED
        self.accept()
        return True

    def _off_thread(self, work: Callable[[], None], what: str) -> None:
        """Run ``work`` on a worker thread; re-raise its error here. A local event loop keeps the
        dialog (and the window behind it) painting; the buttons are off meanwhile."""
        failure: list[BaseException] = []

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 -- handed to the GUI thread, re-raised there
                failure.append(exc)

        self.busy = True
        self.error.setText("")
        self.progress.setFormat(what + "…")
        self.progress.show()
        for w in (self.unlock_button, self.without_button, self.password, self.confirm):
            w.setEnabled(False)
        worker = threading.Thread(target=run, name="vault-unlock", daemon=True)
        loop = QEventLoop(self)
        poll = QTimer(self)
        poll.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
        worker.start()
        poll.start(15)
        try:
            loop.exec()
        finally:
            poll.stop()
            worker.join()
            self.busy = False
            self.progress.hide()
            for w in (self.unlock_button, self.without_button, self.password, self.confirm):
                w.setEnabled(True)
        if failure:
            raise failure[0]

    def continue_without_keys(self) -> None:
        self._forget()
        self.outcome = UnlockOutcome.WITHOUT_KEYS
        self.reject()

    def reject(self) -> None:  # Escape or the close button: same as continuing without keys
        if self.busy:  # the worker is filling the vault in: let it finish, then decide
            return
        self._forget()
        if self.outcome is None:
            self.outcome = UnlockOutcome.WITHOUT_KEYS
        super().reject()

    def _forget(self) -> None:
        self.password.clear()
        self.confirm.clear()


def unlock_or_continue(parent: object = None, vault: Vault | None = None) -> Vault | None:
    """Modal unlock at start. ``parent`` is typed loosely because the app hands over whatever window
    it has (or none); anything but a QWidget is ignored."""
    vault = vault or Vault()
    dialog = UnlockDialog(vault, parent if isinstance(parent, QWidget) else None)
    remembered = remember_store.recall(vault.path) if vault.exists() else None
    if remembered is not None:
        dialog.password.setText(remembered)
        dialog.remember.setChecked(True)
        if dialog.try_unlock():
            return vault
        remember_store.forget(vault.path)  # changed elsewhere, or not ours: never try it again
        dialog.remember.setChecked(False)
        dialog.error.setText(f"the remembered password no longer opens the vault ({dialog.error.text()}); "
                             "it was forgotten")
    dialog.exec()
    return vault if dialog.outcome is UnlockOutcome.UNLOCKED and not vault.locked else None


PRACTICE = ("Make this key on the venue's API page for futures trading only: withdrawals off, bound "
            "to this computer's IP address. Balances and positions can use a separate read-only key; "
            "one key is never stored twice.")


class KeyEditDialog(QDialog):
    """The form for one key. ``entry()`` builds the ``KeyEntry`` (raises ``VaultError`` on bad input).

    ``taken`` holds the (venue, label) of the keys already saved: a new key proposes a free label
    and Save refuses a taken one in the form, keeping what was typed (the manager would only find
    the clash after the form closed and its secrets were cleared)."""

    def __init__(
        self,
        venues: Sequence[str],
        existing: KeyEntry | None = None,
        parent: QWidget | None = None,
        *,
        taken: Collection[tuple[str, str]] = (),
        check: Callable[[KeyEntry], None] | None = None,
    ):
        super().__init__(parent)
        self.existing = existing
        self.taken = frozenset(taken)
        # the vault's own refusal (a key stored elsewhere: ``Vault.check_addable``), asked before
        # the form closes, so a refused key keeps the venue, label and secret typed
        self.check = check
        self.setWindowTitle("Edit key" if existing else "Add key")
        self.setModal(True)
        self.venue = QComboBox()
        self.venue.addItems(list(venues))
        self.label = QLineEdit(free_label(self.venue.currentText(), self.taken))
        self._proposed = self.label.text()
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)  # visible only while typing
        self.secret = _password_field()
        self.passphrase = _password_field("only for venues that have one")
        self.testnet = QCheckBox("testnet / sandbox key")
        self.role = QComboBox()
        for role, text in ROLE_TEXT.items():
            self.role.addItem(text, role)
        self.role.setToolTip("Never the same key for trading and for data: a leaked data key then cannot trade")
        if existing:
            self.venue.setCurrentText(existing.venue)
            self.venue.setEnabled(False)
            self.label.setText(existing.label)
            self.label.setReadOnly(True)
            self.api_key.setPlaceholderText(f"{existing.masked_key} — {UNCHANGED}")
            self.secret.setPlaceholderText(UNCHANGED)
            if existing.passphrase:
                self.passphrase.setPlaceholderText(UNCHANGED)
            self.testnet.setChecked(existing.testnet)
            self.role.setCurrentIndex(self.role.findData(existing.role))
        else:
            self.venue.currentTextChanged.connect(self._propose_label)
        self.error = _error_label()
        form = QFormLayout()
        form.addRow("Venue", self.venue)
        form.addRow("Label", self.label)
        form.addRow("API key", self.api_key)
        form.addRow("Secret", self.secret)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Role", self.role)
        form.addRow("", self.testnet)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        # what the practice asks of the key, before it is made, not only in the check after Save
        self.practice = QLabel(PRACTICE)
        self.practice.setWordWrap(True)
        self.practice.setStyleSheet(f"color: {theme.MUTED};")
        self.practice.setVisible(existing is None)
        lay.addWidget(self.practice)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.result_entry: KeyEntry | None = None
        self.trim_notes: list[str] = []  # what ``entry()`` trimmed from the typed fields, to be said

    def entry(self) -> KeyEntry:
        old = self.existing
        if old is None:
            return KeyEntry(
                venue=self.venue.currentText(),
                label=self.label.text().strip(),
                api_key=self.api_key.text(),
                secret=self.secret.text(),
                passphrase=self.passphrase.text() or None,
                testnet=self.testnet.isChecked(),
                role=self.role.currentData(),
            )
        return replace(
            old,
            api_key=self.api_key.text() or old.api_key,
            secret=self.secret.text() or old.secret,
            passphrase=self.passphrase.text() or old.passphrase,
            testnet=self.testnet.isChecked(),
            role=self.role.currentData(),
        )

    def _propose_label(self, venue: str) -> None:
        # only while the label is still our proposal: never overwrite one the trader typed
        if self.label.text() == self._proposed:
            self._proposed = free_label(venue, self.taken)
            self.label.setText(self._proposed)

    def _save(self) -> None:
        try:
            entry = self.entry()
        except VaultError as exc:
            self._refuse(str(exc))
            return
        if self.existing is None and entry.key_id in self.taken:
            self._refuse(
                f"a key {entry.venue}/{entry.label} already exists: choose another label "
                f"(e.g. {free_label(entry.venue, self.taken, entry.label)}) or edit that key"
            )
            self.label.setFocus()
            self.label.selectAll()
            return
        if self.check is not None:
            try:
                self.check(entry)
            except VaultError as exc:
                self._refuse(str(exc))
                # the field to type again: the secret when another key holds it, else the key
                wrong = self.secret if isinstance(exc, ReusedSecret) else self.api_key
                wrong.setFocus()
                wrong.selectAll()
                return
        self.trim_notes = trim_notes(
            {"API key": self.api_key.text(), "secret": self.secret.text(), "passphrase": self.passphrase.text()})
        self.result_entry = entry
        self.accept()

    def _refuse(self, text: str) -> None:
        """Why Save did not close the form, under it; the form grows to show it whole (four lines
        squeezed the fields above it)."""
        self.error.setText(text)
        lay = self.layout()
        if lay is not None:
            lay.activate()
        self.resize(self.width(), max(self.height(), self.heightForWidth(self.width()), self.sizeHint().height()))

    def done(self, result: int) -> None:
        for field in (self.api_key, self.secret, self.passphrase):
            field.clear()
        super().done(result)


ROLE_TEXT = {KeyRole.TRADE: "trade — places orders", KeyRole.READ_ONLY: "read-only — account data only"}
COLUMNS = ("venue", "label", "role", "orders", "API key", "net", "created", "permissions")


class KeyManagerDialog(QDialog):
    keys_changed = Signal()

    def __init__(
        self,
        vault: Vault,
        *,
        checker: PermissionChecker | None = None,
        venues: Sequence[str] = DEFAULT_VENUES,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault = vault
        self.checker = checker
        self.venues = list(venues)
        self.permissions: dict[tuple[str, str], KeyPermissions] = {}
        self._closed = False
        self._busy = False  # a venue check is running: no second action meanwhile
        self.setWindowTitle("API keys")
        self.setMinimumSize(760, 320)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.test_button = QPushButton("Test")
        self.use_button = QPushButton("Use for orders")
        self.use_button.setToolTip("The trade key this venue's orders use, in the window and every command")
        close = QPushButton("Close")
        self.add_button.clicked.connect(lambda: self.edit_key(None))
        self.edit_button.clicked.connect(lambda: self.edit_key(self.selected()))
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.test_button.clicked.connect(lambda: self.test_selected())
        self.use_button.clicked.connect(lambda: self.use_selected())
        close.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.test_button, self.use_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.status)
        lay.addLayout(row)
        vault.add_lock_listener(self._on_vault_locked)
        self.refresh()

    # -- table -----------------------------------------------------------------------------
    def refresh(self) -> None:
        entries = self.vault.entries()
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            perm = self.permissions.get(e.key_id)
            cells = (
                e.venue,
                e.label,
                e.role.value,
                self._orders_text(e),
                e.masked_key,
                "testnet" if e.testnet else "live",
                e.created.date().isoformat(),
                perm.summary(e.role.value).split(": ", 1)[1] if perm else "not checked",
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.key_id)
                self.table.setItem(r, c, item)
        self._update_buttons()

    def _orders_text(self, e: KeyEntry) -> str:
        if e.role is not KeyRole.TRADE:
            return "—"
        try:
            chosen = self.vault.trade_key(e.venue)
        except VaultError:
            return "choose one"
        return "this key" if chosen is not None and chosen.key_id == e.key_id else ""

    def selected(self) -> KeyEntry | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        if item is None:
            return None
        venue, label = item.data(Qt.ItemDataRole.UserRole)
        return self.vault.get(venue, label)

    def select(self, venue: str, label: str) -> None:
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == (venue, label):
                self.table.selectRow(r)
                return

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self._busy
        has = self.table.selectionModel().hasSelection()
        self.add_button.setEnabled(not busy)
        for b in (self.edit_button, self.remove_button, self.test_button):
            b.setEnabled(has and not busy)
        self.test_button.setEnabled(has and not busy and self.checker is not None)
        chosen = self.selected() if has else None
        self.use_button.setEnabled(not busy and chosen is not None and chosen.role is KeyRole.TRADE
                                   and self._orders_text(chosen) != "this key")

    # -- actions ---------------------------------------------------------------------------
    def edit_key(self, existing: KeyEntry | None) -> None:
        form = KeyEditDialog(self.venues, existing, self, taken={e.key_id for e in self.vault.entries()},
                             check=lambda e: self.vault.check_addable(e, replace=existing is not None))
        if form.exec() != QDialog.DialogCode.Accepted or form.result_entry is None:
            return
        self.submit(form.result_entry, replace=existing is not None, notes=form.trim_notes)

    def submit(self, entry: KeyEntry, *, replace: bool = False, notes: Sequence[str] = ()) -> None:
        """Check ``entry`` with the venue (when a checker is wired), then save it unless refused;
        ``notes`` are said with the save (what the form trimmed)."""
        try:
            self.vault.check_addable(entry, replace=replace)  # a reused key is refused before the venue is asked
        except VaultError as exc:
            self._say(str(exc), error=True)
            return
        if self.checker is None:
            self._save(entry, replace, unchecked(entry.venue, "not checked (no connection to the venue here)"), notes)
            return
        self._set_busy(True)
        self._say(f"checking {entry.venue}/{entry.label} with the venue…")
        self.checker(entry, lambda result: self._save(entry, replace, result, notes))

    def _save(self, entry: KeyEntry, replace: bool, result: KeyPermissions, notes: Sequence[str] = ()) -> None:
        if self._closed or self.vault.locked:
            return
        self._set_busy(False)
        if result.verdict is Verdict.REFUSE:
            self._say(f"refused {entry.venue}/{entry.label}: the key can withdraw. " + " ".join(result.notes), error=True)
            return
        try:
            self.vault.add(entry, replace=replace)
        except (VaultError, OSError) as exc:
            self._say(f"could not save: {exc}", error=True)
            return
        self._scrub_clipboard(entry)
        self.permissions[entry.key_id] = result
        self.refresh()
        self.select(*entry.key_id)
        self._say("\n".join([f"saved {entry.venue}/{entry.label}", *notes, *result.lines()]))
        self.keys_changed.emit()

    def use_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        try:
            self.vault.use(*entry.key_id)
        except (VaultError, OSError) as exc:
            self._say(f"could not choose it: {exc}", error=True)
            return
        self.refresh()
        self.select(*entry.key_id)
        self._say(f"{entry.venue} orders use {entry.venue}/{entry.label}")
        self.keys_changed.emit()

    def remove_selected(self, *, confirm: bool = True) -> None:
        entry = self.selected()
        if entry is None:
            return
        if confirm:
            answer = QMessageBox.question(self, "Remove key", f"Remove the key {entry.venue}/{entry.label}?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            waiting = self.vault.remove(*entry.key_id)
        except (VaultError, OSError) as exc:
            self._say(f"could not remove: {exc}", error=True)
            return
        self.permissions.pop(entry.key_id, None)
        self.refresh()
        self._say(f"removed {entry.venue}/{entry.label}" + (
            f"; no trade key is chosen for {entry.venue} now: choose one of {', '.join(waiting)} with Use for orders"
            if waiting else ""))
        self.keys_changed.emit()

    def test_selected(self) -> None:
        entry = self.selected()
        if entry is None or self.checker is None:
            return
        self._set_busy(True)
        self._say(f"checking {entry.venue}/{entry.label}…")
        self.checker(entry, lambda result: self._tested(entry, result))

    def _tested(self, entry: KeyEntry, result: KeyPermissions) -> None:
        if self._closed or self.vault.locked:
            return
        self._set_busy(False)
        self.permissions[entry.key_id] = result
        self.refresh()
        self.select(*entry.key_id)
        self._say("\n".join(result.lines()), error=result.verdict is Verdict.REFUSE)

    # -- helpers ---------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)

    @staticmethod
    def _scrub_clipboard(entry: KeyEntry) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() and clipboard.text().strip() in {entry.api_key, entry.secret, entry.passphrase}:
            clipboard.clear()

    def _on_vault_locked(self) -> None:
        self.table.setRowCount(0)
        self.reject()

    def done(self, result: int) -> None:
        self._closed = True
        self.vault.remove_lock_listener(self._on_vault_locked)
        super().done(result)
