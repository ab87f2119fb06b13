from tests.ui.test_layout_small import _at


def test_probe(window, qtbot):
    window.resize(1280, 720)
    window.default_sizes()
    window.routing.amount.setText("4")
    window.refresh_preview()
    _at(window, qtbot, 1280, 720)
    r = window.routing
    print("dock", window.docks["routing"].height(), "ladder", window.docks["ladder"].height(), "hint", r.sizeHint(), r.minimumSizeHint(), "body", r._body.sizeHint(), r._scroll.height(), window.menuBar().height(), window.statusBar().height())
    print(window.ladder.view.viewport().height())
