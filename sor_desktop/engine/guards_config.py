"""The executor's guards as config.json sets them, read once for the window and for ``route``.

Keys: ``max_notional`` (per route) and ``max_day_notional`` (over 24 h), quote units. A value that
is not a finite positive number (NaN, inf, 1e400, 0, text), or is above 1e9 (per route) or 1e10
(per day), is refused with a message and the default applies: a settings file can tighten a
guard, never switch it off. The problems are returned, not logged here: the window's notice and
``route``'s stderr line each log them once (logged here too, the log file had every one twice).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

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


def finite_positive(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def load_guards(path: Path) -> Guards:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Guards()
    except (OSError, ValueError) as exc:
        msg = f"{path}: cannot read it ({exc}); the default order limits apply"
        return Guards(problems=(msg,))
    if not isinstance(raw, dict):
        msg = f"{path}: not a JSON object; the default order limits apply"
        return Guards(problems=(msg,))
    values: dict[str, float] = {}
    problems: list[str] = []
    for key, (name, default, most) in KEYS.items():
        if key not in raw:
            continue
        got = finite_positive(raw[key])
        if got is None:
            msg = f"{path}: {key}={raw[key]!r} is not a finite positive number; the default {default:,.0f} applies"
            problems.append(msg)
        elif got > most:
            msg = f"{path}: {key}={raw[key]!r} is above the largest allowed, {most:,.0f}; the default {default:,.0f} applies"
            problems.append(msg)
        else:
            values[name] = got
    return Guards(**values, problems=tuple(problems))
