"""``route`` plans with each venue's fee, funding and brackets (Venue.fetch_terms): the fee it
previews is the fee the (simulated) venue charges, and --hold-hours puts funding on the legs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from sor_desktop.cli.main import main
from tests.cli.test_route_cmd import ARGS, home  # noqa: F401  (the fixture keeps runs apart)


def test_route_previews_the_fee_the_venue_charges_and_funding_over_the_hold(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    rc = main([*ARGS, "--amount", "1", "--hold-hours", "24", "--yes", "--json",
               "--journal", str(tmp_path / "j.sqlite3")])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out
    plan = out["plan"]
    assert plan["hold_hours"] == 24 and plan["funding"] is not None
    assert all(lg["funding"] is not None and lg["liquidation_price"] is not None for lg in plan["legs"])
    previewed = {lg["venue"]: lg["fee"] for lg in plan["legs"]}
    for lg in out["legs"]:  # the simulated accounts' tiers are what the plan paid: within fill drift
        if Decimal(lg["filled_contracts"]) > 0:
            assert float(lg["fee"]) == pytest.approx(previewed[lg["venue"]], rel=2e-3)


def test_bad_hold_hours_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--amount", "1", "--hold-hours", "-3", "--yes", "--journal", str(tmp_path / "j")]) == 2
    assert "--hold-hours" in capsys.readouterr().err
