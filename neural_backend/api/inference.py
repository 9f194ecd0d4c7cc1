"""A bounded inference queue: models run on a few worker threads; requests beyond the queue's
capacity get 429 with Retry-After at once, instead of piling up until memory or patience runs out.

Every piece of work is a job with a Progress. A synchronous request waits for its job and cancels
it if the client disconnects; jobs started through /v1/jobs are kept so they can be polled and
cancelled (DELETE) by id.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request

from neural_backend.pipeline.memory import free_memory, is_out_of_memory
from neural_backend.pipeline.progress import Cancelled, Progress

KEEP_FINISHED = 64  # finished /v1/jobs results kept for polling; older ones are forgotten
DISCONNECT_POLL_S = 0.2


@dataclass
class Job:
    kind: str
    progress: Progress = field(default_factory=Progress)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    future: Future | None = None

    @property
    def state(self) -> str:
        if self.future is None or not self.future.done():
            return "cancelling" if self.progress.cancelled else self._running_or_queued()
        if self.future.cancelled():
            return "cancelled"
        error = self.future.exception()
        if error is None:
            return "done"
        return "cancelled" if isinstance(error, Cancelled) else "failed"

    def _running_or_queued(self) -> str:
        return "running" if self.future is not None and self.future.running() else "queued"

    def cancel(self) -> None:
        self.progress.cancel()
        if self.future is not None:
            self.future.cancel()  # succeeds only while still queued


class InferenceQueue:
    def __init__(self, workers: int, queue_size: int):
        self.workers = workers
        self.capacity = workers + queue_size
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="inference")
        self._lock = threading.Lock()
        self._admitted = 0
        self._kept: OrderedDict[str, Job] = OrderedDict()
        self._recent_seconds: deque[float] = deque([1.0], maxlen=16)

    def submit(self, kind: str, work: Callable[[Progress], Any], keep: bool = False) -> Job:
        """Queue work; raises 429 when `workers + queue_size` jobs are already admitted."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise HTTPException(
                    429,
                    f"the backend is busy: {self._admitted} requests are running or queued "
                    f"(limit {self.capacity}); retry later",
                    headers={"Retry-After": str(self._retry_after())},
                )
            self._admitted += 1
        job = Job(kind)
        job.future = self._executor.submit(self._run, job, work)
        job.future.add_done_callback(self._release)
        if keep:
            with self._lock:
                self._kept[job.id] = job
                self._forget_old_finished()
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._kept.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r} (finished jobs are kept for a while)")
        return job

    def shutdown(self) -> None:
        with self._lock:  # cancelled outside the lock: a cancelled future's callback takes it
            jobs = list(self._kept.values())
        for job in jobs:
            job.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job, work: Callable[[Progress], Any]) -> Any:
        job.progress.update(0.0, "running")
        start = time.perf_counter()
        try:
            result = work(job.progress)
        except Exception as error:
            if not is_out_of_memory(error):
                raise
            free_memory()  # the server keeps serving: the next, smaller request can fit
            raise HTTPException(
                503, "out of GPU memory even in smaller tiles; try a smaller image or size"
            ) from None
        with self._lock:
            self._recent_seconds.append(time.perf_counter() - start)
        job.progress.fraction, job.progress.message = 1.0, "done"
        return result

    def _release(self, _future: Future) -> None:
        with self._lock:
            self._admitted -= 1

    def _retry_after(self) -> int:
        """Seconds until a slot is likely free: the admitted jobs at the recent pace."""
        mean = sum(self._recent_seconds) / len(self._recent_seconds)
        return max(1, min(600, math.ceil(mean * self._admitted / self.workers)))

    def _forget_old_finished(self) -> None:
        finished = [key for key, job in self._kept.items() if job.future.done()]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._kept[key]


async def run_in_queue(request: Request, kind: str, work: Callable[[Progress], Any]) -> Any:
    """Run work in the app's inference queue and wait for it; a client that disconnects
    cancels its job, so the workers move on to requests someone still waits for."""
    job = request.app.state.queue.submit(kind, work)
    waiting = asyncio.wrap_future(job.future)
    while not waiting.done():
        await asyncio.wait({waiting}, timeout=DISCONNECT_POLL_S)
        if not waiting.done() and await request.is_disconnected():
            job.cancel()
            raise HTTPException(499, "the client disconnected; the job was cancelled")
    try:
        return waiting.result()
    except (Cancelled, asyncio.CancelledError):
        raise HTTPException(499, "the job was cancelled") from None
