"""Keys have a role, are never stored twice, and each venue trades with one chosen key."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from pathlib import Path

import pytest

from sor_desktop.security import fileformat
from sor_desktop.security.entries import KeyEntry, KeyRole
from sor_desktop.security.errors import InvalidKeyEntry, NoTradeKey, ReusedKey, ReusedSecret
from sor_desktop.security.vault import Vault
from tests.security.conftest import CHEAP, PASSWORD, sample_entry


def reopen(path: Path) -> Vault:
    v = Vault(path, kdf_params=CHEAP)
    v.unlock(PASSWORD)
    return v


def test_role_is_stored_and_shown(vault: Vault) -> None:
    vault.add(replace(sample_entry("bybit", "data", 7), role=KeyRole.READ_ONLY))
    again = reopen(vault.path)
    assert again.get("bybit", "data").role is KeyRole.READ_ONLY
    assert again.get("binanceusdm", "main").role is KeyRole.TRADE
    assert "role=read-only" in repr(again.get("bybit", "data"))
    with pytest.raises(InvalidKeyEntry, match="bad role"):
        replace(sample_entry(), role="admin")  # type: ignore[arg-type]


def test_vault_written_before_roles_opens_with_trade_keys(vault_path: Path) -> None:
    v = Vault(vault_path, kdf_params=CHEAP)
    v.create(PASSWORD)
    old = sample_entry().to_json()
    del old["role"], old["selected"]
    raw = json.dumps({"payload_version": 1, "keys": [old]}).encode()
    assert v._keys is not None
    vault_path.write_bytes(fileformat.seal(raw + b" " * (-len(raw) % 256), v._keys, v._salt, v._params))
    assert reopen(vault_path).get("binanceusdm", "main").role is KeyRole.TRADE


@pytest.mark.parametrize(("venue", "label"), [("binanceusdm", "other"), ("bybit", "main")])
def test_the_same_api_key_is_refused_anywhere_else(vault: Vault, venue: str, label: str) -> None:
    same = sample_entry()  # binanceusdm/main's key
    with pytest.raises(ReusedKey, match="already stored as binanceusdm/main"):
        vault.add(KeyEntry(venue, label, same.api_key, "another-secret-000000", role=KeyRole.READ_ONLY))
    assert {e.key_id for e in reopen(vault.path).entries()} == {("binanceusdm", "main"), ("weex", "sub-1")}
    vault.add(replace(same, secret="rotated-secret-0000000"), replace=True)  # its own slot: fine


def test_each_venue_trades_with_one_chosen_key(vault: Vault) -> None:
    assert vault.trade_key("binanceusdm") == vault.get("binanceusdm", "main")  # the only one
    assert vault.trade_key("bybit") is None
    vault.add(sample_entry("binanceusdm", "trading", 5))
    vault.add(replace(sample_entry("binanceusdm", "data-readonly", 6), role=KeyRole.READ_ONLY))
    with pytest.raises(NoTradeKey, match="keys use binanceusdm LABEL"):
        vault.trade_key("binanceusdm")  # two trade keys, none chosen: never guess
    vault.use("binanceusdm", "trading")
    again = reopen(vault.path)
    assert again.trade_key("binanceusdm") == again.get("binanceusdm", "trading")
    assert again.read_key("binanceusdm") == again.get("binanceusdm", "data-readonly")
    assert again.read_key("weex") == again.get("weex", "sub-1")  # no read-only key: the trade key reads
    with pytest.raises(NoTradeKey, match="read-only"):
        again.use("binanceusdm", "data-readonly")
    again.add(replace(sample_entry("binanceusdm", "trading", 5), secret="rotated-secret-1111111"), replace=True)
    assert again.trade_key("binanceusdm") == again.get("binanceusdm", "trading")  # replacing keeps the choice


def _pieces(text: str, n: int = 6) -> set[str]:
    return {text[i:i + n] for i in range(len(text) - n + 1)}


@pytest.mark.parametrize(("venue", "label", "role"), [
    ("binanceusdm", "main-2", KeyRole.TRADE),  # the same venue, a new label
    ("bybit", "main", KeyRole.TRADE),  # another venue
    ("binanceusdm", "data", KeyRole.READ_ONLY),  # a read-only key with the trade key's secret
])
def test_a_secret_stored_with_another_api_key_is_refused(vault: Vault, venue: str, label: str, role: KeyRole) -> None:
    """A secret pasted under a new API key (a copy-paste slip, or one key's secret reused) was stored:
    every signature with it fails, and one secret in two places is one leak reaching both."""
    stored = KeyEntry("binanceusdm", "paste", "PastedApiKey" + "P" * 30, secrets.token_urlsafe(32))
    vault.add(stored)
    with pytest.raises(ReusedSecret) as refused:
        vault.add(KeyEntry(venue, label, "AnotherApiKey" + "A" * 30, stored.secret, role=role))
    said = str(refused.value)
    assert "binanceusdm/paste" in said
    assert not _pieces(stored.secret) & _pieces(said)  # not the secret, nor any piece of it
    assert not _pieces(stored.secret) & _pieces(repr(refused.value))
    assert {e.key_id for e in reopen(vault.path).entries()} == {
        ("binanceusdm", "main"), ("binanceusdm", "paste"), ("weex", "sub-1")}


def test_a_key_replaced_in_its_own_slot_may_keep_its_secret(vault: Vault) -> None:
    stored = sample_entry()
    vault.add(replace(stored, api_key="RotatedApiKey" + "R" * 30), replace=True)
    assert reopen(vault.path).get("binanceusdm", "main").secret == stored.secret
    with pytest.raises(ReusedSecret, match="binanceusdm/main"):  # but not into another one's slot
        vault.add(replace(sample_entry("weex", "sub-1", 1), secret=stored.secret), replace=True)


def test_secrets_are_compared_in_constant_time(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that stops at the first differing character tells a timing attacker how much of a
    guessed secret is right; the secrets are compared with hmac.compare_digest, as bytes."""
    import hmac

    from sor_desktop.security import vault as vault_module

    seen: list[tuple[object, object]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((type(a), type(b)))
        return real(a, b)

    monkeypatch.setattr(vault_module.hmac, "compare_digest", spy)
    vault.add(sample_entry("bybit", "new", 9))
    assert len(seen) >= 2 and set(seen) == {(bytes, bytes)}  # one per stored key at least


def test_removing_the_chosen_key_leaves_no_key_chosen(vault: Vault) -> None:
    """`keys remove bybit trading` (the key chosen with `keys use`) left `trading2` trading: the
    only trade key left was taken as the choice. A key the trader never chose never trades."""
    vault.add(sample_entry("bybit", "trading", 11))
    vault.add(sample_entry("bybit", "trading2", 12))
    vault.use("bybit", "trading")
    vault.remove("bybit", "trading")
    for v in (vault, reopen(vault.path)):
        with pytest.raises(NoTradeKey, match="keys use bybit"):
            v.trade_key("bybit")
        with pytest.raises(NoTradeKey):
            v.read_key("bybit")  # no read-only key: the trade key would read, and none is chosen
    again = reopen(vault.path)
    again.use("bybit", "trading2")
    assert reopen(vault.path).trade_key("bybit") == again.get("bybit", "trading2")


def test_removing_a_key_not_chosen_keeps_the_choice(vault: Vault) -> None:
    vault.add(sample_entry("bybit", "trading", 11))
    vault.add(sample_entry("bybit", "trading2", 12))
    vault.use("bybit", "trading")
    vault.remove("bybit", "trading2")
    assert reopen(vault.path).trade_key("bybit") == vault.get("bybit", "trading")
