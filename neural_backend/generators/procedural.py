"""The procedural texture generator: periodic fractal noise, toroidal Worley cells and domain
warping, coloured by each class's palette. Honest baseline for the GAN and a training
augmentation; every map it makes tiles exactly because every ingredient is periodic.
"""

from __future__ import annotations

import zlib

import numpy as np

from neural_backend.generators.maps import TextureMaps
from neural_backend.generators.noise import fractal_noise, smoothstep, warp, worley
from neural_backend.presets import Preset

NAME = "procedural"


def class_rng(preset: Preset, seed: int) -> np.random.Generator:
    """A generator stream fixed by (class, seed) alone, identical on every machine."""
    return np.random.default_rng([seed, zlib.crc32(preset.name.encode())])


def palette_ramp(tone: np.ndarray, palette: list[tuple[float, float, float]]) -> np.ndarray:
    stops = np.linspace(0.0, 1.0, len(palette))
    channels = [np.interp(tone, stops, [colour[c] for colour in palette]) for c in range(3)]
    return np.stack(channels, axis=-1).astype(np.float32)


def generate(
    preset: Preset, size: int, seed: int, scale: float = 1.0, variation: float = 0.0
) -> TextureMaps:
    """Albedo (sRGB), height and roughness of one class at size x size pixels.

    scale zooms: 2.0 makes every feature twice as large in pixels. variation in [0, 1] crossfades
    towards the next seed's texture.
    """
    maps = _generate(preset, size, seed, scale)
    if not variation:
        return maps
    other = _generate(preset, size, seed + 1, scale)
    blended = [
        (1 - variation) * a + variation * b
        for (_, a), (_, b) in zip(maps.items(), other.items(), strict=True)
    ]
    return TextureMaps(*(array.astype(np.float32) for array in blended))


def _generate(preset: Preset, size: int, seed: int, scale: float) -> TextureMaps:
    recipe = preset.procedural
    rng = class_rng(preset, seed)
    feature = recipe["feature_px"] * scale

    # Large shapes, bent by a second noise so they read as organic rather than as blobs.
    offset = recipe["warp"] * feature
    base = fractal_noise(rng, size, feature)
    warp_y = (fractal_noise(rng, size, 2 * feature) - 0.5) * offset
    warp_x = (fractal_noise(rng, size, 2 * feature) - 0.5) * offset
    base = warp(base, warp_y, warp_x)

    nearest, second = worley(rng, size, recipe["cell_px"] * scale)
    blotches = warp(1.0 - smoothstep(0.15, 0.95, nearest), warp_y, warp_x)
    cracks = warp(1.0 - smoothstep(0.0, 0.06, second - nearest), warp_y, warp_x)
    streaks = fractal_noise(rng, size, 1.5 * feature, roughness=0.8, stretch_y=8.0)
    detail = fractal_noise(rng, size, 6 * scale, roughness=0.4)
    pits = smoothstep(0.72, 0.9, fractal_noise(rng, size, 4 * scale, roughness=0.2))

    weights = 1.0 + recipe["cells"] + recipe["streaks"]
    coverage = (base + recipe["cells"] * blotches + recipe["streaks"] * streaks) / weights
    coverage = smoothstep(0.2, 0.8, coverage)
    tone = (1 - recipe["detail"]) * coverage + recipe["detail"] * detail
    tone = tone * (1 - 0.5 * recipe["pits"] * pits) * (1 - 0.7 * recipe["cracks"] * cracks)
    albedo = palette_ramp(np.clip(tone, 0.0, 1.0), preset.palette_rgb())

    relief = (
        0.55 * coverage
        + 0.25 * detail
        - 0.35 * recipe["pits"] * pits
        - 0.45 * recipe["cracks"] * cracks
    )
    height = (relief - relief.min()) / max(float(np.ptp(relief)), 1e-6)

    low, high = preset.pbr["roughness_min"], preset.pbr["roughness_max"]
    grain = np.clip(0.5 + 0.8 * (detail - 0.5) - 0.3 * (coverage - 0.5), 0.0, 1.0)
    roughness = low + (high - low) * grain

    return TextureMaps(
        albedo=albedo, height=height.astype(np.float32), roughness=roughness.astype(np.float32)
    )
