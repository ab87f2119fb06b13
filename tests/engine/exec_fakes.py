"""A fake venue at the boundary of the executor: it holds orders by client id, counts every order
it accepted, and can be told to fail in the ways real venues do. Optionally persisted to a JSON
file so a second process sees what the first placed (the kill-and-restart test)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

from sor_desktop.core.account import Balance, Position
from sor_desktop.core.book import BookSnapshot
from sor_desktop.core.instrument import Instrument
from sor_desktop.core.orders import OrderReport, OrderRequest, OrderStatus, Side
from sor_desktop.core.plan import AmountUnit, Leg, Plan
from sor_desktop.venues.base import Capabilities, Mode, Venue
from sor_desktop.venues.errors import OrderRejected, OutcomeUnknown, VenueUnavailable

SYMBOL = "BTC/USDT:USDT"


def market(tick: str = "0.1", step: str = "0.001", min_amount: str | None = "0.001",
           min_cost: str | None = "5", taker: str = "0.0005") -> dict[str, object]:
    return {
        "symbol": SYMBOL, "id": "BTCUSDT", "base": "BTC", "quote": "USDT", "settle": "USDT",
        "linear": True, "inverse": False, "contractSize": 1,
        "precision": {"price": tick, "amount": step},
        "limits": {"amount": {"min": min_amount, "max": "1000"}, "cost": {"min": min_cost}},
        "taker": taker, "maker": "0.0002",
    }


# Faults, one per submit call on a venue, consumed in order:
#   reject           refused, nothing placed
#   unavailable      could not connect, nothing placed
#   lost_before      OutcomeUnknown, and the venue never got it
#   lost_after       accepted, then OutcomeUnknown (timeout after the venue took it)
#   5xx_after        accepted, then a 502 mapped to OutcomeUnknown
#   hang_after       accepted, then the call never returns (the executor's timeout fires)
#   partial          accepted, fills half (IOC remainder cancelled)
#   none             accepted, fills nothing (IOC cancelled)
#   ok               accepted, fills fully
FAULTS = ("reject", "unavailable", "lost_before", "lost_after", "5xx_after", "hang_after", "partial", "none", "ok")
#   late             OutcomeUnknown at once; the request reaches the venue ``arrival_delay_s`` later
#   rest             accepted and left resting (an IOC the venue did not honour; cancel-all tests)


@dataclass
class FakeVenue(Venue):
    id: str
    mode: Mode = Mode.SIMULATED
    capabilities: Capabilities = Capabilities()
    instrument: Instrument | None = None
    faults: list[str] = field(default_factory=list)
    fetch_failures: int = 0  # the next N fetch_order calls raise OutcomeUnknown
    fill_price: Decimal | None = None  # default: the order's limit price
    state_file: Path | None = None
    latency_s: float = 0.0
    arrival_delay_s: float = 0.01
    orders: dict[str, OrderReport] = field(default_factory=dict)
    accepted: Counter[str] = field(default_factory=Counter)  # client id -> times the venue took it
    submits: list[str] = field(default_factory=list)  # every submit call, accepted or not
    submit_times: list[float] = field(default_factory=list)  # monotonic time each submit call began
    cancel_all_calls: int = 0
    resting: set[str] = field(default_factory=set)
    closed: bool = False

    def __post_init__(self) -> None:
        if self.instrument is None:
            self.instrument = Instrument.from_market(market(), self.id)
        if self.state_file is not None and self.state_file.exists():
            for line in self.state_file.read_text().splitlines():
                rec = json.loads(line)
                self.accepted[rec["cid"]] += 1
                self.orders[rec["cid"]] = _report_from_json(rec["report"])

    def __hash__(self) -> int:
        return id(self)

    # -- Venue ---------------------------------------------------------------------------------
    async def connect(self) -> None:
        return None

    def instruments(self) -> Mapping[str, Instrument]:
        assert self.instrument is not None
        return {self.instrument.symbol: self.instrument}

    async def watch_order_book(self, symbol: str) -> BookSnapshot:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def fetch_balance(self) -> list[Balance]:
        return []

    async def fetch_positions(self, symbols: Sequence[str] | None = None) -> list[Position]:
        return []

    def _fill(self, req: OrderRequest, ratio: Decimal) -> OrderReport:
        assert self.instrument is not None and req.limit_price is not None
        step = self.instrument.amount_step
        filled = (req.contracts * ratio / step).to_integral_value(rounding=ROUND_FLOOR) * step
        price = self.fill_price if self.fill_price is not None else req.limit_price
        status = OrderStatus.FILLED if filled == req.contracts else OrderStatus.CANCELED
        fee = (filled * price * self.instrument.taker_fee) if filled else Decimal(0)
        return OrderReport(self.id, req.symbol, req.client_order_id, status, req.side, req.contracts, filled,
                           price if filled else None, fee, f"v-{req.client_order_id}", None,
                           int(time.time() * 1000))

    def _accept(self, report: OrderReport) -> None:
        self.accepted[report.client_order_id] += 1
        self.orders[report.client_order_id] = report
        if self.state_file is not None:
            with open(self.state_file, "a") as fh:
                fh.write(json.dumps({"cid": report.client_order_id, "report": _report_to_json(report)}) + "\n")
                fh.flush()
                os.fsync(fh.fileno())

    async def submit_order(self, request: OrderRequest) -> OrderReport:
        self.submits.append(request.client_order_id)
        self.submit_times.append(time.monotonic())
        fault = self.faults.pop(0) if self.faults else "ok"
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        if fault == "reject":
            raise OrderRejected(self.id, "Order would immediately trigger (test rejection)")
        if fault == "unavailable":
            raise VenueUnavailable(self.id, "connection refused")
        if fault == "lost_before":
            raise OutcomeUnknown(self.id, "request timed out")
        if fault == "late":
            asyncio.get_running_loop().call_later(self.arrival_delay_s, self._accept,
                                                  self._fill(request, Decimal(1)))
            raise OutcomeUnknown(self.id, "request timed out")
        if fault == "rest":
            report = replace(self._fill(request, Decimal(0)), status=OrderStatus.ACKNOWLEDGED)
            self.resting.add(request.client_order_id)
            self._accept(report)
            return report
        ratio = {"partial": Decimal("0.5"), "none": Decimal(0)}.get(fault, Decimal(1))
        report = self._fill(request, ratio)
        self._accept(report)
        if fault == "lost_after":
            raise OutcomeUnknown(self.id, "request timed out")
        if fault == "5xx_after":
            raise OutcomeUnknown(self.id, "502 Bad Gateway")
        if fault == "hang_after":
            await asyncio.sleep(3600)
        return report

    async def fetch_order(self, client_order_id: str, symbol: str) -> OrderReport | None:
        if self.fetch_failures > 0:
            self.fetch_failures -= 1
            raise OutcomeUnknown(self.id, "503 Service Unavailable")
        return self.orders.get(client_order_id)

    async def cancel_order(self, client_order_id: str, symbol: str) -> OrderReport:
        report = self.orders[client_order_id]
        self.resting.discard(client_order_id)
        if not report.status.final:
            report = replace(report, status=OrderStatus.CANCELED)
            self.orders[client_order_id] = report
        return report

    async def cancel_all(self, symbol: str | None = None) -> int:
        self.cancel_all_calls += 1
        n = 0
        for cid in list(self.resting):
            await self.cancel_order(cid, symbol or SYMBOL)
            n += 1
        return n

    async def close(self) -> None:
        self.closed = True


def _report_to_json(r: OrderReport) -> dict[str, object]:
    return {"venue": r.venue, "symbol": r.symbol, "cid": r.client_order_id, "status": str(r.status),
            "side": str(r.side), "contracts": str(r.contracts), "filled": str(r.filled_contracts),
            "avg": None if r.avg_price is None else str(r.avg_price), "fee": str(r.fee),
            "vid": r.venue_order_id, "ts": r.timestamp}


def _report_from_json(d: dict[str, object]) -> OrderReport:
    avg = d["avg"]
    return OrderReport(str(d["venue"]), str(d["symbol"]), str(d["cid"]), OrderStatus(str(d["status"])),
                       Side(str(d["side"])), Decimal(str(d["contracts"])), Decimal(str(d["filled"])),
                       None if avg is None else Decimal(str(avg)), Decimal(str(d["fee"])),
                       str(d["vid"]) if d["vid"] else None, None, int(str(d["ts"])))


def book(venue: str, mid: float = 50_000.0, *, received: float | None = None, half_spread: float = 0.5) -> BookSnapshot:
    bids = [(mid - half_spread - i, 5.0) for i in range(20)]
    asks = [(mid + half_spread + i, 5.0) for i in range(20)]
    return BookSnapshot.from_lists(venue, SYMBOL, int(time.time() * 1000), bids, asks,
                                   received=time.monotonic() if received is None else received)


def make_plan(side: Side, legs: Sequence[tuple[str, str, str, float]], *, unit: AmountUnit = AmountUnit.BASE,
              requested: float | None = None) -> Plan:
    """legs: (venue, contracts, limit price, previewed average price); contract size 1, taker 5 bps."""
    out = []
    total = 0.0
    cost = 0.0
    for venue, contracts, limit, avg in legs:
        base = float(contracts)
        notional = base * avg
        fee = notional * 0.0005
        total += base
        cost += notional
        out.append(Leg(venue, SYMBOL, contracts, base, avg, avg, limit, notional, fee,
                       notional + fee if side is Side.BUY else notional - fee))
    avg_price = cost / total if total else 0.0
    req = requested if requested is not None else total
    return Plan(side, unit, SYMBOL, req, total, avg_price, cost, cost * 0.0005, cost, tuple(out), None, 0.0, 0.0,
                max(req - total, 0.0), None)
