"""The key vault and key permission checks. A leaf used by the app and the CLI."""
