"""Decay maps for images: where, inside a target mask, weathering appears and how strongly.

Image-space cues stand in for the geometry a 3D asset has: nearness to the mask's edges and
corners, dark crevices, streaks running down from upper edges, and height within the object
(low for moss and dirt, high for up-facing growth). The preset weights them; the texture's height
breaks the result up; age thresholds it. The score never depends on age and the threshold only
falls as age rises, so decay at a lower age is always inside decay at a higher one — the same rule
the extension's material layer uses.
"""

from __future__ import annotations

import numpy as np

from neural_backend.filters import box_blur
from neural_backend.generators.noise import fractal_noise, smoothstep
from neural_backend.presets import Preset

# Spread stretches the weighted mean of cues (which seldom nears 1), as the extension's layer
# does; image cues are noisier than geometry, so the border is softer than the layer's 0.08.
SPREAD = 1.8
SOFTNESS = 0.25


def cues(mask: np.ndarray, luminance: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Each cue in [0, 1] over the image (meaningful inside the mask)."""
    height, width = mask.shape
    reach = max(2, round(min(height, width) / 40))  # how far from an edge "near the edge" is
    inside = mask.astype(np.float32)
    # 1 − blurred mask: ~0.5 along an edge, ~0.75 in a convex corner, 0 deep inside.
    edge = np.clip((1.0 - box_blur(inside, reach)) * 2.0, 0.0, 1.0) * inside
    local = box_blur(luminance, reach)
    cavity = np.clip((local - luminance) / (local + 0.05) * 4.0, 0.0, 1.0) * inside
    rows = np.nonzero(mask.any(axis=1))[0]
    top, bottom = (rows[0], rows[-1]) if len(rows) else (0, height - 1)
    depth = np.clip((np.arange(height) - top) / max(bottom - top, 1), 0, 1)[:, None]
    low = np.broadcast_to(depth**2, mask.shape) * inside
    up = np.broadcast_to((1 - depth) ** 2, mask.shape) * inside
    return {"edge": edge, "cavity": cavity, "low": low, "up": up, "drip": drips(edge, mask, seed)}


def drips(edge: np.ndarray, mask: np.ndarray, seed: int) -> np.ndarray:
    """Streaks that start at edges with open space above them and run down inside the mask."""
    height, width = mask.shape
    above = np.vstack([np.zeros((1, width), bool), mask[:-1]])
    sources = edge * ~above  # only edges with open space above them start a streak
    rng = np.random.default_rng(seed)
    size = 1 << int(np.ceil(np.log2(max(width, 2))))
    streaks = fractal_noise(rng, size, feature_px=max(2.0, width / 60), roughness=0.3)[0, :width]
    streaks = 0.3 + 0.7 * smoothstep(0.4, 0.8, streaks)  # some streaks strong, none absent
    keep = np.exp(-1.0 / max(height / 10, 1.0))  # a streak fades over about a tenth of the image
    run = np.zeros(width, np.float32)
    out = np.zeros_like(edge)
    for row in range(height):
        run = np.maximum(sources[row], run * keep) * mask[row]
        out[row] = run
    return out * streaks[None, :]


def decay_map(
    mask: np.ndarray,
    luminance: np.ndarray,
    breakup: np.ndarray,
    preset: Preset,
    age: float,
    seed: int,
    spread: float = SPREAD,
    softness: float = SOFTNESS,
) -> np.ndarray:
    """(H, W) float32 in [0, 1]; zero outside the mask."""
    check_age(age)
    score = decay_score(cues(mask, luminance, seed), breakup, preset, spread)
    return (threshold(score, age, softness) * mask).astype(np.float32)


def decay_score(
    found: dict[str, np.ndarray], breakup: np.ndarray, preset: Preset, spread: float
) -> np.ndarray:
    """The age-free score: spread × the preset-weighted mean of the cues, broken up by the
    texture (`TextureMaps.breakup`: its height's patches, centred on zero)."""
    growth = preset.growth
    weights = {name: growth[name] for name in found}
    total = sum(weights.values()) or 1.0
    score = spread * sum(weights[name] * found[name] for name in found) / total
    return (score + growth["breakup"] * breakup).astype(np.float32)


def threshold(score: np.ndarray, age: float, softness: float) -> np.ndarray:
    """Decay at an age: a smooth step whose start falls from 1 (age 0) to -softness (age 1)."""
    low = 1.0 - age * (1.0 + softness)
    return smoothstep(low, low + softness, score).astype(np.float32)


def check_age(age: float) -> None:
    if not 0.0 <= age <= 1.0:
        raise ValueError(f"age must be 0..1, got {age}")
