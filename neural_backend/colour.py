"""sRGB ↔ CIE Lab (D65) in numpy, for colour statistics: harmonization data, baselines, metrics."""

from __future__ import annotations

import numpy as np

RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
WHITE = np.array([0.95047, 1.0, 1.08883])
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)  # Rec. 709 luminance weights


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, None)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB floats in [0, 1], shape (..., 3) → Lab with L in [0, 100]."""
    xyz = srgb_to_linear(np.asarray(rgb, np.float64)) @ RGB_TO_XYZ.T / WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """Lab → sRGB floats clipped to [0, 1]."""
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * WHITE
    return np.clip(linear_to_srgb(xyz @ np.linalg.inv(RGB_TO_XYZ).T), 0.0, 1.0)


def transfer_statistics(
    lab: np.ndarray, source: np.ndarray, target: np.ndarray, strength=1.0
) -> np.ndarray:
    """Reinhard et al. 2001: move `source` pixels' Lab mean and std to those of `target` pixels.

    lab: (H, W, 3); source/target: boolean masks. Returns a copy with only `source` changed.
    """
    out = lab.copy()
    src, dst = lab[source], lab[target]
    if len(src) == 0 or len(dst) == 0:
        return out
    scale = dst.std(0) / np.maximum(src.std(0), 1e-6)
    moved = (src - src.mean(0)) * scale + dst.mean(0)
    out[source] = src + strength * (moved - src)
    return out
