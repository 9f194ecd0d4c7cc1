"""Harmonization samples: DIR/NAME/composite.png, mask.png (0/255), optional real.png|jpg."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SampleFiles:
    name: str
    composite: Path
    mask: Path
    real: Path | None


def list_samples(root: Path) -> list[SampleFiles]:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    samples = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        composite, mask = folder / "composite.png", folder / "mask.png"
        if not composite.is_file() or not mask.is_file():
            continue
        real = next(
            (
                folder / f"real.{ext}"
                for ext in ("png", "jpg")
                if (folder / f"real.{ext}").is_file()
            ),
            None,
        )
        samples.append(SampleFiles(folder.name, composite, mask, real))
    if not samples:
        raise FileNotFoundError(
            f"no samples in {root}: expected NAME/composite.png and NAME/mask.png"
        )
    return samples
