"""What every benchmark section shares: timing, result rows, and the pictures it runs on."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    section: str
    case: str
    ms: float
    baseline: str = ""  # what `ratio` compares with
    ratio: float | None = None  # baseline time ÷ this time: above 1 is faster
    target: str = ""
    met: bool | None = None
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def median_ms(work: Callable[[], object], repeat: int = 3, warmup: int = 1) -> float:
    """Median wall time of `repeat` runs after `warmup` untimed ones, in milliseconds."""
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def interleaved_median_ms(works: dict, repeat: int = 15) -> dict:
    """Median wall time of each work, timed in rounds that run every work once, so that drift
    in the machine's speed (other processes, clock changes) falls on all of them alike. One
    untimed round first warms them all."""
    times = {key: [] for key in works}
    for timed in [False] + [True] * repeat:
        for key, work in works.items():
            start = time.perf_counter()
            work()
            if timed:
                times[key].append((time.perf_counter() - start) * 1000)
    return {key: statistics.median(values) for key, values in times.items()}


def machine() -> dict:
    import torch

    info = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "device": "cpu",
    }
    if torch.cuda.is_available():
        info["device"] = "cuda"
        info["gpu"] = torch.cuda.get_device_name()
    return info


def street_photo(data: Path | None, height: int, width: int) -> np.ndarray:
    """A real street photo (the first CamVid validation frame) at the size asked, as float RGB;
    without the data, the demo's rendered backplate."""
    frames = sorted((data / "camvid" / "val" / "images").glob("*.jpg")) if data else []
    source = frames[0] if frames else ROOT / "demo" / "compare_backplate.png"
    image = Image.open(source).convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    return np.asarray(image, np.float32) / 255
