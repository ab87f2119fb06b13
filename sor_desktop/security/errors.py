"""One exception class per way a vault can fail, each with a message fit for a trader. None of them
ever carries a password or key material."""

from __future__ import annotations


class VaultError(Exception):
    """Base of every vault failure."""


class VaultNotFound(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(f"no vault at {path} (create one with `sor-desktop keys init`)")


class VaultExists(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(f"a vault already exists at {path}; it was left untouched")


class VaultLocked(VaultError):
    def __init__(self) -> None:
        super().__init__("the vault is locked: unlock it first")


class WrongPassword(VaultError):
    def __init__(self) -> None:
        super().__init__("wrong master password")


class VaultTruncated(VaultError):
    def __init__(self, size: int, expected: int | None = None) -> None:
        detail = f"{size} bytes" + (f" of {expected}" if expected is not None else "")
        super().__init__(f"the vault file is truncated ({detail}): it was cut short, restore a backup")


class VaultCorrupted(VaultError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"the vault file is corrupted ({reason}): restore a backup")


class NotAVault(VaultCorrupted):
    def __init__(self) -> None:
        VaultError.__init__(self, "this file is not a sor-desktop vault")


class VaultTampered(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "the vault file was modified after it was saved (authentication failed with the right "
            "password): do not trust it, restore a backup"
        )


class VaultUnsupportedVersion(VaultError):
    def __init__(self, version: int) -> None:
        super().__init__(f"vault format version {version} is not supported by this sor-desktop")


class VaultUnsafeParameters(VaultError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"the vault header asks for absurd key derivation costs ({detail}); refused")


class VaultConflict(VaultError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"{path} was changed by another program since it was unlocked; nothing was saved "
            "(lock and unlock to load the other changes, then redo this one)"
        )


class VaultBusy(VaultError):
    def __init__(self, path: object, seconds: float) -> None:
        super().__init__(
            f"{path} is being saved by another sor-desktop process (waited {seconds:.0f} s); nothing was "
            "saved, try again"
        )


class InvalidKeyEntry(VaultError):
    """Bad input for a key entry (empty secret, bad label, ...)."""


class KeyNotFound(VaultError):
    def __init__(self, venue: str, label: str) -> None:
        super().__init__(f"no key {venue}/{label} in the vault")


class DuplicateKey(VaultError):
    def __init__(self, venue: str, label: str) -> None:
        super().__init__(f"a key {venue}/{label} already exists (remove it first, or replace it)")


class WeakPassword(VaultError):
    pass


class ReusedKey(VaultError):
    def __init__(self, api_key_masked: str, venue: str, label: str) -> None:
        super().__init__(
            f"this API key ({api_key_masked}) is already stored as {venue}/{label}; one key in two places "
            "means one leak reaches both: create a separate key on the venue for each use"
        )


class ReusedSecret(VaultError):
    """Names the key already holding the secret, never the secret (nor a piece of it)."""

    def __init__(self, venue: str, label: str) -> None:
        super().__init__(
            f"this secret is already stored with another API key, as {venue}/{label}: each API key has its "
            "own secret (a secret pasted under the wrong key makes every order's signature fail, and one "
            "secret in two places means one leak reaches both); paste the secret the venue gave with this key"
        )


class NoTradeKey(VaultError):
    """A venue's trade key cannot be chosen: none, or several and none picked."""
