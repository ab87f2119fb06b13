"""Loopback exchanges on 127.0.0.1 that speak Binance USDⓈ-M's and Bybit v5's real REST and
websocket protocols, so the real ccxt.pro client runs against them with no internet.

See README.md here for the servers, the fixtures and the fault switches.
"""
