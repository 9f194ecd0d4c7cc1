"""Fast image filters in numpy, for pipelines that must not wait for torch."""

from __future__ import annotations

import numpy as np


def box_blur(field: np.ndarray, radius: int, passes: int = 2, padding: str = "edge") -> np.ndarray:
    """Box blur of width 2·radius+1 along both axes by cumulative sums, edge-padded (or "wrap"
    for tileable maps); two passes approximate a Gaussian. Works on (H, W) or (H, W, C); cost
    does not grow with the radius."""
    radius = int(radius)
    if radius < 1:
        return field.astype(np.float32)
    out = field.astype(np.float64)
    for _ in range(passes):
        for axis in (0, 1):
            pad = [(0, 0)] * out.ndim
            pad[axis] = (radius + 1, radius)
            summed = np.cumsum(np.pad(out, pad, mode=padding), axis=axis)
            length = summed.shape[axis]
            upper = np.take(summed, np.arange(2 * radius + 1, length), axis=axis)
            lower = np.take(summed, np.arange(0, length - 2 * radius - 1), axis=axis)
            out = (upper - lower) / (2 * radius + 1)
    return out.astype(np.float32)
