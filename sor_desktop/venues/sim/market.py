"""The simulated market: one fair price per symbol, and per venue its own books and account.

``SimMarket(config, clock)`` owns the clock and the shared fair prices; ``market.venue(id)``
gives the ``SimVenue`` for each venue (one object per venue, all sharing this market).
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import Side
from sor_desktop.venues.instruments import instrument_from_market
from sor_desktop.venues.sim.book_model import BookModel
from sor_desktop.venues.sim.clock import Clock, RealClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.fair_price import FairPrice
from sor_desktop.venues.sim.profiles import START_PRICES, VenueProfile, profile_for
from sor_desktop.venues.sim.specs import SPECS, market_dict, symbols_of
from sor_desktop.venues.sim.underlying import PriceSource, WithBasis, underlying

if TYPE_CHECKING:
    from sor_desktop.venues.sim.venue import SimVenue


def _key(text: str) -> int:
    return zlib.crc32(text.encode())  # stable across runs, unlike hash()


class SimMarket:
    def __init__(self, config: SimConfig | None = None, clock: Clock | None = None) -> None:
        self.config = config or SimConfig()
        self.clock: Clock = clock or RealClock()
        unknown = [v for v in self.config.venues if not symbols_of(v)]
        if unknown:
            raise ValueError(f"the simulated market has no venue {', '.join(unknown)}")
        self._fair: dict[str, FairPrice] = {}
        self._models: dict[tuple[str, str], BookModel] = {}
        self._profiles: dict[str, VenueProfile] = {}
        self._venues: dict[str, SimVenue] = {}
        self._start = self.clock.time()

    # -- facts -----------------------------------------------------------------------------------
    def symbols(self, venue: str) -> list[str]:
        listed = symbols_of(venue)
        wanted = self.config.symbols
        return [s for s in listed if wanted is None or s in wanted]

    def market(self, venue: str, symbol: str) -> dict[str, Any]:
        return market_dict(venue, symbol)

    def instrument(self, venue: str, symbol: str) -> Instrument:
        return instrument_from_market(market_dict(venue, symbol), venue)

    def profile(self, venue: str) -> VenueProfile:
        profile = self._profiles.get(venue)
        if profile is None:
            base = self.config.profiles.get(venue) or profile_for(venue)
            profile = base.scaled(update_hz=self.config.update_hz, latency=self.config.latency_scale)
            self._profiles[venue] = profile
        return profile

    # -- state -----------------------------------------------------------------------------------
    def fair(self, symbol: str) -> PriceSource:
        """The fair price ``symbol`` quotes around (the inverse BTC market follows the linear one's
        path at a constant basis, ``sim.underlying``)."""
        source, basis_bps = underlying(symbol)
        if source != symbol:
            return WithBasis(self._path(source), basis_bps)
        return self._path(symbol)

    def _path(self, symbol: str) -> FairPrice:
        fp = self._fair.get(symbol)
        if fp is None:
            seed = np.random.SeedSequence(self.config.seed, spawn_key=(_key("fair"), _key(symbol)))
            fp = FairPrice(START_PRICES.get(symbol, 100.0), seed, start_time=self._start)
            self._fair[symbol] = fp
        return fp

    def model(self, venue: str, symbol: str) -> BookModel:
        key = (venue, symbol)
        model = self._models.get(key)
        if model is None:
            if key not in SPECS:
                raise KeyError(f"the simulated market has no {symbol} on {venue}")
            seed = np.random.SeedSequence(self.config.seed, spawn_key=(_key(venue), _key(symbol)))
            model = BookModel(self.instrument(venue, symbol), self.profile(venue), np.random.default_rng(seed),
                              price=self.fair(symbol).at(self._start), start_time=self._start)
            self._models[key] = model
        return model

    def book_at(self, venue: str, symbol: str, t: float, *, sequence: int) -> BookSnapshot:
        """The venue's book at wall time ``t`` (evolving it there if it is behind)."""
        model = self.model(venue, symbol)
        model.advance(t, self.fair(symbol).at(t))
        return model.snapshot(timestamp_ms=int(t * 1000), received=self.clock.monotonic(), sequence=sequence)

    def take(self, venue: str, symbol: str, book_side: Side, price: Decimal, contracts: Decimal) -> None:
        self.model(venue, symbol).take(book_side, price, contracts)

    # -- venues ----------------------------------------------------------------------------------
    def venue(self, venue_id: str) -> SimVenue:
        from sor_desktop.venues.sim.venue import SimVenue

        if venue_id not in self.config.venues:
            raise KeyError(f"venue {venue_id} is not part of this simulated market")
        v = self._venues.get(venue_id)
        if v is None:
            v = SimVenue(self, venue_id)
            self._venues[venue_id] = v
        return v

    def venues(self) -> dict[str, SimVenue]:
        return {v: self.venue(v) for v in self.config.venues}
