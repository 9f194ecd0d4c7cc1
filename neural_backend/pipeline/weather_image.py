"""Age a photo or a render: target mask → decay map → texture → shading-preserving composite →
harmonization. Every step runs with the shipped models; without the harmonization weights the
composite is returned as it is, and without the segmentation weights a mask must be given."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.colour import srgb_to_linear
from neural_backend.generators.maps import tile_to
from neural_backend.pipeline.choice import choose
from neural_backend.pipeline.composite import composite, luminance
from neural_backend.pipeline.decay import decay_map
from neural_backend.pipeline.progress import Progress
from neural_backend.presets import Preset

# What "weather the scene" means when no targets are named: the built things, not sky or trees.
DEFAULT_TARGETS = ("building", "fence", "pole", "sign_symbol", "car", "pavement")
TILE = 512  # texture tile generated once and repeated: tileable, so repetition has no seams
MIN_TILE = 64
# At scale 1 texture features are sized as on a plate this many pixels wide (a 1080p frame):
# a smaller image of the same scene shows them proportionally smaller.
REFERENCE_WIDTH = 1920


@dataclass
class WeatheredImage:
    image: np.ndarray  # (H, W, 3) sRGB float in [0, 1]
    decay: np.ndarray  # (H, W) float in [0, 1]
    texture: np.ndarray  # (T, T, 3) the albedo tile used, T ≤ TILE
    found: dict[str, float]  # segmentation classes in the image → share of pixels (empty for masks)
    targets: list[str]  # the classes weathered (empty when a mask was given)


class ImageWeatherer:
    def __init__(
        self, presets: dict[str, Preset], generators: dict, segmenter=None, harmonizer=None
    ):
        self.presets, self.generators = presets, generators
        self.segmenter, self.harmonizer = segmenter, harmonizer

    def target_mask(self, photo: np.ndarray, targets, mask) -> tuple[np.ndarray, dict, list[str]]:
        if mask is not None:
            if mask.shape != photo.shape[:2]:
                raise ValueError(
                    f"mask is {mask.shape[1]}×{mask.shape[0]}, "
                    f"image {photo.shape[1]}×{photo.shape[0]}"
                )
            return mask > 0.5, {}, []
        if self.segmenter is None:
            raise ValueError("no segmentation weights are loaded: give a mask instead of targets")
        names = self.segmenter.class_names
        targets = list(targets or DEFAULT_TARGETS)
        unknown = [t for t in targets if t not in names]
        if unknown:
            raise ValueError(
                f"unknown target {unknown[0]!r}; segmentation classes: {', '.join(names)}"
            )
        labels = self.segmenter.segment((photo * 255).round().astype(np.uint8), exit=3).labels
        found = {names[i]: round(float((labels == i).mean()), 4) for i in np.unique(labels)}
        return np.isin(labels, [names.index(t) for t in targets]), found, targets

    def weather(
        self,
        photo: np.ndarray,
        weathering_class: str,
        age: float,
        seed: int = 0,
        targets=None,
        mask: np.ndarray | None = None,
        scale: float = 1.0,
        generator: str = "gan",
        progress: Progress | None = None,
    ) -> WeatheredImage:
        """photo: (H, W, 3) sRGB float in [0, 1]; mask: (H, W) float, 1 = weather here."""
        progress = progress or Progress()
        preset = choose(self.presets, "class", weathering_class)
        generate = choose(self.generators, "generator", generator)
        progress.update(0.05, "finding what to weather")
        target, found, targets = self.target_mask(photo, targets, mask)
        if not target.any():
            where = f" (found: {', '.join(found)})" if found else ""
            raise ValueError(f"nothing to weather: the target mask is empty{where}")
        progress.update(0.35, "generating the texture")
        image_scale = float(np.clip(scale * max(photo.shape[:2]) / REFERENCE_WIDTH, 0.125, 16))
        # Zoomed out, a smaller tile holds as many features: the cost of generating stays that
        # of a TILE² texture at scale 1, however small the image.
        tile = max(MIN_TILE, round(TILE * min(image_scale, 1.0)))
        maps = generate(preset, tile, seed, image_scale)
        albedo, height = (
            tile_to(maps.albedo, photo.shape[:2]),
            tile_to(maps.height, photo.shape[:2]),
        )
        progress.update(0.55, "decay map")
        breakup = tile_to(maps.breakup(), photo.shape[:2])
        decay = decay_map(target, luminance(srgb_to_linear(photo)), breakup, preset, age, seed)
        progress.update(0.65, "compositing")
        aged = composite(photo, albedo, height, decay, preset.pbr["bump_strength"])
        if self.harmonizer is not None and decay.max() > 0:
            progress.update(0.75, "harmonizing")
            # One transform for the region: the composite already carries the photo's light.
            region = (decay > 0.05).astype(np.float32)
            harmonized = self.harmonizer.recolour(aged, aged, region)
            aged = aged + decay[..., None] * (harmonized - aged)
        return WeatheredImage(aged.astype(np.float32), decay, maps.albedo, found, targets)
