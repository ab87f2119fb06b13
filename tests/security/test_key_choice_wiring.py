"""The window and `route --live` trade each venue with the same key: the one the vault says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sor_desktop.cli import route_venues
from sor_desktop.cli.errors import CliError
from sor_desktop.engine.wiring import live_venues
from sor_desktop.security.entries import KeyRole
from sor_desktop.security.vault import Vault
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
