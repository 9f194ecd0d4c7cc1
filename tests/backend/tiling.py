"""How smooth a map's wrap seam is compared with its interior."""

import numpy as np


def seam_and_interior(image: np.ndarray, axis: int) -> tuple[float, np.ndarray]:
    """Mean step across the wrap edge, and the mean step across each interior line."""
    pixels = image.astype(np.float64)
    pixels = pixels if pixels.ndim == 3 else pixels[..., None]
    first = np.take(pixels, 0, axis=axis)
    last = np.take(pixels, -1, axis=axis)
    seam = float(np.abs(first - last).mean())
    other = tuple(a for a in range(3) if a != axis)
    interior = np.abs(np.diff(pixels, axis=axis)).mean(axis=other)
    return seam, interior


def assert_tiles(image: np.ndarray, label: str) -> None:
    """The wrap seam is an ordinary line: within the interior's range and near its mean."""
    for axis in (0, 1):
        seam, interior = seam_and_interior(image, axis)
        assert seam <= interior.max(), f"{label}: seam {seam:.4f} > every interior line"
        assert seam / interior.mean() < 1.35, f"{label}: seam ratio {seam / interior.mean():.2f}"
