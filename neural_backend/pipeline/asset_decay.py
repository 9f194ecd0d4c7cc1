"""Decay maps of a 3D asset in its UV space: baked cues → age-free score → decay at an age, with
the weathering's albedo, height and roughness laid on the surface and the albedo harmonized to
the asset's own base colour.

The score is what the extension's decay-map layer thresholds in the shader (the same smooth step
as pipeline.decay.threshold), so the layer's Age stays keyframeable after one request.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.pipeline.asset_cues import BakedCues, asset_cues
from neural_backend.pipeline.choice import choose
from neural_backend.pipeline.decay import check_age, decay_score, threshold
from neural_backend.pipeline.progress import Progress
from neural_backend.pipeline.triplanar import triplanar
from neural_backend.presets import Preset

# The layer's defaults (weathering_addon/blender/node_group.py): the same score and border.
SPREAD = 1.8
SOFTNESS = 0.08
TILE = 512
# The score spans about [-0.5, 2.3]; every age's threshold lies in [-SOFTNESS, 1 + SOFTNESS], so
# a map of [-0.25, 1.25] loses nothing that any age can show, in 16 bits.
SCORE_OFFSET = 0.25
SCORE_RANGE = 1.5


@dataclass
class AssetDecay:
    """UV-space maps, (H, W[, 3]) float32; zero where the mesh covers no texel."""

    score: np.ndarray  # age-free; decay = threshold(score, age, softness)
    decay: np.ndarray  # at the requested age, in [0, 1]
    albedo: np.ndarray  # sRGB, harmonized to the base colour
    height: np.ndarray
    roughness: np.ndarray

    def encoded_score(self) -> np.ndarray:
        """The score in [0, 1] for a 16-bit map: score = encoded × SCORE_RANGE − SCORE_OFFSET."""
        return np.clip((self.score + SCORE_OFFSET) / SCORE_RANGE, 0.0, 1.0).astype(np.float32)


class AssetDecayMaker:
    def __init__(self, presets: dict[str, Preset], generators: dict, harmonizer=None):
        self.presets, self.generators, self.harmonizer = presets, generators, harmonizer

    def make(
        self,
        baked: BakedCues,
        base_colour: np.ndarray,
        weathering_class: str,
        age: float,
        seed: int = 0,
        scale: float = 1.0,
        generator: str = "gan",
        texture_size: int = TILE,
        progress: Progress | None = None,
    ) -> AssetDecay:
        """base_colour: (H, W, 3) or (3,) sRGB in [0, 1]; scale: texture repeats per scene unit."""
        progress = progress or Progress()
        check_age(age)
        preset = choose(self.presets, "class", weathering_class)
        generate = choose(self.generators, "generator", generator)
        base = np.broadcast_to(np.asarray(base_colour, np.float32), baked.normal.shape)
        covered = baked.coverage
        if not covered.any():
            raise ValueError("the cue maps cover no texel: the normal map is zero everywhere")
        progress.update(0.1, "cues")
        found = asset_cues(baked, seed)
        progress.update(0.35, "generating the texture")
        maps = generate(preset, texture_size, seed)
        normal, position = baked.normal[covered], baked.position[covered]
        surface = {
            name: triplanar(getattr(maps, name), position, normal, scale)
            for name in ("albedo", "height", "roughness")
        }
        progress.update(0.6, "decay map")
        breakup = triplanar(maps.breakup(), position, normal, scale)
        score = decay_score(found, breakup, preset, SPREAD)
        decay = threshold(score, age, SOFTNESS)
        if self.harmonizer is not None and decay.max() > 0.05:
            progress.update(0.75, "harmonizing")
            surface["albedo"] = self._harmonized(surface["albedo"], decay, base, covered)
        progress.update(0.95, "laying out")
        return AssetDecay(
            score=_layout(score, covered, fill=-SCORE_OFFSET),
            decay=_layout(decay, covered),
            albedo=_layout(surface["albedo"], covered),
            height=_layout(surface["height"], covered),
            roughness=_layout(surface["roughness"], covered),
        )

    def _harmonized(self, albedo, decay, base: np.ndarray, covered) -> np.ndarray:
        """The albedo recoloured by the transform that harmonizes the UV-space composite (one
        transform for the whole asset: no island can differ from its neighbour across a seam).
        Texels outside the islands take the mean base colour, so they add nothing to the
        background's statistics but its mean."""
        mean_base = base[covered].mean(axis=0)
        composite = np.broadcast_to(mean_base, base.shape).copy()
        on_surface = base[covered] + decay[:, None] * (albedo - base[covered])
        composite[covered] = on_surface
        region = _layout((decay > 0.05).astype(np.float32), covered)
        return self.harmonizer.recolour(albedo[None], composite, region)[0]


def _layout(values: np.ndarray, covered: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Covered texels' values back into (H, W[, C]) maps."""
    out = np.full(covered.shape + values.shape[1:], fill, np.float32)
    out[covered] = values
    return out
