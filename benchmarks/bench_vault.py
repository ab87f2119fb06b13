"""Vault timings with the production KDF (Argon2id 64 MiB, 3 passes, 4 lanes): create, unlock
(target: under 1 s), a wrong password, adding a key (no KDF: the derived key is kept while unlocked),
and a password change. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/bench_vault.py [--runs N] [--keys N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.errors import WrongPassword
from sor_desktop.security.kdf import PRODUCTION
from sor_desktop.security.vault import Vault

PASSWORD = "benchmark master password"


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def show(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    print(f"{name:<28} median {statistics.median(ms):8.1f} ms   min {ms[0]:8.1f}   max {ms[-1]:8.1f}   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keys", type=int, default=10, help="keys stored in the vault")
    args = parser.parse_args()
    print(f"KDF: Argon2id {PRODUCTION.memory_kib // 1024} MiB, {PRODUCTION.passes} passes, "
          f"{PRODUCTION.lanes} lanes; {os.cpu_count()} CPUs; {args.keys} keys")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.sorv"
        vault = Vault(path)
        t = time.perf_counter()
        vault.create(PASSWORD)
        show("create", [time.perf_counter() - t])
        n = 0

        def add() -> None:
            nonlocal n
            n += 1
            vault.add(KeyEntry("bybit", f"k{n}", f"K{n:05d}" + "k" * 30, f"S{n:05d}" + "s" * 40))

        show("add a key (atomic save)", timed(add, max(args.keys, 1)))
        print(f"file size {path.stat().st_size} bytes")

        def unlock() -> None:
            Vault(path).unlock(PASSWORD)

        def wrong() -> None:
            try:
                Vault(path).unlock("not the password")
            except WrongPassword:
                return
            raise AssertionError("a wrong password unlocked the vault")

        unlock_times = timed(unlock, args.runs)
        show("unlock", unlock_times)
        show("wrong password", timed(wrong, args.runs))
        show("change password", timed(lambda: vault.change_password(PASSWORD), max(2, args.runs // 2)))
        verdict = "under" if statistics.median(unlock_times) < 1.0 else "OVER"
        print(f"unlock median {statistics.median(unlock_times):.3f} s: {verdict} the 1 s target")


if __name__ == "__main__":
    main()
