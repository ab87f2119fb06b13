"""Size presets (buttons, keys 1-9, amounts or % of the margin the router can use), the amount
converted when the unit changes, cleared when the symbol changes, and '1_5' refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from sor_desktop.engine.preview import reference_mid
from sor_desktop.ui.size_presets import parse_presets


def _mid(window) -> float:
    insts = window.session.symbol_instruments()
    return reference_mid(window.session.store.books(window.session.symbol, insts))


def test_unit_change_converts_the_typed_amount(window) -> None:
    r = window.routing
    r.amount.setText("4")
    r.unit.setCurrentIndex(r.unit.findData("quote"))
    usdt = Decimal(r.amount.text())
    assert abs(float(usdt) - 4 * _mid(window)) < 0.01 * _mid(window) * 1e-3  # 4 BTC is its USDT value
    r.unit.setCurrentIndex(0)
    assert abs(float(Decimal(r.amount.text())) - 4) < 1e-6  # and back


def test_contract_units_convert_too(window) -> None:
    r = window.routing
    r.amount.setText("1")
    i = next(i for i in range(r.unit.count()) if str(r.unit.itemData(i)).startswith("contracts:mexc"))
    r.unit.setCurrentIndex(i)
    assert Decimal(r.amount.text()) == Decimal(10000)  # mexc's contract is 0.0001 BTC


def test_symbol_change_clears_the_amount(window, loop) -> None:
    window.routing.amount.setText("0.1")
    symbols = [c.symbol for c in window.session.symbol_choices()]
    other = next((s for s in symbols if s != window.session.symbol), None)
    if other is None:
        pytest.skip("the simulated market of this test lists one symbol")
    loop.run_until_complete(window._switch(other))
    assert window.routing.amount.text() == ""


def test_symbol_change_clears_the_amount_before_switching(window, loop) -> None:
    window.routing.amount.setText("0.1")
    loop.run_until_complete(window._switch(window.session.symbol))
    assert window.routing.amount.text() == ""


def test_presets_by_key_and_by_button(window, qtbot) -> None:
    window.sizes.set_presets(parse_presets("0.25, 1.5, 50%"))
    window.routing.route.setFocus()  # not in the amount field: digits are keys
    qtbot.keyClick(window, Qt.Key.Key_2)
    assert window.routing.amount.text() == "1.5"
    window.sizes.buttons[0].click()
    assert window.routing.amount.text() == "0.25"
    fill = window.margin_fill_base()
    assert fill > 0
    lot = float(window._finest_lot())  # a percent size is whole lots of the finest venue lot
    qtbot.keyClick(window, Qt.Key.Key_3)
    assert 0 <= fill / 2 - float(window.routing.amount.text()) < lot
    qtbot.keyClick(window, Qt.Key.Key_9)  # no ninth preset: nothing happens
    assert 0 <= fill / 2 - float(window.routing.amount.text()) < lot


def test_digits_typed_in_the_amount_field_stay_digits(window, qtbot) -> None:
    window.sizes.set_presets(parse_presets("0.25, 1.5"))
    window.routing.amount.setFocus()
    qtbot.keyClicks(window.routing.amount, "12")
    assert window.routing.amount.text() == "12"


def test_default_presets_per_symbol_are_shown(window) -> None:
    assert [b.text() for b in window.sizes.buttons][:3] == ["0.1", "0.5", "1"]


@pytest.mark.parametrize("bad", ["0.1, x", "0, 1", "150%", "1_5"])
def test_bad_presets_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_presets(bad)


def test_underscore_amount_is_refused_in_the_window(window) -> None:
    window.routing.amount.setText("1_5")
    window.refresh_preview()
    assert window._preview.error and window._preview.plan is None


def test_a_percent_size_is_on_the_finest_lot_and_the_router_fills_it(window, monkeypatch) -> None:
    """100 % of DOGE's margin read '5890449.952616' on lots of 1 DOGE, and the plan filled less
    than the amount shown. A percent size is whole lots of the finest venue lot, of caps each cut
    to their venue's whole lots: 100 % fills in full."""
    window.sizes.set_presets(parse_presets("50%, 100%"))
    window.sizes.buttons[1].click()
    amount = Decimal(window.routing.amount.text())
    assert amount % window._finest_lot() == 0
    window.refresh_preview()
    plan = window._preview.plan
    assert plan is not None and abs(plan.filled - float(amount)) <= float(window._finest_lot())
    monkeypatch.setattr(window, "margin_fill_base", lambda: 5890449.952616)
    monkeypatch.setattr(window, "_finest_lot", lambda: Decimal(1))
    window.sizes.buttons[0].click()
    assert window.routing.amount.text() == "2945224"


def test_a_percent_size_follows_the_margin_until_the_trader_types(window, monkeypatch, qtbot) -> None:
    """100 % of DOGE's margin, taken at the click, was short of the caps a second later (they move
    with the mark): the preview said "unfilled 2,756 DOGE: not enough room under the venue caps"
    for the size the button itself had chosen. A percent size is taken again from the margin of
    the moment while the amount is the one the button wrote; a typed amount stays as typed."""
    window.sizes.set_presets(parse_presets("50%, 100%"))
    monkeypatch.setattr(window, "_finest_lot", lambda: Decimal(1))
    monkeypatch.setattr(window, "margin_fill_base", lambda: 5_908_161.0)
    window.sizes.buttons[1].click()
    assert window.routing.amount.text() == "5908161"
    monkeypatch.setattr(window, "margin_fill_base", lambda: 5_905_405.0)  # the mark moved
    window.follow_percent_size()
    assert window.routing.amount.text() == "5905405"
    window.routing.pick_side("buy")  # the other side's margin: the percent of it
    monkeypatch.setattr(window, "margin_fill_base", lambda: 4_000_000.0)
    window.follow_percent_size()
    assert window.routing.amount.text() == "4000000"
    window.routing.amount.setFocus()
    window.routing.amount.end(False)
    qtbot.keyClick(window.routing.amount, Qt.Key.Key_Backspace)  # the trader edits it: "400000", kept
    monkeypatch.setattr(window, "margin_fill_base", lambda: 3_000_000.0)
    window.follow_percent_size()
    assert window.routing.amount.text() == "400000"


def test_a_bad_preset_keeps_the_dialog_and_what_was_typed(window, monkeypatch) -> None:
    """'1,5; abc, -1, 200%' closed the dialog, said the first error on the fading status bar and
    lost what was typed: the dialog now comes back with the text and the reason."""
    from PySide6.QtWidgets import QInputDialog

    answers = iter([("0.1, abc, 200%", True), ("0.1, 0.3, 25%", True)])
    asked: list[tuple[str, str]] = []

    def get_text(parent, title, label, *a, text: str = "", **k):
        asked.append((label, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    window.edit_presets()
    assert len(asked) == 2
    label, text = asked[1]
    assert text == "0.1, abc, 200%" and "'abc'" in label
    assert [p.label for p in window.sizes.presets] == ["0.1", "0.3", "25%"]


@pytest.mark.parametrize("bad", ["\uff11", "1e400", "NaN%"])
def test_presets_are_written_as_amounts_are(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_presets(bad)


def test_an_amount_converted_to_usdt_is_in_cents() -> None:
    """1.5 BTC switched to USDT read "90199.725": a notional to a tenth of a cent."""
    from decimal import Decimal

    from sor_desktop.engine.preview import BASE, QUOTE
    from sor_desktop.ui.size_presets import convert_amount

    assert convert_amount(Decimal("1.5"), BASE, QUOTE, {}, 60_133.15) == Decimal("90199.72")
    assert convert_amount(Decimal("0.0001"), BASE, QUOTE, {}, 60_133.15) == Decimal("6.01")
