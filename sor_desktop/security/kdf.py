"""Master password -> keys. Argon2id with the cost stored in the vault header, so it can be raised
later without breaking old files; HKDF splits the Argon2 output into an encryption key and a
password verifier (the verifier tells a wrong password apart from a tampered file)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from sor_desktop.security.errors import VaultUnsafeParameters

ARGON2ID = 1  # the only KDF id format version 1 knows

# Refused before deriving: a crafted header must not make us allocate gigabytes or spin for minutes.
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
MAX_PASSES = 10
MAX_LANES = 64
SALT_LEN = 16
KEY_LEN = 32


@dataclass(frozen=True, slots=True)
class KdfParams:
    memory_kib: int = 64 * 1024  # 64 MiB
    passes: int = 3
    lanes: int = 4

    def check(self) -> None:
        """Raise ``VaultUnsafeParameters`` for costs no honest vault asks for, or Argon2 cannot run."""
        if not 1 <= self.passes <= MAX_PASSES:
            raise VaultUnsafeParameters(f"{self.passes} passes (allowed 1..{MAX_PASSES})")
        if not 1 <= self.lanes <= MAX_LANES:
            raise VaultUnsafeParameters(f"{self.lanes} lanes (allowed 1..{MAX_LANES})")
        if not 8 * self.lanes <= self.memory_kib <= MAX_MEMORY_KIB:
            raise VaultUnsafeParameters(
                f"{self.memory_kib} KiB of memory (allowed {8 * self.lanes}..{MAX_MEMORY_KIB})"
            )


PRODUCTION = KdfParams()


@dataclass(frozen=True, slots=True)
class DerivedKeys:
    """The AES key and the stored verifier. ``key`` is a bytearray so ``wipe`` can zero it."""

    key: bytearray
    verifier: bytes

    def wipe(self) -> None:
        for i in range(len(self.key)):
            self.key[i] = 0

    def __repr__(self) -> str:
        return "DerivedKeys(<hidden>)"


def encode_password(password: str) -> bytes:
    # NFC so the same password typed on different systems (composed vs decomposed accents) matches.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def derive(password: str, salt: bytes, params: KdfParams) -> DerivedKeys:
    params.check()
    master = hash_secret_raw(
        encode_password(password),
        salt,
        time_cost=params.passes,
        memory_cost=params.memory_kib,
        parallelism=params.lanes,
        hash_len=KEY_LEN,
        type=Type.ID,
    )
    key = HKDFExpand(hashes.SHA256(), KEY_LEN, b"sor-desktop vault v1 aes-256-gcm key").derive(master)
    verifier = HKDFExpand(hashes.SHA256(), KEY_LEN, b"sor-desktop vault v1 password verifier").derive(master)
    return DerivedKeys(bytearray(key), verifier)
