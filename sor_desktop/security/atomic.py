"""Crash-safe replacement of a small file, keeping the last good versions as numbered backups.

At every instant ``path`` names either the complete old file or the complete new one: the new bytes
go to a temporary file in the same folder, are flushed to disk, and only then renamed over the old
name (``os.replace`` is atomic on POSIX and Windows); the folder is flushed so the rename itself
survives a power cut. Backups are written the same way, so each is whole or absent.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
TMP_SUFFIX = ".tmp"


def backup_path(path: Path, n: int) -> Path:
    return path.with_name(f"{path.name}.{n}")


def backups(path: Path, keep: int = 3) -> list[Path]:
    """Existing backups, newest first."""
    return [p for p in (backup_path(path, n) for n in range(1, keep + 1)) if p.exists()]


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    tmp = folder / f".{name}.{secrets.token_hex(6)}{TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)  # O_CREAT's mode is filtered by the umask, never widened
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    os.close(fd)
    return tmp


def _remove_stale_temps(path: Path) -> None:
    """Temp files left by a save that was killed half-way; they never hold the only copy.

    Callers that more than one process may run at once (the vault) hold a lock across the whole
    save, so no temp file found here belongs to a save in flight."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*{TMP_SUFFIX}"):
        try:
            stale.unlink()
        except OSError as exc:
            log.warning("could not remove stale temp file %s: %s", stale, exc)


def _rotate_backups(path: Path, keep: int) -> None:
    """Shift .1 -> .2 -> ... and copy the current file to .1."""
    if keep <= 0:
        return
    for n in range(keep - 1, 0, -1):
        src = backup_path(path, n)
        if src.exists():
            os.replace(src, backup_path(path, n + 1))
    tmp = _write_new(path.parent, path.name, path.read_bytes())
    os.replace(tmp, backup_path(path, 1))


def replace_atomically(
    path: Path,
    data: bytes,
    *,
    keep: int = 3,
    is_good: Callable[[bytes], bool] = lambda _b: True,
) -> None:
    """Write ``data`` to ``path`` atomically; the current file becomes backup 1 if ``is_good`` says
    it is a sound file (a damaged file never pushes a good backup out)."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    _remove_stale_temps(path)
    tmp = _write_new(folder, path.name, data)
    try:
        if path.exists() and is_good(path.read_bytes()):
            _rotate_backups(path, keep)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)
