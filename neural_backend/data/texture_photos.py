"""Weathering texture photos as laid out in ../shared/data/textures: one folder per class.

NAME.jpg is a colour map; NAME_height.png its height map where one exists; NAME_opacity.png a
decal opacity mask (the colour only means something under it). Every photo is brought to a
longest side of 1024 pixels, the surface a 1024² texture covers.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

SURFACE_PIXELS = 1024


@dataclass
class TexturePhoto:
    name: str
    maps: torch.Tensor  # (4, H, W): albedo sRGB, height, all in [0, 1]
    opacity: torch.Tensor | None  # (H, W) or None
    has_height: bool


def list_classes(root: Path) -> list[str]:
    classes = sorted(p.name for p in Path(root).iterdir() if p.is_dir() and any(p.glob("*.jpg")))
    if not classes:
        raise FileNotFoundError(f"{root} has no class folders with .jpg photos")
    return classes


def _read_grey(path: Path) -> np.ndarray:
    grey = np.asarray(Image.open(path)).astype(np.float32)
    if grey.ndim == 3:
        grey = grey[..., :3].mean(-1)
    lo, hi = np.percentile(grey, [0.5, 99.5])
    return np.clip((grey - lo) / max(hi - lo, 1e-6), 0, 1)


def pseudo_height(albedo: torch.Tensor) -> torch.Tensor:
    """Height for photos without a height map: smoothed luminance, stretched to [0, 1].

    Bright is high is right for most weathering (crusts, moss cushions, paint over cracks)."""
    luminance = (albedo * torch.tensor([0.2126, 0.7152, 0.0722]).view(3, 1, 1)).sum(0, keepdim=True)
    smooth = F.avg_pool2d(F.pad(luminance[None], (2, 2, 2, 2), mode="reflect"), 5, stride=1)[0, 0]
    lo, hi = torch.quantile(smooth.flatten()[::7], torch.tensor([0.005, 0.995]))
    return ((smooth - lo) / (hi - lo).clamp_min(1e-6)).clamp(0, 1)


def _resize(array: np.ndarray, scale: float) -> torch.Tensor:
    tensor = torch.from_numpy(np.array(array, dtype=np.float32))
    tensor = tensor[None, None] if tensor.ndim == 2 else tensor.permute(2, 0, 1)[None]
    size = (max(8, round(tensor.shape[2] * scale)), max(8, round(tensor.shape[3] * scale)))
    return F.interpolate(tensor, size=size, mode="bilinear", antialias=True, align_corners=False)[0]


def load_class(root: Path, name: str) -> list[TexturePhoto]:
    photos = []
    for path in sorted((Path(root) / name).glob("*.jpg")):
        albedo = np.asarray(Image.open(path).convert("RGB")).astype(np.float32) / 255
        scale = SURFACE_PIXELS / max(albedo.shape[:2])
        albedo_t = _resize(albedo, scale)
        height_path = path.with_name(f"{path.stem}_height.png")
        if height_path.exists():
            height = _resize(
                np.asarray(Image.fromarray(_read_grey(height_path)).resize(albedo.shape[1::-1])),
                scale,
            )[0]
        else:
            height = pseudo_height(albedo_t)
        opacity_path = path.with_name(f"{path.stem}_opacity.png")
        opacity = None
        if opacity_path.exists():
            grey = (
                np.asarray(Image.open(opacity_path).convert("L").resize(albedo.shape[1::-1]))
                / 255.0
            )
            opacity = _resize(grey, scale)[0]
        photos.append(
            TexturePhoto(
                path.stem, torch.cat([albedo_t, height[None]]), opacity, height_path.exists()
            )
        )
    return photos


def load_all(root: Path) -> dict[str, list[TexturePhoto]]:
    return {name: load_class(root, name) for name in list_classes(root)}


def hold_out(
    photos: dict[str, list[TexturePhoto]], share: float
) -> tuple[dict[str, list[TexturePhoto]], dict[str, list[TexturePhoto]]]:
    """Each class's photos split into (to train on, held out): round(share × n) of its n held
    out, at least one, and at least two left to train on. Which ones follows a hash of the class
    and photo name, so the split depends on no seed and on no other file."""
    if not 0 < share < 1:
        raise ValueError(f"the share of photos held out is between 0 and 1, got {share}")
    training, held = {}, {}
    for name, class_photos in photos.items():
        count = min(max(1, round(share * len(class_photos))), len(class_photos) - 2)
        if count < 1:
            raise ValueError(
                f"{name} has {len(class_photos)} photos: holding some out needs at least 3"
            )
        order = sorted(class_photos, key=lambda p: zlib.crc32(f"{name}/{p.name}".encode()))
        held[name] = order[:count]
        held_names = {p.name for p in held[name]}
        training[name] = [p for p in class_photos if p.name not in held_names]
    return training, held


def names(photos: dict[str, list[TexturePhoto]]) -> dict[str, list[str]]:
    """{class: [photo names]}, as cards record a split."""
    return {name: sorted(p.name for p in class_photos) for name, class_photos in photos.items()}


def random_crop(
    photo: TexturePhoto, size: int, rng: np.random.Generator, min_opacity=0.9
) -> torch.Tensor:
    """A crop of `size`², jittered in scale (0.8–1.25×), where a decal's mask covers it."""
    _, height, width = photo.maps.shape
    span = min(round(size * rng.uniform(0.8, 1.25)), height, width)
    best, best_cover = None, -1.0
    for _ in range(12):
        top, left = rng.integers(0, height - span + 1), rng.integers(0, width - span + 1)
        cover = (
            1.0
            if photo.opacity is None
            else float(photo.opacity[top : top + span, left : left + span].mean())
        )
        if cover > best_cover:
            best, best_cover = (top, left), cover
        if cover >= min_opacity:
            break
    top, left = best
    crop = photo.maps[:, top : top + span, left : left + span][None]
    return F.interpolate(
        crop, size=(size, size), mode="bilinear", antialias=True, align_corners=False
    )[0]


def augment(crop: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Flips, 90° rotations and mild colour jitter (albedo only; height is geometry)."""
    crop = torch.rot90(crop, int(rng.integers(4)), dims=(1, 2))
    if rng.random() < 0.5:
        crop = crop.flip(2)
    gain = torch.tensor(rng.uniform(0.9, 1.1) * rng.uniform(0.96, 1.04, 3), dtype=crop.dtype)
    albedo = (crop[:3] * gain.view(3, 1, 1)).clamp(0, 1)
    return torch.cat([albedo, crop[3:]])
