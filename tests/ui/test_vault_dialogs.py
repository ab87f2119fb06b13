"""Unlock dialog and key manager, offscreen. The vault under them is real (cheap KDF); the venue
check is a function the test controls, run now or later like the qasync task would."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit

from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.permissions import REMINDER, KeyPermissions, Verdict
from sor_desktop.security.vault import Vault
from sor_desktop.ui import vault_dialogs as vd
from tests.security.conftest import fresh_secret

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORD = "master password 1"
KEY = "UiKeyABCDEFGHIJKLMNOPQRSTUVWXYZ987654321"
SECRET = "UiSecret0123456789abcdefghijklmnopqrstuvwx"


def entry(venue: str = "bybit", label: str = "main", key: str = KEY, secret: str | None = None) -> KeyEntry:
    """Each entry its own secret unless one is given: the vault refuses one secret under two keys."""
    return KeyEntry(venue, label, key, secret or fresh_secret("UiSecret"))


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    v = Vault(tmp_path / "vault.sorv", kdf_params=CHEAP)
    v.create(PASSWORD)
    v.add(entry("binanceusdm", "main", "BinKey" + "b" * 20, "BinSecret" + "z" * 30))
    return v


def reopened(vault: Vault) -> Vault:
    other = Vault(vault.path, kdf_params=CHEAP)
    other.unlock(PASSWORD)
    return other


class Checker:
    """A PermissionChecker whose answers the test releases when it wants."""

    def __init__(self, result: Callable[[KeyEntry], KeyPermissions], immediate: bool = True) -> None:
        self.result = result
        self.immediate = immediate
        self.pending: list[Callable[[], None]] = []
        self.asked: list[KeyEntry] = []

    def __call__(self, e: KeyEntry, done: Callable[[KeyPermissions], None]) -> None:
        self.asked.append(e)
        self.pending.append(lambda: done(self.result(e)))
        if self.immediate:
            self.release()

    def release(self) -> None:
        while self.pending:
            self.pending.pop(0)()


def ok(e: KeyEntry) -> KeyPermissions:
    return KeyPermissions(e.venue, True, True, False, True)


def withdraws(e: KeyEntry) -> KeyPermissions:
    return KeyPermissions(e.venue, True, True, True, False, ("this key can WITHDRAW",))


def all_text(dialog: QDialog) -> str:
    parts = [label.text() for label in dialog.findChildren(QLabel)]
    parts += [f.text() + f.placeholderText() for f in dialog.findChildren(QLineEdit)]
    table = getattr(dialog, "table", None)
    if table is not None:
        parts += [table.item(r, c).text() for r in range(table.rowCount()) for c in range(table.columnCount())]
    return "\n".join(parts)


# -- unlock ------------------------------------------------------------------------------------
def test_unlock_wrong_then_right_password(qtbot, vault: Vault) -> None:
    vault.lock()
    dialog = vd.UnlockDialog(Vault(vault.path, kdf_params=CHEAP))
    qtbot.addWidget(dialog)
    assert dialog.password.echoMode() is QLineEdit.EchoMode.Password
    assert not dialog.confirm.isVisibleTo(dialog)
    dialog.password.setText("not it at all")
    assert dialog.try_unlock() is False
    assert dialog.error.text() == "wrong master password"
    assert dialog.password.text() == "" and dialog.vault.locked and dialog.outcome is None
    dialog.password.setText(PASSWORD)
    assert dialog.try_unlock() is True
    assert dialog.outcome is vd.UnlockOutcome.UNLOCKED
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [e.venue for e in dialog.vault.entries()] == ["binanceusdm"]
    assert dialog.password.text() == ""


def test_damaged_vault_message_and_continue_without_keys(qtbot, vault: Vault) -> None:
    vault.path.write_bytes(vault.path.read_bytes()[:-3])
    dialog = vd.UnlockDialog(Vault(vault.path, kdf_params=CHEAP))
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.try_unlock()
    assert "truncated" in dialog.error.text()
    dialog.without_button.click()
    assert dialog.outcome is vd.UnlockOutcome.WITHOUT_KEYS and dialog.vault.locked


def test_create_mode_asks_twice(qtbot, tmp_path: Path) -> None:
    vault = Vault(tmp_path / "new" / "vault.sorv", kdf_params=CHEAP)
    dialog = vd.UnlockDialog(vault)
    qtbot.addWidget(dialog)
    assert dialog.creating and dialog.confirm.isVisibleTo(dialog)
    dialog.password.setText("first password")
    dialog.confirm.setText("other password")
    assert not dialog.try_unlock()
    assert "differ" in dialog.error.text() and not vault.exists()
    # only the repeat is asked again: the first password stays, the cursor in the repeat (both
    # fields were cleared, and the trader typed a long password twice more)
    assert dialog.password.text() == "first password" and dialog.confirm.text() == ""
    assert "again" in dialog.error.text()
    dialog.confirm.setText("first password")
    assert dialog.try_unlock() and vault.exists() and not vault.locked


def test_unlock_or_continue(qtbot, vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    vault.lock()

    def typing(password: str | None) -> Callable[[vd.UnlockDialog], int]:
        def exec_(self: vd.UnlockDialog) -> int:
            if password is None:
                self.reject()
            else:
                self.password.setText(password)
                self.try_unlock()
            return int(self.result())

        return exec_

    monkeypatch.setattr(vd.UnlockDialog, "exec", typing(None))
    assert vd.unlock_or_continue(None, Vault(vault.path, kdf_params=CHEAP)) is None
    monkeypatch.setattr(vd.UnlockDialog, "exec", typing(PASSWORD))
    got = vd.unlock_or_continue(None, Vault(vault.path, kdf_params=CHEAP))
    assert got is not None and not got.locked


# -- key manager -------------------------------------------------------------------------------
def test_table_shows_masked_keys_only(qtbot, vault: Vault) -> None:
    vault.add(entry(secret=SECRET))
    dialog = vd.KeyManagerDialog(vault, checker=Checker(ok))
    qtbot.addWidget(dialog)
    rows = [[dialog.table.item(r, c).text() for c in range(6)] for r in range(dialog.table.rowCount())]
    assert rows == [
        ["binanceusdm", "main", "trade", "this key", "…bbbb", "live"],
        ["bybit", "main", "trade", "this key", "…4321", "live"],
    ]
    text = all_text(dialog)
    for secret in (KEY, SECRET, "BinSecret" + "z" * 30, "BinKey" + "b" * 20):
        assert secret not in text


def test_add_checks_then_saves(qtbot, vault: Vault) -> None:
    checker = Checker(ok, immediate=False)
    dialog = vd.KeyManagerDialog(vault, checker=checker)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.keys_changed, timeout=1000):
        dialog.submit(entry(secret=SECRET))
        # while the venue is being asked, nothing else can start and nothing is saved yet
        assert not dialog.add_button.isEnabled()
        assert [e.key_id for e in reopened(vault).entries()] == [("binanceusdm", "main")]
        checker.release()
    assert checker.asked[0].secret == SECRET
    assert reopened(vault).get("bybit", "main").secret == SECRET
    assert dialog.add_button.isEnabled()
    assert "saved bybit/main" in dialog.status.text()
    assert dialog.selected() is not None and dialog.selected().key_id == ("bybit", "main")
    assert dialog.table.item(1, vd.COLUMNS.index("permissions")).text().endswith("[ok]")


def test_key_that_can_withdraw_is_refused(qtbot, vault: Vault) -> None:
    dialog = vd.KeyManagerDialog(vault, checker=Checker(withdraws))
    qtbot.addWidget(dialog)
    dialog.submit(entry())
    assert "refused bybit/main" in dialog.status.text()
    assert [e.key_id for e in reopened(vault).entries()] == [("binanceusdm", "main")]


def test_without_checker_saves_with_reminder(qtbot, vault: Vault) -> None:
    dialog = vd.KeyManagerDialog(vault)
    qtbot.addWidget(dialog)
    dialog.submit(entry("mexc"))
    assert REMINDER in dialog.status.text()
    assert not dialog.test_button.isEnabled()
    assert reopened(vault).get("mexc", "main").api_key == KEY


def test_duplicate_add_is_refused(qtbot, vault: Vault) -> None:
    dialog = vd.KeyManagerDialog(vault, checker=Checker(ok))
    qtbot.addWidget(dialog)
    dialog.submit(entry("binanceusdm", "main"))
    assert "already exists" in dialog.status.text()
    assert reopened(vault).get("binanceusdm", "main").api_key == "BinKey" + "b" * 20


def test_edit_form_keeps_blank_secrets_and_never_shows_them(qtbot, vault: Vault) -> None:
    old = vault.get("binanceusdm", "main")
    form = vd.KeyEditDialog(["binanceusdm", "bybit"], old)
    qtbot.addWidget(form)
    assert old.secret not in all_text(form) and old.api_key not in all_text(form)
    assert form.api_key.placeholderText().startswith("…bbbb ") and "BinK" not in form.api_key.placeholderText()
    assert form.secret.echoMode() is QLineEdit.EchoMode.Password
    form.testnet.setChecked(True)
    kept = form.entry()
    assert (kept.api_key, kept.secret, kept.testnet) == (old.api_key, old.secret, True)
    form.secret.setText("NewSecret" + "n" * 30)
    assert form.entry().secret == "NewSecret" + "n" * 30 and form.entry().created == old.created


def test_edit_form_reports_bad_input_inline(qtbot) -> None:
    form = vd.KeyEditDialog(["bybit"])
    qtbot.addWidget(form)
    form.api_key.setText(KEY)
    form._save()
    assert form.error.text() == "the secret is empty" and form.result_entry is None


def test_edit_replaces_through_manager(qtbot, vault: Vault) -> None:
    dialog = vd.KeyManagerDialog(vault, checker=Checker(ok))
    qtbot.addWidget(dialog)
    old = vault.get("binanceusdm", "main")
    dialog.submit(KeyEntry("binanceusdm", "main", old.api_key, "Rotated" + "r" * 30, created=old.created), replace=True)
    assert reopened(vault).get("binanceusdm", "main").secret == "Rotated" + "r" * 30


def test_remove_and_test(qtbot, vault: Vault) -> None:
    vault.add(entry())
    checker = Checker(withdraws)
    dialog = vd.KeyManagerDialog(vault, checker=checker)
    qtbot.addWidget(dialog)
    dialog.select("bybit", "main")
    dialog.test_selected()
    assert dialog.permissions[("bybit", "main")].verdict is Verdict.REFUSE
    assert "withdraw: YES" in dialog.table.item(1, vd.COLUMNS.index("permissions")).text()
    assert "WITHDRAW" in dialog.status.text()
    dialog.select("bybit", "main")
    with qtbot.waitSignal(dialog.keys_changed, timeout=1000):
        dialog.remove_selected(confirm=False)
    assert [e.key_id for e in reopened(vault).entries()] == [("binanceusdm", "main")]
    assert dialog.table.rowCount() == 1


def test_vault_lock_closes_manager(qtbot, vault: Vault) -> None:
    checker = Checker(ok, immediate=False)
    dialog = vd.KeyManagerDialog(vault, checker=checker)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.submit(entry())
    vault.lock()
    assert not dialog.isVisible() and dialog.table.rowCount() == 0
    checker.release()  # a late answer after the lock saves nothing
    assert [e.key_id for e in reopened(vault).entries()] == [("binanceusdm", "main")]


def test_clipboard_cleared_of_pasted_secret(qtbot, vault: Vault) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(SECRET)
    dialog = vd.KeyManagerDialog(vault, checker=Checker(ok))
    qtbot.addWidget(dialog)
    dialog.submit(entry(secret=SECRET))
    assert clipboard.text() == ""
    clipboard.setText("something else entirely")
    dialog.submit(entry("bingx"))
    assert clipboard.text() == "something else entirely"


# -- the asyncio adapter -----------------------------------------------------------------------
def test_asyncio_checker_hands_back_results_and_failures() -> None:
    async def good(e: KeyEntry) -> KeyPermissions:
        await asyncio.sleep(0)
        return ok(e)

    async def broken(e: KeyEntry) -> KeyPermissions:
        raise RuntimeError(f"boom {e.secret}")

    async def scenario() -> list[KeyPermissions]:
        got: list[KeyPermissions] = []
        vd.asyncio_checker(good)(entry(secret=SECRET), got.append)
        vd.asyncio_checker(broken)(entry(secret=SECRET), got.append)
        for _ in range(5):
            await asyncio.sleep(0)
        return got

    got = asyncio.run(scenario())
    assert sorted(r.checked for r in got) == [False, True]
    assert next(r for r in got if r.checked) == ok(entry())
    failed = next(r for r in got if not r.checked)
    assert failed.notes[0] == "the check failed: RuntimeError"
    assert all(SECRET not in line for r in got for line in r.lines())


def _add_in_the_form(qtbot, vault: Vault, act) -> dict[str, object]:
    """Add... in the key manager, and ``act(form, save, seen)`` inside the modal form that opens;
    what it saw, and whether the modal was the key form at all (``seen["form"]``)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    dialog = vd.KeyManagerDialog(vault, venues=["binanceusdm", "bybit"])
    qtbot.addWidget(dialog)
    seen: dict[str, object] = {"manager": dialog}

    def in_the_form() -> None:
        form = QApplication.activeModalWidget()
        if not isinstance(form, vd.KeyEditDialog):
            seen["form"] = form
            return
        act(form, form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save), seen)
        if form.isVisible():
            form.reject()

    QTimer.singleShot(0, in_the_form)
    dialog.edit_key(None)
    assert seen.get("form", "the form") == "the form"
    return seen


def test_add_form_catches_a_taken_label_before_closing_and_keeps_what_was_typed(qtbot, vault: Vault) -> None:
    """QA: Add with the default label "main" on a venue that has a "main" key closed the form, said
    "already exists" in the manager, and the typed key and secret were gone. The form now proposes a
    free label, refuses a taken one in place and keeps the typed fields."""

    def act(form, save, seen) -> None:
        seen["proposed"] = (form.venue.currentText(), form.label.text())
        form.venue.setCurrentText("bybit")  # no key there yet: the plain default again
        seen["proposed bybit"] = form.label.text()
        form.venue.setCurrentText("binanceusdm")
        form.label.setText("main")  # the trader types the taken label anyway
        form.api_key.setText(KEY)
        form.secret.setText(SECRET)
        save.click()
        seen["open after clash"] = form.isVisible()
        seen["error"] = form.error.text()
        seen["kept"] = (form.api_key.text(), form.secret.text())
        form.label.setText("spare")
        save.click()
        seen["closed"] = not form.isVisible()

    seen = _add_in_the_form(qtbot, vault, act)
    assert seen["proposed"] == ("binanceusdm", "main-2")
    assert seen["proposed bybit"] == "main"
    assert seen["open after clash"] is True
    assert "binanceusdm/main already exists" in str(seen["error"])
    assert seen["kept"] == (KEY, SECRET)
    assert seen["closed"] is True
    saved = reopened(vault).get("binanceusdm", "spare")
    assert (saved.api_key, saved.secret) == (KEY, SECRET)
    assert reopened(vault).get("binanceusdm", "main").api_key == "BinKey" + "b" * 20  # untouched


def test_add_form_refuses_a_reused_key_in_place_and_keeps_what_was_typed(qtbot, vault: Vault) -> None:
    """An API key already stored under another venue/label closed the form, the manager said "this
    API key ... is already stored as binanceusdm/main", and the venue, label and secret typed were
    gone. The form refuses it in place, keeping the fields, the key field selected for another."""
    stored = reopened(vault).get("binanceusdm", "main").api_key

    def act(form, save, seen) -> None:
        form.venue.setCurrentText("bybit")
        form.label.setText("data")
        form.api_key.setText(stored)  # the binanceusdm key again
        form.secret.setText(SECRET)
        save.click()
        seen["open"] = form.isVisible()
        seen["error"] = form.error.text()
        seen["kept"] = (form.venue.currentText(), form.label.text(), form.secret.text())
        seen["focus"] = form.focusWidget() is form.api_key and form.api_key.selectedText() == stored
        form.api_key.setText(KEY)
        save.click()
        seen["closed"] = not form.isVisible()

    seen = _add_in_the_form(qtbot, vault, act)
    assert seen["open"] is True and "already stored as binanceusdm/main" in str(seen["error"])
    assert seen["kept"] == ("bybit", "data", SECRET) and seen["focus"] is True
    assert seen["closed"] is True
    assert reopened(vault).get("bybit", "data").api_key == KEY


def test_free_label_counts_past_taken_ones() -> None:
    taken = {("bybit", "main"), ("bybit", "main-2"), ("mexc", "main-3")}
    assert vd.free_label("bybit", taken) == "main-3"
    assert vd.free_label("mexc", taken) == "main"


# -- issue 15: roles, no reuse, the key orders use, unlock off the GUI thread ------------------------
def test_roles_reuse_and_the_key_orders_use(qtbot, vault: Vault) -> None:
    checker = Checker(ok)
    dialog = vd.KeyManagerDialog(vault, checker=checker)
    qtbot.addWidget(dialog)
    form = vd.KeyEditDialog(dialog.venues, None, dialog)
    qtbot.addWidget(form)
    form.venue.setCurrentText("bybit")
    form.label.setText("data")
    form.api_key.setText(KEY)
    form.secret.setText(SECRET)
    form.role.setCurrentIndex(form.role.findData(vd.KeyRole.READ_ONLY))
    dialog.submit(form.entry())
    dialog.submit(entry("bybit", "trading", "TradeKey" + "t" * 20))
    dialog.submit(entry("bybit", "second", "SecondKey" + "s" * 20))
    rows = {dialog.table.item(r, 1).text() + "@" + dialog.table.item(r, 0).text():
            (dialog.table.item(r, 2).text(), dialog.table.item(r, 3).text()) for r in range(dialog.table.rowCount())}
    assert rows["data@bybit"] == ("read-only", "—")
    assert rows["trading@bybit"] == ("trade", "choose one") and rows["second@bybit"] == ("trade", "choose one")
    dialog.select("bybit", "data")
    assert not dialog.use_button.isEnabled()  # a read-only key never places orders
    dialog.select("bybit", "trading")
    assert dialog.use_button.isEnabled()
    dialog.use_button.click()
    assert reopened(vault).trade_key("bybit") == reopened(vault).get("bybit", "trading")
    assert not dialog.use_button.isEnabled()
    # the read-only key's API key again, as a trade key on another venue: refused before the venue is asked
    asked = len(checker.asked)
    dialog.submit(entry("bingx", "main", KEY, "other-secret-00000000"))
    assert "already stored as bybit/data" in dialog.status.text() and len(checker.asked) == asked
    assert ("bingx", "main") not in {e.key_id for e in reopened(vault).entries()}


def test_unlock_derives_the_key_off_the_gui_thread(qtbot, vault: Vault) -> None:
    slow = KdfParams(memory_kib=64 * 1024, passes=4, lanes=1)  # a few hundred ms of Argon2
    path = vault.path.with_name("slow.sorv")
    Vault(path, kdf_params=slow).create(PASSWORD)
    dialog = vd.UnlockDialog(Vault(path, kdf_params=slow))
    qtbot.addWidget(dialog)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    seen_busy: list[bool] = []
    QTimer.singleShot(30, lambda: seen_busy.append(dialog.progress.isVisibleTo(dialog)
                                                   and not dialog.unlock_button.isEnabled()))
    dialog.password.setText(PASSWORD)
    assert dialog.try_unlock() is True
    timer.stop()
    assert len(ticks) >= 3  # the GUI thread kept running its timers; before, 0 until the KDF returned
    assert seen_busy == [True]
    assert not dialog.progress.isVisibleTo(dialog) and dialog.outcome is vd.UnlockOutcome.UNLOCKED


def test_unlock_of_a_folder_is_a_message_not_a_crash(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "vault.sorv"
    folder.mkdir()
    dialog = vd.UnlockDialog(Vault(folder, kdf_params=CHEAP))
    dialog.creating = False
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    assert dialog.try_unlock() is False
    assert "cannot open" in dialog.error.text() and str(folder) in dialog.error.text()


def test_a_new_key_form_says_what_the_practice_asks_of_the_key(qtbot, vault: Vault) -> None:
    """The practice (trading only, no withdrawals, an IP whitelist, a separate read-only key) was
    said only by the check after Save; the form to add a key now says it before the key is made.
    Editing a saved key does not repeat it."""
    form = vd.KeyEditDialog(["bybit"])
    qtbot.addWidget(form)
    form.show()
    text = form.practice.text()
    assert form.practice.isVisible()
    assert "withdrawals off" in text and "IP address" in text and "read-only" in text
    edit = vd.KeyEditDialog(["binanceusdm"], vault.get("binanceusdm", "main"))
    qtbot.addWidget(edit)
    edit.show()
    assert not edit.practice.isVisible()


def test_a_vault_in_a_folder_others_can_write_says_why_in_the_dialog(qtbot, tmp_path: Path) -> None:
    import os

    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    dialog = vd.UnlockDialog(Vault(shared / "vault.sorv", kdf_params=CHEAP))
    qtbot.addWidget(dialog)
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD)
    assert dialog.try_unlock() is False
    assert f"{shared} can be written by other users" in dialog.error.text()
    assert list(shared.iterdir()) == []


def test_add_form_refuses_a_secret_another_key_holds_in_place(qtbot, vault: Vault) -> None:
    """The secret of binanceusdm/main pasted under a new API key was saved; the form now refuses it
    in place, naming the key that holds it (never the secret), with the secret field selected for
    the right one, and keeps the rest typed."""
    held = reopened(vault).get("binanceusdm", "main").secret
    mine = "Mine" + secrets.token_hex(20)

    def act(form, save, seen) -> None:
        form.venue.setCurrentText("bybit")
        form.label.setText("data")
        form.role.setCurrentIndex(form.role.findData(vd.KeyRole.READ_ONLY))
        form.api_key.setText(KEY)
        form.secret.setText(held)
        save.click()
        seen["open"] = form.isVisible()
        seen["error"] = form.error.text()
        seen["kept"] = (form.venue.currentText(), form.label.text(), form.api_key.text())
        seen["focus"] = form.focusWidget() is form.secret and form.secret.hasSelectedText()
        form.secret.setText(mine)
        save.click()
        seen["closed"] = not form.isVisible()

    seen = _add_in_the_form(qtbot, vault, act)
    assert seen["open"] is True
    assert "already stored with another API key, as binanceusdm/main" in str(seen["error"])
    assert held[:6] not in str(seen["error"]) and held[-6:] not in str(seen["error"])
    assert seen["kept"] == ("bybit", "data", KEY) and seen["focus"] is True
    assert seen["closed"] is True
    assert reopened(vault).get("bybit", "data").secret == mine


def test_the_manager_refuses_a_secret_another_key_holds_before_asking_the_venue(qtbot, vault: Vault) -> None:
    checker = Checker(ok)
    dialog = vd.KeyManagerDialog(vault, checker=checker)
    qtbot.addWidget(dialog)
    dialog.submit(entry("bybit", "main", KEY, "BinSecret" + "z" * 30))  # binanceusdm/main's secret
    assert "already stored with another API key, as binanceusdm/main" in dialog.status.text()
    assert "BinSec" not in dialog.status.text() and checker.asked == []
    assert [e.key_id for e in reopened(vault).entries()] == [("binanceusdm", "main")]


def test_a_secret_pasted_with_its_line_break_is_trimmed_and_said(qtbot, vault: Vault) -> None:
    """A password field keeps a pasted line break (and shows only dots): the form trimmed it without
    a word. The manager says what was trimmed when it saves; the stored secret has no space."""
    mine = "Mine" + secrets.token_hex(20)

    def act(form, save, seen) -> None:
        form.venue.setCurrentText("bybit")
        QGuiApplication.clipboard().setText(f" {mine}\r\n")
        form.secret.paste()
        seen["pasted"] = form.secret.text()
        form.api_key.setText(KEY)
        save.click()

    seen = _add_in_the_form(qtbot, vault, act)
    assert seen["pasted"] == f" {mine}\r\n"  # what Qt keeps of the paste: the trim is ours
    assert reopened(vault).get("bybit", "main").secret == mine
    manager = seen["manager"]
    assert isinstance(manager, vd.KeyManagerDialog)
    assert "saved bybit/main" in manager.status.text()
    assert "the secret had spaces or a line break around it" in manager.status.text()
    assert "API key had" not in manager.status.text() and mine[:6] not in manager.status.text()


def test_removing_the_chosen_key_says_none_is_chosen_now(qtbot, vault: Vault) -> None:
    """Removing the key chosen for orders left the other trade key trading, unsaid."""
    vault.add(entry("bybit", "trading", "TradeKey" + "t" * 20))
    vault.add(entry("bybit", "second", "SecondKey" + "s" * 20))
    vault.use("bybit", "trading")
    dialog = vd.KeyManagerDialog(vault, checker=Checker(ok))
    qtbot.addWidget(dialog)
    dialog.select("bybit", "trading")
    dialog.remove_selected(confirm=False)
    assert "no trade key is chosen for bybit" in dialog.status.text()
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 1).text() == "second")
    assert dialog.table.item(row, 3).text() == "choose one"
