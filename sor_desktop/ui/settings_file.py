"""The window's ini file: opened whatever is in its place, and kept aside when Qt cannot read it.

Qt reads what it can of a damaged ini file and, at the next save, writes back only that: what it
could not read would be lost without a word. So a file Qt reports a format error on is copied to
``window.ini.damaged`` (``.damaged.2``, ... when one is already there) before anything is written,
and ``file_problem`` gives the one line the window shows. A folder or an unopenable file where
window.ini belongs does not stop the window: Qt keeps the settings in memory for the run.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from PySide6.QtCore import QSettings

from sor_desktop import paths

NAME = "window.ini"


def settings_file() -> Path:
    return paths.private_file(paths.config_dir() / NAME)


def open_settings(path: Path | None = None) -> QSettings:
    if path is None:
        try:
            path = settings_file()
        except paths.UnsafeFolder:
            raise  # main refuses the folder before the window; never write into it
        except OSError:
            # Qt reports an access error on it, and file_problem says what it is
            path = paths.config_dir() / NAME
    return QSettings(str(path), QSettings.Format.IniFormat)


def file_problem(s: QSettings) -> str | None:
    """The line to show when Qt could not read ``s``'s file whole, or None. Call it before
    anything is written to ``s``: a damaged file is copied aside here."""
    s.allKeys()  # Qt parses each section on first use, and only then knows it is damaged
    status = s.status()
    if status == QSettings.Status.NoError:
        return None
    path = Path(s.fileName())
    if path.is_dir():
        return (f"{path} is a folder, not a settings file: the default preferences apply and this run's "
                "window settings are not saved")
    if status == QSettings.Status.AccessError:
        return (f"{path} cannot be read or written: the default preferences apply and this run's "
                "window settings may not be saved")
    try:
        kept = _keep_aside(path)
    except OSError as exc:
        return (f"{path} is damaged and could not be copied aside ({exc.strerror or type(exc).__name__}): "
                "what Qt could read applies, the rest is lost at the next save")
    return (f"{path} is damaged: what Qt could read applies, the rest takes the defaults; the file as it "
            f"was is kept in {kept}")


def _keep_aside(path: Path) -> Path:
    data = path.read_bytes()
    for n in itertools.count(1):
        target = path.with_name(f"{path.name}.damaged" + (f".{n}" if n > 1 else ""))
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         paths.FILE_MODE)
        except FileExistsError:
            # an earlier copy is the trader's too; the same bytes (a run that saved nothing since,
            # a screenshot) need no second one
            if target.is_file() and target.read_bytes() == data:
                return target
            continue
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return target
    raise AssertionError("unreachable")
