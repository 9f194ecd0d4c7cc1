"""Batch throughput: the same image batch with 1, 2 and 4 local workers (start-up included)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from bench.common import Row, median_ms, street_photo
from neural_backend.batch.manifest import image_tasks
from neural_backend.batch.runner import run_batch

PLATES = 12


def run(data: Path | None, device: str) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        photo = street_photo(data, 360, 640)
        for index in range(PLATES):  # different crops of one street, so no two tasks match
            shifted = np.roll(photo, index * 37, axis=1)
            Image.fromarray((shifted * 255).astype(np.uint8)).save(folder / f"plate{index}.png")
        rows, single = [], None
        for workers in (1, 2, 4):
            out = folder / f"out{workers}"
            tasks = image_tasks(str(folder / "plate*.png"), "rust", [0.6], str(out))

            def batch(tasks=tasks, out=out, workers=workers):
                for path in out.glob("*.png"):
                    path.unlink()
                summary = run_batch(tasks, workers, device, report=lambda line: None)
                assert summary.done == PLATES, summary

            ms = median_ms(batch, repeat=1, warmup=0)
            single = single or ms
            per_minute = PLATES / (ms / 60000)
            rows.append(
                Row(
                    "batch",
                    f"{PLATES} 640×360 plates, {workers} worker(s)",
                    ms,
                    "1 worker",
                    single / ms,
                    note=f"{per_minute:.0f} plates/min, worker start-up included",
                )
            )
    return rows
