"""Latest-state store: newest book per key, dirty keys taken once, link health and book age."""

from __future__ import annotations

from sor_desktop.core.book import BookSnapshot
from sor_desktop.engine.store import LinkState, Store, VenueHealth


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def book(venue: str, bid: float, received: float = 0.0, symbol: str = "BTC/USDT:USDT") -> BookSnapshot:
    return BookSnapshot.from_lists(venue, symbol, 0, [[bid, 1.0]], [[bid + 1, 1.0]], received=received)


def test_latest_book_wins_and_dirty_keys_are_taken_once():
    clock = Clock()
    s = Store(clock=clock)
    s.put_book(book("a", 100.0, received=99.5))
    s.put_book(book("a", 101.0, received=99.9))
    s.put_book(book("b", 50.0, received=99.7))
    assert s.book("a", "BTC/USDT:USDT").best_bid == 101.0
    dirty = s.take_dirty()
    # one entry per key, carrying the arrival of the oldest update not drawn yet
    assert dirty == {("a", "BTC/USDT:USDT"): 99.5, ("b", "BTC/USDT:USDT"): 99.7}
    assert s.take_dirty() == {}
    s.put_book(book("a", 102.0, received=100.0))
    assert s.take_dirty() == {("a", "BTC/USDT:USDT"): 100.0}


def test_books_filtered_by_symbol_and_venues():
    s = Store(clock=Clock())
    s.put_book(book("a", 1.0))
    s.put_book(book("b", 2.0))
    s.put_book(book("a", 3.0, symbol="ETH/USDT:USDT"))
    assert sorted(s.books("BTC/USDT:USDT")) == ["a", "b"]
    assert list(s.books("BTC/USDT:USDT", ["b"])) == ["b"]
    assert s.books("ETH/USDT:USDT")["a"].best_bid == 3.0


def test_old_book_turns_stale_and_a_new_one_revives_it():
    clock = Clock()
    s = Store(stale_after_s=3.0, clock=clock)
    s.put_book(book("a", 1.0))
    assert s.health("a", "BTC/USDT:USDT").state is LinkState.CONNECTED
    clock.t += 2.0
    h = s.health("a", "BTC/USDT:USDT")
    assert h.state is LinkState.CONNECTED and abs(h.book_age_s - 2.0) < 1e-9
    clock.t += 1.5
    h = s.health("a", "BTC/USDT:USDT")
    assert h.state is LinkState.STALE and not h.routable and h.reason
    s.put_book(book("a", 1.0))
    assert s.health("a", "BTC/USDT:USDT").state is LinkState.CONNECTED


def test_a_stale_verdict_from_the_feed_is_not_undone_by_the_next_book():
    s = Store(clock=Clock())
    s.put_book(book("a", 1.0))
    s.set_health(VenueHealth("a", LinkState.STALE, reason="sequence gap, resyncing"))
    s.put_book(book("a", 1.0))
    assert s.health("a").state is LinkState.STALE  # only the feed's own report clears a gap


def test_update_rate_tracks_arrivals_and_decays_when_silent():
    clock = Clock()
    s = Store(clock=clock)
    for _ in range(200):
        clock.t += 0.02  # 50 per second
        s.put_book(book("a", 1.0))
    rate = s.health("a", "BTC/USDT:USDT").updates_per_s
    assert 45 < rate < 55
    clock.t += 10.0
    assert s.health("a", "BTC/USDT:USDT").updates_per_s <= 0.1 + 1e-9
