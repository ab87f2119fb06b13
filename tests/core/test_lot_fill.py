"""The largest reachable fill across lot sizes (``lot_groups._max_fill_spans``) against the set of
every reachable fill, enumerated: decimal mixes (the comb), coprime lots, thin fine venues beside
deep coarse ones (the shortcuts of the coarse-first search)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sor_desktop.core.lot_groups import _max_fill_spans

SIZES = [1, 2, 3, 5, 7, 10, 11, 13, 20, 30, 100]


@st.composite
def span_sets(draw: st.DrawFn):
    ms = sorted(draw(st.lists(st.sampled_from(SIZES), min_size=1, max_size=4, unique=True)))
    spans = [(m, draw(st.integers(0, 40))) for m in ms]
    total = sum(m * r for m, r in spans)
    room = draw(st.integers(0, total + 5))
    return spans, room


@settings(max_examples=600, deadline=None)
@given(span_sets())
def test_largest_fill_is_the_largest_reachable_one(case):
    spans, room = case
    total = sum(m * r for m, r in spans)
    want = int(np.flatnonzero(_reachable(spans)[: min(room, total) + 1])[-1])
    assert _max_fill_spans(spans, room) == want


def _reachable(spans: list[tuple[int, int]]) -> np.ndarray:
    total = sum(m * r for m, r in spans)
    reach = np.zeros(total + 1, dtype=bool)
    reach[0] = True
    for m, r in spans:
        new = reach.copy()
        for z in range(1, r + 1):
            new[m * z:] |= reach[: total + 1 - m * z]
        reach = new
    return reach


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([[(3, 2), (30, 400), (100, 300)], [(7, 1), (30, 300), (100, 200), (300, 60)],
                        [(2, 3), (15, 200), (35, 100), (50, 300)], [(20, 500), (30, 300), (70, 200)],
                        [(17, 4), (50, 300), (700, 20), (1000, 20)]]),
       st.floats(0.0, 1.0))
def test_a_thin_foreign_lot_beside_deep_coarse_ones_gets_the_largest_fill(spans, where):
    """Thin groups whose lot is foreign to deep coarse ones leave residues no count reaches, and
    the coarse counts repeat the finer groups' answers (the shortcuts of the coarse-first search)."""
    reach = _reachable(spans)
    room = round(where * (len(reach) + 3))
    want = int(np.flatnonzero(reach[: min(room, len(reach) - 1) + 1])[-1])
    assert _max_fill_spans(spans, room) == want
