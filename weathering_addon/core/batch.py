"""A batch order from the panel: which ages and frames, where to, how many workers; and the
`weathering batch` command that runs it (in its own process, so Blender stays free)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def parse_ages(text: str) -> tuple[float, ...]:
    """'0 0.5 1' or '0, 0.5, 1' → (0.0, 0.5, 1.0); each 0..1."""
    try:
        ages = tuple(float(part) for part in text.replace(",", " ").split())
    except ValueError:
        raise ValueError(f"ages must be numbers 0..1 separated by spaces, got {text!r}") from None
    if not ages:
        raise ValueError("give at least one age, e.g. 0 0.5 1")
    bad = [age for age in ages if not 0.0 <= age <= 1.0]
    if bad:
        raise ValueError(f"ages must be 0..1, got {bad[0]:g}")
    return ages


@dataclass(frozen=True)
class BatchOrder:
    ages: tuple[float, ...]
    first_frame: int
    last_frame: int
    out_dir: Path
    workers: int = 0  # 0: sized to the machine

    def __post_init__(self) -> None:
        if self.last_frame < self.first_frame:
            raise ValueError(f"the frame range {self.first_frame}-{self.last_frame} is empty")

    def command(self, python: str, scene_file: Path) -> list[str]:
        command = [python, "-m", "neural_backend.cli", "batch", "--scenes", str(scene_file)]
        command += ["--ages", *(f"{age:g}" for age in self.ages)]
        command += ["--frames", f"{self.first_frame}-{self.last_frame}", "--out", str(self.out_dir)]
        return command + (["--workers", str(self.workers)] if self.workers else [])
