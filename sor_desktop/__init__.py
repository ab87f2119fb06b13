"""sor-desktop: a desktop terminal for crypto perpetual futures with smart order routing."""

__version__ = "0.1.0"
