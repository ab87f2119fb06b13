"""Logging for the app and CLI: a rotating file under the log dir, and a filter that masks every
secret the process has been told about, so no key or password reaches a log record."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from pathlib import Path

from sor_desktop import paths

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask ``value`` in every log record from now on. Values under 4 characters are ignored (they would mask ordinary words)."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, MASK)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """Each file it opens, the first and every one after a rollover, is 0600: logs name venues,
    amounts and masked keys, which are nobody else's business."""

    def _open(self):  # type: ignore[no-untyped-def]
        paths.private_file(Path(self.baseFilename))
        return super()._open()


def setup(level: int = logging.INFO, log_file: Path | None = None) -> Path:
    """Install the file handler and the redacting filter on the root logger; return the file."""
    target = paths.private_file(log_file or paths.log_dir() / "sor-desktop.log")
    root = logging.getLogger()
    root.setLevel(level)
    for h in list(root.handlers):
        if getattr(h, "_sor_desktop", False):
            if Path(getattr(h, "baseFilename", "")).resolve() == target.resolve():
                return target
            # another folder (another SOR_DESKTOP_HOME in this process): follow it, do not keep
            # writing to the first one
            root.removeHandler(h)
            h.close()
    handler = _PrivateRotatingHandler(target, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    handler._sor_desktop = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return target
