"""The sequence checks for venues where ccxt does not check (Bybit ``u``, WEEX ``U``/``u``)."""

from __future__ import annotations

from sor_desktop.venues.book_sequence import SequenceTracker, Update, Verdict, bybit_update, weex_update


def bybit(kind: str, u: int) -> dict[str, object]:
    return {"topic": "orderbook.50.BTCUSDT", "type": kind, "data": {"s": "BTCUSDT", "b": [], "a": [], "u": u, "seq": 9}}


def test_bybit_u_must_grow_by_one() -> None:
    t = SequenceTracker()
    verdicts = [t.observe(bybit_update(m)) for m in  # type: ignore[arg-type]
                (bybit("delta", 10), bybit("snapshot", 10), bybit("delta", 11), bybit("delta", 11),
                 bybit("delta", 13), bybit("delta", 14), bybit("snapshot", 20), bybit("delta", 21))]
    assert verdicts == [Verdict.DROP, Verdict.APPLY, Verdict.APPLY, Verdict.DROP,
                        Verdict.GAP, Verdict.DROP, Verdict.APPLY, Verdict.APPLY]
    assert t.gaps == 1


def test_bybit_u_of_one_is_a_restart_snapshot() -> None:
    t = SequenceTracker()
    t.observe(bybit_update(bybit("snapshot", 500)))  # type: ignore[arg-type]
    assert bybit_update(bybit("delta", 1)) == Update("BTCUSDT", True, 1, 1)
    assert t.observe(bybit_update(bybit("delta", 1))) is Verdict.APPLY  # type: ignore[arg-type]


def test_weex_first_id_must_follow_the_last() -> None:
    t = SequenceTracker()
    snap = {"e": "depthSnapshot", "s": "ETHUSDT", "u": 100}
    assert t.observe(weex_update(snap)) is Verdict.APPLY  # type: ignore[arg-type]
    assert t.observe(weex_update({"e": "depth", "s": "ETHUSDT", "U": 101, "u": 105})) is Verdict.APPLY  # type: ignore[arg-type]
    assert t.observe(weex_update({"e": "depth", "s": "ETHUSDT", "U": 107, "u": 110})) is Verdict.GAP  # type: ignore[arg-type]


def test_books_are_tracked_per_market() -> None:
    t = SequenceTracker()
    t.observe(Update("A", True, 5, 5))
    t.observe(Update("B", True, 50, 50))
    assert t.observe(Update("A", False, 6, 6)) is Verdict.APPLY
    assert t.observe(Update("B", False, 51, 51)) is Verdict.APPLY
