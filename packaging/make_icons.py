"""Render the app icon's PNG sizes from resources/icons/sor-desktop.svg with the project's own Qt,
and mirror the set into the package (sor_desktop/resources/icons/) so an installed wheel and the
frozen build find the icon without the repository around them.

Run after editing the SVG:  .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "resources" / "icons"
PACKAGE_DIR = ROOT / "sor_desktop" / "resources" / "icons"
SVG_NAME = "sor-desktop.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_name(size: int) -> str:
    return f"sor-desktop-{size}.png"


def render(svg: Path, size: int, target: Path) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not an SVG Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"make_icons: could not write {target}")


def main() -> int:
    # No display is needed to paint into a QImage; offscreen keeps this runnable over ssh and in CI.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = SOURCE_DIR / SVG_NAME
    for size in SIZES:
        render(svg, size, SOURCE_DIR / png_name(size))
    PACKAGE_DIR.mkdir(parents=True, exist_ok=True)
    for name in [SVG_NAME, *map(png_name, SIZES)]:
        shutil.copyfile(SOURCE_DIR / name, PACKAGE_DIR / name)
    print(f"make_icons: {len(SIZES)} PNG sizes from {svg.relative_to(ROOT)} -> "
          f"{SOURCE_DIR.relative_to(ROOT)} and {PACKAGE_DIR.relative_to(ROOT)}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
