"""What a WEEX API key may do: as much as WEEX tells, which is not its permissions.

WEEX's V3 reference has no endpoint that describes an API key (its permissions or its IP
binding): the 47 contract and 33 spot endpoints (weex-labs/weex-agent-skills
``contract-api-definitions.md`` / ``spot-api-definitions.md``, generated from the live docs)
include none, and ccxt 4.5.90 lists none. ``GET /capi/v3/account/accountConfig`` answers only
for a key, passphrase and signature WEEX accepts, and says whether the *account* may trade
(``canTrade``); its ``canWithdraw`` is the account's too, not the key's. So the probe proves the
key works and says plainly that its permissions and IP binding cannot be checked on this venue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sor_desktop.security.permissions import REMINDER, KeyPermissions

# the first note is what the venue chip shows after "cannot be checked on this venue"
CANNOT_CHECK = "WEEX's API does not tell a key's permissions or IP binding"
ACCEPTED = "the key and passphrase were accepted (account settings read)"
ACCOUNT_CANNOT_TRADE = "WEEX says this account cannot trade (accountConfig canTrade = false)"


async def probe(client: Any, venue: str) -> KeyPermissions:
    answer = await client.contractPrivateGetCapiV3AccountAccountConfig()
    if not isinstance(answer, Mapping) or "canTrade" not in answer:
        raise ValueError("accountConfig answer lacks canTrade")
    notes = [CANNOT_CHECK, ACCEPTED]
    can_trade: bool | None = None
    if answer.get("canTrade") is False:
        can_trade = False
        notes.append(ACCOUNT_CANNOT_TRADE)
    return KeyPermissions(venue, checked=False, can_trade=can_trade, notes=(*notes, REMINDER))
