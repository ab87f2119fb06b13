"""What an API key may do, as far as its venue tells, and the verdict the app applies to it.

Produced by ``sor_desktop.venues.permissions`` (which talks to the venue); kept here, free of ccxt, so
the UI and the CLI can show and judge it. ``None`` means "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

REMINDER = "disable withdrawals on this key and bind it to your IP addresses on the venue's API page"


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"  # usable, with something to fix (no IP whitelist, or not checked at all)
    REFUSE = "refuse"  # the key can withdraw: never stored or used


@dataclass(frozen=True, slots=True)
class KeyPermissions:
    venue: str
    checked: bool  # False: the venue offers no probe, or the probe failed (see notes)
    can_trade: bool | None = None
    can_withdraw: bool | None = None
    ip_whitelisted: bool | None = None
    notes: tuple[str, ...] = ()
    expires_in_days: int | None = None  # when the venue says the key (or its trading right) ends

    @property
    def verdict(self) -> Verdict:
        """For a trade key (see ``verdict_for``)."""
        return self.verdict_for("trade")

    def verdict_for(self, role: str) -> Verdict:
        """A read-only key must not trade (flagged); a trade key must; neither may withdraw."""
        if self.can_withdraw:
            return Verdict.REFUSE
        wrong_trade = self.can_trade is True if role == "read-only" else self.can_trade is False
        if not self.checked or self.ip_whitelisted is not True or wrong_trade:
            return Verdict.WARN
        return Verdict.OK

    def summary(self, role: str = "trade") -> str:
        """One line for a list or a status bar."""

        def word(value: bool | None, yes: str, no: str) -> str:
            return "unknown" if value is None else (yes if value else no)

        if not self.checked:
            head = "could not be checked"
        else:
            head = ", ".join(
                (
                    "trade: " + word(self.can_trade, "yes", "no"),
                    "withdraw: " + word(self.can_withdraw, "YES", "no"),
                    "IP whitelist: " + word(self.ip_whitelisted, "yes", "none"),
                )
            )
        if self.expires_in_days is not None:
            head += f", expires in {self.expires_in_days} days"
        if role == "read-only" and self.can_trade:
            head += ", READ-ONLY KEY CAN TRADE"
        return f"{self.venue}: {head} [{self.verdict_for(role).value}]"

    def chip_note(self) -> str | None:
        """The standing warning for a venue chip, or None when there is nothing to fix."""
        if not self.checked:
            why = next((n for n in self.notes if n != REMINDER), "")
            return f"cannot be checked on this venue ({why})" if why else "cannot be checked on this venue"
        parts = []
        if self.ip_whitelisted is False:
            parts.append("no IP whitelist")
        elif self.ip_whitelisted is None:  # the venue does not say (MEXC): not the same as none
            parts.append("IP binding cannot be checked on this venue")
        if self.expires_in_days is not None:
            parts.append(f"expires in {self.expires_in_days} days")
        return ", ".join(parts) or None

    def lines(self) -> list[str]:
        """The summary, then every note (reasons, advice)."""
        return [self.summary(), *self.notes]


def unchecked(venue: str, reason: str) -> KeyPermissions:
    return KeyPermissions(venue=venue, checked=False, notes=(reason, REMINDER))
