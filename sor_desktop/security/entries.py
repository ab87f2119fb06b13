"""One stored API key, and how keys are shown: masked, never the secret."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sor_desktop import logs
from sor_desktop.security.errors import InvalidKeyEntry

VENUE_RE = re.compile(r"[a-z][a-z0-9]{1,31}")
LABEL_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
HIDDEN = "<hidden>"
_MAX_LEN = 512


def mask(value: str | None) -> str:
    """``…wxyz`` for a long key: its last four characters tell a trader's keys apart (the first four
    are often the venue's same prefix on all of them); nothing of a short one (four would be most of it)."""
    if not value:
        return ""
    if len(value) >= 16:
        return f"…{value[-4:]}"
    return "…" * 3


def _clean_credential(name: str, value: str | None, *, required: bool) -> str | None:
    if value is None or value.strip() == "":
        if required:
            raise InvalidKeyEntry(f"the {name} is empty")
        return None
    value = value.strip()  # pasted keys often carry a newline
    if any(c.isspace() for c in value) or not value.isprintable():
        raise InvalidKeyEntry(f"the {name} contains spaces or control characters (pasted twice?)")
    if len(value) > _MAX_LEN:
        raise InvalidKeyEntry(f"the {name} is longer than {_MAX_LEN} characters")
    return value


def trim_notes(typed: dict[str, str | None]) -> list[str]:
    """What to tell the trader about fields (by name) typed with spaces or a line break around them:
    ``KeyEntry`` trims those (a venue refuses every signature made with them), and a trim unsaid
    would leave the trader unsure what was stored. Never holds the values."""
    return [f"the {name} had spaces or a line break around it (from pasting?); they were trimmed"
            for name, value in typed.items() if value and value != value.strip()]


class KeyRole(StrEnum):
    """What a key is for. Practice: never the same key for trading and for data, so a data feed's
    key that leaks cannot place orders."""

    TRADE = "trade"
    READ_ONLY = "read-only"


@dataclass(frozen=True, slots=True)
class KeyEntry:
    venue: str
    label: str
    api_key: str = field(repr=False)
    secret: str = field(repr=False)
    passphrase: str | None = field(default=None, repr=False)
    testnet: bool = False
    created: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    role: KeyRole = KeyRole.TRADE
    # the trade key this venue's orders use, when it has several (``Vault.use``); one per venue
    selected: bool = False
    # its venue's chosen trade key was removed while this one was kept: it trades only once chosen
    # (the lone key left had become the trading key, unsaid)
    unchosen: bool = False

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "role", KeyRole(self.role))
        except ValueError:
            raise InvalidKeyEntry(f"bad role {self.role!r} (trade or read-only)") from None
        if not VENUE_RE.fullmatch(self.venue or ""):
            raise InvalidKeyEntry(f"bad venue id {self.venue!r} (lower-case ccxt id, e.g. binanceusdm)")
        if not LABEL_RE.fullmatch(self.label or ""):
            raise InvalidKeyEntry(
                f"bad label {self.label!r}: 1-32 letters, digits, '_', '.' or '-', starting with a letter or digit"
            )
        object.__setattr__(self, "api_key", _clean_credential("API key", self.api_key, required=True))
        object.__setattr__(self, "secret", _clean_credential("secret", self.secret, required=True))
        object.__setattr__(self, "passphrase", _clean_credential("passphrase", self.passphrase, required=False))
        if self.created.tzinfo is None:
            raise InvalidKeyEntry("created date must carry a time zone")
        for value in (self.api_key, self.secret, self.passphrase):
            logs.register_secret(value)

    @property
    def key_id(self) -> tuple[str, str]:
        return (self.venue, self.label)

    @property
    def masked_key(self) -> str:
        return mask(self.api_key)

    def __repr__(self) -> str:
        passphrase = HIDDEN if self.passphrase else None
        return (
            f"KeyEntry(venue={self.venue!r}, label={self.label!r}, api_key={self.masked_key!r}, "
            f"secret={HIDDEN}, passphrase={passphrase}, testnet={self.testnet}, role={self.role.value}, "
            f"created={self.created.isoformat()})"
        )

    __str__ = __repr__

    def to_json(self) -> dict[str, Any]:
        return {
            "venue": self.venue,
            "label": self.label,
            "api_key": self.api_key,
            "secret": self.secret,
            "passphrase": self.passphrase,
            "testnet": self.testnet,
            "created": self.created.isoformat(),
            "role": self.role.value,
            "selected": self.selected,
            **({"unchosen": True} if self.unchosen else {}),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyEntry:
        return cls(
            venue=str(data["venue"]),
            label=str(data["label"]),
            api_key=str(data["api_key"]),
            secret=str(data["secret"]),
            passphrase=None if data.get("passphrase") is None else str(data["passphrase"]),
            testnet=bool(data.get("testnet", False)),
            created=datetime.fromisoformat(str(data["created"])),
            role=KeyRole(str(data.get("role", KeyRole.TRADE))),  # vaults from before roles: trade keys
            selected=bool(data.get("selected", False)),
            unchosen=bool(data.get("unchosen", False)),
        )
