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
    assert "--after must be zero or more seconds" in capsys.readouterr().err
    assert shown == ["--after must be zero or more seconds"]


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
