"""A narrow window's venue chips leave book age, update rate and round-trip time to the tooltip:
the tooltip carries those figures (it said "book age, updates per second, round-trip time" with
none of them)."""

from __future__ import annotations

from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.ui.venue_chips import VenueChip


def test_a_compact_chip_has_its_figures_in_the_tooltip(qapp) -> None:
    chip = VenueChip("binanceusdm")
    chip.compact = True
    chip.show_health(VenueHealth("binanceusdm", LinkState.CONNECTED, book_age_s=0.123, updates_per_s=34.6,
                                 rtt_ms=48.2))
    assert chip.text() == "● binanceusdm"  # the figures are not on the chip
    tip = chip.toolTip()
    assert "book age 123 ms" in tip and "35 updates/s" in tip and "round-trip 48 ms" in tip, tip


def test_figures_not_known_yet_say_so(qapp) -> None:
    chip = VenueChip("bybit")
    chip.compact = True
    chip.show_health(VenueHealth("bybit", LinkState.CONNECTING))
    tip = chip.toolTip()
    assert "no book yet" in tip and "round-trip not measured yet" in tip, tip
    assert "updates per second" not in tip


def test_a_wide_chip_and_its_tooltip_agree(qapp) -> None:
    chip = VenueChip("mexc")
    chip.show_health(VenueHealth("mexc", LinkState.STALE, book_age_s=12.4, updates_per_s=0.0, rtt_ms=310.0))
    assert "age 12s" in chip.text() and "rtt 310ms" in chip.text()
    assert "book age 12 s" in chip.toolTip() and "0 updates/s" in chip.toolTip()
