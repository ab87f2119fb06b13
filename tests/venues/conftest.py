"""The parametrised loopback fixtures (``loopback``, ``trading``: one run per venue case of
``tests/venues/loopback/fixtures.SERVERS``) for every venue test module."""

from tests.venues.loopback.suite import loopback, trading

__all__ = ["loopback", "trading"]
