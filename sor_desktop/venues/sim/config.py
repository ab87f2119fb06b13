"""Settings of a simulated market run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sor_desktop.venues.sim.profiles import VenueProfile
from sor_desktop.venues.sim.specs import VENUES


@dataclass(frozen=True, slots=True)
class SimConfig:
    """``seed`` fixes every book and fill on a ``VirtualClock``.

    ``view_only``: venues that refuse orders as the live one does. Empty by default: the
    simulator lets MEXC trade even though live MEXC is view-only for most accounts; pass
    ``frozenset({"mexc"})`` to rehearse the live situation.
    ``latency_scale``: 0 removes every latency (orders answer at once, books come at their
    update times only). ``update_hz`` overrides every venue's update rate (the feed benchmark
    uses 50).
    """

    seed: int = 0
    venues: tuple[str, ...] = VENUES
    symbols: tuple[str, ...] | None = None  # None: every symbol the venue lists
    balance: Decimal = Decimal(10_000)  # per venue, in USDT
    leverage: Decimal = Decimal(10)
    update_hz: float | None = None
    latency_scale: float = 1.0
    view_only: frozenset[str] = frozenset()
    profiles: Mapping[str, VenueProfile] = field(default_factory=dict)  # overrides by venue
