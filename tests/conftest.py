"""Shared test configuration: Qt offscreen, and the optional ../shared recorded data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SOR_DESKTOP_NO_GPU", "1")
