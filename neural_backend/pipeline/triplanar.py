"""Sample a tileable map on a surface by its 3D position, not its UVs.

Each texel looks the map up on the three axis planes through its position and blends them by its
normal. Two texels of different UV islands that show the same surface point get the same value,
so UV seams cannot show; the map's tileability makes every plane seamless too.
"""

from __future__ import annotations

import numpy as np

SHARPNESS = 4.0  # higher: the blend between planes narrows to where the normal is diagonal


def sample_wrapped(tile: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Bilinear lookup of a tileable (T, T) or (T, T, C) map at real texel coordinates, wrapping
    around its edges."""
    height, width = tile.shape[:2]
    r0, c0 = np.floor(rows), np.floor(columns)
    fr, fc = (rows - r0).astype(np.float32), (columns - c0).astype(np.float32)
    r0, c0 = r0.astype(np.int64) % height, c0.astype(np.int64) % width
    r1, c1 = (r0 + 1) % height, (c0 + 1) % width
    if tile.ndim == 3:
        fr, fc = fr[:, None], fc[:, None]
    top = tile[r0, c0] * (1 - fc) + tile[r0, c1] * fc
    bottom = tile[r1, c0] * (1 - fc) + tile[r1, c1] * fc
    return (top * (1 - fr) + bottom * fr).astype(np.float32)


def triplanar(
    tile: np.ndarray, position: np.ndarray, normal: np.ndarray, repeats_per_unit: float
) -> np.ndarray:
    """The map at N surface points: position and normal (N, 3); gives (N,) or (N, C)."""
    weights = np.abs(normal) ** SHARPNESS
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-8)
    texels = position * repeats_per_unit * tile.shape[0]
    result = 0.0
    # The plane facing x is spanned by y and z, and so on.
    for axis, (across, down) in enumerate(((1, 2), (0, 2), (0, 1))):
        sample = sample_wrapped(tile, -texels[:, down], texels[:, across])
        weight = weights[:, axis]
        result = result + sample * (weight[:, None] if sample.ndim == 2 else weight)
    return np.asarray(result, np.float32)
