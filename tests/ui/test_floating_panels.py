"""A panel floated from its dock never opens over the Route button (issue 16: a floated ladder
landed on it), at the smallest supported window and a large one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect


def _route_button(window) -> QRect:
    route = window.routing.route
    return QRect(route.mapToGlobal(route.rect().topLeft()), route.size())


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_every_floated_panel_stays_off_the_route_button(window, qtbot, size):
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)
    names = [n for n in window.docks if n != "routing"]
    assert names
    for name in names:
        dock = window.docks[name]
        dock.show()
        dock.setFloating(True)
        qtbot.wait(20)
        button = _route_button(window)
        assert button.isValid() and not button.isEmpty()
        assert not dock.frameGeometry().intersects(button), (name, dock.frameGeometry(), button)
        dock.setFloating(False)
        qtbot.wait(20)
