"""Harmonize a composite of any size: the pasted region takes the scene's colour and contrast."""

from __future__ import annotations

import numpy as np
import torch

from neural_backend.colour import LUMA
from neural_backend.models.harmonization import (
    HarmonizationNet,
    apply_transforms,
    harmonize,
    region_transform,
)


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

    def recolour(self, image: np.ndarray, composite: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """image (H', W', 3) in [0, 1] given the colour and contrast that harmonize the masked
        region of the composite (one transform), its own brightness kept: harmonization learned to
        match a pasted object's level to its surroundings, but rust on a pale wall is darker."""
        _check(composite, mask)
        tensor = torch.from_numpy(np.asarray(composite, np.float32).copy()).permute(2, 0, 1)[None]
        weight = torch.from_numpy(np.asarray(mask, np.float32).copy())[None, None]
        transform = region_transform(self.model, tensor.to(self.device), weight.to(self.device))
        source = torch.from_numpy(np.asarray(image, np.float32).copy()).permute(2, 0, 1)[None]
        everywhere = torch.ones_like(source[:, :1])
        result = apply_transforms(source.to(self.device), everywhere, transform)
        result = result[0].permute(1, 2, 0).cpu().numpy()
        ratio = (image @ LUMA) / np.maximum(result @ LUMA, 1e-4)
        return np.clip(result * ratio[..., None], 0.0, 1.0).astype(np.float32)


def _check(composite: np.ndarray, mask: np.ndarray) -> None:
    if composite.ndim != 3 or composite.shape[2] != 3:
        raise ValueError(f"composite must be an RGB image, got shape {composite.shape}")
    if mask.shape[:2] != composite.shape[:2]:
        raise ValueError(
            f"mask is {mask.shape[1]}×{mask.shape[0]} but composite is "
            f"{composite.shape[1]}×{composite.shape[0]}; they must match"
        )
