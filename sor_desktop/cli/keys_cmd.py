"""``sor-desktop keys init|add|list|use|remove|passwd|check``: the key vault from a terminal or a script.

Each key is a ``trade`` key (places orders) or a ``read-only`` key (balances, positions, fees):
never the same key for both, and never one key stored twice. A venue with several trade keys
trades with the one chosen by ``keys use VENUE LABEL``, in the window and every command.

The master password comes from ``SOR_VAULT_PASSWORD`` or a prompt (asked twice when it is set); a new
one for ``passwd`` from ``SOR_VAULT_NEW_PASSWORD`` or a prompt. A secret given on the command line is
visible to other local users and lands in shell history: leave ``--secret`` out to be prompted, or
pass ``--secret -`` to read it from standard input. Output never holds a secret; keys are masked.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sor_desktop import paths
from sor_desktop.cli.errors import CliError
from sor_desktop.security.entries import KeyEntry, KeyRole, trim_notes
from sor_desktop.security.errors import (
    NotAVault,
    VaultCorrupted,
    VaultError,
    VaultExists,
    VaultNotFound,
    VaultTampered,
    VaultTruncated,
)
from sor_desktop.security.kdf import PRODUCTION, KdfParams
from sor_desktop.security.permissions import KeyPermissions, Verdict
from sor_desktop.security.vault import Vault
from sor_desktop.venues.quirks import DEFAULT_VENUES

PASSWORD_ENV = "SOR_VAULT_PASSWORD"
NEW_PASSWORD_ENV = "SOR_VAULT_NEW_PASSWORD"

# Seams for tests: the prompt, whether a terminal is attached, the KDF cost of new vaults, the probe.
prompt: Callable[[str], str] = getpass.getpass


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


interactive: Callable[[], bool] = _stdin_is_terminal
new_vault_kdf: KdfParams = PRODUCTION
probe: Callable[[KeyEntry], Coroutine[Any, Any, KeyPermissions]] | None = None  # None: the real probe


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("keys", help="manage the encrypted API key vault", description=__doc__)
    sub = parser.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", type=Path, help="vault file (default: under the data dir)")

    sub.add_parser("init", parents=[common], help="create a new vault")
    add = sub.add_parser("add", parents=[common], help="store a key (its permissions are checked first)")
    add.add_argument("venue", help="ccxt id, e.g. binanceusdm, bybit, bingx, mexc, weex")
    add.add_argument("--label", default="main", help="name of this key on the venue (default: main)")
    add.add_argument("--api-key", required=True)
    add.add_argument("--secret", help="omit to be prompted; '-' reads it from standard input")
    add.add_argument("--passphrase", help="for venues that have one; omit to be prompted when needed")
    add.add_argument("--testnet", action="store_true", help="a testnet / sandbox key")
    add.add_argument("--role", choices=[r.value for r in KeyRole], default=KeyRole.TRADE.value,
                     help="trade: places orders; read-only: account data only (default: trade)")
    add.add_argument("--replace", action="store_true", help="replace an existing key with this label")
    add.add_argument("--no-check", action="store_true", help="store without asking the venue (offline)")
    sub.add_parser("list", parents=[common], help="venues, labels and roles, keys masked")
    use = sub.add_parser("use", parents=[common], help="the trade key a venue's orders use")
    use.add_argument("venue")
    use.add_argument("label")
    remove = sub.add_parser("remove", parents=[common], help="delete a key")
    remove.add_argument("venue")
    remove.add_argument("label", nargs="?", help="its label, as `keys use` takes it (default: main)")
    remove.add_argument("--label", dest="label_option", help=argparse.SUPPRESS)  # the older spelling
    sub.add_parser("passwd", parents=[common], help="change the master password (fresh salt)")
    sub.add_parser("forget-password", parents=[common],
                   help="forget the master password remembered in the OS secret store")
    check = sub.add_parser("check", parents=[common], help="ask the venues what the stored keys may do")
    check.add_argument("venue", nargs="?", help="only this venue")
    check.add_argument("--label", help="only this label")


def run(args: argparse.Namespace) -> int:
    vault = Vault(args.vault, kdf_params=new_vault_kdf)
    try:
        return int(ACTIONS[args.keys_command](vault, args))
    except VaultError as exc:
        raise CliError(_explain(vault, exc)) from None
    except paths.UnsafeFolder:
        raise  # its own message, said by main
    except OSError as exc:  # unreadable file, a folder given as --vault, disk full, ...
        where = exc.filename or vault.path
        raise CliError(f"cannot use {where}: {exc.strerror or type(exc).__name__}") from None
    finally:
        vault.lock(notify=False)


def _explain(vault: Vault, exc: VaultError) -> str:
    text = str(exc)
    if isinstance(exc, VaultCorrupted | VaultTruncated | VaultTampered) and not isinstance(exc, NotAVault):
        found = vault.backups()
        text += f"; backups: {', '.join(str(p) for p in found)}" if found else "; no backup found"
    return text


# -- passwords and secrets ------------------------------------------------------------------------
def _ask(label: str, instead: str = f"set {PASSWORD_ENV} (and {NEW_PASSWORD_ENV})") -> str:
    if not interactive():
        raise CliError(f"no terminal to ask for the {label}: {instead}")
    try:
        return prompt(f"{label}: ")
    except EOFError:
        raise CliError(f"no {label} given") from None


def _current_password() -> str:
    return os.environ.get(PASSWORD_ENV) or _ask("Master password")


def _new_password(env: str) -> str:
    if os.environ.get(env):
        return os.environ[env]
    first = _ask("New master password")
    if _ask("Repeat the new master password") != first:
        raise CliError("the two passwords differ; nothing was changed")
    return first


def _unlocked(vault: Vault) -> Vault:
    if not vault.exists():
        raise VaultNotFound(vault.path)  # before asking for a password that cannot help
    vault.unlock(_current_password())
    return vault


def _secret(value: str | None, label: str) -> str:
    if value == "-":
        return sys.stdin.readline().rstrip("\r\n")
    return value if value is not None else _ask(label, "pass --secret (or --secret - to read it from standard input)")


def _print_permissions(result: KeyPermissions, key: str) -> None:
    print(f"{key}: {result.summary()}")
    for note in result.notes:
        print(f"  - {note}")


def _venues() -> Any:
    # ccxt takes a while to import; only the actions that talk to venues pay for it.
    from sor_desktop.venues import permissions

    return permissions


def _run_probe(entry: KeyEntry) -> KeyPermissions:
    return asyncio.run((probe or _venues().probe_permissions)(entry))


# -- actions --------------------------------------------------------------------------------------
def _init(vault: Vault, _args: argparse.Namespace) -> int:
    if vault.exists():
        raise VaultExists(vault.path)
    vault.create(_new_password(PASSWORD_ENV))
    print(f"created {vault.path}")
    return 0


def _add(vault: Vault, args: argparse.Namespace) -> int:
    venue = args.venue.lower()
    if not _venues().known_venue(venue):
        raise CliError(f"sor-desktop does not trade {args.venue!r}: it trades {', '.join(DEFAULT_VENUES)} "
                       "and other ccxt venues with perpetual swaps and websocket books")
    _unlocked(vault)
    if not args.replace and any(e.key_id == (venue, args.label) for e in vault.entries()):
        raise CliError(f"a key {venue}/{args.label} already exists (use --replace)")
    passphrase = args.passphrase
    if passphrase is None and _venues().needs_passphrase(venue):
        passphrase = _ask(f"{venue} API passphrase", f"pass --passphrase ({venue} keys have one)")
    secret = _secret(args.secret, f"{venue} API secret")
    entry = KeyEntry(
        venue=venue,
        label=args.label,
        api_key=args.api_key,
        secret=secret,
        passphrase=passphrase,
        testnet=args.testnet,
        role=KeyRole(args.role),
    )
    notes = trim_notes({"API key": args.api_key, "secret": secret, "passphrase": passphrase})
    vault.check_addable(entry, replace=args.replace)  # before asking the venue anything
    if not args.no_check:
        result = _run_probe(entry)
        if result.verdict is Verdict.REFUSE:
            raise CliError(f"refused {venue}/{args.label}: the key can withdraw; create one without that permission")
        _print_permissions(result, f"{venue}/{args.label}")
    vault.add(entry, replace=args.replace)
    for note in notes:
        print(f"note: {note}")
    print(f"saved {venue}/{args.label} ({entry.masked_key}) in {vault.path}")
    return 0


def _list(vault: Vault, _args: argparse.Namespace) -> int:
    entries = _unlocked(vault).entries()
    if not entries:
        print(f"no keys in {vault.path}")
        return 0
    rows = [("VENUE", "LABEL", "ROLE", "ORDERS", "API KEY", "NET", "CREATED")]
    for e in entries:
        rows.append((e.venue, e.label, e.role.value, _orders_use(vault, e), e.masked_key,
                     "testnet" if e.testnet else "live", e.created.date().isoformat()))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0


def _orders_use(vault: Vault, entry: KeyEntry) -> str:
    """'yes' for the key this venue's orders use; for a venue whose choice is open, says so."""
    if entry.role is not KeyRole.TRADE:
        return "-"
    try:
        chosen = vault.trade_key(entry.venue)
    except VaultError:
        return "choose (keys use)"
    return "yes" if chosen is not None and chosen.key_id == entry.key_id else "no"


def _use(vault: Vault, args: argparse.Namespace) -> int:
    _unlocked(vault).use(args.venue.lower(), args.label)
    print(f"{args.venue.lower()} trades with {args.venue.lower()}/{args.label}")
    return 0


def _remove(vault: Vault, args: argparse.Namespace) -> int:
    label = args.label or args.label_option or "main"
    venue = args.venue.lower()
    waiting = _unlocked(vault).remove(venue, label)
    print(f"removed {venue}/{label}")
    if waiting:
        print(f"no trade key is chosen for {venue} now: it was the chosen one, and {', '.join(waiting)} "
              f"will not trade until chosen: `sor-desktop keys use {venue} LABEL`")
    held = [p.name for p in vault.backups() if p.exists()]
    if held:
        # each save keeps the previous vault as a backup: the key is still inside those
        print(f"its earlier backups ({', '.join(held)}) still hold it, encrypted with the master password: "
              "if the key is compromised, revoke it on the venue (and delete them once this vault is known good)")
    return 0


def _forget_password(vault: Vault, _args: argparse.Namespace) -> int:
    from sor_desktop.security import remember

    if remember.forget(vault.path):
        print(f"forgot the remembered master password of {vault.path}")
    else:
        print(f"no master password of {vault.path} is remembered on this computer")
    return 0


def _passwd(vault: Vault, _args: argparse.Namespace) -> int:
    if not vault.exists():
        raise VaultNotFound(vault.path)
    current = _current_password()
    vault.unlock(current)
    new = _new_password(NEW_PASSWORD_ENV)
    if new == current:  # "changed" would be a comfort the trader did not get
        raise CliError("the new master password is the current one; nothing was changed")
    vault.change_password(new)
    print(f"master password changed for {vault.path}")
    from sor_desktop.security import remember

    if remember.forget(vault.path):
        print("the old password was remembered on this computer: it is forgotten now")
    return 0


def _check(vault: Vault, args: argparse.Namespace) -> int:
    """Exit 0 only when every key was checked and passed every check: no withdrawal, IP whitelist,
    trading as its role says (a read-only key that can trade is flagged)."""
    entries = [
        e
        for e in _unlocked(vault).entries()
        if (args.venue is None or e.venue == args.venue.lower()) and (args.label is None or e.label == args.label)
    ]
    if not entries:
        raise CliError("no matching keys in the vault")
    refused = failed = 0
    for entry in entries:
        result = _run_probe(entry)
        print(f"{entry.venue}/{entry.label} ({entry.role.value}): {result.summary(entry.role.value)}")
        for note in result.notes:
            print(f"  - {note}")
        if entry.role is KeyRole.READ_ONLY and result.can_trade:
            print("  - FLAGGED: this read-only key can place orders; make it read-only on the venue")
        failed += result.verdict_for(entry.role.value) is not Verdict.OK
        refused += result.verdict is Verdict.REFUSE
    if refused:
        print(f"{refused} key(s) can withdraw: replace them with keys that cannot (`keys remove`, then `keys add`)")
    if failed:
        print(f"{failed} of {len(entries)} key(s) could not be checked or failed a check")
        return 1
    return 0


ACTIONS: dict[str, Callable[[Vault, argparse.Namespace], int]] = {
    "init": _init,
    "add": _add,
    "list": _list,
    "use": _use,
    "remove": _remove,
    "passwd": _passwd,
    "forget-password": _forget_password,
    "check": _check,
}
