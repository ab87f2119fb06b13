"""Where sor-desktop keeps its files. ``SOR_DESKTOP_HOME`` puts everything under one folder
(tests, portable installs); otherwise the OS's per-user data and config directories."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

APP = "sor-desktop"


def _home() -> Path | None:
    value = os.environ.get("SOR_DESKTOP_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP, appauthor=False))


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    home = _home()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP, appauthor=False))


def vault_path() -> Path:
    return data_dir() / "vault.sorv"


def journal_path() -> Path:
    return data_dir() / "journal.sqlite3"


def config_path() -> Path:
    return config_dir() / "config.json"


DIR_MODE = 0o700
FILE_MODE = 0o600


class UnsafeFolder(OSError):
    """A folder holding keys, orders or logs that other users could write to: refused, not repaired,
    because someone else may already have put files there."""

    def __init__(self, path: Path, mode: int) -> None:
        # a sticky folder (/tmp) is shared on purpose: chmod 700 on it would break other programs
        fix = ("It is shared by design (like /tmp): choose a folder of your own" if mode & stat.S_ISVTX
               else f"Check what is in it, then run: chmod 700 '{path}'")
        super().__init__(
            f"{path} can be written by other users (mode {mode:04o}); sor-desktop keeps its keys, orders "
            f"and logs there and will not use it. {fix}"
        )
        self.path = path


def refuse_shared(path: Path) -> None:
    """``UnsafeFolder`` when others can write to the folder ``path``; a missing folder passes (its
    creator makes it private)."""
    if os.name != "posix":  # Windows: the per-user profile folders are private already
        return
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # none there (a file on its way: none either)
        return
    if stat.S_IMODE(mode) & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeFolder(path, stat.S_IMODE(mode))


def ensure(path: Path) -> Path:
    """``path`` (a folder) made private: created 0700 if missing, tightened to 0700 when only read
    access leaks (folders made by older versions were 0755), refused when others can write to it."""
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if os.name != "posix":  # Windows: the per-user profile folders are private already
        return path
    if not created:
        refuse_shared(path)
    if stat.S_IMODE(path.stat().st_mode) != DIR_MODE:
        os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask; never trust it alone
    return path


def private_file(path: Path) -> Path:
    """``path`` created empty if missing, and readable and writable by its owner only (0600)."""
    ensure(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), FILE_MODE)
    os.close(fd)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        os.chmod(path, FILE_MODE)
    return path


def ensure_private_folders() -> None:
    """Data, config and log folders made private, or ``UnsafeFolder`` for the first that others
    can write to. Every command runs this before it reads or writes any of them."""
    for folder in (data_dir(), config_dir(), log_dir()):
        ensure(folder)


def check_private_folders() -> None:
    """``ensure_private_folders`` for a command that only reads: the same refusal of folders others
    can write to, but nothing made or changed (a read-only home, a data folder left 0755)."""
    for folder in (data_dir(), config_dir(), log_dir()):
        _refuse_a_file_on_the_way(folder)
        refuse_shared(folder)


def _refuse_a_file_on_the_way(folder: Path) -> None:
    """NotADirectoryError when the nearest existing part of ``folder`` is a file (SOR_DESKTOP_HOME
    naming a file): a misplaced file is said, not read as "no journal yet"."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(part))
            return
