"""CamVid as in ../shared/data/camvid: SPLIT/images/*.jpg, SPLIT/labels/*.png, classes.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image


@dataclass
class CamVidSplit:
    names: list[str]
    images: np.ndarray  # (N, H, W, 3) uint8
    labels: np.ndarray  # (N, H, W) uint8, class index or ignore_index
    class_names: list[str]
    ignore_index: int


def read_classes(root: Path) -> tuple[list[str], int]:
    path = Path(root) / "classes.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: --data must be the camvid folder")
    data = json.loads(path.read_text())
    return list(data["classes"]), int(data["ignore_index"])


def load_split(root: Path, split: str, limit: int | None = None) -> CamVidSplit:
    """Decode a whole split into memory (367 images are ~190 MB): augmentation then costs no I/O."""
    root = Path(root)
    class_names, ignore_index = read_classes(root)
    image_paths = sorted((root / split / "images").glob("*.jpg"))[:limit]
    if not image_paths:
        raise FileNotFoundError(f"no images in {root / split / 'images'}")
    images, labels = [], []
    for path in image_paths:
        label_path = root / split / "labels" / f"{path.stem}.png"
        images.append(np.asarray(Image.open(path).convert("RGB")))
        labels.append(np.asarray(Image.open(label_path)))
    return CamVidSplit(
        names=[path.stem for path in image_paths],
        images=np.stack(images),
        labels=np.stack(labels).astype(np.uint8),
        class_names=class_names,
        ignore_index=ignore_index,
    )
