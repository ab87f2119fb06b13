"""The icon set, the desktop entry and the user-level menu installer (fast; no build needed)."""

from __future__ import annotations

import configparser
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
PACKAGE_ICONS = ROOT / "sor_desktop" / "resources" / "icons"
DESKTOP = ROOT / "resources" / "sor-desktop.desktop"
INSTALLER = ROOT / "packaging" / "install-desktop-entry.sh"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def test_every_png_size_exists_with_its_stated_dimensions(qapp) -> None:
    for size in SIZES:
        image = QImage(str(ICONS / f"sor-desktop-{size}.png"))
        assert not image.isNull(), size
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()


def test_package_icons_are_the_same_files_as_resources() -> None:
    # The package copy is what the window uses; resources/ is what the desktop entry installs.
    names = sorted(p.name for p in ICONS.iterdir())
    assert names == sorted(p.name for p in PACKAGE_ICONS.iterdir())
    for name in names:
        assert (ICONS / name).read_bytes() == (PACKAGE_ICONS / name).read_bytes(), name


def test_desktop_entry_has_the_keys_a_menu_needs() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "sor-desktop"
    assert entry["Icon"] == "sor-desktop"
    assert entry["Terminal"] == "false"
    assert "Finance" in entry["Categories"].split(";")
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


def _fake_program(folder: Path) -> Path:
    folder.mkdir(parents=True)
    program = folder / "sor-desktop"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def _run(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    return subprocess.run(["bash", str(INSTALLER), *args], capture_output=True, text=True, env=env, timeout=30)


def test_installer_puts_entry_and_icons_in_the_user_data_home_and_uninstall_removes_them(tmp_path: Path) -> None:
    program = _fake_program(tmp_path / "release folder")
    data_home = tmp_path / "share"
    unrelated = data_home / "icons" / "hicolor" / "48x48" / "apps" / "other-app.png"
    unrelated.parent.mkdir(parents=True)
    unrelated.write_bytes(b"not ours")

    result = _run("--exec", str(program), data_home=data_home)
    assert result.returncode == 0, result.stderr
    entry = (data_home / "applications" / "sor-desktop.desktop").read_text()
    assert f'Exec="{program}"' in entry.splitlines()
    assert f"TryExec={program}" in entry.splitlines()
    assert "Icon=sor-desktop" in entry.splitlines()
    for size in SIZES:
        installed = data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "sor-desktop.png"
        assert installed.read_bytes() == (ICONS / f"sor-desktop-{size}.png").read_bytes()
    assert (data_home / "icons/hicolor/scalable/apps/sor-desktop.svg").is_file()

    result = _run("--uninstall", data_home=data_home)
    assert result.returncode == 0, result.stderr
    left = sorted(p.relative_to(data_home) for p in data_home.rglob("*") if p.is_file())
    # update-desktop-database, where installed, keeps its shared MIME cache: not ours to delete.
    left = [p for p in left if p != Path("applications/mimeinfo.cache")]
    assert left == [unrelated.relative_to(data_home)]


def test_installer_refuses_a_missing_program_and_unknown_options(tmp_path: Path) -> None:
    missing = _run("--exec", str(tmp_path / "nope" / "sor-desktop"), data_home=tmp_path / "share")
    assert missing.returncode == 2
    assert "not an executable" in missing.stderr
    assert not (tmp_path / "share" / "applications").exists()
    unknown = _run("--frobnicate", data_home=tmp_path / "share")
    assert unknown.returncode == 2 and "unknown option" in unknown.stderr
