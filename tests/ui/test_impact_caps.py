"""Single-venue impact curves come from book depth: solid as far as the venue's margin reaches,
dashed beyond it (they ended at the cap, and the README says "book depth only")."""

from __future__ import annotations

import numpy as np


def test_capped_venue_goes_on_dashed(window) -> None:
    insts = window.session.symbol_instruments()
    books = window.session.store.books(window.session.symbol, insts)
    v = sorted(books)[0]
    chart = window.impact
    chart.refresh(books, insts, set(), buy=True, max_size=8.0, routed=None, caps={v: 2.0})
    solid_x, _ = chart._curves[v].getData()
    dashed_x, _ = chart._capped[v].getData()
    assert solid_x is not None and len(solid_x) and solid_x.max() <= 2.0 + 1e-9
    assert dashed_x is not None and len(dashed_x) >= 2 and dashed_x.max() > 2.0
    assert np.isclose(dashed_x.min(), solid_x.max())  # one line, changing style at the cap
    # same snapshot, same curves: nothing blinks between refreshes
    chart.refresh(books, insts, set(), buy=True, max_size=8.0, routed=None, caps={v: 2.0})
    again, _ = chart._curves[v].getData()
    assert np.array_equal(again, solid_x)


def test_uncapped_venue_has_no_dashed_part(window) -> None:
    insts = window.session.symbol_instruments()
    books = window.session.store.books(window.session.symbol, insts)
    v = sorted(books)[0]
    window.impact.refresh(books, insts, set(), buy=True, max_size=4.0, routed=None, caps={})
    x, _ = window.impact._capped[v].getData()
    assert x is None or len(x) == 0
