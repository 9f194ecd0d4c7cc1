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
        """composite (H, W, 3) uint8; mask (H, W) uint8 or bool, foreground > half. Gives uint8."""
        if composite.ndim != 3 or composite.shape[2] != 3:
            raise ValueError(f"composite must be an RGB image, got shape {composite.shape}")
        if mask.shape[:2] != composite.shape[:2]:
            raise ValueError(
                f"mask is {mask.shape[1]}×{mask.shape[0]}, "
                f"composite {composite.shape[1]}×{composite.shape[0]}"
            )
        weight = mask.astype(np.float32)
        weight = weight / 255.0 if mask.dtype == np.uint8 else weight
        image = (
            torch.from_numpy(np.array(composite))
            .permute(2, 0, 1)[None]
            .float()
            .div(255)
            .to(self.device)
        )
        soft_mask = torch.from_numpy(weight)[None, None].to(self.device)
        result = harmonize(self.model, image, soft_mask)[0].permute(1, 2, 0).cpu().numpy()
        return (result * 255).round().clip(0, 255).astype(np.uint8)
