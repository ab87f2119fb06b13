"""A window.ini Qt cannot read whole is said once and kept aside before the window rewrites it;
a folder where window.ini belongs opens the window on the defaults, with a notice."""

from __future__ import annotations

import os

from sor_desktop.ui import settings as settings_mod
from sor_desktop.ui.main_window import MainWindow

# Qt drops the line without "=" and the unclosed section when it next writes the file
DAMAGED = b"[prefs]\nleverage=5\nslippage_bps\n[window\ngeometry=x\n"


def test_a_damaged_ini_is_kept_aside_and_said_once(tmp_path):
    path = tmp_path / "window.ini"
    path.write_bytes(DAMAGED)
    s = settings_mod.open_settings(path)
    prefs, problems = settings_mod.read_prefs(s)
    assert prefs.leverage == 5  # what Qt could read still applies
    assert len(problems) == 1 and "window.ini" in problems[0] and "damaged" in problems[0], problems
    kept = tmp_path / "window.ini.damaged"
    assert str(kept) in problems[0]
    assert kept.read_bytes() == DAMAGED and (kept.stat().st_mode & 0o777) == 0o600
    s.setValue("prefs/leverage", 7)  # the window saving its layout: the file is rewritten
    s.sync()
    assert kept.read_bytes() == DAMAGED
    assert b"[window\n" not in path.read_bytes() and b"leverage=7" in path.read_bytes()
    again, problems = settings_mod.read_prefs(settings_mod.open_settings(path))
    assert again.leverage == 7 and problems == []  # repaired: nothing more to say


def test_a_second_damage_does_not_overwrite_the_first_copy(tmp_path):
    path = tmp_path / "window.ini"
    (tmp_path / "window.ini.damaged").write_bytes(b"first")
    path.write_bytes(DAMAGED)
    _, problems = settings_mod.read_prefs(settings_mod.open_settings(path))
    assert (tmp_path / "window.ini.damaged").read_bytes() == b"first"
    assert (tmp_path / "window.ini.damaged.2").read_bytes() == DAMAGED
    assert "window.ini.damaged.2" in problems[0]
    # a run that saved nothing (a screenshot) finds the same damage: no third copy of it
    os.utime(path, (1, 1))  # Qt caches a parsed file by name until its time or size changes
    _, problems = settings_mod.read_prefs(settings_mod.open_settings(path))
    assert "window.ini.damaged.2" in problems[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["window.ini", "window.ini.damaged", "window.ini.damaged.2"]


def test_a_sound_ini_says_nothing_and_leaves_no_copy(tmp_path):
    path = tmp_path / "window.ini"
    path.write_bytes(b"[prefs]\nleverage=5\n")
    prefs, problems = settings_mod.read_prefs(settings_mod.open_settings(path))
    assert prefs.leverage == 5 and problems == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["window.ini"]


def test_the_window_shows_the_damage(qtbot, sim_session, tmp_path):
    path = tmp_path / "window.ini"
    path.write_bytes(DAMAGED)
    w = MainWindow(sim_session.session, settings_mod.open_settings(path), restore=False)
    qtbot.addWidget(w)
    logged = w.log_panel.text.toPlainText()
    assert logged.count("is damaged") == 1 and "window.ini.damaged" in logged  # said once
    assert "window.ini" in w.notice.text()
    w.close()


def test_a_folder_named_window_ini_opens_the_window_on_the_defaults(qtbot, sim_session, tmp_path):
    folder = tmp_path / "config" / "window.ini"  # sim_session puts SOR_DESKTOP_HOME at tmp_path
    folder.mkdir(parents=True)
    w = MainWindow(sim_session.session, restore=False)
    qtbot.addWidget(w)
    assert w.prefs == settings_mod.Prefs()
    assert "is a folder" in w.log_panel.text.toPlainText()
    assert "window.ini" in w.notice.text()
    w.save_layout()  # nothing to write into: no error, the folder left as it was
    assert folder.is_dir() and list(folder.iterdir()) == []
    w.close()
