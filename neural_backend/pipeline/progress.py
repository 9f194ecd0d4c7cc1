"""How far a long piece of work is, and a way to stop it between steps.

The API hands one to every inference job: a client that disconnects or DELETEs its job sets the
cancel flag, and the work stops at its next `update` instead of finishing for nobody.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The work was cancelled by its client."""


class Progress:
    def __init__(self) -> None:
        self.fraction = 0.0
        self.message = "queued"
        self._cancel = threading.Event()

    def update(self, fraction: float, message: str) -> None:
        """Record a step; raises Cancelled if the work should stop here."""
        self.check()
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.message = message

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()
