"""The three maps every texture generator returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.filters import box_blur

# The breakup's standard deviation, whatever the texture's height contrast: about the GAN's own
# (0.065–0.1), so a preset's breakup weight means the same patchiness for every texture and
# generator. Unscaled, the session-7 and session-8 GANs' breakups ranged 0.023–0.14 and the
# procedural one's 0.12–0.2, so retraining the GAN changed how patchy decay looked.
BREAKUP_STD = 0.1
# A nearly flat height is amplified at most this much: its ripples are not patches.
MAX_BREAKUP_GAIN = 4.0


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
        centred on zero, scaled by breakup_gain. A wrap-around blur over 1/64 of the tile (8
        pixels at 512²) makes decay edges follow the texture's features instead of speckling
        with its pixel noise; centring keeps the texture from changing how much decays at an
        age, only where."""
        smooth = self._patches()
        return (smooth - smooth.mean()) * self._gain(smooth)

    def breakup_gain(self) -> float:
        """What the centred height is multiplied by to make the breakup (the extension's layer
        applies the same to its height map)."""
        return self._gain(self._patches())

    def _patches(self) -> np.ndarray:
        return box_blur(self.height, max(1, self.height.shape[0] // 64), padding="wrap")

    @staticmethod
    def _gain(patches: np.ndarray) -> float:
        return BREAKUP_STD / max(float(patches.std()), BREAKUP_STD / MAX_BREAKUP_GAIN)


def tile_to(tileable: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Repeat a tileable map until it covers `shape` (height, width), then crop."""
    reps = (-(-shape[0] // tileable.shape[0]), -(-shape[1] // tileable.shape[1]))
    return np.tile(tileable, reps + (1,) * (tileable.ndim - 2))[: shape[0], : shape[1]]
