"""View > Reset layout gives the default layout exactly, whatever the trader did to the docks.

Seen at 1280x720: after floating, closing and restoring docks, Reset layout left the Price impact
dock beside the bottom tabs instead of in front among them."""

from __future__ import annotations

import pytest

from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.main_window import MainWindow


def _layout(window: MainWindow) -> dict[str, tuple[object, ...]]:
    """Per dock: where it is, floating or not, shown or not, which docks share its tabs, and its size
    (tabbed docks that are not in front have no size worth comparing)."""
    out: dict[str, tuple[object, ...]] = {}
    for name, d in window.docks.items():
        tabs = tuple(sorted(o.objectName() for o in window.tabifiedDockWidgets(d)))
        front = not d.visibleRegion().isEmpty()
        out[name] = (window.dockWidgetArea(d), d.isFloating(), d.isVisible(), tabs, front,
                     d.geometry().getRect() if front else None)
    return out


def _settle(qtbot) -> None:
    qtbot.wait(120)  # the layout's deferred moves (default_sizes asks for the split's room after 50 ms)


@pytest.fixture
def opened(qtbot, sim_session, tmp_path):
    """Made as the app makes it: the window sized (--size), shown, then the session started."""
    def make(size: tuple[int, int]) -> MainWindow:
        w = MainWindow(sim_session.session, settings_mod.open_settings(tmp_path / "window.ini"), restore=False)
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        w.on_session_started()
        w.timer.stop()
        w.planner.inline = True
        _settle(qtbot)
        return w
    return make


@pytest.mark.parametrize("size", [(1024, 640), (1280, 720), (1600, 1000)])
def test_reset_layout_after_floating_closing_and_restoring_docks_is_the_default(opened, qtbot, size):
    """Price impact floated, the ladder closed and brought back from the View menu, then Reset."""
    window = opened(size)
    default = _layout(window)
    d = window.docks
    d["impact"].setFloating(True)  # as seen: Price impact floated, the ladder closed and brought back
    _settle(qtbot)
    d["ladder"].close()
    _settle(qtbot)
    d["ladder"].toggleViewAction().trigger()
    _settle(qtbot)
    assert _layout(window) != default  # the trader's changes showed
    window.reset_layout()
    _settle(qtbot)
    assert _layout(window) == default


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_reset_layout_after_docks_moved_about_and_closed_is_the_default(window, qtbot, size):
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=2000)
    window.default_sizes()
    _settle(qtbot)
    default = _layout(window)
    d = window.docks
    d["impact"].setFloating(True)
    d["ladder"].setFloating(True)
    d["blotter"].close()
    d["log"].close()
    _settle(qtbot)
    d["blotter"].show()
    d["log"].show()
    d["ladder"].setFloating(False)
    _settle(qtbot)
    assert _layout(window) != default
    window.reset_layout()
    _settle(qtbot)
    assert _layout(window) == default


def test_a_venue_chip_is_as_tall_before_its_first_health_as_after(qapp):
    """A chip was a bare label until its first health came, after the window's first layout: the
    status bar grew 5 px under Xvfb and Reset layout then put the ladder 3 px lower than at start."""
    from sor_desktop.engine.store import LinkState, VenueHealth
    from sor_desktop.ui.venue_chips import VenueChip

    chip = VenueChip("bybit")
    first = chip.sizeHint().height()
    chip.show_health(VenueHealth("bybit", LinkState.CONNECTED))
    assert chip.sizeHint().height() == first
