"""ccxt's leaky bucket does not refill while idle; the venue credits idle time before a call."""

import time

from sor_desktop.venues.ccxt_venue import CcxtVenue


def test_idle_time_refills_the_bucket_up_to_capacity():
    venue = CcxtVenue("binanceusdm")
    cfg = venue._ex.throttler.config
    cfg["tokens"] = -4.0  # what a few spent requests leave behind
    venue._last_call_end = time.monotonic() - 10.0
    venue._credit_idle_time()
    assert cfg["tokens"] == cfg["capacity"]


def test_short_idle_refills_only_what_the_rate_allows():
    venue = CcxtVenue("binanceusdm")
    cfg = venue._ex.throttler.config
    cfg["tokens"] = -1000.0
    venue._last_call_end = time.monotonic() - 0.01
    venue._credit_idle_time()
    assert -1000.0 < cfg["tokens"] < -1000.0 + 0.02 * 1000 * cfg["refillRate"]


def test_no_credit_before_the_first_call_or_while_requests_queue():
    venue = CcxtVenue("bybit")
    cfg = venue._ex.throttler.config
    cfg["tokens"] = -3.0
    venue._credit_idle_time()
    assert cfg["tokens"] == -3.0
    venue._last_call_end = time.monotonic() - 10.0
    venue._ex.throttler.running = True
    venue._credit_idle_time()
    assert cfg["tokens"] == -3.0
