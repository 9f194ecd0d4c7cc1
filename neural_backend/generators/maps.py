"""The three maps every texture generator returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.filters import box_blur


@dataclass(frozen=True)
class TextureMaps:
    """albedo: (H, W, 3) sRGB in [0, 1]; height and roughness: (H, W) linear in [0, 1]."""

    albedo: np.ndarray
    height: np.ndarray
    roughness: np.ndarray

    def items(self) -> list[tuple[str, np.ndarray]]:
        return [("albedo", self.albedo), ("height", self.height), ("roughness", self.roughness)]

    def breakup(self) -> np.ndarray:
        """Where decay reaches first inside a region: the height's patches without its grain,
        centred on zero. A wrap-around blur over 1/64 of the tile (8 pixels at 512²) makes decay
        edges follow the texture's features instead of speckling with its pixel noise; centring
        keeps the texture from changing how much decays at an age, only where."""
        smooth = box_blur(self.height, max(1, self.height.shape[0] // 64), padding="wrap")
        return smooth - smooth.mean()


def tile_to(tileable: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Repeat a tileable map until it covers `shape` (height, width), then crop."""
    reps = (-(-shape[0] // tileable.shape[0]), -(-shape[1] // tileable.shape[1]))
    return np.tile(tileable, reps + (1,) * (tileable.ndim - 2))[: shape[0], : shape[1]]
