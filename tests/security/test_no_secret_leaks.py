"""A session of vault work with logging at DEBUG through ``sor_desktop.logs.setup``; then everything
written (log file, stdout, stderr, reprs, exception texts, probe results) is scanned for the secrets.

Two variants: ``strict`` disables secret registration, so the redacting filter knows nothing and the
scan proves our code never logs a secret at all; ``redacted`` keeps registration and lets ccxt log
real requests (headers hold the API key) against a loopback venue, proving the filter masks them."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from sor_desktop import logs
from sor_desktop.cli import keys_cmd
from sor_desktop.cli.main import main
from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.errors import VaultError
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault
from sor_desktop.venues import permissions as probes

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)


def fresh(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """A sor-desktop file log at DEBUG for this test only (earlier tests may have installed one)."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [h for h in saved_handlers if not getattr(h, "_sor_desktop", False)]
    target = logs.setup(level=logging.DEBUG, log_file=tmp_path / "logs" / "session.log")
    # the live venue module quiets ccxt's request log; open it here (whatever was imported
    # before) so the redacting filter is what this test proves
    ccxt_log = logging.getLogger("ccxt")
    saved_ccxt_level = ccxt_log.level
    ccxt_log.setLevel(logging.DEBUG)
    try:
        yield target
    finally:
        ccxt_log.setLevel(saved_ccxt_level)
        for h in root.handlers:
            if getattr(h, "_sor_desktop", False):
                h.close()
        root.handlers, root.level = saved_handlers, saved_level


class Session:
    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "vault.sorv"
        self.password = fresh("pw-")
        self.new_password = fresh("pw2-")
        self.entries = [
            KeyEntry("binanceusdm", "main", fresh("BK"), fresh("BS")),
            KeyEntry("bybit", "alt", fresh("YK"), fresh("YS"), testnet=True),
            KeyEntry("weex", "main", fresh("WK"), fresh("WS"), fresh("WP")),
        ]
        self.texts: list[str] = []  # reprs, exception messages, results: anything shown to a person

    @property
    def secrets(self) -> list[str]:
        values = [self.password, self.new_password]
        for e in self.entries:
            values += [e.api_key, e.secret] + ([e.passphrase] if e.passphrase else [])
        return values

    def run(self, monkeypatch: pytest.MonkeyPatch, client_factory: Any) -> None:
        log = logging.getLogger("sor_desktop.test_session")
        vault = Vault(self.path, kdf_params=CHEAP)
        vault.create(self.password)
        for e in self.entries:
            vault.add(e)
            log.debug("added %r / %s", e, e)
            self.texts += [repr(e), str(e), f"{e!r}", repr(vault)]
        try:
            KeyEntry("bybit", "bad", "K" * 20, self.entries[0].secret + " tail")
        except VaultError as exc:
            log.exception("rejected entry")
            self.texts.append(str(exc))
        for attempt in (self.password + "x", self.new_password):
            try:
                Vault(self.path, kdf_params=CHEAP).unlock(attempt)
            except VaultError as exc:
                log.warning("unlock failed: %s", exc)
                self.texts.append(str(exc))
        for e in self.entries:
            result = asyncio.run(probes.probe_permissions(e, client_factory=client_factory))
            log.info("probe %s", result)
            self.texts += [repr(result), *result.lines()]
        vault.change_password(self.new_password)
        vault.remove("bybit", "alt")
        vault.lock()
        # the CLI over the same vault
        monkeypatch.setenv("SOR_VAULT_PASSWORD", self.new_password)
        monkeypatch.setattr(keys_cmd, "interactive", lambda: False)
        main(["keys", "list", "--vault", str(self.path)])
        monkeypatch.setenv("SOR_VAULT_PASSWORD", self.password)
        main(["keys", "list", "--vault", str(self.path)])

    def assert_clean(self, *outputs: str) -> None:
        for i, text in enumerate([*outputs, *self.texts]):
            for s in self.secrets:
                assert s not in text, f"secret found in output #{i}: ...{text[max(0, text.find(s) - 80):text.find(s)]}"


def replay_factory(body: dict[str, Any]) -> Any:
    def factory(entry: KeyEntry) -> Any:
        client = probes.make_client(entry)

        async def fetch(url: str, method: str = "GET", headers: Any = None, req_body: Any = None) -> Any:
            return body

        client.fetch = fetch
        return client

    return factory


def test_session_logs_no_secret_even_without_redaction(
    tmp_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(logs, "register_secret", lambda _value: None)
    caplog.set_level(logging.DEBUG)
    session = Session(tmp_path)
    body = {"ipRestrict": True, "enableFutures": True, "enableWithdrawals": False}
    session.run(monkeypatch, replay_factory(body))
    captured = capsys.readouterr()
    logged = log_file.read_text(encoding="utf-8")
    assert "added KeyEntry(venue='binanceusdm'" in logged  # the scan looked at a real log
    assert "wrong master password" in captured.err
    session.assert_clean(logged, caplog.text, captured.out, captured.err)


@pytest.fixture
def loopback_venue() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Binance's apiRestrictions and Bybit's query-api on 127.0.0.1; Bybit echoes the key in an error."""
    seen: list[dict[str, str]] = []

    async def binance(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({"ipRestrict": False, "enableFutures": True, "enableWithdrawals": False})

    async def bybit(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        key = request.headers.get("X-BAPI-API-KEY", "")
        return web.json_response({"retCode": 10003, "retMsg": f"API key {key} is invalid.", "result": {}})

    app = web.Application()
    app.router.add_get("/sapi/v1/account/apiRestrictions", binance)
    app.router.add_get("/v5/user/query-api", bybit)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    import threading

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())
        loop.close()


def test_session_with_real_ccxt_requests_is_redacted(
    tmp_path: Path, log_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    loopback_venue: tuple[str, list[dict[str, str]]],
) -> None:
    base, seen = loopback_venue

    def factory(entry: KeyEntry) -> Any:
        client = probes.make_client(entry)
        if entry.venue == "binanceusdm":
            client.urls["api"]["sapi"] = base + "/sapi/v1"
        elif entry.venue == "bybit":
            client.urls["api"] = {k: base for k in client.urls["api"]}
            client.urls["test"] = client.urls["api"]
        return client

    session = Session(tmp_path)
    session.run(monkeypatch, factory)
    captured = capsys.readouterr()
    logged = log_file.read_text(encoding="utf-8")
    # ccxt really sent the keys and logged the requests: the filter is what kept them out.
    assert [h.get("X-MBX-APIKEY") for h in seen[:1]] == [session.entries[0].api_key]
    assert "X-MBX-APIKEY" in logged and logs.MASK in logged
    assert "refused the key" in json.dumps(session.texts)
    session.assert_clean(logged, captured.out, captured.err)
