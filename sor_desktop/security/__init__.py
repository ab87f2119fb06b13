"""The key vault and key permission checks. A leaf used by the app and the CLI.

``vault.Vault`` is the entry point; ``entries.KeyEntry`` one stored key; ``errors`` the failures;
``permissions.KeyPermissions`` what a key may do (probed by ``sor_desktop.venues.permissions``).
"""
