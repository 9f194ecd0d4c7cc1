"""What every training run shares: a cosine schedule, a JSON log, and the card's provenance."""

from __future__ import annotations

import json
import math
import platform
import time
from pathlib import Path

import torch


def cosine_lr(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return peak * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def provenance(args, started: float, steps: int) -> dict:
    """What the card records about how the weights were made."""
    return {
        "command": args.command_line,
        "data": str(args.data),
        "steps": steps,
        "wall_time_s": round(time.time() - started, 1),
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, "
        f"torch {torch.__version__}"
        + (f", {torch.cuda.get_device_name()}" if torch.cuda.is_available() else ", CPU"),
    }


class TrainingLog:
    """Append-only metrics log (JSON lines) that curves are drawn from."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.records: list[dict] = []

    def write(self, **record) -> None:
        self.records.append(record)
        with self.path.open("a") as stream:
            stream.write(json.dumps(record) + "\n")
        print(
            " ".join(
                f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()
            ),
            flush=True,
        )

    def series(self, key: str, kind: str | None = None) -> list[tuple[float, float]]:
        return [
            (r["step"], r[key])
            for r in self.records
            if key in r and (kind is None or r.get("kind") == kind)
        ]
