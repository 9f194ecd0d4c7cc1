"""Periodic noise primitives: every field here wraps exactly (left edge continues the right,
top continues the bottom), so anything built from them tiles without a seam.

Fields are float32 arrays of shape (size, size) in [0, 1] unless stated otherwise.
"""

from __future__ import annotations

import numpy as np


def fractal_noise(
    rng: np.random.Generator,
    size: int,
    feature_px: float,
    roughness: float = 1.0,
    stretch_y: float = 1.0,
) -> np.ndarray:
    """Fractal (1/f) noise filtered in the Fourier domain, hence exactly periodic.

    feature_px is the size of the largest features in pixels; roughness is the spectral slope
    (higher: smoother). stretch_y > 1 elongates features vertically (streaks, drips).
    """
    white = rng.standard_normal((size, size)).astype(np.float32)
    spectrum = np.fft.rfft2(white)
    # Frequencies in cycles per pixel, so a feature keeps its size in pixels at any output size.
    fy = np.fft.fftfreq(size)[:, None] * stretch_y
    fx = np.fft.rfftfreq(size)[None, :]
    cutoff = 1.0 / max(feature_px, 1.0)
    amplitude = (fx**2 + fy**2 + cutoff**2) ** (-(1.0 + roughness) / 2.0)
    amplitude[0, 0] = 0.0
    field = np.fft.irfft2(spectrum * amplitude, s=(size, size)).astype(np.float32)
    return _to_unit(field)


def _to_unit(field: np.ndarray) -> np.ndarray:
    """Standardize, then squash smoothly into [0, 1] (no clipping plateaus)."""
    std = float(field.std()) or 1.0
    return (0.5 + 0.5 * np.tanh((field - field.mean()) / (1.5 * std))).astype(np.float32)


def worley(rng: np.random.Generator, size: int, cell_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Toroidal Worley (cellular) noise: distances to the nearest and second-nearest feature point.

    One jittered point per cell on an n-by-n grid that wraps around, so the cells tile. Distances
    are in units of the cell size (F1 in [0, ~1.1], F2 >= F1).
    """
    cells = max(1, round(size / cell_px))
    cell = size / cells
    jitter = rng.random((cells, cells, 2), dtype=np.float32)
    centres = (np.arange(size, dtype=np.float32) + 0.5) / cell  # pixel centres in cell units
    home = np.floor(centres).astype(np.int64)
    nearest = np.full((size, size), np.inf, dtype=np.float32)
    second = np.full((size, size), np.inf, dtype=np.float32)
    for dy in (-1, 0, 1):
        rows = home + dy
        for dx in (-1, 0, 1):
            cols = home + dx
            # The point of a neighbouring cell, placed at its unwrapped position, so distances
            # across the tile edge are measured to the copy of the point on the other side.
            point = jitter[np.ix_(rows % cells, cols % cells)]
            py = rows[:, None] + point[..., 0] - centres[:, None]
            px = cols[None, :] + point[..., 1] - centres[None, :]
            distance = np.sqrt(py * py + px * px)
            second = np.minimum(second, np.maximum(distance, nearest))
            nearest = np.minimum(nearest, distance)
    return nearest, second


def warp(field: np.ndarray, offset_y: np.ndarray, offset_x: np.ndarray) -> np.ndarray:
    """Sample field at (y + offset_y, x + offset_x) bilinearly, wrapping around the edges."""
    size_y, size_x = field.shape
    ys = np.arange(size_y, dtype=np.float32)[:, None] + offset_y
    xs = np.arange(size_x, dtype=np.float32)[None, :] + offset_x
    y0 = np.floor(ys)
    x0 = np.floor(xs)
    ty = ys - y0
    tx = xs - x0
    y0 = y0.astype(np.int64) % size_y
    x0 = x0.astype(np.int64) % size_x
    y1 = (y0 + 1) % size_y
    x1 = (x0 + 1) % size_x
    top = field[y0, x0] * (1 - tx) + field[y0, x1] * tx
    bottom = field[y1, x0] * (1 - tx) + field[y1, x1] * tx
    return (top * (1 - ty) + bottom * ty).astype(np.float32)


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)
