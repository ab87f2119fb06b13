"""Makes the key-manager and venue-chip pictures in this folder (offscreen, no network, no real keys):

    QT_QPA_PLATFORM=offscreen python resources/screenshots/key_shots.py resources/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.security.entries import KeyEntry, KeyRole
from sor_desktop.security.kdf import KdfParams
from sor_desktop.security.permissions import KeyPermissions, unchecked
from sor_desktop.security.vault import Vault
from sor_desktop.ui import theme
from sor_desktop.ui.vault_dialogs import KeyManagerDialog
from sor_desktop.ui.venue_chips import VenueChip


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    theme.apply(app)
    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault(Path(tmp) / "vault.sorv", kdf_params=KdfParams(memory_kib=64, passes=1, lanes=1))
        vault.create("screenshot master password")
        vault.add(KeyEntry("binanceusdm", "trading", "bnTRADEkeyDEMO0000000000000000000001", "s" * 40))
        vault.add(replace(KeyEntry("binanceusdm", "data", "bnREADkeyDEMO00000000000000000000002", "s" * 40),
                          role=KeyRole.READ_ONLY))
        vault.add(KeyEntry("bybit", "main", "byMAINkeyDEMO00000000000000000000003", "s" * 40))
        vault.add(KeyEntry("bybit", "alt", "byALTkeyDEMO000000000000000000000004", "s" * 40))
        vault.add(KeyEntry("weex", "main", "wxMAINkeyDEMO00000000000000000000005", "s" * 40, "pass-phrase"))
        vault.use("binanceusdm", "trading")
        dialog = KeyManagerDialog(vault, checker=None)
        dialog.permissions[("binanceusdm", "trading")] = KeyPermissions("binanceusdm", True, True, False, True)
        dialog.permissions[("binanceusdm", "data")] = KeyPermissions("binanceusdm", True, False, False, True)
        dialog.permissions[("bybit", "main")] = KeyPermissions("bybit", True, True, False, False, expires_in_days=12)
        dialog.permissions[("weex", "main")] = unchecked("weex", "weex offers no way to read a key's permissions")
        dialog.refresh()
        dialog.resize(1100, 330)
        dialog.show()
        app.processEvents()
        dialog.grab().save(str(out / "key-manager-roles.png"))
    bar = QWidget()
    bar.setStyleSheet(f"background: {theme.BG};")
    row = QHBoxLayout(bar)
    states = [
        VenueHealth("binanceusdm", LinkState.CONNECTED, 0.08, 10, 30, True,
                    "this API key can WITHDRAW: replace it with a key without that permission"),
        VenueHealth("bybit", LinkState.CONNECTED, 0.03, 19, 40, key_note="no IP whitelist, expires in 12 days"),
        VenueHealth("bingx", LinkState.CONNECTED, 0.06, 5, 120),
        VenueHealth("weex", LinkState.CONNECTED, 0.2, 3, 160, key_note="cannot be checked on this venue"),
        VenueHealth("mexc", LinkState.CONNECTED, 0.04, 10, 80, True, "a read-only key only: account data, no orders"),
    ]
    for h in states:
        chip = VenueChip(h.venue)
        chip.show_health(h)
        row.addWidget(chip)
    bar.show()
    app.processEvents()
    bar.grab().save(str(out / "venue-chips-key-warnings.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
