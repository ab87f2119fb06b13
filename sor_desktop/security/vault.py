"""The key vault: API keys per venue and label, encrypted at rest under the master password.

Typical use::

    vault = Vault()                # default path under the data dir
    vault.unlock(password)         # or vault.create(password) the first time
    vault.add(KeyEntry(...))       # every change is saved atomically at once
    vault.lock()                   # forget the keys (idle timeout, shutdown)

A failed unlock never writes anything. Each change is saved with the derived key kept in memory while
unlocked, so adding a key does not pay the Argon2 cost again; ``lock`` zeroes that key and drops the
decrypted entries (Python strings cannot be wiped, so "drops" is as far as it goes).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock

from sor_desktop import logs, paths
from sor_desktop.security import atomic, fileformat, kdf
from sor_desktop.security.entries import KeyEntry, KeyRole
from sor_desktop.security.errors import (
    DuplicateKey,
    KeyNotFound,
    NotAVault,
    NoTradeKey,
    ReusedKey,
    ReusedSecret,
    VaultBusy,
    VaultConflict,
    VaultCorrupted,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    WeakPassword,
)

log = logging.getLogger(__name__)

MIN_PASSWORD_LEN = 8
MAX_FILE_BYTES = 16 * 1024 * 1024  # thousands of keys fit in a few hundred KiB
BACKUPS = 3
_PAYLOAD_VERSION = 1
_PAD = 256  # payload padded to a multiple of this, so the file size says little about the keys
LOCK_WAIT_S = 10.0  # a save takes milliseconds; waiting longer means a stuck process, not a queue


MIN_STRENGTH = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (about 1e10 guesses) offline


def check_new_password(password: str) -> None:
    """Length alone let "12345678" through; zxcvbn scores what attackers actually try first
    (common passwords, keyboard walks, dates, repeats) and says why a password is weak."""
    if len(password) < MIN_PASSWORD_LEN:
        raise WeakPassword(f"the master password must have at least {MIN_PASSWORD_LEN} characters")
    if password.strip() != password:
        raise WeakPassword("the master password must not start or end with spaces")
    from zxcvbn import zxcvbn  # imported on use: only creating or changing a password needs it

    result = zxcvbn(password[:100], user_inputs=["sor-desktop", "sor", "desktop", "vault", "master", "password"])
    if result["score"] < MIN_STRENGTH:
        feedback = result.get("feedback") or {}
        why = feedback.get("warning") or "it would be guessed quickly"
        tips = " ".join(feedback.get("suggestions") or [])
        raise WeakPassword(f"the master password is too weak: {why.rstrip('.')}. {tips}".strip())


def _is_sound(data: bytes) -> bool:
    try:
        fileformat.parse(data)
    except VaultError:
        return False
    return True


def _encode_payload(entries: dict[tuple[str, str], KeyEntry]) -> bytes:
    doc = {"payload_version": _PAYLOAD_VERSION, "keys": [e.to_json() for e in entries.values()]}
    raw = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    return raw + b" " * (-len(raw) % _PAD)


def _decode_payload(plain: bytearray) -> dict[tuple[str, str], KeyEntry]:
    try:
        doc = json.loads(plain.decode("utf-8"))
        if doc.get("payload_version") != _PAYLOAD_VERSION:
            raise VaultCorrupted(f"unknown payload version {doc.get('payload_version')!r}")
        entries = [KeyEntry.from_json(item) for item in doc["keys"]]
    except VaultError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        # Authenticated but unreadable: written by a buggy or foreign program, not by damage.
        raise VaultCorrupted(f"unreadable contents: {type(exc).__name__}") from None
    finally:
        plain[:] = bytes(len(plain))
    return {e.key_id: e for e in entries}


def decrypt(
    data: bytes, password: str
) -> tuple[kdf.DerivedKeys, fileformat.Header, dict[tuple[str, str], KeyEntry]]:
    """Open a vault file's bytes: structure first (no key derived for a damaged file), then the key."""
    header, ciphertext = fileformat.parse(data)
    keys = kdf.derive(password, header.salt, header.params)
    try:
        return keys, header, _decode_payload(fileformat.open_sealed(header, ciphertext, keys))
    except BaseException:
        keys.wipe()
        raise


class Vault:
    def __init__(
        self, path: Path | None = None, *, kdf_params: kdf.KdfParams = kdf.PRODUCTION, backups: int = BACKUPS
    ) -> None:
        self.path = Path(path) if path is not None else paths.vault_path()
        self._new_params = kdf_params  # used when creating or changing the password
        self._backups = backups
        self._keys: kdf.DerivedKeys | None = None
        self._salt = b""
        self._params = kdf_params
        self._entries: dict[tuple[str, str], KeyEntry] | None = None
        self._lock_listeners: list[Callable[[], None]] = []
        self._disk_digest: bytes | None = None  # the file as we last read or wrote it
        # Held from "changed since read?" to the rename, across processes (CLI beside the window):
        # without it two saves at the same instant both pass the check and one key is lost.
        self._save_lock = filelock.FileLock(
            str(self.path.with_name(self.path.name + ".lock")), timeout=LOCK_WAIT_S, mode=atomic.FILE_MODE
        )

    def __repr__(self) -> str:
        state = "locked" if self.locked else f"unlocked, {len(self._entries or {})} keys"
        return f"<Vault {self.path} {state}>"

    # -- state -------------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.exists()

    @property
    def locked(self) -> bool:
        return self._entries is None

    def backups(self) -> list[Path]:
        return atomic.backups(self.path, self._backups)

    def add_lock_listener(self, callback: Callable[[], None]) -> None:
        """Called after every ``lock()`` (e.g. to stop live order entry)."""
        self._lock_listeners.append(callback)

    def remove_lock_listener(self, callback: Callable[[], None]) -> None:
        if callback in self._lock_listeners:
            self._lock_listeners.remove(callback)

    # -- open / close ------------------------------------------------------------------------
    def create(self, password: str) -> None:
        if self.exists():
            raise VaultExists(self.path)
        paths.refuse_shared(self.path.parent)  # before the password is asked for and derived
        check_new_password(password)
        logs.register_secret(password)
        self._install(password, os.urandom(kdf.SALT_LEN), self._new_params, {})
        try:
            self._save()
        except BaseException:
            self.lock(notify=False)
            raise
        log.info("created vault %s", self.path)

    def unlock(self, password: str) -> None:
        logs.register_secret(password)
        paths.refuse_shared(self.path.parent)  # anyone could have swapped the file there
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            raise VaultNotFound(self.path) from None
        if size > MAX_FILE_BYTES:  # a wrong --vault argument, not a vault: do not read it all
            raise NotAVault()
        data = self.path.read_bytes()
        keys, header, entries = decrypt(data, password)
        self.lock(notify=False)
        self._keys, self._salt, self._params, self._entries = keys, header.salt, header.params, entries
        self._disk_digest = hashlib.sha256(data).digest()
        log.info("unlocked vault %s (%d keys)", self.path, len(entries))

    def lock(self, *, notify: bool = True) -> None:
        was_unlocked = not self.locked
        if self._keys is not None:
            self._keys.wipe()
        self._keys, self._entries, self._salt, self._disk_digest = None, None, b"", None
        if was_unlocked and notify:
            log.info("vault locked")
            for callback in list(self._lock_listeners):
                try:
                    callback()
                except Exception:  # a listener's bug must not keep the vault unlocked
                    log.exception("lock listener failed")

    # -- keys --------------------------------------------------------------------------------
    def entries(self) -> list[KeyEntry]:
        return sorted(self._unlocked().values(), key=lambda e: e.key_id)

    def get(self, venue: str, label: str) -> KeyEntry:
        try:
            return self._unlocked()[(venue, label)]
        except KeyError:
            raise KeyNotFound(venue, label) from None

    def check_addable(self, entry: KeyEntry, *, replace: bool = False) -> None:
        """``DuplicateKey``, ``ReusedKey`` or ``ReusedSecret`` if ``add`` would refuse ``entry`` (ask
        before probing it)."""
        entries = self._unlocked()
        if entry.key_id in entries and not replace:
            raise DuplicateKey(*entry.key_id)
        others = [e for e in entries.values() if e.key_id != entry.key_id]
        for other in others:
            if other.api_key == entry.api_key:
                raise ReusedKey(entry.masked_key, other.venue, other.label)
        # Against the decrypted entries, in constant time: a digest of each secret kept on disk
        # would let anyone with the file test guesses offline, and a comparison that stops at the
        # first differing byte says how much of a guess is right.
        secret = entry.secret.encode("utf-8")
        for other in others:
            if hmac.compare_digest(other.secret.encode("utf-8"), secret):
                raise ReusedSecret(other.venue, other.label)

    def add(self, entry: KeyEntry, *, replace: bool = False) -> None:
        self.check_addable(entry, replace=replace)
        entries = self._unlocked()
        old = entries.get(entry.key_id)
        if old is not None and entry.role is KeyRole.TRADE:
            # replacing the key keeps the choice, and a key still waiting to be chosen still waits
            entry = dataclasses.replace(entry, selected=old.selected, unchosen=old.unchosen)
        elif entry.role is not KeyRole.TRADE:
            entry = dataclasses.replace(entry, selected=False, unchosen=False)
        self._commit({**entries, entry.key_id: entry})
        log.info("saved %s key %s/%s (%s)", entry.role.value, entry.venue, entry.label, entry.masked_key)

    def use(self, venue: str, label: str) -> None:
        """Make ``venue/label`` the trade key that venue's orders use, in the window and every command."""
        chosen = self.get(venue, label)
        if chosen.role is not KeyRole.TRADE:
            raise NoTradeKey(f"{venue}/{label} is a read-only key; only a trade key can place orders")
        entries = {
            k: dataclasses.replace(e, selected=(k == chosen.key_id), unchosen=False) if e.venue == venue else e
            for k, e in self._unlocked().items()
        }
        self._commit(entries)
        log.info("%s trades with %s/%s", venue, venue, label)

    def trade_key(self, venue: str) -> KeyEntry | None:
        """The key ``venue``'s orders use: the chosen one, else its only trade key; None without one.
        Several trade keys and none chosen is ``NoTradeKey``: guessing could trade the wrong account."""
        keys = [e for e in self.entries() if e.venue == venue and e.role is KeyRole.TRADE]
        chosen = [e for e in keys if e.selected]
        if chosen:
            return chosen[0]
        if any(e.unchosen for e in keys):
            labels = ", ".join(e.label for e in keys)
            raise NoTradeKey(
                f"no trade key is chosen for {venue}: the chosen one was removed and {labels} "
                f"{'was' if len(keys) == 1 else 'were'} never chosen; choose one with "
                f"`sor-desktop keys use {venue} LABEL` or in Tools > API keys"
            )
        if len(keys) > 1:
            labels = ", ".join(e.label for e in keys)
            raise NoTradeKey(
                f"{venue} has several trade keys ({labels}) and none is chosen: pick one with "
                f"`sor-desktop keys use {venue} LABEL` or in Tools > API keys"
            )
        return keys[0] if keys else None

    def read_key(self, venue: str) -> KeyEntry | None:
        """The key for ``venue``'s account data: its read-only key when it has one, else its trade key."""
        readers = [e for e in self.entries() if e.venue == venue and e.role is KeyRole.READ_ONLY]
        return readers[0] if readers else self.trade_key(venue)

    def remove(self, venue: str, label: str) -> list[str]:
        """Delete ``venue/label``. When it was the chosen trade key, the venue's other trade keys
        (returned, by label) wait to be chosen: none becomes the trading key unchosen."""
        entries = dict(self._unlocked())
        gone = entries.pop((venue, label), None)
        if gone is None:
            raise KeyNotFound(venue, label)
        waiting: list[str] = []
        if gone.selected:
            for k, e in entries.items():
                if e.venue == venue and e.role is KeyRole.TRADE:
                    entries[k] = dataclasses.replace(e, unchosen=True)
                    waiting.append(e.label)
        self._commit(entries)
        log.info("removed key %s/%s%s", venue, label,
                 f"; no trade key is chosen for {venue} ({', '.join(waiting)} wait to be chosen)" if waiting else "")
        return sorted(waiting)

    def change_password(self, new_password: str) -> None:
        """Re-encrypt everything under ``new_password`` with a fresh salt (and current KDF costs)."""
        entries = self._unlocked()
        check_new_password(new_password)
        logs.register_secret(new_password)
        old = (self._keys, self._salt, self._params)
        self._install(new_password, os.urandom(kdf.SALT_LEN), self._new_params, entries)
        with self._locked_file():
            try:
                self._save()
            except BaseException:
                assert self._keys is not None
                self._keys.wipe()
                self._keys, self._salt, self._params = old
                raise
            assert old[0] is not None
            try:
                self._rekey_backups(old[0])
            finally:
                old[0].wipe()
        log.info("master password changed for %s", self.path)

    def _rekey_backups(self, old_keys: kdf.DerivedKeys) -> None:
        """A changed password is often a leaked one: backups must not stay openable with it. Those
        under the old password are re-encrypted under the new one (history kept); any other backup
        (an even older password) is deleted, as the new password could not open it anyway."""
        assert self._keys is not None
        for backup in self.backups():
            try:
                header, ciphertext = fileformat.parse(backup.read_bytes())
                plain = fileformat.open_sealed(header, ciphertext, old_keys)
            except (VaultError, OSError) as exc:
                log.info("deleting backup %s not under the current password (%s)", backup.name, type(exc).__name__)
                backup.unlink(missing_ok=True)
                continue
            try:
                blob = fileformat.seal(bytes(plain), self._keys, self._salt, self._params)
            finally:
                plain[:] = bytes(len(plain))
            atomic.replace_atomically(backup, blob, keep=0)

    # -- internals ---------------------------------------------------------------------------
    def _unlocked(self) -> dict[tuple[str, str], KeyEntry]:
        if self._entries is None:
            raise VaultLocked()
        return self._entries

    def _install(
        self, password: str, salt: bytes, params: kdf.KdfParams, entries: dict[tuple[str, str], KeyEntry]
    ) -> None:
        self._keys = kdf.derive(password, salt, params)
        self._salt, self._params, self._entries = salt, params, dict(entries)

    def _commit(self, entries: dict[tuple[str, str], KeyEntry]) -> None:
        """Save ``entries``; memory changes only once the file holds them."""
        previous = self._entries
        self._entries = entries
        try:
            self._save()
        except BaseException:
            self._entries = previous
            raise

    def _check_disk(self) -> None:
        """Refuse to overwrite a sound vault that someone else (the CLI, a second window) saved since
        we read it: their keys would be lost. A damaged file is overwritten: that is the repair."""
        try:
            current = self.path.read_bytes()
        except FileNotFoundError:
            return
        if hashlib.sha256(current).digest() != self._disk_digest and _is_sound(current):
            raise VaultConflict(self.path)

    @contextlib.contextmanager
    def _locked_file(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=atomic.DIR_MODE)
        # As the journal (paths.ensure): refused where others could plant the lock, the temporary
        # file or a backup; unlike it, a folder others may only read is left as the trader set it
        # (a vault in a home folder must not close the home folder), the file itself being 0600.
        paths.refuse_shared(self.path.parent)
        try:
            with self._save_lock:
                yield
        except filelock.Timeout:
            raise VaultBusy(self.path, LOCK_WAIT_S) from None

    def _save(self) -> None:
        assert self._keys is not None and self._entries is not None
        with self._locked_file():  # re-entrant: change_password holds it across its backups too
            self._check_disk()
            blob = fileformat.seal(_encode_payload(self._entries), self._keys, self._salt, self._params)
            atomic.replace_atomically(self.path, blob, keep=self._backups, is_good=_is_sound)
            self._disk_digest = hashlib.sha256(blob).digest()
