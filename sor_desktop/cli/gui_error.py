"""A start-up failure of the window shown in a dialog as well as on stderr: started from a desktop
entry or a file manager, stderr goes nowhere and the app seemed not to start at all."""

from __future__ import annotations

import os
import sys

# platforms that draw nothing a person could read (tests, screenshots on a server)
HEADLESS = {"offscreen", "minimal", "vnc"}


def wanted() -> bool:
    """A person may be looking at a screen and not at a terminal."""
    if os.environ.get("QT_QPA_PLATFORM", "") in HEADLESS:
        return False
    try:
        if sys.stderr is not None and sys.stderr.isatty():
            return False  # the line on the terminal is read
    except (AttributeError, ValueError):
        pass
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return False
    return True


def show(message: str) -> None:
    """A modal error box with ``message``; nothing when no screen is there to show it on."""
    if not wanted():
        return
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 (kept alive for the box)
    QMessageBox.critical(None, "sor-desktop could not start", message)
