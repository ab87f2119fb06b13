"""Async venue adapters behind one interface (see ``base.Venue``). Only core types leave this layer."""
