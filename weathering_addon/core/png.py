"""A small PNG writer (numpy + zlib): images go to the backend without Blender touching disk."""

from __future__ import annotations

import struct
import zlib

import numpy as np

_COLOUR_TYPES = {1: 0, 3: 2, 4: 6}  # grey, RGB, RGBA


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def encode_png(pixels: np.ndarray, bit_depth: int = 16) -> bytes:
    """pixels: float (H, W) or (H, W, 1|3|4) in [0, 1], top row first."""
    if bit_depth not in (8, 16):
        raise ValueError(f"bit_depth must be 8 or 16, got {bit_depth}")
    image = pixels[..., None] if pixels.ndim == 2 else pixels
    height, width, channels = image.shape
    if channels not in _COLOUR_TYPES:
        raise ValueError(f"PNG needs 1, 3 or 4 channels, got {channels}")
    peak, dtype = (65535, ">u2") if bit_depth == 16 else (255, "u1")
    rows = (
        np.round(np.clip(image, 0.0, 1.0) * peak).astype(dtype).reshape(height, -1).view(np.uint8)
    )
    # Filter 2 (Up: each byte minus the one above) and zlib's fastest level: renders are smooth,
    # so this is both smaller and several times faster to write than unfiltered level 6.
    filtered = rows.copy()
    filtered[1:] -= rows[:-1]
    raw = np.concatenate([np.full((height, 1), 2, np.uint8), filtered], axis=1).tobytes()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, _COLOUR_TYPES[channels], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 1))
        + _chunk(b"IEND", b"")
    )
