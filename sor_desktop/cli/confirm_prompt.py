"""``route``'s "Send N orders? [y/N]": the answer read without a thread that Ctrl+C must wait for.

It was read with ``asyncio.to_thread(input)``: Ctrl+C cancelled the route, but ``asyncio.run``
then waited for its thread pool, and so for Enter, before saying "interrupted". On a POSIX
terminal the answer is now read by the event loop itself (``add_reader``), which a cancellation
leaves at once; elsewhere (Windows, a test's stdin) ``input`` in a thread, as before.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from typing import IO

from sor_desktop.cli.errors import CliError

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a Ctrl+C


class Interrupted(CliError):
    """Ctrl+C before anything was sent (exit 130)."""

    exit_code = EXIT_INTERRUPTED


def _terminal_fd() -> int | None:
    if os.name != "posix":
        return None
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # a test's StringIO, a closed stdin
        return None
    return fd if os.isatty(fd) else None


async def ask(prompt: str, out: IO[str]) -> str:
    """One line typed at the terminal ('' at its end); ``prompt`` shown on ``out`` (stderr with
    --json, whose stdout holds the JSON alone)."""
    fd = _terminal_fd()
    if fd is None:
        print(prompt, end="", file=out, flush=True)
        return await asyncio.to_thread(sys.stdin.readline)
    print(prompt, end="", file=out, flush=True)
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()
    typed = bytearray()

    def readable() -> None:
        try:
            chunk = os.read(fd, 1024)
        except OSError as exc:
            if not answer.done():
                answer.set_exception(exc)
            return
        typed.extend(chunk)
        if (not chunk or b"\n" in typed) and not answer.done():  # Enter, or the terminal's end
            answer.set_result(typed.split(b"\n", 1)[0].decode(errors="replace"))

    loop.add_reader(fd, readable)
    try:
        return await answer
    finally:
        loop.remove_reader(fd)
