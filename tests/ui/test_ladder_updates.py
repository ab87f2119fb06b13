"""The ladder under moving books: a refresh marks only the cells it changed (no model reset while
the venues stay the same), the trader's scroll position holds, the ladder paints exactly what the
style would, and its refresh does not share a frame with the chips and the preview."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate

from sor_desktop.core.orders import OrderStatus, Side
from sor_desktop.ui.ladder_cells import CellDelegate
from sor_desktop.ui.working_orders import WorkingOrder


def _frames(w, n: int = 40) -> None:
    for _ in range(n):
        w.on_frame()


class _Signals:
    """What a model told its views."""

    def __init__(self, model) -> None:
        self.resets = 0
        self.changed: list[tuple[int, int, int, int]] = []
        model.modelAboutToBeReset.connect(self._reset)
        model.dataChanged.connect(lambda tl, br, *_: self.changed.append((tl.row(), tl.column(), br.row(), br.column())))

    def _reset(self) -> None:
        self.resets += 1


def test_one_changed_size_marks_its_cells_only_and_the_scroll_holds(window) -> None:
    _frames(window)
    lad, m = window.ladder, window.ladder.model
    insts = window.session.route_instruments()
    books = dict(window.session.route_books())
    lad.refresh(books, insts, set())
    bar = lad.view.verticalScrollBar()
    where = 0 if bar.value() else 1
    bar.setValue(where)  # the trader scrolled away
    assert not lad.centred
    sig = _Signals(m)
    lad.refresh(books, insts, set())  # the same books: nothing to repaint
    assert sig.changed == [] and sig.resets == 0
    venue = m.venues[1]
    book = books[venue]
    asks = book.asks.copy()
    asks[0, 1] += 7.0  # more at its best ask
    books[venue] = dataclasses.replace(book, asks=asks)
    step = lad.step()
    assert step is not None
    price = round(float(np.ceil(asks[0, 0] / step - 1e-9)) * step, 10)  # the row merge_levels puts it on
    row = next(r for r in range(m.rowCount()) if m.sides[r] == "asks" and m.prices[r] == price)
    col = m.venues.index(venue) + 1
    total = len(m.venues) + 1
    before = m.data(m.index(row, col))
    lad.refresh(books, insts, set())
    assert sig.resets == 0
    assert sig.changed == [(row, col, row, total)], sig.changed  # its amount and the row's total
    assert m.data(m.index(row, col)) != before
    assert bar.value() == where


def test_moving_books_never_reset_the_ladder_nor_move_it_once_scrolled(window, sim_session, loop) -> None:
    _frames(window)
    lad, m = window.ladder, window.ladder.model
    bar = lad.view.verticalScrollBar()
    where = 0 if bar.value() else 1
    bar.setValue(where)
    assert not lad.centred
    sig = _Signals(m)
    sides = []
    for _ in range(12):
        sim_session.step(loop, 5)
        _frames(window, 16)  # one ladder refresh
        sides.append(list(m.sides))
        assert bar.value() == where
    assert any(a != b for a, b in zip(sides, sides[1:], strict=False))  # the spread moved between rows
    assert sig.resets == 0 and sig.changed


def _pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine()).copy()


def test_the_ladder_paints_what_the_style_paints(window, qtbot) -> None:
    """Crossed rows, own orders (their tint and colours, an unknown outcome) and a stale venue's
    grey: the ladder's own delegate draws the same pixels as the style's."""
    _frames(window)
    lad, m = window.ladder, window.ladder.model
    insts = window.session.route_instruments()
    books = dict(window.session.route_books())
    first = m.venues[0]
    b = books[first]
    lift = np.array([1.0006, 1.0])  # its whole book 6 bps up: its bids over the others' asks
    books[first] = dataclasses.replace(b, bids=b.bids * lift, asks=b.asks * lift)
    lad.refresh(books, insts, {m.venues[1]})
    s = m.spread_row()
    lad.set_working([WorkingOrder(first, "BTC/USDT:USDT", Side.BUY, Decimal(1), m.prices[s + 2]),
                     WorkingOrder(first, "BTC/USDT:USDT", Side.SELL, Decimal(1), m.prices[s - 3], OrderStatus.UNKNOWN)])
    assert any(m.is_crossed(r) for r in range(m.rowCount())) and len(m.mine) == 2
    qtbot.wait(20)  # the cross label's new text lays the dock out again
    lad.recentre()
    assert isinstance(lad.view.itemDelegate(), CellDelegate)
    ours = _pixels(lad.view.viewport().grab().toImage())
    lad.view.setItemDelegate(QStyledItemDelegate(lad.view))
    theirs = _pixels(lad.view.viewport().grab().toImage())
    assert ours.shape == theirs.shape and (ours != theirs).sum() == 0


def test_columns_fit_again_when_the_rows_outgrow_the_view(window, qtbot) -> None:
    """Sized while a few rows fit without a vertical scroll bar, the columns shrink by its width
    when it shows (they overflowed behind a horizontal scroll bar at 1280x720)."""
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=2000)
    window.default_sizes()
    qtbot.wait(20)
    lad = window.ladder
    insts = window.session.route_instruments()
    books = dict(window.session.route_books())
    top = {v: dataclasses.replace(b, bids=b.bids[:1], asks=b.asks[:1]) for v, b in books.items()}
    lad.refresh(top, insts, set())  # two or three rows: no vertical scroll bar
    qtbot.wait(20)
    assert not lad.view.verticalScrollBar().isVisible()
    lad.refresh(books, insts, set())
    qtbot.waitUntil(lambda: lad.view.verticalScrollBar().isVisible(), timeout=2000)
    qtbot.wait(20)
    assert lad.view.horizontalScrollBar().maximum() == 0


def test_the_ladder_refreshes_on_frames_without_the_chips_and_preview(window, monkeypatch) -> None:
    window.routing.amount.setText("3")  # the live preview runs
    frames: dict[str, set[int]] = {"ladder": set(), "health": set(), "preview": set()}

    def recording(name, fn):
        def wrapped(*a, **k):
            frames[name].add(window.frame_no)
            return fn(*a, **k)
        return wrapped

    monkeypatch.setattr(window.ladder, "refresh", recording("ladder", window.ladder.refresh))
    monkeypatch.setattr(window, "_refresh_health", recording("health", window._refresh_health))
    monkeypatch.setattr(window, "refresh_preview", recording("preview", window.refresh_preview))
    _frames(window, 64)
    assert len(frames["ladder"]) >= 3 and frames["health"] and frames["preview"]
    assert not frames["ladder"] & (frames["health"] | frames["preview"]), frames
