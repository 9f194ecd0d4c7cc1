"""Layers that keep a feature map periodic: whatever wraps at the input wraps at the output.

With these, and nothing else touching space, a generator's output tiles exactly at any size.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class CircularConv2d(nn.Conv2d):
    """A convolution whose zero padding is replaced by wrap-around padding."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int = 3):
        super().__init__(in_ch, out_ch, kernel, padding=kernel // 2, padding_mode="circular")


def circular_upsample(x: Tensor, factor: int = 2) -> Tensor:
    """Bilinear upsampling of a periodic map: pad by wrapping, upsample, crop the pad away."""
    padded = F.pad(x, (1, 1, 1, 1), mode="circular")
    up = F.interpolate(padded, scale_factor=factor, mode="bilinear", align_corners=False)
    return up[..., factor:-factor, factor:-factor]


def circular_resize(x: Tensor, size: int) -> Tensor:
    """Resize a periodic (B, C, N, N) map to (size, size) so that it is still periodic.

    Bilinear with indices taken modulo N; shrinking first box-averages over the shrink factor
    (wrapping), so fine detail does not alias.
    """
    n = x.shape[-1]
    if size == n:
        return x
    if size < n:
        radius = round(n / size / 2)
        if radius:
            x = F.avg_pool2d(F.pad(x, (radius,) * 4, mode="circular"), 2 * radius + 1, stride=1)
    source = (torch.arange(size, device=x.device, dtype=torch.float64) + 0.5) * n / size - 0.5
    lower = torch.floor(source)
    weight = (source - lower).to(x.dtype)
    lower = lower.long() % n
    upper = (lower + 1) % n
    rows = x[..., lower, :] * (1 - weight)[:, None] + x[..., upper, :] * weight[:, None]
    return rows[..., lower] * (1 - weight) + rows[..., upper] * weight


class PixelNorm(nn.Module):
    """Normalize each position's feature vector: size-independent, unlike batch or instance norm."""

    def forward(self, x: Tensor) -> Tensor:
        return x * (x.pow(2).mean(dim=1, keepdim=True) + 1e-8).rsqrt()
