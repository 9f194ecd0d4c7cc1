"""Colour-space conversions the extension needs (numpy only)."""

from __future__ import annotations

import numpy as np


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    """Scene-linear values (clipped at 0) to sRGB-encoded ones."""
    linear = np.clip(linear, 0.0, None)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
