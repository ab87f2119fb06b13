"""The vault file, version 1 (all integers big-endian):

    magic "SORVAULT" | version u16 | kdf id u8 | memory KiB u32 | passes u32 | lanes u32 |
    salt length u8 | salt | verifier (32) | nonce (12) | ciphertext length u32 |
    ciphertext (AES-256-GCM, tag included) | SHA-256 of everything before it

Everything before the ciphertext is the header and is bound to it as associated data. The trailing
SHA-256 is not a security measure: it tells accidental damage (disk, copy, cut) apart from a
deliberate edit, which only the GCM tag catches. Checks run cheapest first and never derive a key
for a file that is structurally wrong or asks for absurd costs.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sor_desktop.security import kdf
from sor_desktop.security.errors import (
    NotAVault,
    VaultCorrupted,
    VaultTampered,
    VaultTruncated,
    VaultUnsupportedVersion,
    WrongPassword,
)

MAGIC = b"SORVAULT"
VERSION = 1
NONCE_LEN = 12
TAG_LEN = 16
DIGEST_LEN = 32
_FIXED = struct.Struct(">8sHBIIIB")
HEADER_LEN = _FIXED.size + kdf.SALT_LEN + kdf.KEY_LEN + NONCE_LEN + 4
MIN_FILE_LEN = HEADER_LEN + TAG_LEN + DIGEST_LEN


@dataclass(frozen=True, slots=True)
class Header:
    params: kdf.KdfParams
    salt: bytes
    verifier: bytes
    nonce: bytes
    raw: bytes  # the exact header bytes, used as associated data


def seal(plaintext: bytes, keys: kdf.DerivedKeys, salt: bytes, params: kdf.KdfParams) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    ct_len = len(plaintext) + TAG_LEN
    header = (
        _FIXED.pack(MAGIC, VERSION, kdf.ARGON2ID, params.memory_kib, params.passes, params.lanes, len(salt))
        + salt
        + keys.verifier
        + nonce
        + struct.pack(">I", ct_len)
    )
    body = header + AESGCM(bytes(keys.key)).encrypt(nonce, plaintext, header)
    return body + hashlib.sha256(body).digest()


def parse(data: bytes) -> tuple[Header, bytes]:
    """Check the structure without any password; return the header and the ciphertext."""
    if len(data) < len(MAGIC):
        if MAGIC.startswith(data):
            raise VaultTruncated(len(data))
        raise NotAVault()
    if not data.startswith(MAGIC):
        raise NotAVault()
    if len(data) < HEADER_LEN:
        raise VaultTruncated(len(data))
    _, version, kdf_id, memory, passes, lanes, salt_len = _FIXED.unpack_from(data)
    (ct_len,) = struct.unpack_from(">I", data, HEADER_LEN - 4)
    expected = HEADER_LEN + ct_len + DIGEST_LEN
    body, digest = data[:-DIGEST_LEN], data[-DIGEST_LEN:]
    if not hmac.compare_digest(hashlib.sha256(body).digest(), digest):
        # A damaged length field can make a whole file look short; a short file is the likelier story.
        if len(data) < expected:
            raise VaultTruncated(len(data), expected)
        raise VaultCorrupted("checksum mismatch")
    # From here the bytes are as written by someone: either us, or a deliberate edit.
    if version != VERSION:
        raise VaultUnsupportedVersion(version)
    if kdf_id != kdf.ARGON2ID:
        raise VaultCorrupted(f"unknown key derivation id {kdf_id}")
    if salt_len != kdf.SALT_LEN:
        raise VaultCorrupted(f"salt of {salt_len} bytes")
    if len(data) != expected or ct_len < TAG_LEN:
        raise VaultCorrupted("length fields do not match the file")
    params = kdf.KdfParams(memory_kib=memory, passes=passes, lanes=lanes)
    params.check()
    at = _FIXED.size
    salt = data[at : at + kdf.SALT_LEN]
    at += kdf.SALT_LEN
    verifier = data[at : at + kdf.KEY_LEN]
    at += kdf.KEY_LEN
    nonce = data[at : at + NONCE_LEN]
    header = Header(params, salt, verifier, nonce, data[:HEADER_LEN])
    return header, data[HEADER_LEN : HEADER_LEN + ct_len]


def open_sealed(header: Header, ciphertext: bytes, keys: kdf.DerivedKeys) -> bytearray:
    if not hmac.compare_digest(keys.verifier, header.verifier):
        raise WrongPassword()
    try:
        plain = AESGCM(bytes(keys.key)).decrypt(header.nonce, ciphertext, header.raw)
    except InvalidTag:
        raise VaultTampered() from None
    return bytearray(plain)
