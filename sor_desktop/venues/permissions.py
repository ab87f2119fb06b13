"""Ask a venue what an API key may do, through ccxt's implicit endpoints:

- binanceusdm: ``sapiGetAccountApiRestrictions`` (GET /sapi/v1/account/apiRestrictions)
- bybit: ``privateGetV5UserQueryApi`` (GET /v5/user/query-api)
- bingx: ``accountV1PrivateGetAccountApiPermissions`` (GET /openApi/v1/account/apiPermissions)
- mexc: no endpoint reads a key's permissions or IP binding; the check proves the key with a
  signed read (``account/assets``). Whether the account takes futures orders by API is found at
  connect by one journaled order the venue must refuse either way (``mexc.probe``): never here,
  where no journal records it (the key dialog, ``keys check``, the live start's key checks).
- weex: no such endpoint; ``venues/weex/probe.py`` proves the key works (account settings) and
  says its permissions and IP binding cannot be checked on this venue
- anything else: no such endpoint; the result says it could not be checked.

``probe_permissions`` never raises for venue trouble: a failed probe is an unchecked result whose
notes say why. Error texts pass through ``logs.redact`` (ccxt puts response bodies in them).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import ccxt
import ccxt.async_support as ccxt_async

from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.permissions import REMINDER, KeyPermissions, unchecked
from sor_desktop.venues.ccxt_errors import clean_message, venue_reason
from sor_desktop.venues.mexc import probe as mexc_probe
from sor_desktop.venues.weex import probe as weex_probe

log = logging.getLogger(__name__)

ClientFactory = Callable[[KeyEntry], Any]
NO_WITHDRAW = "this key can WITHDRAW: create a new key without the withdrawal permission"
NO_IP = "no IP whitelist: bind the key to your IP addresses on the venue's API page"
NO_TRADE = "this key cannot trade perpetual futures: enable futures trading for it"
CAN_TRANSFER = "this key can move funds between your own accounts (transfer permission)"
TIMEOUT_MS = 10_000


def make_client(entry: KeyEntry) -> Any:
    """A ccxt async client for ``entry`` (the caller closes it)."""
    cls = getattr(ccxt_async, entry.venue)
    config: dict[str, Any] = {"apiKey": entry.api_key, "secret": entry.secret, "timeout": TIMEOUT_MS}
    if entry.passphrase:
        config["password"] = entry.passphrase
    client = cls(config)
    if entry.testnet:
        client.set_sandbox_mode(True)
    return client


def needs_passphrase(venue: str) -> bool:
    if not known_venue(venue):
        return False
    # requiredCredentials is filled in by each exchange's describe(), so only an instance has it.
    return bool(getattr(ccxt, venue)().requiredCredentials.get("password"))


def known_venue(venue: str) -> bool:
    """A venue the app can trade: a ccxt.pro exchange (books by websocket) with swap markets."""
    return venue in tradeable_venues()


@functools.cache
def tradeable_venues() -> tuple[str, ...]:
    import ccxt.pro

    return tuple(e for e in ccxt.pro.exchanges if getattr(ccxt.pro, e)().has.get("swap"))


def _data(response: Any, key: str) -> dict[str, Any]:
    """The payload of a wrapped answer (``{"result": {...}}``), or the answer itself when flat."""
    inner = response.get(key) if isinstance(response, dict) else None
    payload = inner if isinstance(inner, dict) else response
    if not isinstance(payload, dict):
        raise ValueError(f"expected an object, got {type(payload).__name__}")
    return payload


def _require(payload: dict[str, Any], *fields: str) -> dict[str, Any]:
    """A missing field must never read as "not allowed": an answer without it is not an answer."""
    missing = [f for f in fields if f not in payload]
    if missing:
        raise ValueError(f"answer lacks {', '.join(missing)}")
    return payload


def _notes(can_trade: bool | None, can_withdraw: bool | None, ip: bool | None, *extra: str) -> tuple[str, ...]:
    notes = [NO_WITHDRAW] if can_withdraw else []
    if ip is False:
        notes.append(NO_IP)
    if can_trade is False:
        notes.append(NO_TRADE)
    return (*notes, *extra)


async def _binance(client: Any, venue: str) -> KeyPermissions:
    r = _require(_data(await client.sapiGetAccountApiRestrictions(), "data"), "enableWithdrawals", "ipRestrict")
    trade = bool(r.get("enableFutures"))
    withdraw = bool(r.get("enableWithdrawals"))
    ip = bool(r.get("ipRestrict"))
    extra = []
    if r.get("enableInternalTransfer") or r.get("permitsUniversalTransfer"):
        extra.append(CAN_TRANSFER)
    days = _binance_days_left(r, ip)
    if days is not None:
        extra.append(f"trading permission ends in {days} days (Binance keys without an IP whitelist)")
    return KeyPermissions(venue, True, trade, withdraw, ip, _notes(trade, withdraw, ip, *extra), days)


def _binance_days_left(r: dict[str, Any], ip: bool) -> int | None:
    """Binance removes trading from a key with no IP whitelist 30 days after it is created
    (``tradingAuthorityExpirationTime`` when it says so, else ``createTime`` + 30 days)."""
    if ip:
        return None
    end = r.get("tradingAuthorityExpirationTime")
    if not end and r.get("createTime"):
        end = int(r["createTime"]) + 30 * 86_400_000
    if not end:
        return None
    return max(0, int((int(end) - time.time() * 1000) // 86_400_000))


async def _bybit(client: Any, venue: str) -> KeyPermissions:
    r = _require(_data(await client.privateGetV5UserQueryApi(), "result"), "permissions", "ips")
    perms = r.get("permissions") or {}
    read_only = str(r.get("readOnly")) == "1"
    contract = perms.get("ContractTrade") or []
    derivatives = perms.get("Derivatives") or []
    trade = not read_only and (bool(contract) or "DerivativesTrade" in derivatives)
    withdraw = "Withdraw" in (perms.get("Wallet") or [])
    ips = [ip for ip in (r.get("ips") or []) if ip]
    ip = bool(ips) and ips != ["*"]
    extra = []
    if read_only:
        extra.append("the key is read-only")
    days = None
    if r.get("deadlineDay") not in (None, "", -1) and int(r["deadlineDay"]) >= 0:
        days = int(r["deadlineDay"])
        extra.append(f"the key expires in {days} days")
    return KeyPermissions(venue, True, trade, withdraw, ip, _notes(trade, withdraw, ip, *extra), days)


# BingX "Query API KEY Permissions" (docs-v3): 1 spot trading, 2 read, 3 perpetual futures
# trading, 4 universal transfer, 5 withdrawal, 7 transfers within sub-accounts. The docs' answer
# is the bare object; a wrapped {"code", "data"} one is read too. Checked against the loopback
# BingX server (tests/venues/test_bingx_account.py).
async def _bingx(client: Any, venue: str) -> KeyPermissions:
    r = _require(_data(await client.accountV1PrivateGetAccountApiPermissions(), "data"), "permissions")
    codes = {int(p) for p in (r.get("permissions") or [])}
    trade, withdraw = 3 in codes, 5 in codes
    ip = bool([a for a in (r.get("ipAddresses") or []) if a])
    extra = [CAN_TRANSFER] if codes & {4, 7} else []
    return KeyPermissions(venue, True, trade, withdraw, ip, _notes(trade, withdraw, ip, *extra))


async def _mexc(client: Any, venue: str) -> KeyPermissions:
    answer = await client.contractPrivateGetAccountAssets()
    if not isinstance(answer, dict) or answer.get("success") is not True:
        raise ValueError("account/assets answer is not a success")
    return KeyPermissions(venue, False, notes=(mexc_probe.CANNOT_CHECK, mexc_probe.KEY_ACCEPTED,
                                               mexc_probe.ASKED_AT_CONNECT, REMINDER))


PROBES: dict[str, Callable[[Any, str], Awaitable[KeyPermissions]]] = {
    "binanceusdm": _binance,
    "bybit": _bybit,
    "bingx": _bingx,
    "mexc": _mexc,
    "weex": weex_probe.probe,
}


def _reason(exc: BaseException) -> str:
    # a signed URL's query (timestamp, signature) is cut as in every venue error (clean_message)
    text = clean_message(str(exc)).replace("\n", " ")
    return text if len(text) <= 200 else text[:200] + "…"


async def probe_permissions(entry: KeyEntry, *, client_factory: ClientFactory = make_client) -> KeyPermissions:
    probe = PROBES.get(entry.venue)
    if probe is None:
        return unchecked(entry.venue, f"{entry.venue} offers no way to read a key's permissions by API")
    client = client_factory(entry)
    try:
        result = await probe(client, entry.venue)
    except ccxt.AuthenticationError as exc:
        result = unchecked(entry.venue, f"the venue refused the key: {_reason(exc)}")
    except ccxt.PermissionDenied as exc:
        result = unchecked(entry.venue, f"the venue denied the permission query: {_reason(exc)}")
    except ccxt.NetworkError as exc:
        result = unchecked(entry.venue, f"could not reach the venue: {venue_reason(exc, entry.venue)}")
    except ccxt.NotSupported as exc:
        where = "on testnet" if entry.testnet else "here"
        result = unchecked(entry.venue, f"the permission query is not available {where}: {_reason(exc)}")
    except ccxt.BaseError as exc:
        result = unchecked(entry.venue, f"the venue answered with an error: {_reason(exc)}")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("unexpected permission answer from %s: %s", entry.venue, _reason(exc))
        result = unchecked(entry.venue, "the venue's answer had an unexpected shape")
    finally:
        await client.close()
    log.info("permissions of %s/%s: %s", entry.venue, entry.label, result.summary())
    return result
