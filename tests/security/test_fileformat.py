"""Every way a vault file can be damaged or edited gives its own error, and nothing loads silently."""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sor_desktop.security import fileformat, kdf
from sor_desktop.security.errors import (
    NotAVault,
    VaultCorrupted,
    VaultError,
    VaultTampered,
    VaultTruncated,
    VaultUnsafeParameters,
    VaultUnsupportedVersion,
    WrongPassword,
)
from sor_desktop.security.vault import Vault, decrypt
from tests.security.conftest import CHEAP, PASSWORD, sample_entry

LEN_FIELD = range(fileformat.HEADER_LEN - 4, fileformat.HEADER_LEN)
MAGIC = range(0, len(fileformat.MAGIC))
_FIXED_END = struct.calcsize(">8sHBIIIB")
SALT = range(_FIXED_END, _FIXED_END + kdf.SALT_LEN)
VERIFIER = range(SALT.stop, SALT.stop + kdf.KEY_LEN)
NONCE = range(VERIFIER.stop, VERIFIER.stop + fileformat.NONCE_LEN)


@pytest.fixture(scope="module")
def blob(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("fmt") / "vault.sorv"
    v = Vault(path, kdf_params=CHEAP)
    v.create(PASSWORD)
    v.add(sample_entry())
    v.add(sample_entry("weex", "sub", 2))
    return path.read_bytes()


def reseal(data: bytes | bytearray) -> bytes:
    """Recompute the trailing checksum: what a deliberate editor would do."""
    body = bytes(data[: -fileformat.DIGEST_LEN])
    return body + hashlib.sha256(body).digest()


def test_round_trip(blob: bytes) -> None:
    _, header, entries = decrypt(blob, PASSWORD)
    assert header.params == CHEAP
    assert entries[("binanceusdm", "main")].secret == sample_entry().secret
    loaded = entries[("weex", "sub")]
    expected = sample_entry("weex", "sub", 2)
    assert (loaded.api_key, loaded.secret, loaded.passphrase) == (expected.api_key, expected.secret, expected.passphrase)


def test_wrong_password(blob: bytes) -> None:
    with pytest.raises(WrongPassword, match="wrong master password"):
        decrypt(blob, PASSWORD + "x")


@pytest.mark.parametrize("xor", [0x01, 0xFF])
def test_every_byte_flipped_is_rejected(blob: bytes, xor: int) -> None:
    for i in range(len(blob)):
        damaged = bytearray(blob)
        damaged[i] ^= xor
        with pytest.raises(VaultError) as err:
            decrypt(bytes(damaged), PASSWORD)
        if i in MAGIC:
            assert type(err.value) is NotAVault, i
        elif i in LEN_FIELD:
            assert type(err.value) in (VaultTruncated, VaultCorrupted), i
        else:
            assert type(err.value) is VaultCorrupted, (i, err.value)


def test_every_truncation_is_truncated(blob: bytes) -> None:
    for cut in range(len(blob)):
        with pytest.raises(VaultTruncated, match="truncated"):
            decrypt(blob[:cut], PASSWORD)


def test_every_sealed_byte_edited_with_a_fixed_checksum_is_caught(blob: bytes) -> None:
    """A deliberate edit passes the checksum; the header-as-AAD and the GCM tag must still catch it."""
    for i in range(len(fileformat.MAGIC), len(blob) - fileformat.DIGEST_LEN):
        damaged = bytearray(blob)
        damaged[i] ^= 0x01
        with pytest.raises(VaultError) as err:
            decrypt(reseal(damaged), PASSWORD)
        if i in SALT or i in VERIFIER:
            # A different salt or verifier is indistinguishable from a different password.
            assert type(err.value) is WrongPassword, i
        elif i in NONCE or i >= fileformat.HEADER_LEN:
            assert type(err.value) is VaultTampered, i
        elif i in (8, 9):
            assert type(err.value) is VaultUnsupportedVersion, i
        elif 11 <= i < 23:  # memory, passes, lanes: a different cost derives a different key
            assert type(err.value) in (WrongPassword, VaultUnsafeParameters), (i, err.value)
        else:  # kdf id, salt length, ciphertext length
            assert type(err.value) is VaultCorrupted, (i, err.value)


def _with_params(blob: bytes, memory: int, passes: int, lanes: int) -> bytes:
    data = bytearray(blob)
    struct.pack_into(">III", data, 11, memory, passes, lanes)
    return reseal(data)


@pytest.mark.parametrize(
    "memory,passes,lanes",
    [(kdf.MAX_MEMORY_KIB + 1, 1, 1), (64, kdf.MAX_PASSES + 1, 1), (2**32 - 1, 2**32 - 1, 1), (64, 1, 0), (64, 0, 1)],
)
def test_absurd_kdf_costs_are_refused_before_deriving(
    blob: bytes, memory: int, passes: int, lanes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*_a: object, **_k: object) -> bytes:
        raise AssertionError("derived a key for a header with absurd costs")

    monkeypatch.setattr(kdf, "hash_secret_raw", forbidden)
    with pytest.raises(VaultUnsafeParameters, match="absurd"):
        decrypt(_with_params(blob, memory, passes, lanes), PASSWORD)


def test_edited_costs_within_bounds_read_as_wrong_password(blob: bytes) -> None:
    with pytest.raises(WrongPassword):
        decrypt(_with_params(blob, 128, 2, 1), PASSWORD)


def test_future_version_is_named(blob: bytes) -> None:
    data = bytearray(blob)
    struct.pack_into(">H", data, 8, 2)
    with pytest.raises(VaultUnsupportedVersion, match="version 2"):
        decrypt(reseal(data), PASSWORD)


def test_production_kdf_defaults() -> None:
    assert kdf.PRODUCTION == kdf.KdfParams(memory_kib=65536, passes=3, lanes=4)
    kdf.PRODUCTION.check()


def test_distinct_errors_have_distinct_messages(blob: bytes) -> None:
    cases = {
        "wrong": lambda: decrypt(blob, "not the password"),
        "truncated": lambda: decrypt(blob[:-10], PASSWORD),
        "corrupted": lambda: decrypt(blob[:100] + bytes([blob[100] ^ 1]) + blob[101:], PASSWORD),
        "tampered": lambda: decrypt(reseal(blob[:-40] + bytes([blob[-40] ^ 1]) + blob[-39:]), PASSWORD),
        "foreign": lambda: decrypt(b"PK\x03\x04 a zip file, not a vault", PASSWORD),
    }
    messages = {}
    for name, attempt in cases.items():
        with pytest.raises(VaultError) as err:
            attempt()
        messages[name] = (type(err.value), str(err.value))
    assert len({m[0] for m in messages.values()}) == len(cases)
    assert len({m[1] for m in messages.values()}) == len(cases)


# -- hypothesis: thousands of random truncations and corruptions --------------------------------

FAST = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(data=st.data())
def test_random_truncations_are_truncated(blob: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(blob) - 1))
    with pytest.raises(VaultTruncated):
        decrypt(blob[:cut], PASSWORD)


@FAST
@given(data=st.data())
def test_random_corruptions_never_load(blob: bytes, data: st.DataObject) -> None:
    damaged = bytearray(blob)
    edits = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(blob) - 1), st.integers(1, 255)), min_size=1, max_size=8
        )
    )
    for at, xor in edits:
        damaged[at] ^= xor
    if bytes(damaged) == blob:  # two edits of the same byte cancelled out
        return
    tail = data.draw(st.sampled_from(["none", "cut", "append"]))
    if tail == "cut":
        damaged = damaged[: data.draw(st.integers(0, len(damaged) - 1))]
    elif tail == "append":
        damaged += data.draw(st.binary(min_size=1, max_size=64))
    with pytest.raises((VaultCorrupted, VaultTruncated)):
        decrypt(bytes(damaged), PASSWORD)


@settings(max_examples=500, deadline=None)
@given(junk=st.binary(max_size=600), keep_magic=st.booleans())
def test_random_bytes_never_load(junk: bytes, keep_magic: bool) -> None:
    data = (fileformat.MAGIC + junk) if keep_magic else junk
    with pytest.raises(VaultError):
        decrypt(data, PASSWORD)


def test_failed_loads_leave_the_file_untouched(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "vault.sorv"
    for damaged in (blob[:-1], blob[:50], reseal(blob[:-40] + bytes([blob[-40] ^ 1]) + blob[-39:]), blob):
        path.write_bytes(damaged)
        before = path.stat()
        v = Vault(path, kdf_params=CHEAP)
        with pytest.raises(VaultError):
            v.unlock(PASSWORD if damaged is not blob else "wrong password!")
        assert path.read_bytes() == damaged
        assert path.stat().st_mtime_ns == before.st_mtime_ns
        assert v.locked
        assert sorted(p.name for p in tmp_path.iterdir()) == ["vault.sorv"]
