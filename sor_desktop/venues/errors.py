"""The venue errors every adapter maps its failures to, once, so the engine and UI see one vocabulary."""

from __future__ import annotations

import re


class VenueError(Exception):
    """Base of every venue failure. ``venue`` names the venue; the message is fit for a trader."""

    retryable = False

    def __init__(self, venue: str, message: str) -> None:
        super().__init__(f"{venue}: {message}")
        self.venue = venue
        self.message = message


class OrderRejected(VenueError):
    """The venue refused the order; nothing was placed."""


class InsufficientMargin(OrderRejected):
    """Rejected for lack of free margin or balance."""


class RateLimited(VenueError):
    retryable = True


class AuthFailed(VenueError):
    """Keys missing, wrong, expired or lacking the permission."""


class OutcomeUnknown(VenueError):
    """The request may or may not have reached the venue (timeout, dropped link, 5xx after send).

    Never re-send: resolve by fetching the order by its client order id.
    """

    retryable = True


class VenueUnavailable(VenueError):
    """Cannot reach the venue now (network, maintenance); the request was surely not accepted."""

    retryable = True


class NotSupported(VenueError):
    """The venue, or this account on it, cannot do this (e.g. MEXC futures orders by API)."""


class BookGap(VenueError):
    """A book's sequence broke: the local book is wrong until a fresh snapshot arrives."""

    retryable = True


_REQUEST = re.compile(r"^(?:\S+: )?(?:GET|POST|PUT|DELETE) https?://\S+?: ")


def without_request(text: str) -> str:
    """A venue error's words without the request they were for, where the transport says why:
    the URL stays in the log file; on a chip, a notice or the overlay it hid the cause."""
    return _REQUEST.sub("", text)
