"""The executor's guards as config.json sets them, read once for the window and for ``route``.

Keys: ``max_notional`` (per route) and ``max_day_notional`` (over 24 h), quote units, and no
other (a misspelt key guards nothing). A file that cannot be read, a key that is not one of them,
or a value that is not a finite positive number written in digits and '.' (NaN, inf,
1e400, 1e5, 0, text, '1_000'), or is above 1e9 (per route) or 1e10 (per day), refuses every route
until it is fixed: the default limits may be far above what the trader set (a truncated file
that said 100 let a 120,000 route through), so a settings file can tighten a guard and never
loosen one. No file at all: the defaults. The refusal is returned, not logged here: the
window's notice and ``route``'s stderr line each log it once.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from sor_desktop.core.number_text import PLAIN, read_plain
from sor_desktop.engine.executor import DEFAULT_MAX_DAY_NOTIONAL, DEFAULT_MAX_ROUTE_NOTIONAL

# (the executor's field, its default, the largest value a guard may have: window.ini's own
# max_notional stops at 1e9 too; a finite 1e308 guards nothing)
KEYS = {"max_notional": ("max_route_notional", DEFAULT_MAX_ROUTE_NOTIONAL, 1e9),
        "max_day_notional": ("max_day_notional", DEFAULT_MAX_DAY_NOTIONAL, 1e10)}


@dataclass(frozen=True, slots=True)
class Guards:
    max_route_notional: float = DEFAULT_MAX_ROUTE_NOTIONAL
    max_day_notional: float = DEFAULT_MAX_DAY_NOTIONAL
    problems: tuple[str, ...] = field(default=())  # one line each, for the trader
    route_from: str = "the default maximum"  # where max_route_notional came from, in the trader's words

    @property
    def refusal(self) -> str | None:
        """Why no route may be sent with these guards, or None."""
        if not self.problems:
            return None
        return ("; ".join(self.problems) + ": routes are refused until config.json is fixed "
                "(or removed: the default limits then apply)")


def finite_positive(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        number = read_plain(value)
    elif isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # a JSON integer of 400 digits: no float holds it
            return None
    else:
        return None
    return number if number is not None and math.isfinite(number) and number > 0 else None


class _Exponent(str):
    """A JSON number written with an exponent, kept as its text: ``finite_positive`` refuses it as
    it refuses one typed (config.json is written by the trader: 1e5 is not how 100000 is typed)."""

    def __repr__(self) -> str:
        return str(self)


def _json_float(text: str) -> float | str:
    return float(text) if PLAIN.fullmatch(text) else _Exponent(text)


def load_guards(path: Path) -> Guards:
    try:
        # Windows editors may write a BOM
        raw = json.loads(path.read_text(encoding="utf-8-sig"), parse_float=_json_float)
    except FileNotFoundError:
        return Guards()
    except (OSError, ValueError) as exc:
        return Guards(problems=(f"{path}: cannot read it ({exc})",))
    if not isinstance(raw, dict):
        return Guards(problems=(f"{path}: not a JSON object",))
    values: dict[str, float] = {}
    # the file holds the guards only: any other key is a misspelt guard, which guards nothing
    problems = [f"{path}: {key!r} is not a setting (the settings are {', '.join(KEYS)})"
                for key in raw if key not in KEYS]
    for key, (name, _default, most) in KEYS.items():
        if key not in raw:
            continue
        got = finite_positive(raw[key])
        if got is None:
            problems.append(f"{path}: {key}={raw[key]!r} is not a finite positive number "
                            "written in digits ('.' for decimals)")
        elif got > most:
            problems.append(f"{path}: {key}={raw[key]!r} is above the largest allowed, {most:,.0f}")
        else:
            values[name] = got
    guards = Guards(values.get("max_route_notional", DEFAULT_MAX_ROUTE_NOTIONAL),
                    values.get("max_day_notional", DEFAULT_MAX_DAY_NOTIONAL), tuple(problems))
    return replace(guards, route_from="config.json's max_notional") if "max_route_notional" in values else guards
