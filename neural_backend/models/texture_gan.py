"""Conditional periodic spatial GAN for tileable weathering textures (issue 3).

The generator is fully convolutional with circular padding and wrap-safe upsampling only, so a
latent grid of L×L cells becomes a 32L×32L texture that tiles exactly, for any L. Its latent has
three parts, as in PSGAN (Bergmann et al. 2017): local noise per cell (what varies from place to
place), a global vector per texture (its overall character), and periodic sinusoids with learned
wave vectors (regular structure). A learned class embedding joins them. Per-pixel noise images
with learned per-channel strengths (as in StyleGAN), each scaled by a gain from the texture's
code, feed every layer after the stem: grain, pits and speckle are stochastic detail, which
bilinear upsampling alone renders far too smooth, and how much of it there is varies from
texture to texture.
The last doubling feeds a narrow full-resolution stage, so the output has detail up to the pixel
at a fraction of the cost of a full-width last stage. It resizes, then convolves: a sub-pixel
convolution was tried and its four phases drifted apart into a two-pixel checkerboard.
Output channels: albedo (sRGB, 3), height (1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils import spectral_norm

from neural_backend.layers.circular import CircularConv2d, PixelNorm, circular_upsample_conv
from neural_backend.models.config import JsonConfig


@dataclass(frozen=True)
class TextureGANConfig(JsonConfig):
    classes: tuple[str, ...] = (
        "dirt",
        "moss",
        "peeling_paint",
        "rust",
        "water_stain",
        "weathered_concrete",
    )
    local_dim: int = 20
    global_dim: int = 32
    periodic_waves: int = 4
    class_dim: int = 16
    widths: tuple[int, ...] = (128, 96, 64, 48, 24)
    detail_width: int = 8  # channels of the full-resolution stage
    disc_widths: tuple[int, ...] = (32, 64, 128, 192, 256)

    @property
    def cell(self) -> int:
        """Output pixels per latent cell: a doubling per trunk block, one into the detail stage."""
        return 2 ** len(self.widths)

    def noise_sizes(self, cells: int) -> list[int]:
        """Side of each noise image: one per trunk block, then the full-resolution stage."""
        return [cells * 2**level for level in range(1, len(self.widths) + 1)]


@dataclass
class Latent:
    """Everything random about one batch of textures; a seed makes it reproducible."""

    local: Tensor  # (B, local_dim, L, L)
    global_: Tensor  # (B, global_dim)
    phase: Tensor  # (B, waves)
    noise: tuple[Tensor, ...]  # (B, 1, 2L, 2L), (B, 1, 4L, 4L), … up to the output's size

    @classmethod
    def sample(cls, config: TextureGANConfig, batch: int, cells: int, generator=None, device="cpu"):
        def normal(*shape):
            return torch.randn(*shape, generator=generator, device=device)

        # Global parts first: a seed keeps its overall character at every size.
        global_ = normal(batch, config.global_dim)
        phase = (
            torch.rand(batch, config.periodic_waves, generator=generator, device=device)
            * 2
            * math.pi
        )
        local = normal(batch, config.local_dim, cells, cells)
        noise = tuple(normal(batch, 1, side, side) for side in config.noise_sizes(cells))
        return cls(local, global_, phase, noise)

    def blend(self, other: Latent, t: float) -> Latent:
        """Spherical blend: every point on the way is as likely a latent as the ends."""
        return Latent(
            _slerp(self.local, other.local, t),
            _slerp(self.global_, other.global_, t),
            self.phase + t * _wrap_angle(other.phase - self.phase),
            tuple(_slerp(a, b, t) for a, b in zip(self.noise, other.noise, strict=True)),
        )

    def to(self, device) -> Latent:
        return Latent(
            self.local.to(device),
            self.global_.to(device),
            self.phase.to(device),
            tuple(n.to(device) for n in self.noise),
        )


def _slerp(a: Tensor, b: Tensor, t: float) -> Tensor:
    return math.cos(t * math.pi / 2) * a + math.sin(t * math.pi / 2) * b


def _wrap_angle(angle: Tensor) -> Tensor:
    return torch.remainder(angle + math.pi, 2 * math.pi) - math.pi


class PeriodicField(nn.Module):
    """Sinusoids with a learned wave vector per class and a random phase per texture.

    Wave vectors are rounded to whole cycles per tile (straight-through, so they still learn), so
    every sinusoid, and with it the texture, wraps exactly at any tile size. They depend on the
    class only, not on the seed: blending two seeds then only shifts phases, never jumps.
    """

    def __init__(self, classes: int, waves: int):
        super().__init__()
        self.waves = waves
        self.wave = nn.Embedding(classes, 2 * waves)
        nn.init.uniform_(self.wave.weight, -1.0, 1.0)

    def forward(self, class_index: Tensor, phase: Tensor, cells: int) -> Tensor:
        # Cycles per cell, bounded so the shortest period is two cells.
        frequency = 0.5 * torch.tanh(self.wave(class_index)).view(-1, self.waves, 2)
        cycles = frequency * cells
        cycles = cycles + (torch.round(cycles) - cycles).detach()
        position = torch.arange(cells, device=phase.device, dtype=phase.dtype) / cells
        angle = (
            2
            * math.pi
            * (
                cycles[..., 0, None, None] * position[:, None]
                + cycles[..., 1, None, None] * position[None, :]
            )
        )
        return torch.sin(angle + phase[..., None, None])


class NoiseStrength(nn.Module):
    """Adds a noise image scaled per channel and per texture: a learned strength times a gain
    from the texture's code (global latent and class), up to e^±2.

    The gain is what lets one seed be crisp and the next soft, as photos are: with one fixed
    strength, the log of the GAN's fine-detail power varied from seed to seed with a standard
    deviation of 0.11–0.35 in four classes, against their photos' 0.63–1.84. The strength
    starts at zero and the gain's layer at zero (a gain of 1), so a new layer is inert and
    weights from before the gain existed load and draw exactly as they did."""

    def __init__(self, channels: int, code_dim: int):
        super().__init__()
        self.strength = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.gain = nn.Linear(code_dim, channels)
        nn.init.zeros_(self.gain.weight)
        nn.init.zeros_(self.gain.bias)

    def forward(self, x: Tensor, noise: Tensor, code: Tensor) -> Tensor:
        scale = self.strength * torch.exp(2 * torch.tanh(self.gain(code)))[..., None, None]
        # In x's precision: a float32 term would turn a bfloat16 trunk back to float32.
        return x + scale.to(x.dtype) * noise.to(x.dtype)


class UpBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, code_dim: int):
        super().__init__()
        self.conv1 = CircularConv2d(in_ch, out_ch)
        self.conv2 = CircularConv2d(out_ch, out_ch)
        self.noise1, self.noise2 = NoiseStrength(out_ch, code_dim), NoiseStrength(out_ch, code_dim)
        self.norm = PixelNorm()

    def forward(self, x: Tensor, noise: Tensor, code: Tensor) -> Tensor:
        x = circular_upsample_conv(x, self.conv1)  # = conv1(circular_upsample(x)), faster
        x = self.norm(F.leaky_relu(self.noise1(x, noise, code), 0.2))
        return self.norm(F.leaky_relu(self.noise2(self.conv2(x), noise, code), 0.2))


class TextureGenerator(nn.Module):
    def __init__(self, config: TextureGANConfig = TextureGANConfig()):
        super().__init__()
        self.config = config
        c = config
        self.class_embedding = nn.Embedding(len(c.classes), c.class_dim)
        code_dim = c.global_dim + c.class_dim
        self.periodic = PeriodicField(len(c.classes), c.periodic_waves)
        in_ch = c.local_dim + code_dim + c.periodic_waves
        self.stem = nn.Sequential(
            CircularConv2d(in_ch, c.widths[0]), nn.LeakyReLU(0.2), PixelNorm()
        )
        self.blocks = nn.ModuleList(
            UpBlock(a, b, code_dim) for a, b in zip(c.widths[:-1], c.widths[1:], strict=False)
        )
        self.to_detail = CircularConv2d(c.widths[-1], c.detail_width)
        self.detail_noise = NoiseStrength(c.detail_width, code_dim)
        self.to_output = CircularConv2d(c.detail_width, 4)

    def forward(
        self, latent: Latent, class_index: Tensor, trunk_dtype: torch.dtype | None = None
    ) -> Tensor:
        """(B, 4, 32L, 32L): albedo in [0, 1] (sRGB) and height in [0, 1].

        trunk_dtype (inference only), e.g. bfloat16: the trunk, where nearly all the arithmetic
        is, runs in that precision; the full-resolution stage stays in float32, so the height map
        keeps sub-8-bit steps (bfloat16 resolves only 1/256 near 1).
        """
        cells = latent.local.shape[-1]
        code = torch.cat([latent.global_, self.class_embedding(class_index)], dim=1)
        spatial = code[..., None, None].expand(-1, -1, cells, cells)
        periodic = self.periodic(class_index, latent.phase, cells)
        *block_noise, detail_noise = latent.noise
        device = latent.local.device.type
        with torch.autocast(device, dtype=trunk_dtype, enabled=trunk_dtype is not None):
            x = self.stem(torch.cat([latent.local, spatial, periodic], dim=1))
            for block, noise in zip(self.blocks, block_noise, strict=True):
                x = block(x, noise, code)
            x = circular_upsample_conv(x, self.to_detail)
        x = F.leaky_relu(self.detail_noise(x.float(), detail_noise, code.float()), 0.2)
        return torch.sigmoid(self.to_output(x))


class Discriminator(nn.Module):
    """Strided convolutions with spectral norm and a class projection (Miyato & Koyama 2018).

    Sees albedo and height; plain zero padding is right here, since it judges crops, not tiles.
    """

    def __init__(self, config: TextureGANConfig = TextureGANConfig()):
        super().__init__()
        self.config = config
        layers, in_ch = [], 4
        for width in config.disc_widths:
            layers += [spectral_norm(nn.Conv2d(in_ch, width, 4, 2, 1)), nn.LeakyReLU(0.2)]
            in_ch = width
        self.features = nn.Sequential(*layers)
        self.linear = spectral_norm(nn.Linear(in_ch, 1))
        self.projection = spectral_norm(nn.Embedding(len(config.classes), in_ch))

    def forward(self, maps: Tensor, class_index: Tensor) -> Tensor:
        pooled = self.features(maps * 2 - 1).sum(dim=(2, 3))
        return self.linear(pooled)[:, 0] + (self.projection(class_index) * pooled).sum(dim=1)
