"""The three maps every texture generator returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TextureMaps:
    """albedo: (H, W, 3) sRGB in [0, 1]; height and roughness: (H, W) linear in [0, 1]."""

    albedo: np.ndarray
    height: np.ndarray
    roughness: np.ndarray

    def items(self) -> list[tuple[str, np.ndarray]]:
        return [("albedo", self.albedo), ("height", self.height), ("roughness", self.roughness)]


def tile_to(tileable: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Repeat a tileable map until it covers `shape` (height, width), then crop."""
    reps = (-(-shape[0] // tileable.shape[0]), -(-shape[1] // tileable.shape[1]))
    return np.tile(tileable, reps + (1,) * (tileable.ndim - 2))[: shape[0], : shape[1]]
