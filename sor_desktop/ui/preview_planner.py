"""Router plans off the Qt thread, so typing and frames never wait on the router (issue 11).

One plan runs at a time, on a worker thread. Previews come first: a preview asked while a plan
runs waits as the next one, and a newer preview takes its place, so after a burst of keystrokes or
book updates the window plans the latest ticket next, never a queue of older ones. Each preview
gets a number; results come back on the Qt thread, by a queued signal, with their number, and the
window shows only the latest one's. Background plans (the impact chart's routed curve, one size
each) run in order when no preview is waiting; a new pass drops what is left of the old one.

CPython's GIL is handed over every ``sys.getswitchinterval()`` (5 ms), and the router's numpy
calls release it, so the Qt thread keeps running while the worker plans.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from sor_desktop.engine.preview import Preview, PreviewJob

log = logging.getLogger(__name__)

Planner = Callable[[PreviewJob], Preview]
BACKGROUND = 0  # the number a background plan lands with (previews count from 1)


class PreviewPlanner(QObject):
    finished = Signal(int, object, object)  # preview number, Preview, the tag it was asked with
    background_done = Signal(object, object)  # tag, Preview: a background plan
    _landed = Signal(int, object, object)  # emitted on the worker thread, delivered queued

    def __init__(self, plan: Planner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.plan = plan  # the function that plans a job (the lag test wraps it to time the plans)
        # the window tests check what a preview shows, so they plan in line and read it at once;
        # the worker itself is tested on its own (tests/ui/test_preview_thread.py, the lag test)
        self.inline = False
        self._pool: ThreadPoolExecutor | None = ThreadPoolExecutor(1, thread_name_prefix="preview-plan")
        self._running: int | None = None  # the number of the plan on the worker (BACKGROUND: one)
        self._next: tuple[int, PreviewJob, object] | None = None
        self._background: deque[tuple[PreviewJob, object]] = deque()
        self._count = 0
        self._quiet_failures: set[str] = set()  # background failures already in the log file
        self._landed.connect(self._on_landed)

    @property
    def latest(self) -> int:
        """The number of the last preview asked: a result with another number is for an older ticket."""
        return self._count

    @property
    def busy(self) -> bool:
        """A preview is being planned or waits to be."""
        return (self._running is not None and self._running != BACKGROUND) or self._next is not None

    def ask(self, job: PreviewJob, tag: object = None) -> int:
        """Plan ``job`` on the worker; ``finished`` brings the result and ``tag`` (what the caller
        needs with it) back. Returns the job's number."""
        self._count += 1
        if self._pool is None:  # shut down with the window: nothing will be shown anyway
            return self._count
        if self.inline:
            self._next = None
            self.finished.emit(self._count, self._safe(job), tag)
        elif self._running is not None:
            self._next = (self._count, job, tag)
        else:
            self._start(self._count, job, tag)
        return self._count

    def ask_background(self, job: PreviewJob, tag: object) -> None:
        """Plan ``job`` when no preview waits; ``background_done`` brings it back with ``tag``."""
        if self._pool is None:
            return
        if self.inline:
            self.background_done.emit(tag, self._safe(job, quiet=True))
        elif self._running is None:
            self._start(BACKGROUND, job, tag)
        else:
            self._background.append((job, tag))

    def drop_background(self) -> None:
        """Forget the background plans not started yet (a new impact pass replaces them)."""
        self._background.clear()

    def plan_now(self, job: PreviewJob) -> Preview:
        """Plan ``job`` on this thread (Enter pressed while a preview was pending: the trader waits
        for exactly what they typed). Whatever is still being planned is older from here on."""
        self._count += 1
        self._next = None
        return self._safe(job)

    def shutdown(self) -> None:
        """Wait for the running plan (one plan: milliseconds) and drop the waiting ones, so no
        result is emitted to a window that is gone."""
        self._next = None
        self._background.clear()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def _start(self, number: int, job: PreviewJob, tag: object) -> None:
        assert self._pool is not None
        self._running = number
        self._pool.submit(self._work, number, job, tag)

    def _work(self, number: int, job: PreviewJob, tag: object) -> None:  # on the worker thread
        self._landed.emit(number, self._safe(job, quiet=number == BACKGROUND), tag)

    def _safe(self, job: PreviewJob, *, quiet: bool = False) -> Preview:
        try:
            return self.plan(job)
        except Exception as exc:  # a router bug must not take the window down: said at the field
            if quiet:  # the impact curve shows the size as a gap, 16 sizes a pass: not 16 errors
                what = f"{type(exc).__name__}: {exc}"
                if what not in self._quiet_failures and len(self._quiet_failures) < 100:
                    self._quiet_failures.add(what)  # in the log file once (debug is not kept there)
                    log.warning("impact plan failed", exc_info=True)
                else:
                    log.debug("impact plan failed", exc_info=True)
            else:
                log.exception("preview failed")
            return Preview(job.request, None, f"preview failed: {exc}", job.excluded)

    def _on_landed(self, number: int, preview: Preview, tag: object) -> None:
        self._running = None
        if self._pool is not None:
            if self._next is not None:
                waiting, self._next = self._next, None
                self._start(*waiting)
            elif self._background:
                self._start(BACKGROUND, *self._background.popleft())
        if number == BACKGROUND:
            self.background_done.emit(tag, preview)
        else:
            self.finished.emit(number, preview, tag)
