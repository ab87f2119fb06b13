"""What contracts are worth in their settle currency, for linear and inverse contracts alike: the
arithmetic the local account and matching engine share, so no caller multiplies
``contract_size x price`` for a contract that is not linear.

Linear (``BTC/USDT:USDT``): a contract is ``contract_size`` base; its value is
``n x size x price`` USDT, PnL ``n x size x (exit - entry)`` USDT, the average entry is the
contract-weighted mean of the prices.

Inverse (``BTC/USD:BTC``): a contract is ``contract_size`` USD; its value is ``n x size / price``
BTC, PnL ``n x size x (1/entry - 1/exit)`` BTC for a long, the average entry is the harmonic mean
``total contracts / sum(contracts / price)`` (the price at which the position's coin value is what
was paid for it). Fees are a rate of the value in either case.
"""

from __future__ import annotations

from decimal import Decimal

from sor_desktop.core.instrument import Instrument


def value(inst: Instrument, contracts: Decimal, price: Decimal) -> Decimal:
    """Settle-currency value of ``contracts`` (unsigned) at ``price``: notional, fee and margin base."""
    if inst.linear:
        return contracts * inst.contract_size * price
    return contracts * inst.contract_size / price


def pnl(inst: Instrument, signed_contracts: Decimal, entry: Decimal, exit_price: Decimal) -> Decimal:
    """Settle-currency PnL of a position of ``signed_contracts`` (long > 0) from ``entry`` to ``exit_price``."""
    if inst.linear:
        return signed_contracts * inst.contract_size * (exit_price - entry)
    return signed_contracts * inst.contract_size * (1 / entry - 1 / exit_price)


def average_entry(inst: Instrument, held: Decimal, entry: Decimal, added: Decimal, price: Decimal) -> Decimal:
    """Entry price after adding ``added`` contracts at ``price`` to ``held`` contracts at ``entry`` (unsigned)."""
    total = held + added
    if inst.linear:
        return (held * entry + added * price) / total
    return total / (held / entry + added / price)


def quote_notional(inst: Instrument, contracts: Decimal, price: Decimal) -> Decimal:
    """Quote-currency notional (USDT / USD): what venues' minimum-notional limits are set in."""
    if inst.linear:
        return contracts * inst.contract_size * price
    return contracts * inst.contract_size
