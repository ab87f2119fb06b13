"""The application icon, read from the package (``sor_desktop/resources/icons/``) so it is there
in a source checkout, an installed wheel and the frozen build alike. The top-level
``resources/icons/`` holds the same files for the desktop entry; packaging/make_icons.py keeps
the two in step."""

from __future__ import annotations

import logging
from importlib import resources
from importlib.resources.abc import Traversable

from PySide6.QtGui import QIcon, QPixmap

log = logging.getLogger(__name__)

ICON_SIZES: tuple[int, ...] = (16, 32, 48, 64, 128, 256, 512)
#: Matches the desktop entry's file name and ``Icon=`` key, so window managers pair the two.
DESKTOP_FILE_NAME = "sor-desktop"


def icon_dir() -> Traversable:
    return resources.files("sor_desktop").joinpath("resources", "icons")


def app_icon() -> QIcon:
    """Every PNG size of the app icon in one QIcon. Read as bytes rather than by path so it also
    works where the package is not a plain folder (a zip import)."""
    icon = QIcon()
    folder = icon_dir()
    for size in ICON_SIZES:
        entry = folder.joinpath(f"sor-desktop-{size}.png")
        if not entry.is_file():
            log.warning("app icon: %s is missing from the package", entry)
            continue
        pixmap = QPixmap()
        if pixmap.loadFromData(entry.read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
        else:
            log.warning("app icon: %s is not a readable PNG", entry)
    if icon.isNull():
        log.warning("app icon: no usable icon in %s; the window keeps the platform default", folder)
    return icon
