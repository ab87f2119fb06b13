"""Composition root of the window: QApplication, the qasync loop, vault unlock, wiring, shutdown."""
