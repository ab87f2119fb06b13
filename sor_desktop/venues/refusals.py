"""What a venue's answer to an order proves: the shape of each venue's "certainly not placed" table.

A venue error during a send is an *unknown* outcome (maybe placed) unless its code is listed in
that venue's ``<venue>/errors.py`` table as a refusal. Each entry names its source: the venue's
API documentation, or the line of ccxt's exception table (``exceptions['exact'][code]``) that
shows the venue answers so. ``tests/venues/test_venue_error_tables.py`` feeds every listed code,
in the venue's own error body, through ccxt's real ``handle_errors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class Refusal(Enum):
    """Why the venue refused; each maps to a ``venues.errors`` class the executor books as not placed."""

    REJECTED = "rejected"  # bad parameters, filters, reduce-only, price band, ...
    MARGIN = "margin"  # not enough margin or balance
    RATE_LIMITED = "rate_limited"  # refused by a rate limit before reaching the matching engine
    AUTH = "auth"  # key, signature, permission or IP refused


@dataclass(frozen=True, slots=True)
class NotPlaced:
    kind: Refusal
    message: str  # the venue's documented words for it (used to build the test body)
    source: str  # where it is written that the venue answers so


@dataclass(frozen=True, slots=True)
class ErrorTable:
    """One venue's codes. ``not_placed``: refusals of an order. ``not_found``: codes its order
    lookup answers for "no order with this id" (code -> source). ``slow_down``: codes the venue
    answers when its rate limiter (or a "busy, try later") turned a request away, whatever ccxt's
    class for them (code -> source): a read so answered is ``RateLimited`` and backed off; an
    order so answered is still unknown unless the code is also in ``not_placed``. Codes are
    strings, as ccxt compares them."""

    venue: str
    not_placed: Mapping[str, NotPlaced]
    not_found: Mapping[str, str] = field(default_factory=dict)
    slow_down: Mapping[str, str] = field(default_factory=dict)
