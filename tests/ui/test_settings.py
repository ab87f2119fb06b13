"""Layout and preferences survive a restart (ini file under the config dir)."""

from __future__ import annotations

from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.main_window import MainWindow


def test_layout_and_prefs_round_trip(qtbot, sim_session, tmp_path):
    path = tmp_path / "window.ini"
    w = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(w)
    w.docks["ladder"].hide()
    w.prefs.type_above_notional = 12345.0
    w.routing.slippage.setValue(7.5)
    w.save_layout()
    w.close()

    again = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(again)
    assert again.prefs.type_above_notional == 12345.0
    assert again.routing.slippage.value() == 7.5
    assert again.docks["ladder"].isHidden() and not again.docks["routing"].isHidden()
    again.close()


def test_junk_in_the_ini_falls_back_to_defaults_and_guards_to_their_strictest(tmp_path):
    s = settings_mod.open_settings(tmp_path / "w.ini")
    s.setValue("prefs/max_notional", "lots")
    s.setValue("prefs/slippage_bps", "lots")
    s.setValue("prefs/skip_confirm", "true")
    prefs = settings_mod.load_prefs(s)
    assert prefs.max_notional == settings_mod.STRICTEST["max_notional"][0]  # a guard: never looser
    assert prefs.slippage_bps == settings_mod.Prefs().slippage_bps
    assert prefs.skip_confirm is True


def test_default_settings_file_is_under_the_config_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    assert settings_mod.settings_file() == tmp_path / "config" / "window.ini"


def test_a_layout_saved_with_a_notice_showing_opens_without_an_empty_notice_strip(qtbot, sim_session, tmp_path):
    """The window was closed while a rejected leg's notice was up; the next start restored the
    strip with nothing on it (an empty bar and a "dismiss" button)."""
    path = tmp_path / "window.ini"
    w = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(w)
    w.show()
    w.alerts.post("reject:r1", "error", "route r1 rejected: mexc [2005] Insufficient balance")
    assert w.alerts_strip.isVisible()
    w.save_layout()
    w.close()

    again = MainWindow(sim_session.session, settings_mod.open_settings(path))
    qtbot.addWidget(again)
    again.show()
    assert not again.alerts.showing and again.alerts_strip.isHidden()
    again.alerts.post("e", "error", "a new one")
    assert again.alerts_strip.isVisible()
    again.alerts.dismiss()
    assert again.alerts_strip.isHidden()
    again.reset_layout()
    assert again.alerts_strip.isHidden()
    again.close()
