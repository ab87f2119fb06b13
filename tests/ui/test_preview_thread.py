"""Previews planned on the planner's worker thread, as in the app (issue 11): a preview being
recomputed is marked and never shown as current, an older ticket's plan that lands late is never
shown, Enter on a pending ticket routes what was typed, and a plan that fails says so at the field.
The impact chart's routed curve is planned there too, after any waiting preview.

The worker's plans are held at a gate so each test decides when they land."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from sor_desktop.engine.preview import Preview
from sor_desktop.ui.impact_chart import POINTS


class Gate:
    """Wraps the planner's plan: on the worker thread each plan waits until ``release``."""

    def __init__(self, window) -> None:
        self.window = window
        self.real = window.planner.plan
        self.open = threading.Event()
        self.worker_plans: list[str] = []
        self.qt_thread = threading.get_ident()
        window.planner.inline = False
        window.planner.plan = self

    def __call__(self, job) -> Preview:
        if threading.get_ident() != self.qt_thread:
            self.worker_plans.append(job.request.amount_text)
            assert self.open.wait(10), "the test never released the plan"
        return self.real(job)

    def release(self) -> None:
        self.open.set()


@pytest.fixture
def gate(window):
    g = Gate(window)
    yield g
    g.release()  # a plan left waiting would hold the window's close


def shown_amounts(window) -> list[str]:
    out: list[str] = []
    real = window.routing.show_preview

    def spy(pv: Preview) -> None:
        out.append(pv.request.amount_text)
        real(pv)

    window.routing.show_preview = spy
    return out


def test_a_ticket_being_planned_is_marked_and_only_the_latest_ticket_is_shown(window, gate, qtbot):
    window.routing.amount.setText("2")
    window.planner.inline = True
    window.refresh_preview()  # a current preview of 2 to start from
    window.planner.inline = False
    assert window._preview.request.amount_text == "2" and window.routing.route.isEnabled()
    shown = shown_amounts(window)

    window.routing.amount.setText("3")
    # the debounce fires: 3 is planned on the worker and held there
    qtbot.waitUntil(lambda: gate.worker_plans == ["3"])
    assert not window.routing.typing
    assert window.routing.pending and window.routing.preview.pending
    assert not window.routing.route.isEnabled()  # Route never sends the older preview of 2
    assert window.routing.preview.pending_note.isVisible()

    window.routing.amount.setText("4")
    qtbot.waitUntil(lambda: not window.routing.typing)  # asked: waits behind 3
    assert window.planner.busy and gate.worker_plans == ["3"]
    window.routing.amount.setText("5")
    qtbot.waitUntil(lambda: not window.routing.typing)  # takes 4's place
    gate.release()
    qtbot.waitUntil(lambda: not window.routing.pending, timeout=5000)
    assert gate.worker_plans == ["3", "5"]  # 4 was never planned: 5 replaced it before its turn
    assert shown == ["5"]  # 3 landed after 5 was asked: never shown
    assert window._preview.request.amount_text == "5"
    assert window._preview.plan.filled == pytest.approx(5.0, abs=1e-6)
    assert window.routing.route.isEnabled() and not window.routing.preview.pending_note.isVisible()
    assert window._quoted_at is not None  # the quote age the confirmation shows came through too


def test_a_plan_of_an_older_ticket_is_not_shown_when_the_ticket_moved_on(window, gate, qtbot):
    window.routing.amount.setText("3")
    qtbot.waitUntil(lambda: gate.worker_plans == ["3"])
    shown = shown_amounts(window)
    window.routing.amount.setText("7")  # typed, its debounce not yet fired
    assert window.routing.typing
    gate.release()
    qtbot.waitUntil(lambda: not window.routing.pending, timeout=5000)  # the debounce plans 7
    assert shown == ["7"] and window._preview.request.amount_text == "7"


def test_books_moving_re_plan_without_marking_the_ticket_pending(window, gate, sim_session, loop, qtbot):
    window.routing.amount.setText("2")
    window.planner.inline = True
    window.refresh_preview()
    window.planner.inline = False
    before = window._preview
    sim_session.step(loop, 1.0)  # new books
    window.refresh_preview(books_only=True)
    qtbot.waitUntil(lambda: gate.worker_plans == ["2"])
    # the same ticket on books a frame newer: the preview stays current and Route stays on
    assert not window.routing.pending and window.routing.route.isEnabled()
    gate.release()
    qtbot.waitUntil(lambda: window._preview is not before, timeout=5000)
    assert window._preview.request.amount_text == "2" and window.routing.route.isEnabled()


def test_enter_while_the_preview_is_planned_routes_what_was_typed(window, gate, qtbot):
    window.routing.amount.setText("3")
    qtbot.waitUntil(lambda: gate.worker_plans == ["3"])
    window.routing.amount.setText("6")
    window.routing.request_route()  # Enter right after typing: planned now, on the Qt thread
    dlg = window.confirm
    assert dlg is not None
    assert dlg.plan.filled == pytest.approx(6.0, abs=1e-6)
    assert dlg.plan is window._preview.plan and window._preview.request.amount_text == "6"
    gate.release()
    qtbot.waitUntil(lambda: not window.planner.busy, timeout=5000)
    qtbot.wait(20)
    assert window._preview.request.amount_text == "6"  # 3, landing late, did not replace it
    dlg.reject()


def test_a_plan_that_fails_on_the_worker_says_so_at_the_field(window, gate, qtbot, caplog):
    def broken(job):
        raise RuntimeError("router bug")

    gate.real = broken
    gate.release()
    window.routing.amount.setText("2")
    qtbot.waitUntil(lambda: not window.routing.pending, timeout=5000)
    assert "preview failed: router bug" in window.routing.amount_error.text()
    assert window._preview.plan is None and not window.routing.route.isEnabled()
    assert any("preview failed" in r.getMessage() for r in caplog.records)


def test_closing_the_window_while_a_plan_runs_waits_for_it_and_shows_nothing(window, gate, qtbot):
    window.routing.amount.setText("3")
    qtbot.waitUntil(lambda: gate.worker_plans == ["3"])
    window.routing.amount.setText("4")
    qtbot.waitUntil(lambda: not window.routing.typing)  # waiting behind 3: dropped at close
    shown = shown_amounts(window)
    threading.Timer(0.05, gate.release).start()
    window.close()  # returns once 3's plan is done
    window.refresh_preview()  # after close: asks nothing of a pool that is gone
    qtbot.wait(50)
    assert gate.worker_plans == ["3"] and shown == []


def _routed_line(window) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = window.impact._routed.getData()
    return np.asarray(xs if xs is not None else []), np.asarray(ys if ys is not None else [])


def test_the_impact_curve_is_planned_on_the_worker_and_a_preview_goes_first(window, gate, qtbot):
    window.planner.inline = True
    assert window._refresh_impact()
    window.impact.step(POINTS)
    in_line = _routed_line(window)
    assert len(in_line[0]) > 3
    window.planner.inline = False

    assert window._refresh_impact()  # the same books: the same line, planned on the worker
    window.impact.step(1)
    qtbot.waitUntil(lambda: len(gate.worker_plans) == 1)  # the first size, held on the worker
    window.impact.step(1)  # not landed: the chart asks again later, nothing drawn, nothing skipped
    assert window.impact._pass.next == 0 and len(gate.worker_plans) == 1
    window.routing.amount.setText("2")
    qtbot.waitUntil(lambda: not window.routing.typing)
    assert window.routing.pending  # the preview waits only for the one impact plan running
    gate.release()
    qtbot.waitUntil(lambda: not window.routing.pending, timeout=5000)
    assert gate.worker_plans[1] == "2"  # the preview was planned before any further impact size
    while not window.impact._pass.done:
        window.impact.step(1)
        qtbot.wait(2)
    np.testing.assert_allclose(_routed_line(window)[0], in_line[0])
    np.testing.assert_allclose(_routed_line(window)[1], in_line[1])


def test_a_new_impact_pass_drops_the_old_pass_sizes(window, gate, qtbot):
    assert window._refresh_impact()
    window.impact.step(1)
    qtbot.waitUntil(lambda: len(gate.worker_plans) == 1)
    first = window._impact_pass
    assert window._refresh_impact()  # a new pass while the old one's size is on the worker
    gate.release()
    qtbot.waitUntil(lambda: window.planner._running is None, timeout=5000)
    qtbot.wait(20)
    assert not any(k[0] == first for k in window._impact_prices)  # landed late: dropped


def test_an_impact_plan_that_fails_is_in_the_log_file_once(window, caplog):
    """The impact curve's plans fail quietly (a gap in the line, 16 sizes a pass): the failure
    went to the debug log only, which the file does not keep, so a router bug left no trace."""
    import logging
    from types import SimpleNamespace

    planner = window.planner

    def broken(job):
        raise RuntimeError("router bug at a size")

    planner.plan = broken
    job = SimpleNamespace(request=None, excluded=())
    with caplog.at_level(logging.DEBUG, logger="sor_desktop"):
        for _ in range(3):
            assert planner._safe(job, quiet=True).error == "preview failed: router bug at a size"
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING and "impact plan failed" in r.getMessage()]
    assert len(warned) == 1 and warned[0].exc_info
