"""The vault's life cycle: create, unlock, change, lock, backups, and what a failure leaves behind."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sor_desktop.security import atomic, fileformat
from sor_desktop.security.entries import KeyEntry, mask
from sor_desktop.security.errors import (
    DuplicateKey,
    InvalidKeyEntry,
    KeyNotFound,
    NotAVault,
    VaultConflict,
    VaultExists,
    VaultLocked,
    VaultNotFound,
    VaultTruncated,
    WeakPassword,
    WrongPassword,
)
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault
from tests.security.conftest import CHEAP, PASSWORD, sample_entry


def reopen(path: Path, password: str = PASSWORD) -> Vault:
    v = Vault(path, kdf_params=CHEAP)
    v.unlock(password)
    return v


def test_round_trip_keeps_every_field(vault: Vault, vault_path: Path) -> None:
    created = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    full = KeyEntry("bybit", "test.net-1", "A" * 18 + "xyzw", "S" * 40, "phrase123", True, created)
    vault.add(full)
    again = reopen(vault_path)
    got = again.get("bybit", "test.net-1")
    assert (got.api_key, got.secret, got.passphrase, got.testnet, got.created) == (
        "A" * 18 + "xyzw",
        "S" * 40,
        "phrase123",
        True,
        created,
    )
    assert [e.key_id for e in again.entries()] == [
        ("binanceusdm", "main"),
        ("bybit", "test.net-1"),
        ("weex", "sub-1"),
    ]


def test_wrong_password_keeps_vault_locked_and_file_untouched(vault_path: Path, vault: Vault) -> None:
    before = vault_path.read_bytes()
    other = Vault(vault_path, kdf_params=CHEAP)
    with pytest.raises(WrongPassword):
        other.unlock("not the right one")
    assert other.locked
    with pytest.raises(VaultLocked):
        other.entries()
    assert vault_path.read_bytes() == before


def test_missing_and_existing_vaults(tmp_path: Path, vault_path: Path, vault: Vault) -> None:
    with pytest.raises(VaultNotFound, match="keys init"):
        Vault(tmp_path / "none.sorv", kdf_params=CHEAP).unlock(PASSWORD)
    before = vault_path.read_bytes()
    with pytest.raises(VaultExists):
        Vault(vault_path, kdf_params=CHEAP).create("another password")
    assert vault_path.read_bytes() == before


@pytest.mark.parametrize(("password", "why"), [
    ("short", "at least 8"),
    ("12345678", "top-10 common password"),  # was accepted: 8 characters was the only rule
    ("password1", "very common password"),
    ("asdfghjkl;", "rows of keys"),
    ("abcabcabcabc", "Repeats"),
])
def test_weak_master_password_refused_with_the_reason(tmp_path: Path, password: str, why: str) -> None:
    with pytest.raises(WeakPassword, match=why):
        Vault(tmp_path / "v.sorv", kdf_params=CHEAP).create(password)
    assert not (tmp_path / "v.sorv").exists()


def test_changing_to_a_weak_password_changes_nothing(vault: Vault, vault_path: Path) -> None:
    before = vault_path.read_bytes()
    with pytest.raises(WeakPassword):
        vault.change_password("12345678")
    assert vault_path.read_bytes() == before
    Vault(vault_path, kdf_params=CHEAP).unlock(PASSWORD)


def test_add_replace_remove(vault: Vault, vault_path: Path) -> None:
    with pytest.raises(DuplicateKey):
        vault.add(sample_entry())
    vault.add(sample_entry(n=7), replace=True)
    assert reopen(vault_path).get("binanceusdm", "main").secret == sample_entry(n=7).secret
    vault.remove("binanceusdm", "main")
    with pytest.raises(KeyNotFound):
        reopen(vault_path).get("binanceusdm", "main")
    with pytest.raises(KeyNotFound):
        vault.remove("binanceusdm", "main")


def test_change_password_uses_fresh_salt_and_new_costs(vault: Vault, vault_path: Path) -> None:
    old_header, _ = fileformat.parse(vault_path.read_bytes())
    stronger = KdfParams(memory_kib=256, passes=2, lanes=2)
    v = Vault(vault_path, kdf_params=stronger)
    v.unlock(PASSWORD)
    v.change_password("a brand new password")
    new_header, _ = fileformat.parse(vault_path.read_bytes())
    assert new_header.salt != old_header.salt
    assert new_header.params == stronger
    with pytest.raises(WrongPassword):
        reopen(vault_path)
    assert [e.key_id for e in reopen(vault_path, "a brand new password").entries()] == [
        e.key_id for e in vault.entries()
    ]
    # changes after the password change are saved under the new key
    v.add(sample_entry("bingx", "x", 3))
    assert reopen(vault_path, "a brand new password").get("bingx", "x").api_key == sample_entry("bingx", "x", 3).api_key


def test_lock_wipes_key_and_forgets_entries(vault: Vault) -> None:
    calls: list[str] = []
    vault.add_lock_listener(lambda: calls.append("locked"))
    key = vault._keys.key  # type: ignore[union-attr]
    assert any(key)
    vault.lock()
    assert vault.locked and not any(key)
    assert vault._entries is None and vault._keys is None
    with pytest.raises(VaultLocked):
        vault.add(sample_entry("bybit", "x"))
    vault.lock()  # locking twice notifies once
    assert calls == ["locked"]


def test_file_and_folder_modes(vault: Vault, vault_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    vault.add(sample_entry("bybit", "b"))
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(vault_path.parent.stat().st_mode) == 0o700
    for b in vault.backups():
        assert stat.S_IMODE(b.stat().st_mode) == 0o600


def test_three_backups_each_one_version_older(vault_path: Path) -> None:
    v = Vault(vault_path, kdf_params=CHEAP)
    v.create(PASSWORD)
    for n in range(6):
        v.add(sample_entry("bybit", f"k{n}", n))
    assert [p.name for p in v.backups()] == ["vault.sorv.1", "vault.sorv.2", "vault.sorv.3"]
    assert not atomic.backup_path(vault_path, 4).exists()
    # current holds k0..k5; backup n holds one key fewer per step back
    for n, path in enumerate([vault_path, *v.backups()]):
        labels = [e.label for e in reopen(path).entries()]
        assert labels == [f"k{i}" for i in range(6 - n)], path


def test_damaged_current_file_never_pushes_out_a_good_backup(vault: Vault, vault_path: Path) -> None:
    vault.add(sample_entry("bybit", "b"))
    good_backup = vault.backups()[0].read_bytes()
    vault_path.write_bytes(vault_path.read_bytes()[:100])  # damaged behind our back
    with pytest.raises(VaultTruncated):
        reopen(vault_path)
    vault.add(sample_entry("bingx", "c"))  # still unlocked: saving repairs the file
    assert vault.backups()[0].read_bytes() == good_backup
    assert reopen(vault_path).get("bingx", "c")


def test_failed_save_changes_nothing(vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = vault_path.read_bytes()
    real_replace = os.replace

    def failing_replace(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == vault_path:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        vault.add(sample_entry("bybit", "new"))
    monkeypatch.undo()
    assert [e.key_id for e in vault.entries()] == [("binanceusdm", "main"), ("weex", "sub-1")]
    assert vault_path.read_bytes() == before
    assert not list(vault_path.parent.glob("*.tmp"))


def test_stale_temp_files_are_cleaned_on_next_save(vault: Vault, vault_path: Path) -> None:
    stale = vault_path.parent / f".{vault_path.name}.deadbeef0000.tmp"
    stale.write_bytes(b"half a vault")
    vault.add(sample_entry("bybit", "z"))
    assert not stale.exists()


def test_key_entry_never_shows_secrets() -> None:
    e = KeyEntry("weex", "main", "abcdEFGHIJKLMNOPwxyz", "topsecretvalue123456", "passphrase999", False)
    for text in (repr(e), str(e), f"{e}", repr([e])):
        assert "topsecretvalue123456" not in text and "passphrase999" not in text
        assert "EFGHIJKLMNOP" not in text and "abcd" not in text  # the last four at most
        assert "api_key='…wxyz'" in text
    assert mask("abcdEFGHIJKLMNOPwxyz") == "…wxyz"
    assert mask("short") == "………"


def test_key_entry_validation_messages_hold_no_secret() -> None:
    with pytest.raises(InvalidKeyEntry, match="secret is empty"):
        KeyEntry("bybit", "main", "AAAAAAAAAAAAAAAAAAAA", "   ")
    with pytest.raises(InvalidKeyEntry) as err:
        KeyEntry("bybit", "main", "AAAAAAAAAAAAAAAAAAAA", "secret with spaces inside")
    assert "secret with spaces" not in str(err.value)
    with pytest.raises(InvalidKeyEntry, match="bad label"):
        KeyEntry("bybit", "bad label", "AAAAAAAAAAAAAAAAAAAA", "s" * 20)
    with pytest.raises(InvalidKeyEntry, match="bad venue"):
        KeyEntry("Bybit!", "main", "AAAAAAAAAAAAAAAAAAAA", "s" * 20)
    trimmed = KeyEntry("bybit", "main", "  AAAAAAAAAAAAAAAAAAAA\n", "s" * 20 + "\n", "")
    assert trimmed.api_key == "A" * 20 and trimmed.secret == "s" * 20 and trimmed.passphrase is None


def test_vault_repr_shows_no_keys(vault: Vault) -> None:
    text = repr(vault)
    assert "unlocked, 2 keys" in text
    assert sample_entry().api_key not in text and sample_entry().secret not in text


def test_concurrent_writer_is_not_overwritten(vault: Vault, vault_path: Path) -> None:
    """The app holds the vault unlocked while the CLI adds a key: the app's next save must not
    silently drop the CLI's key."""
    cli = reopen(vault_path)
    cli.add(sample_entry("bingx", "from-cli", 5))
    with pytest.raises(VaultConflict, match="changed by another program"):
        vault.add(sample_entry("bybit", "from-app", 6))
    assert [e.key_id for e in vault.entries()] == [("binanceusdm", "main"), ("weex", "sub-1")]
    assert reopen(vault_path).get("bingx", "from-cli")
    vault.lock()
    vault.unlock(PASSWORD)  # reload, then the change goes through
    vault.add(sample_entry("bybit", "from-app", 6))
    assert {e.label for e in reopen(vault_path).entries()} == {"main", "sub-1", "from-cli", "from-app"}


def test_huge_file_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "movie.mkv"
    with big.open("wb") as f:
        f.truncate(17 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(NotAVault, match="not a sor-desktop vault"):
        Vault(big, kdf_params=CHEAP).unlock(PASSWORD)


def test_password_change_leaves_no_backup_openable_with_the_old_password(vault_path: Path) -> None:
    v = Vault(vault_path, kdf_params=CHEAP)
    v.create(PASSWORD)
    for n in range(4):
        v.add(sample_entry("bybit", f"k{n}", n))
    before = {p.name: [e.label for e in reopen(p).entries()] for p in v.backups()}
    v.change_password("the new master password")
    after = v.backups()
    # the old current file became backup 1; the rest shifted by one and kept their contents
    assert [p.name for p in after] == ["vault.sorv.1", "vault.sorv.2", "vault.sorv.3"]
    assert [e.label for e in reopen(after[0], "the new master password").entries()] == ["k0", "k1", "k2", "k3"]
    assert [e.label for e in reopen(after[1], "the new master password").entries()] == before["vault.sorv.1"]
    for path in [vault_path, *after]:
        with pytest.raises(WrongPassword):
            reopen(path, PASSWORD)
    # a backup under some other password cannot be re-encrypted: it goes, the others are kept
    stranger = Vault(vault_path.parent / "other.sorv", kdf_params=CHEAP)
    stranger.create("somebody else's password")
    after[0].write_bytes(stranger.path.read_bytes())
    v.change_password("a third master password")  # the stranger shifts to .2 and is deleted there
    kept = v.backups()
    assert [p.name for p in kept] == ["vault.sorv.1", "vault.sorv.3"]
    assert [len(reopen(p, "a third master password").entries()) for p in kept] == [4, 3]
