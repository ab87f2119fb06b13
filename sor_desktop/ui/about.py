"""Help > About: what this build is (version, licence, library versions) and where it keeps its
files, so a trader can find the vault to back it up or remove it. ``show_about(parent)`` is the
entry point for the menu."""

from __future__ import annotations

import logging
import os
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sor_desktop import __version__, paths
from sor_desktop.ui.app_icon import app_icon

log = logging.getLogger(__name__)

LICENCE = "MIT"
HOMEPAGE_NOTE = "Open-source; no warranty. Trading perpetual futures can lose more than the margin posted."


@dataclass(frozen=True)
class AboutFacts:
    version: str
    licence: str
    data_dir: Path
    config_dir: Path
    log_dir: Path
    vault_path: Path
    home_override: bool
    ccxt_version: str
    qt_version: str
    pyside_version: str
    python_version: str


def _dist_version(name: str) -> str:
    # Read from package metadata, not by importing: the ui layer must not import ccxt.
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        log.info("about: no package metadata for %s (frozen build without it?)", name)
        return "unknown"


def about_facts() -> AboutFacts:
    return AboutFacts(
        version=__version__,
        licence=LICENCE,
        data_dir=paths.data_dir(),
        config_dir=paths.config_dir(),
        log_dir=paths.log_dir(),
        vault_path=paths.vault_path(),
        home_override=bool(os.environ.get("SOR_DESKTOP_HOME")),
        ccxt_version=_dist_version("ccxt"),
        qt_version=qVersion(),
        pyside_version=pyside_version,
        python_version=platform.python_version(),
    )


def _path_label(path: Path) -> QLabel:
    label = QLabel(str(path))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setToolTip("exists" if path.exists() else "not created yet")
    return label


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, facts: AboutFacts | None = None) -> None:
        super().__init__(parent)
        self.facts = facts or about_facts()
        f = self.facts
        self.setWindowTitle("About sor-desktop")
        self.setWindowIcon(app_icon())
        self.setObjectName("aboutDialog")
        self.setMinimumWidth(480)  # real per-user paths are long; keep each on one line

        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        title = QLabel(f"<b>sor-desktop</b> {f.version}")
        title.setObjectName("aboutTitle")
        blurb = QLabel(
            "Smart order routing terminal for crypto perpetual futures.<br>"
            f"Licence: {f.licence}.<br>{HOMEPAGE_NOTE}"
        )
        blurb.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Data folder:", _path_label(f.data_dir))
        form.addRow("Key vault:", _path_label(f.vault_path))
        form.addRow("Config folder:", _path_label(f.config_dir))
        form.addRow("Log folder:", _path_label(f.log_dir))
        if f.home_override:
            form.addRow("", QLabel("(all under SOR_DESKTOP_HOME)"))
        form.addRow("ccxt:", QLabel(f.ccxt_version))
        form.addRow("Qt / PySide6:", QLabel(f"{f.qt_version} / {f.pyside_version}"))
        form.addRow("Python:", QLabel(f.python_version))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.open_data_button = QPushButton("Open data folder")
        self.open_data_button.setEnabled(f.data_dir.is_dir())
        self.open_data_button.clicked.connect(self._open_data_dir)
        buttons.addButton(self.open_data_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(logo, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _open_data_dir(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.facts.data_dir))):
            log.warning("about: the desktop could not open %s", self.facts.data_dir)


def show_about(parent: QWidget | None = None) -> AboutDialog:
    """Open the About dialog window-modal without blocking the event loop; return it."""
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
