"""The symbol picker: every symbol two venues list, found by typing any part of its name."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from sor_desktop.engine.symbol_choices import SymbolChoice


class SymbolBox(QComboBox):
    """Typing filters the list ("doge" finds DOGE/USDT:USDT); only a pick, from the list or with
    Enter on a listed symbol, switches the window (``picked``): a switch restarts every venue's
    feed, so it must not happen at each key typed. Each item's tooltip names the venues that list
    it and the ones that do not."""

    picked = Signal(str)
    unknown = Signal(str)  # Enter on text that names no listed symbol

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self._completer = completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        completer.activated.connect(self._choose)
        edit = self.lineEdit()
        assert edit is not None  # editable: Qt made one
        edit.returnPressed.connect(lambda: self._choose(edit.text()))
        edit.installEventFilter(self)
        self.activated.connect(lambda i: self._choose(self.itemText(i)))
        self._current = ""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Enter and Escape typed here are the box's: the window's Enter (route the ticket) and
        Escape (clear it) fired instead, so a symbol typed and entered opened the old symbol's
        confirmation."""
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            event.accept()
            return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            self.take_escape()
            return True
        return super().eventFilter(watched, event)

    def _typing(self) -> bool:
        """The trader is in the box: its field has the focus or its list is open."""
        popup, edit = self._completer.popup(), self.lineEdit()
        return bool((popup is not None and popup.isVisible()) or (edit is not None and edit.hasFocus()))

    def take_enter(self) -> bool:
        """The window's Enter, when it is meant for this box: its field has the focus or its list
        is open (with the list open the window's shortcut, not the field, gets the key on X11).
        Picks the highlighted entry, else what is typed when it names one, else the first match of
        the open list ("sol" and Enter: SOL/USDT:USDT); False when the Enter is not the box's."""
        if not self._typing():
            return False
        popup, edit = self._completer.popup(), self.lineEdit()
        text = edit.text() if edit is not None else ""
        if popup is not None and popup.isVisible():
            index = popup.currentIndex()
            if not index.isValid() and self.findText(text.strip(), Qt.MatchFlag.MatchFixedString) < 0:
                index = popup.model().index(0, 0)
            if index.isValid():
                text = str(index.data())
            popup.hide()
        self._choose(text)
        return True

    def take_escape(self) -> bool:
        """The window's Escape, when it is meant for this box (``take_enter``): typing abandoned,
        the symbol traded shows again and the ticket is kept."""
        if not self._typing():
            return False
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()
        self.setCurrentText(self._current)
        return True

    def start_search(self) -> None:
        """Ctrl+L: the box focused with its name selected, ready for a part of another."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        edit = self.lineEdit()
        if edit is not None:
            edit.selectAll()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt name)
        """A click then "doge" replaces the symbol, as in an address bar (it typed
        "BTC/USDT:USDTdoge"): all selected once the click has placed the cursor."""
        super().focusInEvent(event)
        edit = self.lineEdit()
        if edit is not None:
            QTimer.singleShot(0, edit.selectAll)

    def set_choices(self, choices: Sequence[SymbolChoice], current: str) -> None:
        venues = sorted({v for c in choices for v in c.venues})
        self.blockSignals(True)
        self.clear()
        for i, c in enumerate(choices):
            self.addItem(c.symbol)
            missing = [v for v in venues if v not in c.venues]
            tip = f"listed on {', '.join(c.venues) or 'no venue'}"
            if missing:
                tip += f"; not on {', '.join(missing)}"
            self.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self._current = current
        self.setCurrentText(current)
        self.blockSignals(False)

    def _choose(self, text: str) -> None:
        wanted = text.strip()
        i = self.findText(wanted, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole name
        if i < 0:
            self.setCurrentText(self._current)
            if wanted and wanted != self._current:
                self.unknown.emit(wanted)
            return
        symbol = self.itemText(i)
        self.setCurrentIndex(i)
        self.setToolTip(str(self.itemData(i, Qt.ItemDataRole.ToolTipRole) or ""))
        if symbol != self._current:
            self._current = symbol
            self.picked.emit(symbol)
