"""PySide6 and pyqtgraph widgets. Reads state, sends intents; never imports ccxt."""
