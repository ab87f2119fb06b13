"""Confirmation before a route goes out: every leg and the totals. Above a notional threshold the
trader must type the amount to confirm, so a slip of the finger cannot send a large order.

The dialog is not a frozen snapshot: it shows how old the quotes behind the plan are, and re-plans
the same request on the current books (every second, and again when Send is pressed). When the
plan changed, a limit is worse than the one shown by more than the slippage, or a leg no longer
fits its venue's free margin, the new plan replaces the old one with the difference spelled out,
and Send has to be pressed again for it.

A flatten of longs and shorts is one plan whose legs go both ways (``Plan.mixed``): every leg says
its side, and the totals are given per side (what the sells deliver, what the buys cost).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import base_and_quote
from sor_desktop.core.market_key import leg_key
from sor_desktop.core.orders import Side
from sor_desktop.core.plan import AmountUnit, Plan
from sor_desktop.core.price_format import amount_digits, format_average, format_price
from sor_desktop.engine.preview import AmountError, parse_amount
from sor_desktop.ui import theme
from sor_desktop.ui.plan_drift import plan_changes, shown_legs_now
from sor_desktop.ui.preview_table import limit_words, totals_text

COLUMNS = ("venue", "side", "contracts", "base", "avg price", "limit (IOC)", "fee", "cost")
AGE_EVERY_MS = 250
REPLAN_EVERY_MS = 1000
HOLD_AFTER_REPLAN_MS = 800  # a key already on its way must not confirm a change not yet seen


@dataclass(frozen=True, slots=True)
class Quote:
    """A plan and when the oldest book it was made from arrived (on ``clock``)."""

    plan: Plan | None
    quoted_at: float | None
    books: Mapping[str, BookSnapshot] | None = None  # what it was planned on, by market key


def route_notional(plan: Plan) -> float:
    """The notional every leg of ``plan`` trades (both sides of a flatten together)."""
    return sum(lg.notional for lg in plan.legs)


def needs_typing(plan: Plan, type_above: float) -> bool:
    """Whether ``plan`` must have its amount typed to be sent: its notional is above the threshold.
    Written so that a NaN threshold demands the typing rather than skipping it. The window asks it
    too before sending without the dialog, which stays a guard of its own."""
    return not route_notional(plan) <= type_above


class ConfirmDialog(QDialog):
    def __init__(self, plan: Plan, *, base: str, mode: str, type_above: float, reduce_only: bool = False,
                 parent: QWidget | None = None, quoted_at: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 replan: Callable[[], Quote] | None = None,
                 problems: Callable[[Plan], list[str]] | None = None, tick: Decimal | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.problems = problems  # what would refuse the shown plan if it were sent now (margin)
        self.tick = tick  # the window's display tick: prices as the preview and the blotter write them
        self.base = base
        self.mode = mode
        self.reduce_only = reduce_only
        self.type_above = type_above
        self.quoted_at = quoted_at
        self.clock = clock
        self.replan = replan
        self.changes: list[str] = []  # what the last re-plan changed (empty: the plan shown stands)
        self._dead = False  # the books no longer fill it: only Cancel is left
        self._holding = False
        self.setWindowTitle("Confirm route")
        self.setModal(True)
        self.setMinimumWidth(720)
        self.head = QLabel()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setFont(theme.mono_font(9))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard belongs to the typed amount
        # every column as wide as its figures (an even split cut "207,687...." at 720 px), what is
        # left to the last; the dialog widens to the table (``_fit_table``)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.totals = QLabel()
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.totals.setWordWrap(True)
        self.age = QLabel()
        self.age.setObjectName("muted")
        # the shown legs priced on the books of each re-check: the figures above are the quote's,
        # and a route confirmed 8 s after its quote filled 1.28 bps worse than they said
        self.now_note = QLabel()
        self.now_note.setWordWrap(True)
        self.now_note.hide()
        self.change_note = QLabel()
        self.change_note.setWordWrap(True)
        self.change_note.setTextFormat(Qt.TextFormat.PlainText)
        self.change_note.setStyleSheet(f"color: {theme.WARN}")
        self.change_note.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send = self.buttons.addButton("Send orders", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send.setDefault(True)
        # Enter never means Cancel: while Send is held after a re-plan Qt hands the keyboard to
        # Cancel, and an auto-default Cancel took the trader's Enter as "close, send nothing"
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        cancel.setDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.typed_note = QLabel()
        self.typed_note.setStyleSheet(f"color: {theme.WARN}")
        # no placeholder: grey text in the field looked like the amount was already typed
        self.typed_field = QLineEdit()
        self.typed_field.textChanged.connect(self._check_typed)
        # Enter on a wrong amount (Send grey): say what is expected, at the field
        self.typed_field.returnPressed.connect(lambda: self._check_typed(self.typed_field.text(), entered=True))
        self.typed_error = QLabel("")
        self.typed_error.setObjectName("error")
        self.typed_error.hide()
        lay = QVBoxLayout(self)
        for w in (self.head, self.table, self.totals, self.now_note, self.age, self.change_note, self.typed_note,
                  self.typed_field, self.typed_error, self.buttons):
            lay.addWidget(w)
        self.expected = ""
        self._show(plan)

        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_EVERY_MS)
        self._age_timer.timeout.connect(self._show_age)
        self._age_timer.start()
        self._replan_timer = QTimer(self)
        self._replan_timer.setInterval(REPLAN_EVERY_MS)
        self._replan_timer.timeout.connect(self._replan_tick)
        if replan is not None:
            self._replan_timer.start()
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setInterval(HOLD_AFTER_REPLAN_MS)
        self._hold.timeout.connect(self._release)

    def _fit_table(self) -> None:
        """The dialog at least as wide as the table's columns need, within the screen."""
        t = self.table
        need = sum(max(t.sizeHintForColumn(c), t.horizontalHeader().sectionSizeHint(c)) for c in range(t.columnCount()))
        need += 2 * t.frameWidth() + 4
        lay = self.layout()
        need += (lay.contentsMargins().left() + lay.contentsMargins().right()) if lay is not None else 24
        screen = self.screen().availableGeometry().width() if self.screen() is not None else 1280
        self.setMinimumWidth(min(max(720, need), max(720, screen - 40)))

    @property
    def typed(self) -> QLineEdit | None:
        """The typed-amount field when this plan needs it (above the notional threshold)."""
        return self.typed_field if self._needs_typing else None

    # -- what is shown -------------------------------------------------------------------------
    def _show(self, plan: Plan) -> None:
        self.plan = plan
        self.now_note.hide()  # a plan just made is priced on the books of now
        digits = amount_digits(lg.amount_base for lg in plan.legs)  # 106,767 DOGE, 0.537 BTC
        # prices as the window writes them: by the venues' tick, thousands grouped (the limit is the
        # exact string sent, only grouped and written to the tick: 60,241.0 beside 60,244.5)
        tick = plan.price_tick(self.tick)
        if plan.mixed:
            what = " · ".join(
                f"<b style='color:{_colour(side)}'>{side.upper()}</b> "
                f"{sum(lg.amount_base for lg in plan.side_legs(side)):,.{digits}f} {self.base} on "
                f"{len(plan.side_legs(side))} leg(s)" for side in plan.sides)
            self.head.setText(f"<span style='font-size:13pt'>{what} of {plan.symbol}"
                              f"{' · reduce-only' if self.reduce_only else ''} · <b>{self.mode.upper()}</b></span>")
        else:
            what = f"{plan.filled:,.{digits}f} {self.base}"
            if plan.unit is AmountUnit.QUOTE:  # what the trader asked for, and the base it buys now
                what = f"{plan.requested - plan.unfilled:,.2f} {_quote_ccy(plan.symbol)} ({what})"
            self.head.setText(
                f"<span style='font-size:13pt'><b style='color:{_colour(plan.side)}'>{plan.side.upper()}</b> "
                f"{what} of {plan.symbol} on {len(plan.legs)} venue(s){_limit(plan, tick)}"
                f"{' · reduce-only' if self.reduce_only else ''} · <b>{self.mode.upper()}</b></span>"
            )
        self.table.setRowCount(len(plan.legs))
        for r, leg in enumerate(plan.legs):
            cells = (leg_key(leg, plan.symbol), str(plan.side_of(leg)), f"{leg.contracts_dec:,f}", f"{leg.amount_base:,.{digits}f}",
                     format_price(leg.avg_price, tick), format_price(leg.limit_price_dec, tick),
                     f"{leg.fee:,.2f}", f"{leg.cost:,.2f}")
            for c, text in enumerate(cells):
                it = QTableWidgetItem(text)
                it.setTextAlignment(Qt.AlignmentFlag.AlignRight if c > 1 else Qt.AlignmentFlag.AlignLeft)
                if c == 0:
                    it.setForeground(QColor(theme.venue_colour(leg_key(leg, plan.symbol))))
                elif c == 1:
                    it.setForeground(QColor(_colour(plan.side_of(leg))))
                self.table.setItem(r, c, it)
        # every leg visible without scrolling (five venues at most in practice)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + 22 * max(1, len(plan.legs)) + 4)
        self._fit_table()
        self.totals.setText(sides_text(plan, self.base, tick) if plan.mixed else totals_text(plan, self.base, tick=tick))
        notional = route_notional(plan)
        if plan.unit is AmountUnit.QUOTE:  # the notional typed in the ticket, not its base of the moment
            expected = f"{plan.requested:.2f}".rstrip("0").rstrip(".")
        else:
            expected = f"{plan.filled:.4f}".rstrip("0").rstrip(".")
        self._needs_typing = needs_typing(plan, self.type_above)
        if expected != self.expected:
            self.typed_field.clear()  # an amount typed for the old plan does not confirm the new one
        self.expected = expected
        limit = f"{self.type_above:,.0f}" if math.isfinite(self.type_above) else "the limit"
        both = " (both sides together)" if plan.mixed else ""
        self.typed_note.setText(f"Notional {notional:,.0f} USDT is above {limit}: "
                                f"type the amount <b>{expected}</b>{both} to confirm.")
        for w in (self.typed_note, self.typed_field):
            w.setVisible(self._needs_typing)
        self._show_age()
        self._update_send()

    def _show_age(self) -> None:
        if self.quoted_at is None:
            self.age.setText("quote age unknown")
            return
        age = max(0.0, self.clock() - self.quoted_at)
        self.age.setText(f"quotes {age:.1f} s old · re-checked against the books every "
                         f"{REPLAN_EVERY_MS / 1000:g} s and when you send")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._focus()

    def _focus(self) -> None:
        (self.typed_field if self._needs_typing else self.send).setFocus()

    # -- re-planning ---------------------------------------------------------------------------
    def check_now(self) -> bool:
        """Re-plan on the current books; True when the plan shown still stands. Otherwise the new
        plan is shown with what changed, and it needs its own Send."""
        if self.replan is None:
            return not self._dead
        quote = self.replan()  # asked again when dead too: the books may come back
        changes = plan_changes(self.plan, quote.plan, self.plan.slippage_bps, quote.books)
        if not changes and self.problems is not None:
            # a plan whose shares barely moved can still have a leg its venue no longer carries
            # (the mark moved under a leg that used all its free margin): the re-planned legs,
            # capped by the margin of now, replace it rather than a refusal after Send
            changes = self.problems(self.plan)
        stamp = time.strftime("%H:%M:%S")
        if not changes:
            self._show_now(quote.books)
            if not self._dead:
                return True
            # the books came back to the plan shown: it stands again, after the same pause
            self._dead = False
            self.changes = []
            self.change_note.setText(f"{stamp} the books came back: the plan shown fills again. Check it and send.")
            self._holding = True
            self._hold.start()
            self._update_send()
            return False
        self.changes = changes
        if quote.plan is None or not quote.plan.legs:
            self._dead = True
            self.change_note.setText(f"{stamp} the books moved: {changes[0]}. Cancel and preview again.")
        else:
            self._dead = False
            self.quoted_at = quote.quoted_at
            self.change_note.setText(f"{stamp} the books or the margin moved; re-planned. Check the new plan "
                                     f"and send again:\n" + "\n".join(f"  · {c}" for c in changes))
            self._show(quote.plan)
        self.change_note.show()
        self._grow()
        self._holding = True
        self._hold.start()
        self._update_send()
        self._focus()
        return False

    def _show_now(self, books: Mapping[str, BookSnapshot] | None) -> None:
        """What the shown legs cost on ``books``, against what the dialog shows."""
        now = shown_legs_now(self.plan, books) if books is not None else None
        if now is None:
            self.now_note.hide()
            return
        buy = self.plan.side is Side.BUY
        quote = _quote_ccy(self.plan.symbol)
        worse = (now.cost - self.plan.total_cost) if buy else (self.plan.total_cost - now.cost)
        bps = worse / abs(self.plan.total_cost) * 1e4 if self.plan.total_cost else 0.0
        what = "all-in cost" if buy else "proceeds after fees"
        tick = self.plan.price_tick(self.tick)
        head = f"on the books now: avg {format_average(now.avg_price, tick)} · {what} {now.cost:,.2f} {quote}"
        if abs(worse) < 0.005:
            self.now_note.setText(f"{head}, as shown")
        else:
            self.now_note.setText(f"{head}: {abs(worse):,.2f} {quote} {'worse' if worse > 0 else 'better'} "
                                  f"({bps:+.1f} bps) than shown; each leg's limit still bounds it")
        self.now_note.setStyleSheet(f"color: {theme.WARN if worse >= 0.005 else theme.MUTED}")
        self.now_note.show()
        self._grow()

    def _grow(self) -> None:
        """At least as tall as what it shows: a note shown after it opened squeezed the legs'
        table, and the totals were drawn over its last rows."""
        lay = self.layout()
        if lay is not None:
            lay.activate()
        need = self.sizeHint().height()
        if self.height() < need:
            self.resize(self.width(), need)

    def _replan_tick(self) -> None:
        if self.isVisible():
            self.check_now()

    def _release(self) -> None:
        self._holding = False
        self._update_send()
        self._focus()  # Send was disabled while held, so it lost the keyboard; give it back

    # -- the typed amount and Send ---------------------------------------------------------------
    def _check_typed(self, text: str, entered: bool = False) -> None:
        """A text that is no number says why; a number other than the amount says what to type,
        once Enter is pressed or it has as many figures as the amount (not while on its way)."""
        problem = _typed_problem(text) if text.strip() else None
        if problem is None and text.strip() and not _same_number(text, self.expected):
            if entered or _figures(text) >= _figures(self.expected):
                problem = f"{_grouped(text)} is not the amount: type {_grouped(self.expected)} to confirm"
        self.typed_error.setText(problem or "")
        self.typed_error.setVisible(bool(problem) and self._needs_typing)
        self._update_send()

    def _update_send(self) -> None:
        ok = not self._dead and not self._holding
        if self._needs_typing:
            ok = ok and _same_number(self.typed_field.text(), self.expected)
        self.send.setEnabled(ok)

    def accept(self) -> None:
        if not self.send.isEnabled():  # Enter in the typed field must not bypass the check
            return
        if not self.check_now():  # the books moved under the shown plan: show the new one first
            return
        self._age_timer.stop()
        self._replan_timer.stop()
        super().accept()


def _colour(side: Side) -> str:
    return theme.BID if side is Side.BUY else theme.ASK


def sides_text(plan: Plan, base: str, tick: Decimal | None = None, quote: str = "USDT") -> str:
    """A plan of both sides, one line per side: what the sells deliver, what the buys cost."""
    lines = []
    for side in plan.sides:
        legs = plan.side_legs(side)
        amount = sum(lg.amount_base for lg in legs)
        notional = sum(lg.notional for lg in legs)
        fees = sum(lg.fee for lg in legs)
        money = sum(lg.cost for lg in legs)
        lines.append(f"<b style='color:{_colour(side)}'>{side}</b> <b>{amount:,.4f} {base}</b> · avg price "
                     f"<b>{format_price(notional / amount, tick) if amount else '-'}</b> · all-in "
                     f"{'cost' if side is Side.BUY else 'proceeds'} <b>{money:,.2f} {quote}</b> (fees {fees:,.2f})")
    lines.append(f"<span style='color:{theme.MUTED}'>one route, every leg reduce-only on its own side: "
                 f"a long closes with a sell, a short with a buy</span>")
    return "<br>".join(lines)


def _limit(plan: Plan, tick: Decimal | None) -> str:
    """The typed or swept price limit in the head, where the trader reads what is sent."""
    words = limit_words(plan, tick)
    return f" · <b>{words}</b>" if words else ""


def _quote_ccy(symbol: str) -> str:
    """USDT of "DOGE/USDT:USDT"."""
    return base_and_quote(symbol)[1] if "/" in symbol else "quote"


def _typed_problem(text: str) -> str | None:
    try:
        parse_amount(text)
    except AmountError as exc:
        return str(exc)
    return None


def _figures(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _grouped(text: str) -> str:
    """A typed or expected amount as the dialog writes amounts: "149,875", "0.537"."""
    try:
        return f"{parse_amount(text):,}"
    except AmountError:
        return text


def _same_number(text: str, expected: str) -> bool:
    """The amount field's rules (engine.preview.parse_amount): a comma only groups thousands, so
    "1,5" is refused rather than read as 15."""
    try:
        return parse_amount(text) == Decimal(expected)
    except AmountError:
        return False
