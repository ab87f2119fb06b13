"""Vault fixtures. Tests use a tiny Argon2 cost (the format stores it, so files stay self-describing);
the production default is asserted separately."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORD = "correct horse battery"


def fresh_secret(prefix: str = "Secret") -> str:
    """A secret no other entry has: the vault refuses one secret under two API keys."""
    return prefix + secrets.token_hex(20)


def sample_entry(venue: str = "binanceusdm", label: str = "main", n: int = 0) -> KeyEntry:
    return KeyEntry(
        venue=venue,
        label=label,
        api_key=f"ApiKey{n:04d}{venue}{label}{'K' * 40}",  # one key never stored twice
        secret=f"Secret{n:04d}{venue}{label}{'s' * 50}",  # nor one secret
        passphrase=f"Pass{n:04d}phrase" if venue == "weex" else None,
    )


@pytest.fixture
def vault_path(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "vault.sorv"


@pytest.fixture
def vault(vault_path: Path) -> Vault:
    v = Vault(vault_path, kdf_params=CHEAP)
    v.create(PASSWORD)
    v.add(sample_entry())
    v.add(sample_entry("weex", "sub-1", 1))
    return v
