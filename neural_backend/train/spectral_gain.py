"""Fit the texture GAN's equalizer: per class, the radial gain that brings the mean power
spectrum of its textures' grey to its photos'.

The spectral term in training matches the distribution of each crop's log spectrum, but what is
seen, and what the evaluation measures, is the mean power, which the sharpest crops dominate; and
after training the generator still had about e^−0.8 of its photos' power at periods of 2–3 pixels
in four classes. A fixed linear filter per class closes that gap wherever it is, costs one FFT,
and cannot break the wrap. Fitted to the network as trained (forward, not equalize), so a refit
after more training replaces, never compounds, the last one.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from neural_backend.data.texture_photos import TexturePhoto, random_crop
from neural_backend.eval.texture_gan import CROP, TILE, tile_crops
from neural_backend.eval.texture_metrics import radial_power
from neural_backend.models.texture_gan import Latent, TextureGenerator

TEXTURES = 256  # per class, two crops each: the mean power of 64 moved by e^±0.3
PHOTO_CROPS = 1024  # per class, every photo alike
# A gain is a correction of what the generator nearly does already; past these limits it would
# be inventing detail (or erasing it) rather than correcting its level.
GAIN_RANGE = (0.5, 2.0)


@torch.no_grad()
def fit_spectral_gain(
    generator: TextureGenerator, photos: dict[str, list[TexturePhoto]], seed: int = 0
) -> Tensor:
    """(classes, SPECTRAL_BINS): sqrt(photos' mean ring power ÷ textures' mean ring power), on
    the rings of the evaluation's 128-pixel crops (so SPECTRAL_BINS = CROP / 2)."""
    rng = np.random.default_rng(seed)
    device = next(generator.parameters()).device
    gains = []
    for label, name in enumerate(generator.config.classes):
        choices = photos[name]
        real = torch.stack(
            [random_crop(choices[i % len(choices)], CROP, rng)[:3] for i in range(PHOTO_CROPS)]
        )
        fake = _texture_crops(generator, label, torch.Generator().manual_seed(seed + label), rng)
        ratio = radial_power(real).mean(0) / radial_power(fake).mean(0).clamp_min(1e-12)
        gains.append(ratio.sqrt().clamp(*GAIN_RANGE))
    return torch.stack(gains).to(device)


def _texture_crops(generator, label: int, latent_rng, rng, chunk: int = 16) -> Tensor:
    """Two crops of each of TEXTURES textures of the class, as the evaluation takes them."""
    device = next(generator.parameters()).device
    tiles = []
    for _ in range(TEXTURES // chunk):
        cells = TILE // generator.config.cell
        latent = Latent.sample(generator.config, chunk, cells, latent_rng).to(device)
        tiles.append(generator(latent, torch.full((chunk,), label, device=device))[:, :3].cpu())
    return tile_crops(torch.cat(tiles), rng)
