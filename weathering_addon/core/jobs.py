"""Long work off Blender's main thread: a Job runs in a thread and reports progress; the UI polls
it from a timer or a modal operator and may cancel it. One job runs at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Cancelled(Exception):
    """Raised inside a job's work when the user pressed Cancel."""


class Progress:
    """Handed to a job's work: report how far it is, and stop when cancelled."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.message = ""
        self._cancel = threading.Event()

    def update(self, fraction: float, message: str) -> None:
        self.check()
        self.fraction = min(max(fraction, 0.0), 1.0)
        self.message = message

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


class Job:
    def __init__(self, label: str, work: Callable[[Progress], Any]):
        self.label = label
        self.progress = Progress()
        self.result: Any = None
        self.error: BaseException | None = None
        self._work = work
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"weathering: {label}", daemon=True)

    def _run(self) -> None:
        try:
            self.result = self._work(self.progress)
        except BaseException as error:  # reported to the user by whoever polls the job
            self.error = error
        finally:
            self._done.set()

    def cancel(self) -> None:
        self.progress._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.progress._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)


_active: Job | None = None


def active_job() -> Job | None:
    """The running job, if any (finished jobs are not active)."""
    return _active if _active is not None and not _active.done else None


def start_job(label: str, work: Callable[[Progress], Any]) -> Job:
    """Start work in a background thread; refuses while another job runs."""
    global _active
    if active_job() is not None:
        raise RuntimeError(f"'{_active.label}' is still running; wait for it or cancel it")
    _active = Job(label, work)
    _active._thread.start()
    return _active
