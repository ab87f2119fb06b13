"""The window and `route --live` trade each venue with the same key: the one the vault says."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import pytest

from sor_desktop.cli import route_venues
from sor_desktop.cli.errors import CliError
from sor_desktop.engine.wiring import live_venues
from sor_desktop.security.entries import KeyRole
from sor_desktop.security.vault import Vault
from sor_desktop.venues.errors import VenueError
from tests.security.conftest import PASSWORD, sample_entry


@pytest.fixture
def keyed(vault: Vault) -> Vault:
    # alphabetically first is a read-only key, last a trade key: the old code traded with either
    vault.add(replace(sample_entry("bybit", "data-readonly", 11), role=KeyRole.READ_ONLY))
    vault.add(sample_entry("bybit", "trading", 12))
    vault.add(sample_entry("bybit", "zz-old", 13))
    vault.use("bybit", "trading")
    return vault


def api_keys(venues: list) -> dict[str, str | None]:
    return {v.id: v._ex.apiKey or None for v in venues}


@pytest.mark.asyncio
async def test_window_and_cli_trade_with_the_chosen_key(keyed: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    window = live_venues(["bybit", "binanceusdm", "mexc"], keyed)
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    cli = route_venues.live_venues(["bybit", "binanceusdm"], keyed.path)
    try:
        chosen = keyed.get("bybit", "trading").api_key
        assert api_keys(window) == {"bybit": chosen, "binanceusdm": keyed.get("binanceusdm", "main").api_key,
                                    "mexc": None}
        assert api_keys(cli) == {"bybit": chosen, "binanceusdm": keyed.get("binanceusdm", "main").api_key}
    finally:
        for v in [*window, *cli]:
            await v.close()


@pytest.mark.asyncio
async def test_several_trade_keys_and_no_choice_never_guesses(vault: Vault, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    vault.add(sample_entry("bybit", "a", 21))
    vault.add(sample_entry("bybit", "b", 22))
    problems: list[str] = []
    window = live_venues(["bybit"], vault, problems)
    try:
        assert api_keys(window) == {"bybit": None}  # books only
        assert problems and "keys use bybit LABEL" in problems[0]
    finally:
        for v in window:
            await v.close()
    monkeypatch.setenv("SOR_VAULT_PASSWORD", PASSWORD)
    with pytest.raises(CliError, match="several trade keys"):
        route_venues.live_venues(["bybit"], vault.path)


@pytest.mark.asyncio
async def test_account_data_uses_the_read_only_key_and_orders_the_trade_key(keyed: Vault) -> None:
    """Balances and positions go out signed with the read-only key; the trade key only ever signs orders."""
    window = live_venues(["bybit", "binanceusdm"], keyed)
    bybit = next(v for v in window if v.id == "bybit")
    binance = next(v for v in window if v.id == "binanceusdm")
    seen: list[tuple[str, str]] = []

    def recorder(client, name):
        async def fetch(url, method="GET", headers=None, body=None):
            seen.append((name, (headers or {}).get("X-BAPI-API-KEY", "")))
            return {"retCode": 0, "retMsg": "OK", "result": {"list": []}, "time": 1}
        return fetch

    try:
        assert bybit._ex.apiKey == keyed.get("bybit", "trading").api_key
        assert bybit._reader is not None and bybit._reader.apiKey == keyed.get("bybit", "data-readonly").api_key
        assert binance._reader is None  # no read-only key there: its one key does both
        bybit._ex.fetch = recorder(bybit._ex, "trade")
        bybit._reader.fetch = recorder(bybit._reader, "read")
        bybit._ex.markets = bybit._reader.markets = {}
        bybit._instruments = {}
        bybit._reader.options["defaultType"] = "swap"
        with contextlib.suppress(VenueError):  # a stub answer; the request is what matters
            await bybit.fetch_balance()
        assert seen and {name for name, _ in seen} == {"read"}
        assert {key for _, key in seen} == {keyed.get("bybit", "data-readonly").api_key}
    finally:
        for v in window:
            await v.close()


@pytest.mark.asyncio
async def test_a_venue_with_only_a_read_only_key_reads_but_never_trades(vault: Vault) -> None:
    vault.add(replace(sample_entry("bybit", "data", 31), role=KeyRole.READ_ONLY))
    window = live_venues(["bybit"], vault)
    try:
        v = window[0]
        assert v._ex.apiKey in ("", None) and v._reader is not None
        assert not v.capabilities.trading_allowed and "read-only key" in (v.capabilities.view_only_reason or "")
    finally:
        await window[0].close()
