"""About dialog and app icon, offscreen. Expected values come from independent sources
(pyproject.toml, the libraries themselves, the SOR_DESKTOP_HOME layout), not from the dialog."""

from __future__ import annotations

import tomllib
from pathlib import Path

import ccxt
import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QLabel, QWidget

import sor_desktop
from sor_desktop.ui.about import AboutDialog, about_facts, show_about
from sor_desktop.ui.app_icon import ICON_SIZES, app_icon

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    return tmp_path


def _label_text(dialog: AboutDialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_facts_follow_the_home_override(home: Path) -> None:
    facts = about_facts()
    assert facts.data_dir == home / "data"
    assert facts.config_dir == home / "config"
    assert facts.log_dir == home / "logs"
    assert facts.vault_path.parent == home / "data"
    assert facts.home_override


def test_facts_without_override_are_per_user_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOR_DESKTOP_HOME", raising=False)
    facts = about_facts()
    assert not facts.home_override
    assert facts.data_dir.is_absolute() and "sor-desktop" in facts.data_dir.parts
    assert "sor-desktop" in facts.config_dir.parts


def test_facts_versions_and_licence_match_their_sources(home: Path) -> None:
    facts = about_facts()
    assert facts.version == sor_desktop.__version__ == PROJECT["version"]
    assert facts.licence == PROJECT["license"]
    assert facts.ccxt_version == ccxt.__version__
    assert facts.qt_version == qVersion()


def test_dialog_shows_version_licence_and_every_path(qtbot, home: Path) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = _label_text(dialog)
    for path in (home / "data", home / "config", home / "logs", about_facts().vault_path):
        assert str(path) in text
    assert sor_desktop.__version__ in text
    assert "Licence: MIT" in text
    assert ccxt.__version__ in text
    assert "SOR_DESKTOP_HOME" in text


def test_open_data_folder_is_offered_only_once_it_exists(qtbot, home: Path) -> None:
    before = AboutDialog()
    qtbot.addWidget(before)
    assert not before.open_data_button.isEnabled()
    (home / "data").mkdir()
    after = AboutDialog()
    qtbot.addWidget(after)
    assert after.open_data_button.isEnabled()


def test_show_about_opens_window_modal_and_is_deleted_on_close(qtbot, home: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = show_about(parent)
    assert dialog.isVisible()
    assert dialog.parent() is parent
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    with qtbot.waitSignal(dialog.destroyed, timeout=2000):
        dialog.reject()


def test_app_icon_has_every_size_and_is_a_real_picture(qapp) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert {(s.width(), s.height()) for s in icon.availableSizes()} == {(n, n) for n in ICON_SIZES}
    image = icon.pixmap(64, 64).toImage()
    # Rounded tile: transparent corner, opaque body with the light routing node near the middle.
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(32, 60).alpha() == 255
    node = image.pixelColor(26, 32)
    assert node.lightness() > 200
