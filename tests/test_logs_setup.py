"""``logs.setup`` follows the log folder it is given: a second setup for another folder (another
SOR_DESKTOP_HOME in the same process, as in the test suite) moves the file handler there instead of
silently keeping the first one."""

from __future__ import annotations

import logging
from pathlib import Path

from sor_desktop import logs


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "_sor_desktop", False)]


def test_setup_moves_to_a_new_log_file(tmp_path: Path) -> None:
    before = _ours()
    first, second = tmp_path / "a" / "one.log", tmp_path / "b" / "two.log"
    try:
        assert logs.setup(log_file=first) == first
        logging.getLogger("sor_desktop.test").warning("to the first file")
        assert logs.setup(log_file=second) == second
        logging.getLogger("sor_desktop.test").warning("to the second file")
        assert logs.setup(log_file=second) == second  # the same file again: still one handler
        assert len(_ours()) == 1
    finally:
        for h in _ours():
            logging.getLogger().removeHandler(h)
            h.close()
        for h in before:
            logging.getLogger().addHandler(h)
    assert "to the first file" in first.read_text() and "to the second file" not in first.read_text()
    assert "to the second file" in second.read_text()
