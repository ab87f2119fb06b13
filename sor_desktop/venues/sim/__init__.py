"""The simulated market: the app's default with no keys and no network.

Use::

    market = SimMarket(SimConfig(seed=7), clock=VirtualClock())   # RealClock() (the default) in the app
    venues = market.venues()           # {"binanceusdm": SimVenue, ...}, all sharing one fair price
    await venues["bybit"].connect()
    book = await clock.drive(venues["bybit"].watch_order_book("BTC/USDT:USDT"))

Modules: ``specs`` (real instrument specs and fees), ``profiles`` (per-venue behaviour),
``fair_price``, ``underlying`` (which fair price a symbol follows: Bybit's inverse BTC/USD:BTC the
linear BTC one), ``book_model``, ``stream``, ``sweep`` and ``matching`` (the local matching engine,
shared with paper and replay), ``contract_value`` (linear and inverse contract arithmetic),
``accounts`` (a wallet per settle currency), ``terms``, ``reasons``, ``faults``, ``clock``, ``market``,
``venue``.
"""

from sor_desktop.venues.sim.clock import Clock, RealClock, VirtualClock
from sor_desktop.venues.sim.config import SimConfig
from sor_desktop.venues.sim.market import SimMarket
from sor_desktop.venues.sim.venue import SimVenue

__all__ = ["Clock", "RealClock", "SimConfig", "SimMarket", "SimVenue", "VirtualClock"]
