"""A batch is a list of independent tasks, each knowing the files it must produce.

A task is finished when all its outputs exist; outputs are only ever written whole (a temporary
file, then a rename), so "exists" means "complete" and a killed batch resumes where it stopped.
"""

from __future__ import annotations

import glob
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from neural_backend.batch.files import write_atomically

FRAMES_PER_TASK = 8  # a scene's frames are split into chunks, so workers share a long shot


@dataclass(frozen=True)
class Task:
    kind: str  # "scene" or "image"
    source: str
    out_dir: str
    age: float
    weathering_class: str = ""  # images: the class; scenes: "" keeps each layer's own class
    seed: int = 0
    first_frame: int = 1
    last_frame: int = 1
    material: str = ""  # scenes: a material preset stacked on every mesh first ("": none)

    @property
    def label(self) -> str:
        if self.kind == "image":
            return f"{Path(self.source).name} ({self.weathering_class}, age {self.age:g})"
        return (
            f"{Path(self.source).name} age {self.age:g} frames {self.first_frame}-{self.last_frame}"
        )

    def outputs(self) -> list[Path]:
        out = Path(self.out_dir)
        if self.kind == "image":
            return [out / f"{Path(self.source).stem}_{self.weathering_class}_{self.age:g}.png"]
        folder = out / Path(self.source).stem / f"age_{self.age:g}"
        return [folder / f"frame_{f:04d}.png" for f in range(self.first_frame, self.last_frame + 1)]

    def missing_outputs(self) -> list[Path]:
        return [path for path in self.outputs() if not path.exists()]


def parse_frames(text: str) -> tuple[int, int]:
    """'1-48' → (1, 48); '7' → (7, 7)."""
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"frames must look like 1-48 or 7, got {text!r}") from None
    if start < 0 or end < start:
        raise ValueError(f"frames {text!r}: need 0 ≤ first ≤ last")
    return start, end


def scene_tasks(
    scenes: list[str], ages: list[float], frames: str, out_dir: str, material: str = "", seed=0
) -> list[Task]:
    first, last = parse_frames(frames)
    tasks = []
    for scene in scenes:
        if not Path(scene).is_file():
            raise ValueError(f"no such scene file: {scene}")
        for age in ages:
            for start in range(first, last + 1, FRAMES_PER_TASK):
                end = min(start + FRAMES_PER_TASK - 1, last)
                source = str(Path(scene).resolve())
                tasks.append(Task("scene", source, out_dir, age, "", seed, start, end, material))
    return tasks


def image_tasks(
    pattern: str, weathering_class: str, ages: list[float], out_dir: str, seed: int = 0
) -> list[Task]:
    paths = sorted(glob.glob(pattern))
    if not paths:
        raise ValueError(f"no images match {pattern!r}")
    return [
        Task("image", str(Path(p).resolve()), out_dir, age, weathering_class, seed)
        for p in paths
        for age in ages
    ]


def check_ages(ages: list[float]) -> None:
    bad = [age for age in ages if not 0.0 <= age <= 1.0]
    if bad:
        raise ValueError(f"ages must be 0..1, got {bad[0]:g}")


def write_manifest(tasks: list[Task], path: Path) -> None:
    write_atomically(path, (json.dumps([asdict(task) for task in tasks], indent=1) + "\n").encode())


def read_manifest(path: Path) -> list[Task]:
    return [Task(**fields) for fields in json.loads(Path(path).read_text())]
