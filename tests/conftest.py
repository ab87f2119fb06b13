"""Shared test configuration: Qt offscreen, and the optional ../shared recorded data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SOR_DESKTOP_NO_GPU", "1")

# Keep every test's files (logs, vaults, journals, settings) out of the user's real folders.
if "SOR_DESKTOP_HOME" not in os.environ:
    import tempfile

    os.environ["SOR_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="sor-desktop-tests-")
