"""Settings of a simulated market run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sor_desktop.venues.sim.profiles import VenueProfile
from sor_desktop.venues.sim.specs import VENUES

# What the app and `route` start a simulated account with, per venue, in USDT. Uneven, as a
# trader's accounts are: at 10x Binance carries the README's 4 BTC example alone (about 24,000 USDT
# of margin at 60,000), so the preview compares the split with a real single-venue fill, while the
# cheapest venue (MEXC, 2 bps taker) carries only part of it and the split shows its saving.
DEFAULT_SIM_BALANCES: Mapping[str, Decimal] = {
    "binanceusdm": Decimal(40_000), "bybit": Decimal(25_000), "bingx": Decimal(15_000),
    "weex": Decimal(10_000), "mexc": Decimal(15_000),
}


# Coin-margined (inverse) markets are margined in their coin, not in USDT: a venue that lists one
# (Bybit BTC/USD:BTC) starts with this much of the coin beside its USDT, so the inverse market can
# be traded at once. 1 BTC is about 60,000 USD of the sim's start price: the same order of size as
# Bybit's USDT account, enough for the README's examples on either market.
DEFAULT_SIM_COIN_BALANCE = Decimal(1)


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
    balance: Decimal = Decimal(10_000)  # per venue, in USDT (the app and `route` pass DEFAULT_SIM_BALANCES)
    balances: Mapping[str, Decimal] = field(default_factory=dict)  # per venue id, over ``balance``
    # in each coin a venue's inverse markets settle in (Bybit: BTC); per venue id in ``coin_balances``
    coin_balance: Decimal = DEFAULT_SIM_COIN_BALANCE
    coin_balances: Mapping[str, Decimal] = field(default_factory=dict)
    leverage: Decimal = Decimal(10)
    update_hz: float | None = None
    latency_scale: float = 1.0
    view_only: frozenset[str] = frozenset()
    profiles: Mapping[str, VenueProfile] = field(default_factory=dict)  # overrides by venue

    def __post_init__(self) -> None:
        if self.seed < 0:  # numpy's SeedSequence refuses it at the first book, once per feed
            raise ValueError(f"the simulated market's seed must be 0 or more, got {self.seed}")

    def balance_of(self, venue: str) -> Decimal:
        return self.balances.get(venue, self.balance)

    def coin_balance_of(self, venue: str) -> Decimal:
        """The starting wallet, in each settle coin of its inverse markets, of ``venue``."""
        return self.coin_balances.get(venue, self.coin_balance)


def parse_balances(text: str) -> tuple[Decimal | None, dict[str, Decimal]]:
    """``--sim-balance``: one amount for every venue ("20000"), or per venue
    ("binanceusdm=40000,mexc=5000", the others keeping their defaults). Raises ValueError."""
    def amount(raw: str) -> Decimal:
        try:
            value = Decimal(raw.strip().replace("_", ""))
        except ArithmeticError:
            raise ValueError(f"{raw.strip()!r} is not an amount") from None
        if not value.is_finite() or value <= 0 or value > Decimal(10) ** 12:
            raise ValueError(f"{raw.strip()!r} must be a positive amount of USDT")
        return value

    if "=" not in text:
        return amount(text), {}
    out: dict[str, Decimal] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        venue, sep, raw = part.partition("=")
        if not sep or venue.strip() not in VENUES:
            raise ValueError(f"{part!r}: use venue=amount with a venue among {', '.join(VENUES)}")
        out[venue.strip()] = amount(raw)
    return None, out


def sim_balances(text: str | None) -> dict[str, Decimal]:
    """Each venue's starting balance for ``--sim-balance`` text (None: the app's defaults)."""
    if text is None:
        return dict(DEFAULT_SIM_BALANCES)
    common, per_venue = parse_balances(text)
    if common is not None:
        return dict.fromkeys(VENUES, common)
    return {**DEFAULT_SIM_BALANCES, **per_venue}
