"""Status-bar chips, one per venue: link state (connected / connecting / stale / down), view-only,
book age, update rate and round-trip time. A stale venue's chip is grey."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from sor_desktop.core.instrument import base_and_quote
from sor_desktop.engine.store import LinkState, VenueHealth
from sor_desktop.logs import redact
from sor_desktop.ui import theme

STATE_COLOUR = {
    LinkState.CONNECTED: theme.BID,
    LinkState.CONNECTING: theme.WARN,
    LinkState.STALE: theme.GREY,
    LinkState.DOWN: theme.ERROR,
}


def chip_text(h: VenueHealth, compact: bool = False) -> str:
    """``compact``: the name and any trouble only (book age, rate and round-trip in the tooltip), so
    five chips leave the status bar's notice room in a 1280-wide window."""
    parts = [f"● {h.venue}"]
    if h.view_only and h.state is LinkState.CONNECTED:
        parts.append("view-only")
    elif h.state is not LinkState.CONNECTED:
        parts.append(str(h.state))
    if h.book_age_s is not None and not compact:
        parts.append(f"age {h.book_age_s * 1000:.0f}ms" if h.book_age_s < 10 else f"age {h.book_age_s:.0f}s")
    if h.updates_per_s and not compact:
        parts.append(f"{h.updates_per_s:.0f}/s")
    if h.rtt_ms is not None and not compact:
        parts.append(f"rtt {h.rtt_ms:.0f}ms")
    if h.key_note:
        parts.append("⚠ key")
    return " ".join(parts)


def health_figures(h: VenueHealth) -> str:
    """Book age, update rate and round-trip time in words, with their values: the tooltip's line
    (a compact chip shows none of them)."""
    if h.book_age_s is None:
        age = "no book yet"
    else:
        age = f"book age {h.book_age_s * 1000:.0f} ms" if h.book_age_s < 10 else f"book age {h.book_age_s:.0f} s"
    rtt = "round-trip not measured yet" if h.rtt_ms is None else f"round-trip {h.rtt_ms:.0f} ms"
    return f"{age} · {h.updates_per_s:.0f} updates/s · {rtt}"


class VenueChip(QLabel):
    def __init__(self, venue: str, parent: QWidget | None = None) -> None:
        super().__init__(venue, parent)
        self.venue = venue
        self.health = VenueHealth(venue)
        self.terms_note = ""  # the venue's fee and funding (ui.futures_inputs.terms_tooltip)
        self.setFont(theme.mono_font(8))
        self.compact = False  # set by the window when it is narrow
        # framed from the start: a bare label until the first health, the status bar grew 5 px
        # after the window's first layout was made, and Reset layout put the ladder lower
        self.show_health(self.health)

    def show_unlisted(self, symbol: str) -> None:
        """The venue does not list ``symbol``: said so, instead of "connecting" for ever."""
        base = base_and_quote(symbol)[0]
        self.setText(f"● {self.venue} no {base} here")
        self.setStyleSheet(f"QLabel {{ color: {theme.GREY}; border: 1px solid {theme.GREY}; border-radius: 8px;"
                           f" padding: 1px 8px; margin: 1px 2px; background: #11151a; }}")
        self.setToolTip(f"{self.venue} does not list {symbol}: no book, no routing there")

    def show_health(self, h: VenueHealth) -> None:
        self.health = h
        colour = STATE_COLOUR.get(h.state, theme.MUTED)
        if h.view_only and h.state is LinkState.CONNECTED:
            colour = theme.ACCENT
        elif h.key_note and h.state is LinkState.CONNECTED:
            colour = theme.WARN
        name = theme.GREY if h.state is LinkState.STALE else theme.venue_colour(h.venue)
        self.setText(chip_text(h, self.compact))
        style = (f"QLabel {{ color: {name}; border: 1px solid {colour}; border-radius: 8px;"
                 f" padding: 1px 8px; margin: 1px 2px; background: #11151a; }}")
        if style != self.styleSheet():  # restyling repolishes the widget: only on a change of state
            self.setStyleSheet(style)
        self.setToolTip(redact(f"{h.venue}: {h.state}" + (f" ({h.reason})" if h.reason else "")
                        + f"\n{health_figures(h)}"
                        + (f"\nAPI key: {h.key_note}" if h.key_note else "")
                        + (f"\n{self.terms_note}" if self.terms_note else "")))
