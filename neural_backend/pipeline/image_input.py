"""Whatever image a user brings, as float RGB in [0, 1]; and back to what they brought.

8- and 16-bit, greyscale, RGB and RGBA are all accepted; alpha is set aside and put back as it
was. Empty and huge images are refused with their size in the message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neural_backend.colour import LUMA
from neural_backend.decoding import unit_float

MAX_PIXELS = 8192 * 8192


@dataclass
class ImageFormat:
    dtype: np.dtype
    channels: int  # 1, 2 (grey + alpha), 3 or 4
    alpha: np.ndarray | None

    @property
    def bit_depth(self) -> int:
        """The PNG bit depth that keeps the input's precision."""
        return 8 if self.dtype == np.uint8 else 16


def to_float_rgb(image: np.ndarray) -> tuple[np.ndarray, ImageFormat]:
    array = np.asarray(image)
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise ValueError(
            f"expected a greyscale, RGB or RGBA image, got an array of shape {image.shape}"
        )
    height, width, channels = array.shape
    if height == 0 or width == 0:
        raise ValueError(f"the image is empty ({width}×{height} pixels)")
    if height * width > MAX_PIXELS:
        raise ValueError(f"the image is {width}×{height}; the largest accepted is 8192×8192 pixels")
    if array.dtype not in (np.uint8, np.uint16) and array.dtype.kind != "f":
        raise ValueError(f"pixel type {array.dtype} is not supported: use 8- or 16-bit or float")
    values = unit_float(array)
    colour_channels = 1 if channels in (1, 2) else 3
    alpha = values[..., colour_channels] if channels in (2, 4) else None
    rgb = np.repeat(values[..., :1], 3, axis=2) if colour_channels == 1 else values[..., :3]
    return np.ascontiguousarray(rgb), ImageFormat(array.dtype, channels, alpha)


def from_float_rgb(rgb: np.ndarray, original: ImageFormat) -> np.ndarray:
    """Float (H, W, C) with the input's channels: greyscale stays greyscale, alpha returns."""
    colour = rgb if original.channels >= 3 else (rgb @ LUMA)[..., None]
    if original.alpha is None:
        return colour.astype(np.float32, copy=False)
    return np.concatenate([colour, original.alpha[..., None]], axis=2).astype(np.float32)
