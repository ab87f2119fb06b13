"""Guards the executor enforces itself, whatever the window or a settings file says: a maximum
notional per route and per day, both finite and positive by construction."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from sor_desktop.core.orders import Side
from sor_desktop.engine.exec_events import RouteState
from sor_desktop.engine.executor import Executor, ExecutorConfig
from sor_desktop.engine.journal import Journal

from .exec_fakes import FakeVenue, book, make_plan


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.0, -1.0, float("1e400")])
@pytest.mark.parametrize("field", ["max_route_notional", "max_day_notional"])
def test_a_guard_that_is_not_a_finite_positive_number_is_refused(field: str, bad: float) -> None:
    with pytest.raises(ValueError, match=field):
        ExecutorConfig(**{field: bad})


def test_the_default_guards_are_finite_and_positive() -> None:
    cfg = ExecutorConfig()
    assert 0 < cfg.max_route_notional < math.inf and 0 < cfg.max_day_notional < math.inf


def _executor(tmp_path: Path, **cfg: float) -> tuple[Executor, dict[str, FakeVenue]]:
    venues = {v: FakeVenue(v) for v in ("v0", "v1")}
    return Executor(venues, Journal(tmp_path / "j.sqlite3"), config=ExecutorConfig(**cfg)), venues


@pytest.mark.asyncio
async def test_a_route_above_the_executors_own_maximum_is_blocked_with_nothing_sent(tmp_path: Path) -> None:
    # 2 x 1 BTC at a 50,010 limit: 100,020 notional against a 100,000 maximum
    ex, venues = _executor(tmp_path, max_route_notional=100_000)
    plan = make_plan(Side.BUY, [("v0", "1", "50010", 50_001.0), ("v1", "1", "50010", 50_001.0)])
    res = await ex.execute(plan, {v: book(v) for v in venues})
    assert res.state is RouteState.BLOCKED
    assert [p.code for p in res.problems] == ["max_notional"]
    assert "100,000" in res.problems[0].message
    assert not any(v.accepted for v in venues.values())


@pytest.mark.asyncio
async def test_routes_over_the_day_add_up_to_the_daily_maximum(tmp_path: Path) -> None:
    ex, venues = _executor(tmp_path, max_route_notional=60_000, max_day_notional=120_000)
    books = {v: book(v) for v in venues}
    first = await ex.execute(make_plan(Side.BUY, [("v0", "1", "50010", 50_001.0)]), books)
    second = await ex.execute(make_plan(Side.SELL, [("v1", "1", "49990", 49_999.0)]), books)
    assert first.state is RouteState.DONE and second.state is RouteState.DONE
    third = await ex.execute(make_plan(Side.BUY, [("v1", "0.5", "50010", 50_001.0)]), books)
    assert third.state is RouteState.BLOCKED
    assert [p.code for p in third.problems] == ["max_day_notional"]
    assert "120,000" in third.problems[0].message


@pytest.mark.asyncio
async def test_the_window_session_refuses_a_nan_guard_in_config_json(tmp_path: Path, monkeypatch) -> None:
    from sor_desktop import paths
    from sor_desktop.engine.session_events import Notice
    from sor_desktop.engine.wiring import build_session
    from sor_desktop.venues.base import Mode

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text('{"max_notional": NaN, "max_day_notional": 1e400}', encoding="utf-8")
    session = build_session(Mode.SIMULATED, ["bybit"], "BTC/USDT:USDT")
    cfg = session.executor.config
    assert cfg.max_route_notional == 5_000_000 and math.isfinite(cfg.max_day_notional)
    texts = [n.text for n in session.start_notices if isinstance(n, Notice)]
    assert any("max_notional=nan" in t and "default" in t for t in texts), texts
    assert any("max_day_notional=inf" in t for t in texts), texts
    session.journal.close()


@pytest.mark.parametrize(("text", "key"), [
    ('{"max_notional": 1e308}', "max_notional"),
    ('{"max_day_notional": "1.7e308"}', "max_day_notional"),
    ('{"max_notional": 2e9}', "max_notional"),
])
def test_a_guard_too_large_to_guard_anything_is_refused(tmp_path: Path, text: str, key: str) -> None:
    """1e308 is finite and positive, and was taken: a settings file that switched both guards
    off in effect, without a word (window.ini's same settings stop at 1e9)."""
    from sor_desktop.engine.guards_config import load_guards

    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    g = load_guards(path)
    assert g.max_route_notional == 5_000_000 and g.max_day_notional == 50_000_000
    assert len(g.problems) == 1 and key in g.problems[0] and "default" in g.problems[0]


def test_a_large_but_real_guard_is_kept(tmp_path: Path) -> None:
    from sor_desktop.engine.guards_config import load_guards

    path = tmp_path / "config.json"
    path.write_text('{"max_notional": 20000000, "max_day_notional": 900000000}', encoding="utf-8")
    g = load_guards(path)
    assert (g.max_route_notional, g.max_day_notional, g.problems) == (20_000_000, 900_000_000, ())
