"""Image quilting (Efros & Freeman, SIGGRAPH 2001): the classic patch-based texture synthesis
baseline. Blocks of a real photo are laid in raster order; each is the one (among near-best)
whose overlap with what is already placed differs least, and a minimum-error cut through the
overlap hides the seam. The search is exhaustive over every source position, done with FFTs.

Used only by the benchmark, as the baseline the texture GAN is compared with: it needs a photo
of the class at run time, and its output does not tile.
"""

from __future__ import annotations

import numpy as np

BLOCK = 64
OVERLAP = 16
TOLERANCE = 0.1  # pick at random among blocks within 10% of the best error, as in the paper


def quilt(source: np.ndarray, size: int, seed: int = 0) -> np.ndarray:
    """source (H, W, C) float32 → (size, size, C) synthesized texture."""
    rng = np.random.default_rng(seed)
    height, width, channels = source.shape
    step = BLOCK - OVERLAP
    blocks = int(np.ceil((size - OVERLAP) / step))
    canvas = np.zeros((blocks * step + OVERLAP, blocks * step + OVERLAP, channels), np.float32)
    search = _OverlapSearch(source)
    for row in range(blocks):
        for col in range(blocks):
            top, left = row * step, col * step
            target = canvas[top : top + BLOCK, left : left + BLOCK]
            mask = _overlap_mask(row > 0, col > 0)
            if not mask.any():
                y, x = rng.integers(0, height - BLOCK), rng.integers(0, width - BLOCK)
            else:
                errors = search.errors(target, mask)
                good = np.flatnonzero(errors <= errors.min() * (1 + TOLERANCE) + 1e-6)
                y, x = np.unravel_index(rng.choice(good), errors.shape)
            block = source[y : y + BLOCK, x : x + BLOCK]
            keep_new = _cut(target, block, row > 0, col > 0)
            target[:] = np.where(keep_new[..., None], block, target)
    return canvas[:size, :size]


def _overlap_mask(above: bool, left: bool) -> np.ndarray:
    mask = np.zeros((BLOCK, BLOCK), np.float32)
    if above:
        mask[:OVERLAP] = 1
    if left:
        mask[:, :OVERLAP] = 1
    return mask


class _OverlapSearch:
    """Sum of squared differences between a block's overlap and every source position:
    Σ M·S² − 2 Σ M·S·T + Σ M·T², the first two as FFT correlations over the whole source."""

    def __init__(self, source: np.ndarray):
        self.source = source
        self.shape = source.shape[:2]
        self.spectra = np.fft.rfft2(source, axes=(0, 1))
        self.energy = np.fft.rfft2((source**2).sum(2))
        self.valid = (self.shape[0] - BLOCK + 1, self.shape[1] - BLOCK + 1)
        self._energy_under = {}

    def _correlate(self, spectrum: np.ndarray, kernel: np.ndarray) -> np.ndarray:
        kernel_spectrum = np.fft.rfft2(kernel, s=self.shape, axes=(0, 1))
        if kernel_spectrum.ndim == 3:
            product = (spectrum * np.conj(kernel_spectrum)).sum(2)
        else:
            product = spectrum * np.conj(kernel_spectrum)
        full = np.fft.irfft2(product, s=self.shape)
        return full[: self.valid[0], : self.valid[1]]

    def errors(self, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
        key = mask.tobytes()
        if key not in self._energy_under:  # three mask shapes: cache Σ M·S² for each
            self._energy_under[key] = self._correlate(self.energy, mask)
        cross = self._correlate(self.spectra, target * mask[..., None])
        own = float((mask[..., None] * target**2).sum())
        return np.maximum(self._energy_under[key] - 2 * cross + own, 0.0)  # FFT round-off


def _cut(old: np.ndarray, new: np.ndarray, above: bool, left: bool) -> np.ndarray:
    """Where the new block shows: everything past the minimum-error paths through the overlaps."""
    keep = np.ones((BLOCK, BLOCK), bool)
    difference = ((old - new) ** 2).sum(2)
    if left:
        path = _min_path(difference[:, :OVERLAP])
        keep &= np.arange(BLOCK)[None, :] >= path[:, None]
    if above:
        path = _min_path(difference[:OVERLAP, :].T)
        keep &= np.arange(BLOCK)[:, None] >= path[None, :]
    return keep


def _min_path(cost: np.ndarray) -> np.ndarray:
    """Column index per row of the cheapest top-to-bottom path moving at most one column a row."""
    rows, cols = cost.shape
    total = cost.copy()
    for r in range(1, rows):
        previous = np.pad(total[r - 1], 1, constant_values=np.inf)
        total[r] += np.minimum(np.minimum(previous[:-2], previous[1:-1]), previous[2:])
    path = np.empty(rows, int)
    path[-1] = int(np.argmin(total[-1]))
    for r in range(rows - 2, -1, -1):
        lo = max(path[r + 1] - 1, 0)
        path[r] = lo + int(np.argmin(total[r, lo : min(path[r + 1] + 2, cols)]))
    return path
