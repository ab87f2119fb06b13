"""The window's own largest order (Tools > Settings, kept in window.ini), which ``route`` honours
beside config.json's: a trader who set 50,000 in the window had ``route`` send 150,000 USDT."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from sor_desktop import paths
from sor_desktop.ui.settings import read_prefs
from sor_desktop.ui.settings_file import NAME

SOURCE = "the window's largest order (Tools > Settings, window.ini)"


@dataclass(frozen=True, slots=True)
class WindowGuard:
    value: float
    source: str = SOURCE


def largest_order() -> WindowGuard | None:
    """The window's per-order maximum when window.ini sets one (its strictest value when the file
    holds a bad one, as the window reads it); None when it sets none. Nothing is created."""
    path = paths.config_dir() / NAME
    if not path.is_file():
        return None
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    if settings.value("prefs/max_notional") is None:
        return None
    prefs, _problems = read_prefs(settings)  # a refused value is the strictest: every order refused
    return WindowGuard(prefs.max_notional)
