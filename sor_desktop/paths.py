"""Where sor-desktop keeps its files. ``SOR_DESKTOP_HOME`` puts everything under one folder
(tests, portable installs); otherwise the OS's per-user data and config directories."""

from __future__ import annotations

import os
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


def ensure(path: Path) -> Path:
    """Create ``path`` (a folder) with owner-only permissions if missing; return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
