"""Async orchestration without Qt: feed supervision, state store, executor, journal."""
