"""Pixel-only texture metrics (nothing downloaded): seams, spectra, colour, a learned two-sample
test, diversity and copying. Crops are float tensors (N, 3, H, W) of sRGB in [0, 1]."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from neural_backend.colour import rgb_to_lab


def seam_ratio(tiles: Tensor) -> float:
    """Mean |difference| across the wrap edges ÷ the same between neighbouring interior pixels.
    1.0 means the wrap is as continuous as the inside; a photo crop is typically well above."""
    wrap = torch.cat(
        [
            (tiles[..., 0] - tiles[..., -1]).abs().flatten(),
            (tiles[..., 0, :] - tiles[..., -1, :]).abs().flatten(),
        ]
    )
    inner = torch.cat(
        [
            (tiles[..., 1:] - tiles[..., :-1]).abs().flatten(),
            (tiles[..., 1:, :] - tiles[..., :-1, :]).abs().flatten(),
        ]
    )
    return float(wrap.mean() / inner.mean().clamp_min(1e-12))


def radial_power(crops: Tensor) -> Tensor:
    """(N, size/2) radially averaged power spectrum of each crop's luminance (Hann-windowed,
    since crops of photos do not wrap); differentiable, so training can match it too."""
    grey = crops.mean(1)
    size = grey.shape[-1]
    window = torch.hann_window(size, periodic=False, device=crops.device)
    grey = (grey - grey.mean(dim=(1, 2), keepdim=True)) * window[:, None] * window[None, :]
    power = torch.fft.fftshift(torch.fft.fft2(grey).abs() ** 2, dim=(-2, -1))
    return power.flatten(1) @ _radial_bins(size, crops.device)


def _radial_bins(size: int, device) -> Tensor:
    """(size², size/2): averages a shifted spectrum over rings of radius 1 … size/2."""
    yy, xx = torch.meshgrid(
        torch.arange(size) - size // 2, torch.arange(size) - size // 2, indexing="ij"
    )
    radius = (yy**2 + xx**2).float().sqrt().round().long().clamp(max=size // 2).flatten()
    bins = F.one_hot(radius, size // 2 + 1).float()
    return (bins / bins.sum(0).clamp_min(1))[:, 1:].to(device)


def radial_log_spectrum(crops: Tensor) -> Tensor:
    """Log of the crops' mean radially averaged power spectrum."""
    return radial_power(crops).mean(0).clamp_min(1e-12).log()


def spectrum_distance(a: Tensor, b: Tensor) -> float:
    return float((radial_log_spectrum(a) - radial_log_spectrum(b)).abs().mean())


def lab_pixels(crops: Tensor, count: int, rng: np.random.Generator) -> np.ndarray:
    pixels = crops.permute(0, 2, 3, 1).reshape(-1, 3).numpy()
    return rgb_to_lab(pixels[rng.choice(len(pixels), count, replace=len(pixels) < count)])


def sliced_wasserstein(a: np.ndarray, b: np.ndarray, directions: int = 64, seed: int = 0) -> float:
    """Mean 1-D Wasserstein distance of the two point clouds along random directions (Lab units)."""
    rng = np.random.default_rng(seed)
    axes = rng.standard_normal((a.shape[1], directions))
    axes /= np.linalg.norm(axes, axis=0)
    return float(np.abs(np.sort(a @ axes, axis=0) - np.sort(b @ axes, axis=0)).mean())


def colour_distance(a: Tensor, b: Tensor, pixels: int = 20000, seed: int = 0) -> float:
    # The same sampling for both sets, so identical sets are at distance zero.
    def sample(crops):
        return lab_pixels(crops, pixels, np.random.default_rng(seed))

    return sliced_wasserstein(sample(a), sample(b), seed=seed)


def content(crops: Tensor) -> Tensor:
    """What diversity compares: the colours at 32², so content counts and grain does not."""
    return F.adaptive_avg_pool2d(crops[:, :3], 32)


def diversity(crops: Tensor) -> float:
    """Mean L1 distance between the content of different crops."""
    small = content(crops).flatten(1)
    distances = torch.cdist(small, small, p=1) / small.shape[1]
    n = len(small)
    return float(distances.sum() / (n * (n - 1)))


class _Critic(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 32, 3, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(32, 64, 3, 2, 1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(64, 64, 3, 2, 1),
            nn.LeakyReLU(0.2),
            nn.AdaptiveAvgPool2d(1),
            nn.Flatten(),
            nn.Linear(64, 1),
        )


def two_sample_accuracy(real: Tensor, fake: Tensor, steps: int = 300, seed: int = 0) -> float:
    """Held-out accuracy of a small CNN trained from scratch to tell real crops from generated.
    50% means it cannot; 100% means they are trivially told apart."""
    torch.manual_seed(seed)
    n = min(len(real), len(fake))
    order_r, order_f = torch.randperm(len(real))[:n], torch.randperm(len(fake))[:n]
    half = n // 2
    train_x = torch.cat([real[order_r[:half]], fake[order_f[:half]]])
    train_y = torch.cat([torch.ones(half), torch.zeros(half)])
    test_x = torch.cat([real[order_r[half:]], fake[order_f[half:]]])
    test_y = torch.cat([torch.ones(n - half), torch.zeros(n - half)])
    critic = _Critic()
    optimizer = torch.optim.Adam(critic.parameters(), lr=1e-3)
    for _ in range(steps):
        batch = torch.randint(0, len(train_x), (32,))
        images = torch.rot90(train_x[batch], int(torch.randint(4, ()).item()), dims=(2, 3))
        loss = F.binary_cross_entropy_with_logits(critic(images * 2 - 1)[:, 0], train_y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        predicted = (critic(test_x * 2 - 1)[:, 0] > 0).float()
    return float((predicted == test_y).float().mean())


def max_normalized_cross_correlation(samples: Tensor, photos: list[Tensor]) -> float:
    """The highest NCC of any sample (grey, full window) at any position of any photo (FFT)."""
    best = -1.0
    for photo in photos:
        image = photo[:3].mean(0).double()
        for sample in samples:
            template = sample.mean(0).double()
            best = max(best, _best_ncc(image, template))
    return best


def _best_ncc(image: Tensor, template: Tensor) -> float:
    h, w = template.shape
    if image.shape[0] < h or image.shape[1] < w:
        return -1.0
    t = template - template.mean()
    t_norm = t.norm().clamp_min(1e-12)
    shape = image.shape
    corr = torch.fft.irfft2(
        torch.fft.rfft2(image) * torch.fft.rfft2(t.flip(0, 1), s=shape), s=shape
    )
    corr = corr[h - 1 :, w - 1 :]  # valid positions only
    local_sum, local_sq = _box_sum(image, h, w), _box_sum(image**2, h, w)
    local_var = (local_sq - local_sum**2 / (h * w)).clamp_min(1e-12)
    ncc = corr / (t_norm * local_var.sqrt())
    return float(ncc.max())


def _box_sum(image: Tensor, h: int, w: int) -> Tensor:
    """Sum over every h×w window (valid positions), from an integral image."""
    integral = F.pad(image.cumsum(0).cumsum(1), (1, 0, 1, 0))
    return integral[h:, w:] - integral[:-h, w:] - integral[h:, :-w] + integral[:-h, :-w]
