"""Run a batch's unfinished tasks on local worker processes, with progress and a summary.

A task that fails is reported with its error and the others go on; finished outputs are skipped,
so running the same batch again resumes it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from neural_backend.batch.manifest import Task
from neural_backend.batch.worker import run_task, start_worker


@dataclass
class Summary:
    done: int = 0
    skipped: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        text = (
            f"{self.done} done, {len(self.failed)} failed, {self.skipped} skipped "
            f"(already finished) in {self.seconds:.1f} s"
        )
        return text + "".join(f"\n  failed: {label}: {error}" for label, error in self.failed)


def default_workers() -> int:
    """Workers sized to the machine: each gets two cores for torch (and Blender) to use."""
    return max(1, (os.cpu_count() or 1) // 2)


def run_batch(
    tasks: list[Task],
    workers: int | None,
    device: str = "cpu",
    report: Callable[[str], None] = print,
    ray_address: str | None = None,
    extension: str = "",
) -> Summary:
    started = time.perf_counter()
    pending = [task for task in tasks if task.missing_outputs()]
    summary = Summary(skipped=len(tasks) - len(pending))
    if pending:
        if ray_address:
            from neural_backend.batch.ray_workers import run_on_ray

            finishing = run_on_ray(pending, ray_address, workers, device, extension)
        else:
            finishing = _run_locally(pending, workers, device, extension)
        for finished, (task, seconds, error) in enumerate(finishing, start=1):
            if error is None:
                summary.done += 1
                outcome = f"done in {seconds:.1f} s"
            else:  # reported, and the batch goes on
                summary.failed.append((task.label, error))
                outcome = f"FAILED: {error}"
            count = f"{finished}/{len(pending)}"
            report(f"[{_bar(finished, len(pending))}] {count} {task.label}: {outcome}")
    summary.seconds = time.perf_counter() - started
    return summary


def _run_locally(
    tasks: list[Task], workers: int | None, device: str, extension: str
) -> Iterator[tuple[Task, float | None, str | None]]:
    workers = max(1, min(workers or default_workers(), len(tasks)))
    threads = max(1, (os.cpu_count() or 1) // workers)
    # spawn: a fresh interpreter per worker, never a fork of a process that already runs torch
    context = multiprocessing.get_context("spawn")
    arguments = (device, threads, extension)
    with ProcessPoolExecutor(workers, context, start_worker, arguments) as pool:
        futures = {pool.submit(run_task, task): task for task in tasks}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result(), None
            except Exception as error:
                yield futures[future], None, str(error)


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total)
    return "#" * filled + "." * (width - filled)
