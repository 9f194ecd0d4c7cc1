"""Harmonize a composite of any size: the pasted region takes the scene's colour and contrast."""

from __future__ import annotations

import numpy as np
import torch

from neural_backend.models.harmonization import HarmonizationNet, harmonize


class Harmonizer:
    def __init__(self, model: HarmonizationNet, device: str = "cpu"):
        self.model = model.to(device).eval()
        self.device = device

    def harmonize(self, composite: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """composite (H, W, 3) uint8; mask (H, W) uint8, foreground 255. Gives uint8."""
        result = self.harmonize_float(composite / 255.0, mask / 255.0)  # checks the shapes
        return (result * 255).round().clip(0, 255).astype(np.uint8)

    def harmonize_float(
        self, composite: np.ndarray, mask: np.ndarray, uniform: bool = False
    ) -> np.ndarray:
        """composite (H, W, 3) and mask (H, W) as floats in [0, 1]; gives float32 (H, W, 3).
        uniform: one colour transform for the whole region (keeps its light and shade)."""
        _check(composite, mask)
        image = torch.from_numpy(np.asarray(composite, np.float32).copy()).permute(2, 0, 1)[None]
        weight = torch.from_numpy(np.asarray(mask, np.float32).copy())[None, None]
        result = harmonize(self.model, image.to(self.device), weight.to(self.device), uniform)
        return result[0].permute(1, 2, 0).cpu().numpy()


def _check(composite: np.ndarray, mask: np.ndarray) -> None:
    if composite.ndim != 3 or composite.shape[2] != 3:
        raise ValueError(f"composite must be an RGB image, got shape {composite.shape}")
    if mask.shape[:2] != composite.shape[:2]:
        raise ValueError(
            f"mask is {mask.shape[1]}×{mask.shape[0]} but composite is "
            f"{composite.shape[1]}×{composite.shape[0]}; they must match"
        )
