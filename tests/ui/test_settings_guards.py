"""Order guards in window.ini cannot be switched off or loosened by a bad value: anything that is
not a finite number in range is refused with a message; the guards then take their strictest value
(every order refused, every amount typed) until set again, the other prefs their default (issue
10: max_notional=nan let a 2,000 BTC order be previewed with Route enabled; type_above_notional=nan
skipped the typed check)."""

from __future__ import annotations

import pytest

from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.confirm_dialog import ConfirmDialog
from sor_desktop.ui.main_window import MainWindow

BAD = ["nan", "NaN", "inf", "-inf", "1e400", "-5", "0", "lots", ""]


@pytest.mark.parametrize("raw", [*BAD, "1_000", "\uff15"])
def test_a_bad_leverage_is_refused_and_the_default_applies(tmp_path, raw):
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue("prefs/leverage", raw)
    prefs, problems = settings_mod.read_prefs(s)
    assert prefs.leverage == settings_mod.Prefs().leverage
    assert len(problems) == 1 and "leverage" in problems[0] and "default" in problems[0]


@pytest.mark.parametrize(("name", "strictest"), [("max_notional", 0.0), ("type_above_notional", 0.0)])
@pytest.mark.parametrize("raw", [*BAD, "1_000", "\uff15"])
def test_a_bad_guard_value_is_refused_and_the_strictest_applies(tmp_path, name, strictest, raw):
    """The default (5,000,000 largest order, typing above 100,000) may be far above what the
    trader set before the file was damaged, as config.json's guards: the strictest applies until
    the guard is set again in Tools > Settings."""
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue(f"prefs/{name}", raw)
    prefs, problems = settings_mod.read_prefs(s)
    assert getattr(prefs, name) == strictest
    assert len(problems) == 1 and name in problems[0] and "Tools > Settings" in problems[0]


def test_a_good_value_is_kept_without_a_message(tmp_path):
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue("prefs/max_notional", "250000")
    s.setValue("prefs/slippage_bps", "0")  # no tolerance at all is a valid choice
    prefs, problems = settings_mod.read_prefs(s)
    assert prefs.max_notional == 250_000.0 and prefs.slippage_bps == 0.0 and problems == []


@pytest.mark.parametrize("raw", ["nan", "inf", "-1", "1e400", "501"])
def test_slippage_out_of_range_is_refused(tmp_path, raw):
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue("prefs/slippage_bps", raw)
    prefs, problems = settings_mod.read_prefs(s)
    assert prefs.slippage_bps == settings_mod.Prefs().slippage_bps and problems


def test_the_window_says_so_and_keeps_the_strictest_guards(qtbot, sim_session, tmp_path):
    path = tmp_path / "window.ini"
    s = settings_mod.open_settings(path)
    s.setValue("prefs/max_notional", "nan")
    s.setValue("prefs/type_above_notional", "1e400")
    s.sync()
    w = MainWindow(sim_session.session, settings_mod.open_settings(path), restore=False)
    qtbot.addWidget(w)
    w.on_session_started()
    w.timer.stop()
    logged = w.log_panel.text.toPlainText()
    assert "max_notional" in logged and "type_above_notional" in logged
    assert "window.ini" in w.notice.text()
    w.routing.amount.setText("2000")  # ~120 M USDT
    w.refresh_preview()
    assert not w.routing.route.isEnabled()
    assert "above the panel's limit" in w.routing.amount_error.text()
    w.routing.amount.setText("0.01")  # ~600 USDT: the largest order is refused until it is set again
    w.refresh_preview()
    assert not w.routing.route.isEnabled()
    assert "above the panel's limit" in w.routing.amount_error.text()
    w.close()


def test_guards_fail_safe_even_when_handed_nan(window):
    """Belt and braces: a NaN that reaches the checks (not through the ini) still guards."""
    window.prefs.max_notional = float("nan")
    window.routing.amount.setText("1")
    window.refresh_preview()
    assert not window.routing.route.isEnabled() and window.routing.amount_error.text()
    window.prefs.max_notional = 5e6
    window.refresh_preview()
    dlg = ConfirmDialog(window._preview.plan, base="BTC", mode="sim", type_above=float("nan"), parent=window)
    assert dlg.typed is not None and not dlg.send.isEnabled()
    dlg.reject()


def test_the_leverage_setting_is_the_one_the_margin_caps_use(qtbot, sim_session, tmp_path, monkeypatch):
    """window.ini's leverage was read, range-checked and then never used: the margin caps and the
    check before a send assumed 10x on every venue whose position did not say its own, so on an
    account set to 3x a leg needing three times that margin was planned, confirmed and sent."""
    session = sim_session.session
    path = tmp_path / "window.ini"
    s = settings_mod.open_settings(path)
    s.setValue("prefs/leverage", "3")
    s.sync()
    w = MainWindow(session, settings_mod.open_settings(path), restore=False)
    qtbot.addWidget(w)
    w.on_session_started()
    w.timer.stop()
    assert session.leverage == 3.0
    books = session.store.books(session.symbol, session.symbol_instruments())
    caps_at_3 = {v: m.cap_base for v, m in session.venue_margins(books).items()}
    # the settings dialog shows it and changes it
    dlg = settings_mod.SettingsDialog(w.prefs, w)
    assert dlg.leverage.value() == 3.0
    dlg.leverage.setValue(20.0)
    monkeypatch.setattr(dlg, "exec", lambda: 1)  # OK pressed
    monkeypatch.setattr(settings_mod, "SettingsDialog", lambda *_a: dlg)
    w.edit_settings()
    assert w.prefs.leverage == 20.0 and session.leverage == 20.0
    assert settings_mod.open_settings(path).value("prefs/leverage") in (20.0, "20.0", "20")
    caps_at_20 = {v: m.cap_base for v, m in session.venue_margins(books).items()}
    capped = [v for v in caps_at_3 if caps_at_3[v] > 0]
    assert capped and all(caps_at_20[v] > 5 * caps_at_3[v] for v in capped), (caps_at_3, caps_at_20)
    w.close()


def test_leverage_below_one_is_refused(tmp_path):
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue("prefs/leverage", "0.5")
    prefs, problems = settings_mod.read_prefs(s)
    assert prefs.leverage == 10.0 and len(problems) == 1 and "leverage" in problems[0]


def test_a_number_qt_wrote_with_an_exponent_is_read(tmp_path):
    """Qt writes a float of window.ini in its shortest form (1,000,000 as '1e+06'): the app's own
    file keeps its exponents, unlike a number the trader types."""
    path = tmp_path / "w.ini"
    s = settings_mod.open_settings(path)
    s.setValue("prefs/max_notional", 1_000_000.0)
    s.sync()
    assert "1e+06" in path.read_text(encoding="utf-8")
    prefs, problems = settings_mod.read_prefs(settings_mod.open_settings(path))
    assert prefs.max_notional == 1_000_000.0 and problems == []
