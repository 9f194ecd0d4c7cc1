"""Harmonize a composite of any size: the pasted region takes the scene's colour and contrast."""

from __future__ import annotations

import numpy as np
import torch

from neural_backend.codecs import quantize
from neural_backend.colour import LUMA
from neural_backend.config import HARMONIZATION_CAUTION
from neural_backend.models.harmonization import (
    HarmonizationNet,
    apply_transforms,
    fields_at_cautions,
    harmonize,
    region_transform,
)


class Harmonizer:
    def __init__(
        self,
        model: HarmonizationNet,
        device: str = "cpu",
        caution: float | None = HARMONIZATION_CAUTION,
    ):
        """caution: see models.harmonization.correction_field; None runs the network once."""
        self.model = model.to(device).eval()
        self.device = device
        self.caution = caution

    def with_caution(self, caution: float | None) -> Harmonizer:
        """The same network at another caution (the model is shared, not copied)."""
        return Harmonizer(self.model, self.device, caution)

    def harmonize(self, composite: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """composite (H, W, 3) uint8; mask (H, W) uint8, foreground 255. Gives uint8."""
        result = self.harmonize_float(composite / 255.0, mask / 255.0)  # checks the shapes
        return quantize(result, 8)

    def harmonize_at_cautions(
        self, composite: np.ndarray, mask: np.ndarray, cautions: list[float]
    ) -> list[np.ndarray]:
        """harmonize at each caution (uint8 in, uint8 out), the network run once for all."""
        image, region = self._inputs(composite / 255.0, mask / 255.0)
        fields, _ = fields_at_cautions(self.model, image, region, cautions)
        return [quantize(_image(apply_transforms(image, region, field)), 8) for field in fields]

    def harmonize_float(
        self, composite: np.ndarray, mask: np.ndarray, uniform: bool = False
    ) -> np.ndarray:
        """composite (H, W, 3) and mask (H, W) as floats in [0, 1]; gives float32 (H, W, 3).
        uniform: one colour transform for the whole region (keeps its light and shade)."""
        result = harmonize(self.model, *self._inputs(composite, mask), uniform, self.caution)
        return _image(result)

    def recolour(self, image: np.ndarray, composite: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """image (H', W', 3) in [0, 1] given the colour and contrast that harmonize the masked
        region of the composite (one transform), its own brightness kept: harmonization learned to
        match a pasted object's level to its surroundings, but rust on a pale wall is darker."""
        transform = region_transform(self.model, *self._inputs(composite, mask), self.caution)
        source = self._batch(image)
        result = _image(apply_transforms(source, torch.ones_like(source[:, :1]), transform))
        ratio = (image @ LUMA) / np.maximum(result @ LUMA, 1e-4)
        return np.clip(result * ratio[..., None], 0.0, 1.0).astype(np.float32)

    def _inputs(self, composite: np.ndarray, mask: np.ndarray) -> tuple:
        """Checked composite and mask as (1, 3, H, W) and (1, 1, H, W) on the model's device."""
        _check(composite, mask)
        return self._batch(composite), self._batch(mask[..., None])

    def _batch(self, image: np.ndarray) -> torch.Tensor:
        """(H, W, C) floats as a (1, C, H, W) tensor on the model's device."""
        tensor = torch.from_numpy(np.asarray(image, np.float32).copy())
        return tensor.permute(2, 0, 1)[None].to(self.device)


def _image(batch: torch.Tensor) -> np.ndarray:
    """(1, C, H, W) → (H, W, C) numpy."""
    return batch[0].permute(1, 2, 0).cpu().numpy()


def _check(composite: np.ndarray, mask: np.ndarray) -> None:
    if composite.ndim != 3 or composite.shape[2] != 3:
        raise ValueError(f"composite must be an RGB image, got shape {composite.shape}")
    if mask.shape[:2] != composite.shape[:2]:
        raise ValueError(
            f"mask is {mask.shape[1]}×{mask.shape[0]} but composite is "
            f"{composite.shape[1]}×{composite.shape[0]}; they must match"
        )
