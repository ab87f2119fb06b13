""""Remember on this computer": the vault's master password in the OS secret store, through
``keyring`` (Secret Service / KWallet on Linux, the macOS Keychain, Windows Credential Manager).

Off unless the trader ticks it. Only a store the OS keeps encrypted is used: keyring's fail-safe
backend (no store at all) and the plain or "encrypted" file backends of ``keyrings.alt`` are
refused, so the password never lands in a plain file. One entry per vault file, named by its path.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "sor-desktop vault"


def _backend() -> Any:
    import keyring

    return keyring.get_keyring()


def unavailable_reason() -> str | None:
    """None when a real OS secret store is there; else why "remember" cannot be offered."""
    try:
        backend = _backend()
    except Exception as exc:  # noqa: BLE001 -- a broken keyring install must only hide the option
        return f"the OS secret store cannot be used: {type(exc).__name__}"
    stores = getattr(backend, "backends", None) or [backend]
    usable = [b for b in stores if _is_os_store(b)]
    if not usable:
        return "no OS secret store on this computer (Secret Service, Keychain or Credential Manager)"
    return None


def _is_os_store(backend: Any) -> bool:
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module.endswith(".fail") or module.endswith(".null"):
        return False
    return float(getattr(backend, "priority", 0) or 0) > 0


def _name(vault_path: Path) -> str:
    return str(Path(vault_path).resolve())


def remember(vault_path: Path, password: str) -> None:
    reason = unavailable_reason()
    if reason is not None:
        raise RuntimeError(reason)
    import keyring

    keyring.set_password(SERVICE, _name(vault_path), password)
    log.info("master password of %s remembered in the OS secret store", vault_path)


def recall(vault_path: Path) -> str | None:
    """The remembered password, or None (nothing remembered, or no store)."""
    if unavailable_reason() is not None:
        return None
    import keyring

    try:
        return keyring.get_password(SERVICE, _name(vault_path))
    except Exception as exc:  # noqa: BLE001 -- a locked or broken store means "ask the trader"
        log.warning("could not read the OS secret store: %s", type(exc).__name__)
        return None


def forget(vault_path: Path) -> bool:
    """Remove the remembered password; True when there was one."""
    if unavailable_reason() is not None:
        return False
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(SERVICE, _name(vault_path))
    except keyring.errors.PasswordDeleteError:
        return False
    log.info("forgot the remembered master password of %s", vault_path)
    return True
