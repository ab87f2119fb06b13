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
async def test_the_window_session_refuses_to_trade_on_a_bad_guard_in_config_json(tmp_path: Path, monkeypatch) -> None:
    """A bad value used to give way to the default (5,000,000): a trader whose config said 100
    then routed 120,000 with only a notice to show for it. The window now opens, previews, and
    routes nothing until config.json is fixed."""
    from sor_desktop import paths
    from sor_desktop.engine.session_events import Notice
    from sor_desktop.engine.wiring import build_session
    from sor_desktop.venues.base import Mode

    monkeypatch.setenv("SOR_DESKTOP_HOME", str(tmp_path))
    paths.config_path().parent.mkdir(parents=True, exist_ok=True)
    paths.config_path().write_text('{"max_notional": NaN, "max_day_notional": 1e400}', encoding="utf-8")
    session = build_session(Mode.SIMULATED, ["bybit"], "BTC/USDT:USDT")
    wait = session.executor.blocked()
    assert wait is not None and wait.state == "stopped: config.json refused"
    # as the file wrote it (an exponent is refused as written; float() made it inf)
    assert "max_notional=nan" in wait.why and "max_day_notional=1e400" in wait.why
    texts = [n.text for n in session.start_notices if isinstance(n, Notice) and n.level == "error"]
    assert any("max_notional=nan" in t and "routes are refused" in t for t in texts), texts
    session.journal.close()


@pytest.mark.parametrize(("text", "key"), [
    ('{"max_notional": 1e308}', "max_notional"),
    ('{"max_day_notional": "1.7e308"}', "max_day_notional"),
    ('{"max_notional": 2e9}', "max_notional"),
    ('{"max_notional": 1e5}', "max_notional"),  # 100,000, within the limits: written as the README says, or refused
    ('{"max_day_notional": "1e5"}', "max_day_notional"),
    ('{"max_notional": 1.5E4}', "max_notional"),
    ('{"max_notional": "1_000"}', "max_notional"),  # float() reads it as 1000
    ('{"max_notional": 100', "cannot read it"),
    ('[100]', "not a JSON object"),
    ('{"max_notional": 1' + "0" * 400 + '}', "max_notional"),  # an int float() cannot hold: OverflowError
    ('{"max_notionl": 100}', "max_notionl"),  # a misspelt guard guards nothing
    ('{"MAX_NOTIONAL": 100}', "MAX_NOTIONAL"),
])
def test_a_guard_that_cannot_be_trusted_refuses_routes(tmp_path: Path, text: str, key: str) -> None:
    """1e308 is finite and positive, and was taken: a settings file that switched both guards
    off in effect, without a word (window.ini's same settings stop at 1e9). A damaged file gave way
    to the defaults, which may be far above what the trader set."""
    from sor_desktop.engine.guards_config import load_guards

    path = tmp_path / "config.json"
    path.write_text(text, encoding="utf-8")
    g = load_guards(path)
    assert g.refusal is not None and key in g.refusal and "routes are refused" in g.refusal


def test_a_large_but_real_guard_is_kept(tmp_path: Path) -> None:
    from sor_desktop.engine.guards_config import load_guards

    path = tmp_path / "config.json"
    path.write_text('{"max_notional": 20000000, "max_day_notional": 900000000}', encoding="utf-8")
    g = load_guards(path)
    assert (g.max_route_notional, g.max_day_notional, g.refusal) == (20_000_000, 900_000_000, None)


def test_a_config_json_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors write a UTF-8 BOM: such a file refused every route as unreadable."""
    from sor_desktop.engine.guards_config import load_guards

    path = tmp_path / "config.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"max_notional": 100}')
    g = load_guards(path)
    assert g.refusal is None and g.max_route_notional == 100
