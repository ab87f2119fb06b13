"""Kill a saving process with SIGKILL at random moments, then check the vault on disk.

Run as a fresh process (``python -m tests.security.crash_worker DIR ROUNDS SEED``) so that ``fork``
happens in a single-threaded interpreter. Each round forks a child that unlocks the vault and saves
new generations as fast as it can, reporting each finished save on a pipe; after a random delay the
parent kills it with SIGKILL and checks that the vault opens and holds either the last reported
generation or the one that was in flight. Every fifth generation also changes the master password,
so a kill can land inside a re-encryption. Prints one JSON summary line.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
import traceback
from pathlib import Path

from sor_desktop.security import atomic
from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.errors import VaultError, WrongPassword
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORDS = ("first master password", "second master password")


def password_for(gen: int) -> str:
    return PASSWORDS[(gen // 5) % 2]


def entry(gen: int) -> KeyEntry:
    return KeyEntry("bybit", "gen", f"GEN{gen:08d}" + "K" * 24, f"SECRET{gen:08d}" + "s" * 30)


def child(path: Path, start: int, password: str, report: int) -> None:
    vault = Vault(path, kdf_params=CHEAP)
    vault.unlock(password)
    gen = start
    while True:
        gen += 1
        if password_for(gen) != password:
            password = password_for(gen)
            vault.change_password(password)
        vault.add(entry(gen), replace=True)
        os.write(report, gen.to_bytes(4, "big"))


def open_any(path: Path, passwords: list[str]) -> tuple[int, str]:
    for pw in passwords:
        try:
            v = Vault(path, kdf_params=CHEAP)
            v.unlock(pw)
        except WrongPassword:
            continue
        entries = v.entries()
        return (int(entries[0].api_key[3:11]) if entries else -1), pw
    raise WrongPassword()


def main(folder: str, rounds: int, seed: int) -> dict[str, object]:
    rng = random.Random(seed)
    path = Path(folder) / "vault.sorv"
    v = Vault(path, kdf_params=CHEAP)
    v.create(password_for(0))
    v.add(entry(0))
    done, done_pw = 0, password_for(0)
    stats = {"rounds": 0, "temp_left": 0, "in_flight_landed": 0, "saves": 0, "backups_checked": 0}
    failures: list[str] = []
    for i in range(rounds):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: save until killed
            os.close(r)
            try:
                child(path, done, done_pw, w)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(3)  # only reached if a save raised: the parent reports it
        os.close(w)
        time.sleep(rng.uniform(0.0, 0.012))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        raw = b""
        while chunk := os.read(r, 65536):
            raw += chunk
        os.close(r)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            failures.append(f"round {i}: child ended by itself (status {status})")
            break
        reported = [int.from_bytes(raw[k : k + 4], "big") for k in range(0, len(raw) - len(raw) % 4, 4)]
        last = reported[-1] if reported else done
        stats["saves"] += len(reported)
        stats["temp_left"] += bool(list(path.parent.glob(".*.tmp")))
        try:
            gen, pw = open_any(path, [password_for(last), password_for(last + 1)])
        except VaultError as exc:
            failures.append(f"round {i}: vault unreadable after kill ({type(exc).__name__}: {exc})")
            break
        if gen == last + 1:
            stats["in_flight_landed"] += 1
            if pw != password_for(gen):
                failures.append(f"round {i}: generation {gen} under the wrong password")
        elif gen != last:
            failures.append(f"round {i}: vault holds generation {gen}, expected {last} or {last + 1}")
        for backup in atomic.backups(path):
            try:
                old, _ = open_any(backup, list(PASSWORDS))
            except VaultError as exc:
                failures.append(f"round {i}: backup {backup.name} unreadable ({type(exc).__name__})")
                continue
            stats["backups_checked"] += 1
            if old > gen:
                failures.append(f"round {i}: backup {backup.name} newer ({old}) than the vault ({gen})")
        done, done_pw = gen, pw
        stats["rounds"] += 1
    return {**stats, "failures": failures, "final_generation": done}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))
