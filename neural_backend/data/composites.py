"""Harmonization training pairs made from real photos, the way iHarmony4 was made.

Take a photo and an object mask from its labels, recolour only the object (Lab statistics of a
region of another photo, per-channel tone curves, hue/saturation/exposure shifts), and keep the
original as the answer. Weathering pairs paste one of our textures onto an object: the answer is
the texture lit like the object (its low-frequency shading and the scene's colour cast), the
composite is the texture pasted flat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.colour import lab_to_rgb, rgb_to_lab, transfer_statistics
from neural_backend.filters import box_blur
from neural_backend.generators.maps import tile_to


@dataclass
class Pair:
    composite: np.ndarray  # (H, W, 3) float32 in [0, 1]
    mask: np.ndarray  # (H, W) float32, 1 = foreground
    real: np.ndarray  # (H, W, 3) float32 in [0, 1]


def object_mask(label: np.ndarray, rng: np.random.Generator, ignore: int) -> np.ndarray:
    """One class's pixels (2–60% of the image), sometimes cut to a box to look like one object."""
    area = label.size
    values, counts = np.unique(label, return_counts=True)
    candidates = [
        v for v, c in zip(values, counts, strict=True) if v != ignore and 0.02 <= c / area <= 0.6
    ]
    if not candidates:
        return _ellipse(label.shape, rng)
    mask = label == rng.choice(candidates)
    if rng.random() < 0.5:
        ys, xs = np.nonzero(mask)
        top, left = rng.integers(ys.min(), ys.max() + 1), rng.integers(xs.min(), xs.max() + 1)
        height, width = mask.shape
        box = np.zeros_like(mask)
        box[
            top : top + rng.integers(height // 4, height),
            left : left + rng.integers(width // 4, width),
        ] = True
        if (mask & box).sum() >= 0.01 * area:
            mask &= box
    return mask


def _ellipse(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    cy, cx = rng.uniform(0.3, 0.7) * shape[0], rng.uniform(0.3, 0.7) * shape[1]
    ry, rx = rng.uniform(0.15, 0.3) * shape[0], rng.uniform(0.15, 0.3) * shape[1]
    return ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1


def recolour(
    image: np.ndarray, mask: np.ndarray, other: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The image with only the masked object's colours changed, by one or two random edits."""
    out = image.copy()
    for kind in rng.choice(
        ["lab_transfer", "tone_curves", "hue_saturation_exposure"], rng.integers(1, 3), False
    ):
        out = {"lab_transfer": _lab_transfer, "tone_curves": _tone_curves}.get(kind, _hse)(
            out, mask, other, rng
        )
    return np.where(mask[..., None], np.clip(out, 0, 1), image).astype(np.float32)


def _lab_transfer(image, mask, other, rng):
    height, width = other.shape[:2]
    top, left = rng.integers(0, height // 2), rng.integers(0, width // 2)
    region = np.zeros(other.shape[:2], bool)
    region[top : top + height // 2, left : left + width // 2] = True
    lab, other_lab = rgb_to_lab(image), rgb_to_lab(other)
    # Borrow the statistics of another photo's region: append it and transfer onto the object.
    stacked = np.concatenate([lab, other_lab], axis=0)
    source = np.concatenate([mask, np.zeros_like(region)], axis=0)
    target = np.concatenate([np.zeros_like(mask), region], axis=0)
    moved = transfer_statistics(stacked, source, target, strength=rng.uniform(0.4, 1.0))
    return lab_to_rgb(moved[: image.shape[0]])


def _tone_curves(image, mask, other, rng):
    gamma = rng.uniform(0.65, 1.5, 3)
    gain = rng.uniform(0.75, 1.25, 3)
    return gain * np.clip(image, 0, 1) ** gamma


def _hse(image, mask, other, rng):
    lab = rgb_to_lab(image)
    angle = rng.uniform(-0.5, 0.5)  # hue rotation in the ab plane, radians
    saturation = rng.uniform(0.5, 1.6)
    a, b = lab[..., 1], lab[..., 2]
    lab[..., 1] = saturation * (np.cos(angle) * a - np.sin(angle) * b)
    lab[..., 2] = saturation * (np.sin(angle) * a + np.cos(angle) * b)
    return lab_to_rgb(lab) * rng.uniform(0.65, 1.45)


def photo_pair(image, label, other, rng, ignore: int) -> Pair:
    mask = object_mask(label, rng, ignore)
    return Pair(recolour(image, mask, other, rng), mask.astype(np.float32), image)


def weathering_pair(image, label, texture, rng, ignore: int) -> Pair:
    """A texture pasted flat (composite) versus lit like the object it lands on (real)."""
    mask = object_mask(label, rng, ignore)
    grey = image.mean(-1)
    shading = box_blur(grey, 8) / max(float(grey[mask].mean()), 1e-3)
    cast = image[mask].mean(0) / max(float(image[mask].mean()), 1e-3)
    exposure = float(grey[mask].mean()) / max(float(texture.mean()), 1e-3)
    lit = np.clip(texture * cast * np.clip(shading, 0.3, 2.0)[..., None] * exposure, 0, 1)
    m = mask[..., None]
    real = np.where(m, lit, image).astype(np.float32)
    composite = np.where(m, texture, image).astype(np.float32)
    return Pair(composite, mask.astype(np.float32), real)


def camvid_pairs(
    images, labels, ignore: int, seed: int, textures=(), weathering_share=0.25
) -> list[Pair]:
    """One pair per photo, reproducible from the seed: a fixed held-out set for validation."""
    rng = np.random.default_rng(seed)
    pairs = []
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        image = image.astype(np.float32) / 255
        if len(textures) and rng.random() < weathering_share:
            texture = tile_to(textures[rng.integers(len(textures))], image.shape[:2])
            pairs.append(weathering_pair(image, label, texture, rng, ignore))
        else:
            other = images[(index + 1 + rng.integers(len(images) - 1)) % len(images)]
            pairs.append(photo_pair(image, label, other.astype(np.float32) / 255, rng, ignore))
    return pairs
