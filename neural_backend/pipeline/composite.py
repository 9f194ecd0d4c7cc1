"""Shading-preserving composite: the texture replaces the surface colour, the photo's light stays.

In linear light a pixel is albedo × shading. Shading is estimated as the photo's luminance divided
by its local average (the surface's own brightness level), so shadows, creases and light falloff
across the object carry over onto the new surface; the texture's height adds its own fine relief.
"""

from __future__ import annotations

import numpy as np

from neural_backend.colour import LUMA, linear_to_srgb, srgb_to_linear
from neural_backend.filters import box_blur

TYPICAL_ALBEDO = 0.5  # what the surface being covered is assumed to reflect: sets the exposure


def luminance(linear_rgb: np.ndarray) -> np.ndarray:
    return (linear_rgb @ LUMA).astype(np.float32)


def shading(photo_linear: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, float]:
    """Relative light on the target (1 = its average: shadows, falloff, creases); the average."""
    lum = luminance(photo_linear)
    reach = max(2, round(min(mask.shape) / 24))
    level = box_blur(lum, reach)
    inside = mask > 0
    mean_level = float(level[inside].mean()) if inside.any() else float(level.mean())
    # Broad light (level) fully, fine detail (lum / level) half: the old surface's own pattern
    # should not print through the new one.
    fine = np.sqrt(np.clip(box_blur(lum, 1, passes=1) / np.maximum(level, 1e-4), 0.2, 3.0))
    return np.clip(level / max(mean_level, 1e-4), 0.05, 4.0) * fine, mean_level


def relief(texture_height: np.ndarray, strength: float) -> np.ndarray:
    """Lambert-like shading of the texture's height under light from above."""
    slope = np.gradient(texture_height.astype(np.float32), axis=0)
    return np.clip(1.0 - strength * 8.0 * slope, 0.5, 1.5)


def composite(
    photo: np.ndarray,
    texture_albedo: np.ndarray,
    texture_height: np.ndarray,
    decay: np.ndarray,
    bump_strength: float,
) -> np.ndarray:
    """sRGB floats in [0, 1]: photo (H, W, 3), texture maps at the same size, decay (H, W)."""
    photo_linear = srgb_to_linear(photo)
    light, mean_level = shading(photo_linear, decay > 0)
    exposure = mean_level / TYPICAL_ALBEDO
    surface = (
        srgb_to_linear(texture_albedo)
        * (exposure * light * relief(texture_height, bump_strength))[..., None]
    )
    mixed = photo_linear + decay[..., None] * (surface - photo_linear)
    out = linear_to_srgb(mixed).astype(np.float32)
    return np.where(decay[..., None] > 0, np.clip(out, 0, 1), photo).astype(np.float32)
