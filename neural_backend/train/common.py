"""What every training run shares: a cosine schedule, a JSON log, and the card's provenance."""

from __future__ import annotations

import json
import math
import platform
import time
from pathlib import Path

import torch

from neural_backend.config import DEVICES


def cosine_lr(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return peak * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def add_device_argument(parser) -> None:
    """--device for the trainers that can use a GPU; the train command resolves it."""
    parser.add_argument(
        "--device",
        choices=DEVICES,
        default="cpu",
        help="compute device to train on (auto: CUDA when a GPU is usable); the weights are "
        "saved for the CPU either way",
    )


def previous_runs(args, name: str) -> list[dict]:
    """The runs behind the weights a run resumes from (read once, before anything is saved)."""
    path = args.resume / f"{name}.json" if args.resume else None
    if path is None or not path.exists():
        return []
    card = json.loads(path.read_text())
    keys = ("command", "steps", "wall_time_s", "date")
    return [*card.get("history", []), {key: card.get(key) for key in keys}]


def overwrites(args) -> bool:
    """Whether this run writes over the very weights it resumed from."""
    return bool(args.resume) and Path(args.resume).resolve() == Path(args.out_dir).resolve()


def provenance(args, started: float, steps: int, history: list[dict]) -> dict:
    """What the card records about how the weights were made; `history` lists the runs it
    resumed from, so the weights' whole making stays reproducible."""
    return {
        "history": history,
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

    def __init__(self, path: Path, history: list[dict] = (), resumed_from: Path | None = None):
        self.path = path
        # A resumed run continues the curves of the weights it resumed from, at the step they
        # were saved at: records past it belong to a stretch of training that did not ship.
        self.offset = sum(run.get("steps") or 0 for run in history)
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = path if path.exists() else resumed_from and resumed_from / path.name
        self.records: list[dict] = []
        if self.offset and earlier and earlier.exists():
            records = [json.loads(line) for line in earlier.read_text().splitlines()]
            self.records = [r for r in records if r["step"] <= self.offset]
        path.write_text("".join(json.dumps(r) + "\n" for r in self.records))

    def write(self, **record) -> None:
        record["step"] += self.offset
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
