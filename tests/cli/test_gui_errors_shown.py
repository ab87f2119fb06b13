"""A window that cannot start says why in a dialog too (a desktop launch has no terminal); the
dialog is never attempted where nobody could see it (offscreen, a terminal, no display)."""

from __future__ import annotations

import io

import pytest

from sor_desktop.cli import gui_error, main


def test_a_bad_window_option_is_shown_to_the_person_who_launched_it(monkeypatch, capsys) -> None:
    shown: list[str] = []
    monkeypatch.setattr(gui_error, "show", shown.append)
    assert main.main(["--sim", "--after", "-1"]) == 2
    assert "--after must be from 0 to 3600 seconds, got -1" in capsys.readouterr().err
    assert shown == ["--after must be from 0 to 3600 seconds, got -1"]


@pytest.mark.parametrize("after", ["inf", "nan", "-inf", "3601"])
def test_an_after_no_timer_can_wait_is_refused_in_one_line(monkeypatch, capsys, after) -> None:
    import sor_desktop.app

    shown: list[str] = []
    monkeypatch.setattr(gui_error, "show", shown.append)
    monkeypatch.setattr(sor_desktop.app, "run_app", lambda opts: 0)  # a window that never opens
    assert main.main(["--sim", f"--after={after}"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [f"sor-desktop: --after must be from 0 to 3600 seconds, got {float(after):g}"], err
    assert len(shown) == 1


def test_an_after_with_an_exponent_is_refused_in_one_line(monkeypatch, capsys) -> None:
    """Written as every number is (ASCII digits, '.' for decimals): 1e300 is refused as written."""
    import sor_desktop.app

    shown: list[str] = []
    monkeypatch.setattr(gui_error, "show", shown.append)
    monkeypatch.setattr(sor_desktop.app, "run_app", lambda opts: 0)
    assert main.main(["--sim", "--after=1e300"]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["sor-desktop: --after must be a number of seconds from 0 to 3600, got '1e300'"]
    assert len(shown) == 1


@pytest.mark.parametrize("after", ["0", "2.5", "3600"])
def test_an_after_in_range_reaches_the_window(monkeypatch, after) -> None:
    import sor_desktop.app

    waits: list[float] = []
    monkeypatch.setattr(sor_desktop.app, "run_app", lambda opts: waits.append(opts.after) or 0)
    assert main.main(["--sim", "--after", after]) == 0
    assert waits == [float(after)]


def test_a_command_line_command_does_not_open_a_dialog(monkeypatch, tmp_path) -> None:
    shown: list[str] = []
    monkeypatch.setattr(gui_error, "show", shown.append)
    assert main.main(["plan", "--books", str(tmp_path / "missing.json"), "--side", "buy", "--amount", "1"]) == 2
    assert shown == []


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize(("platform", "tty", "display", "expected"), [
    ("offscreen", False, ":0", False),  # tests and screenshots
    ("xcb", True, ":0", False),  # started from a terminal: the stderr line is read
    ("xcb", False, "", False),  # no screen at all
    ("xcb", False, ":0", True),  # a desktop entry: only a dialog is seen
    ("wayland", False, ":0", True),
])
def test_the_dialog_only_where_someone_can_see_it(monkeypatch, platform, tty, display, expected) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(gui_error.sys, "stderr", _Stream(tty))
    monkeypatch.setattr(gui_error.sys, "platform", "linux")
    assert gui_error.wanted() is expected
