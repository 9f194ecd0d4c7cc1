"""Decay cues of a 3D asset from its baked UV-space maps: cavities, convex edges, up-facing
surfaces, low parts and drips running down from edges.

Every cue is a function of the surface point (its position, normal and the occlusion and
curvature baked there), never of where the point lies in UV space, so the texels on both sides of
a UV seam get the same cue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.filters import box_blur
from neural_backend.generators.noise import smoothstep

DRIP_CELLS = 64  # voxels along the asset's longest side for the drip field
DRIP_FALL = 0.35  # a drip fades over this share of the asset's height


@dataclass
class BakedCues:
    """UV-space maps of one asset, all (H, W[, 3]) float32, top row first."""

    ambient_occlusion: np.ndarray  # 1: open to the sky, 0: fully enclosed
    curvature: np.ndarray  # 0: flat, 1: sharp edge (convex or concave)
    normal: np.ndarray  # world-space unit normal; zero where no surface was baked
    position: np.ndarray  # world-space position, scene units

    def __post_init__(self) -> None:
        expected = self.normal.shape[:2]
        for name in ("ambient_occlusion", "curvature", "normal", "position"):
            array = getattr(self, name)
            channels = 3 if name in ("normal", "position") else 1
            shape = expected + ((channels,) if channels == 3 else ())
            if array.shape != shape:
                raise ValueError(
                    f"{name} is {_describe(array.shape)}; expected {_describe(shape)} like the "
                    "normal map"
                )
            if not np.isfinite(array).all():
                raise ValueError(f"{name} has NaN or infinite values")

    @property
    def coverage(self) -> np.ndarray:
        """(H, W) bool: texels the mesh covers (its UV islands and their bake margins)."""
        return np.linalg.norm(self.normal, axis=-1) > 0.5


def _describe(shape: tuple) -> str:
    size = f"{shape[1]}×{shape[0]}"
    return size if len(shape) == 2 else f"{size}×{shape[2]}"


def asset_cues(baked: BakedCues, seed: int) -> dict[str, np.ndarray]:
    """Each cue (N,) in [0, 1] for the N covered texels, in the preset's growth names."""
    covered = baked.coverage
    occlusion = np.clip(baked.ambient_occlusion[covered], 0.0, 1.0)
    curvature = np.clip(baked.curvature[covered], 0.0, 1.0)
    normal = baked.normal[covered]
    normal = normal / np.linalg.norm(normal, axis=1, keepdims=True)
    position = baked.position[covered]
    cavity = 1.0 - occlusion
    # A sharp place that is open is a convex edge; a sharp place in shadow is a crease (cavity).
    edge = curvature * smoothstep(0.5, 0.85, occlusion)
    height = position[:, 2]
    span = max(float(height.max() - height.min()), 1e-6)
    low = 1.0 - (height - height.min()) / span
    found = {
        "cavity": cavity,
        "edge": edge,
        "up": np.maximum(normal[:, 2], 0.0),
        "low": low,
        "drip": drips(position, normal, np.maximum(edge, cavity), seed),
    }
    return {name: cue.astype(np.float32) for name, cue in found.items()}


def drips(position: np.ndarray, normal: np.ndarray, source: np.ndarray, seed: int) -> np.ndarray:
    """Streaks that start where the source is strong and run down the asset's steep faces.

    Sources are gathered into a voxel grid, carried down each vertical column with an exponential
    fade, broken into streaks by per-column noise, and read back at every point by trilinear
    interpolation: a function of 3D position, so continuous across UV seams."""
    lowest = position.min(axis=0)
    extent = np.maximum(position.max(axis=0) - lowest, 1e-6)
    cell = float(extent.max()) / DRIP_CELLS
    shape = tuple(int(n) for n in np.ceil(extent / cell).astype(int) + 1)
    index = np.minimum(((position - lowest) / cell).astype(int), np.array(shape) - 1)
    grid = np.zeros(shape, np.float32)
    np.maximum.at(grid, tuple(index.T), source.astype(np.float32))
    grid = _widen_columns(grid)
    keep = float(np.exp(-cell / max(DRIP_FALL * extent[2], cell)))
    run = np.zeros(shape[:2], np.float32)
    for level in range(shape[2] - 1, -1, -1):  # from the top down
        run = np.maximum(grid[:, :, level], run * keep)
        grid[:, :, level] = run
    rng = np.random.default_rng(seed)
    streaks = box_blur(rng.random(shape[:2]).astype(np.float32), 1, passes=1)
    grid *= (0.25 + 0.75 * smoothstep(0.35, 0.65, streaks))[:, :, None]
    steep = 1.0 - np.abs(normal[:, 2])
    return _trilinear(grid, (position - lowest) / cell - 0.5) * steep


def _widen_columns(grid: np.ndarray) -> np.ndarray:
    """Max over each column's horizontal neighbours: a face lying on a voxel boundary still meets
    the sources above it."""
    padded = np.pad(grid, ((1, 1), (1, 1), (0, 0)))
    out = grid.copy()
    for dx in (0, 1, 2):
        for dy in (0, 1, 2):
            np.maximum(out, padded[dx : dx + grid.shape[0], dy : dy + grid.shape[1]], out=out)
    return out


def _trilinear(grid: np.ndarray, coordinates: np.ndarray) -> np.ndarray:
    """grid sampled at real voxel coordinates (N, 3), voxel centres at integer coordinates."""
    limit = np.array(grid.shape) - 1
    low = np.clip(np.floor(coordinates), 0, limit).astype(int)
    high = np.minimum(low + 1, limit)
    t = np.clip(coordinates - low, 0.0, 1.0).astype(np.float32)
    result = np.zeros(len(coordinates), np.float32)
    for corner in range(8):
        pick = [(corner >> axis) & 1 for axis in range(3)]
        where = tuple(np.where(pick[axis], high[:, axis], low[:, axis]) for axis in range(3))
        weight = np.prod([t[:, a] if pick[a] else 1 - t[:, a] for a in range(3)], axis=0)
        result += grid[where] * weight
    return result
