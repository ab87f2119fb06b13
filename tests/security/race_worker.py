"""Two processes saving one vault at the same instant, round after round.

Run as ``python -m tests.security.race_worker DIR ROUNDS`` (fresh interpreter, so ``fork`` happens
single-threaded). Each round, two forked children wait on a shared barrier, then each re-opens the
vault and adds its own new key. A child that gets ``VaultConflict`` (the other saved first) re-opens
and tries again, as the key manager tells a trader to. Each child reports on a pipe the keys whose
save returned without error. At the end the parent opens the vault and counts reported keys that
are missing: keys a trader was told were saved, and are not. Prints one JSON line.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
from pathlib import Path
from typing import Any

from sor_desktop.security.entries import KeyEntry
from sor_desktop.security.errors import VaultConflict
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.vault import Vault

CHEAP = KdfParams(memory_kib=64, passes=1, lanes=1)
PASSWORD = "race master password 42"


def _entry(who: int, n: int) -> KeyEntry:
    return KeyEntry("bybit", f"p{who}-{n}", f"RACE{who}{n:06d}" + "K" * 24, f"SECRET{who}{n:06d}" + "s" * 30)


def _child(path: Path, who: int, n: int, barrier: Any, conn: Any) -> None:
    entry = _entry(who, n)
    conflicts = 0
    barrier.wait()
    try:
        for _ in range(50):
            vault = Vault(path, kdf_params=CHEAP)
            vault.unlock(PASSWORD)
            try:
                vault.add(entry)
            except VaultConflict:
                conflicts += 1
                continue
            conn.send((entry.label, conflicts, None))
            return
        conn.send((None, conflicts, "no save in 50 tries"))
    except Exception as exc:  # reported: a save that failed loudly is not a lost key, but is counted
        conn.send((None, conflicts, f"{type(exc).__name__}: {exc}"))


def main(folder: str, rounds: int) -> dict[str, int]:
    path = Path(folder) / "vault.sorv"
    Vault(path, kdf_params=CHEAP).create(PASSWORD)
    ctx = mp.get_context("fork")
    reported: list[str] = []
    conflicts = errors = 0
    for n in range(rounds):
        barrier = ctx.Barrier(2)
        pipes = [ctx.Pipe(duplex=False) for _ in range(2)]
        procs = [ctx.Process(target=_child, args=(path, who, n, barrier, pipes[who][1])) for who in range(2)]
        for p in procs:
            p.start()
        for who, p in enumerate(procs):
            label, c, error = pipes[who][0].recv()
            p.join()
            conflicts += c
            errors += error is not None
            if label is not None:
                reported.append(label)
    vault = Vault(path, kdf_params=CHEAP)
    vault.unlock(PASSWORD)
    stored = {e.label for e in vault.entries()}
    lost = [label for label in reported if label not in stored]
    temps = [p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp")]
    return {"rounds": rounds, "reported": len(reported), "stored": len(stored), "lost": len(lost),
            "conflicts": conflicts, "errors": errors, "temps_left": len(temps)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
    sys.stdout.flush()
    os._exit(0)
