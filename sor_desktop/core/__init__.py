"""Pure domain layer: instruments, books, the router, orders. No Qt, no asyncio, no ccxt, no I/O."""
