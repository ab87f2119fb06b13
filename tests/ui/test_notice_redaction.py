"""Status-bar notices, sticky notices and chip tooltips mask registered secrets like the log does
(an exception's text can carry an API key or a signed URL)."""

from __future__ import annotations

from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.logs import register_secret
from sor_desktop.ui.log_panel import NoticeLabel, StickyNotices
from sor_desktop.ui.venue_chips import VenueChip

SECRET = "NoticeSecretKey0123456789abcdef"


def test_notices_and_tooltips_never_show_a_secret(qtbot) -> None:
    register_secret(SECRET)
    text = f"bybit: request failed: https://api/x?apiKey={SECRET}&sign=1 ({SECRET})"
    notice = NoticeLabel()
    qtbot.addWidget(notice)
    notice.notify("error", text)
    sticky = StickyNotices()
    qtbot.addWidget(sticky)
    sticky.post("r1", "error", text)
    chip = VenueChip("bybit")
    qtbot.addWidget(chip)
    chip.show_health(VenueHealth("bybit", LinkState.DOWN, reason=text))
    shown = [notice.text(), notice.toolTip(), sticky.label.text(), sticky.label.toolTip(), *sticky.texts(),
             chip.text(), chip.toolTip()]
    assert all(SECRET not in s for s in shown)
    assert "***" in notice.toolTip() and "***" in chip.toolTip()
