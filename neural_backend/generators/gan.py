"""The trained texture GAN behind the generator interface: maps of any size that tile exactly."""

from __future__ import annotations

import numpy as np
import torch

from neural_backend.colour import LUMA
from neural_backend.generators.maps import TextureMaps
from neural_backend.layers.circular import circular_resize
from neural_backend.models.registry import fast_dtype
from neural_backend.models.texture_gan import Latent, TextureGenerator
from neural_backend.presets import Preset

NAME = "gan"
# Beyond this many generated pixels a side, zooming out is done by resampling, not generating:
# it bounds memory (a 4096² texture peaks at 2.8 GB resident, 6–8 s on 2 cores; 9 s in float32)
# whatever size and scale are asked for.
MAX_GENERATED = 4096


class GanTextures:
    """generate(preset, size, seed, scale, variation) with a loaded generator.

    precision: one of config.PRECISIONS (a 1024² texture's network on 2 AVX512-BF16 cores:
    ~245 ms in float32, ~180 ms with "auto").
    """

    def __init__(self, model: TextureGenerator, device: str = "cpu", precision: str = "auto"):
        self.model = model.to(device).eval()
        self.device = device
        self.classes = list(model.config.classes)
        self.trunk_dtype = fast_dtype(device, precision)

    def __call__(
        self, preset: Preset, size: int, seed: int, scale: float = 1.0, variation: float = 0.0
    ) -> TextureMaps:
        if preset.name not in self.classes:
            raise ValueError(
                f"the texture GAN was not trained on {preset.name!r}; "
                f"it knows {', '.join(self.classes)}"
            )
        maps = self.generate_maps(self.classes.index(preset.name), size, seed, scale, variation)
        albedo, height = maps[:3].permute(1, 2, 0).numpy(), maps[3].numpy()
        return TextureMaps(albedo, height, roughness_from(albedo, height, preset))

    @torch.no_grad()
    def generate_maps(
        self, label: int, size: int, seed: int, scale: float, variation: float
    ) -> torch.Tensor:
        """(4, size, size) float tensor on the CPU: albedo RGB and height."""
        cell = self.model.config.cell
        cells = int(np.clip(round(size / scale / cell), 1, MAX_GENERATED // cell))
        latent = self._latent(seed, cells)
        if variation:
            latent = latent.blend(self._latent(seed + 1, cells), float(variation))
        label_tensor = torch.tensor([label], device=self.device)
        maps = circular_resize(self.model(latent, label_tensor, self.trunk_dtype), size)
        # The tile's origin is arbitrary on a torus; put its edges mid-cell, away from where the
        # latent grid's cells meet, so the wrap line is an ordinary line of the texture. And on an
        # odd line: a bilinear doubling makes the lines between two source pixels a little rougher
        # than those between the two halves of one, and the wrap, exact either way, would read
        # as a faint seam on the rougher kind (seam ratio 1.03–1.06 there, 0.93–1.0 here).
        shift = round(size / cells / 2) | 1
        return torch.roll(maps, (shift, shift), dims=(2, 3))[0].clamp_(0, 1).cpu()

    def _latent(self, seed: int, cells: int) -> Latent:
        # Sampled on the CPU: the same seed gives the same texture on every machine and device.
        latent = Latent.sample(self.model.config, 1, cells, torch.Generator().manual_seed(seed))
        return latent.to(self.device)


def roughness_from(albedo: np.ndarray, height: np.ndarray, preset: Preset) -> np.ndarray:
    """Roughness within the preset's range: dark and low (pits, crust) is rough, bright and high
    (exposed, polished) is smoother. There are no measured roughness maps to learn from."""
    luminance = albedo @ LUMA
    tone = 0.7 * (1 - _stretch(luminance)) + 0.3 * (1 - _stretch(height))
    low, high = preset.pbr["roughness_min"], preset.pbr["roughness_max"]
    return (low + (high - low) * tone).astype(np.float32)


def _stretch(field: np.ndarray, bins: int = 4096) -> np.ndarray:
    """Map a [0, 1] field's 1st..99th percentiles to [0, 1]. The percentiles come from a
    histogram: exact to 1/4096, and 2 ms for a 1024² map where np.percentile takes 17."""
    index = (field.ravel() * (bins - 1) + 0.5).astype(np.int32)
    cumulative = np.cumsum(np.bincount(index.clip(0, bins - 1), minlength=bins))
    ranks = [0.01 * cumulative[-1], 0.99 * cumulative[-1]]
    lo, hi = np.searchsorted(cumulative, ranks) / (bins - 1)
    return np.clip((field - lo) / max(hi - lo, 1e-6), 0, 1)
