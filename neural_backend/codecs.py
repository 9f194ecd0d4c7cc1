"""Image wire formats out: PNG (8 or 16 bit) for pictures, float32 .npy for linear data.

The PNG writer is our own (zlib + the three chunks PNG needs) because it handles 16-bit RGB,
which Pillow does not, and because the same array must give the same bytes everywhere.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np

FORMATS = ("png", "npy")
BIT_DEPTHS = (8, 16)
_COLOUR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type (grey, RGB, RGBA)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def quantize(image: np.ndarray, bit_depth: int) -> np.ndarray:
    """Float pixels in [0, 1] as uint8 or uint16 integers."""
    peak = (1 << bit_depth) - 1
    # One scaled copy, rounded and clipped in place: a third of the passes over a 1080p image
    # that round(clip(x) * peak) makes. Clipping after scaling gives the same integers.
    scaled = np.multiply(image, np.float32(peak))
    np.rint(scaled, out=scaled)
    np.clip(scaled, 0, peak, out=scaled)
    return scaled.astype(np.uint16 if bit_depth == 16 else np.uint8)


def encode_png(image: np.ndarray, bit_depth: int = 8) -> bytes:
    """Encode a float image in [0, 1], or uint8 data written as is (8-bit only), shape (H, W) or
    (H, W, 1|3|4), as PNG."""
    if bit_depth not in BIT_DEPTHS:
        raise ValueError(f"bit_depth must be one of {BIT_DEPTHS}, got {bit_depth}")
    pixels = image[..., None] if image.ndim == 2 else image
    height, width, channels = pixels.shape
    if channels not in _COLOUR_TYPE:
        raise ValueError(f"PNG needs 1, 3 or 4 channels, got {channels}")
    if pixels.dtype == np.uint8:
        if bit_depth != 8:
            raise ValueError("uint8 data can only be written as an 8-bit PNG")
        quantized = pixels
    else:
        quantized = quantize(pixels, bit_depth).astype(">u2" if bit_depth == 16 else "u1")
    rows = quantized.reshape(height, width * channels).view(np.uint8)
    # Filter type 2 (Up) on every row: each byte minus the one above, wrapping as PNG does. On
    # photos it halves the size, and the smaller stream compresses faster at zlib's fastest level.
    filtered = rows.copy()
    filtered[1:] -= rows[:-1]
    raw = np.concatenate([np.full((height, 1), 2, np.uint8), filtered], axis=1).tobytes()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, _COLOUR_TYPE[channels], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 1))
        + _chunk(b"IEND", b"")
    )


def encode_npy(image: np.ndarray) -> bytes:
    """8- and 16-bit integer pixels as they are; anything else as float32."""
    dtype = image.dtype if image.dtype in (np.uint8, np.uint16) else np.float32
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(image, dtype=dtype), allow_pickle=False)
    return buffer.getvalue()


def encode(image: np.ndarray, image_format: str, bit_depth: int = 8) -> bytes:
    """One map in the format a request asked for."""
    if image_format == "png":
        return encode_png(image, bit_depth)
    if image_format == "npy":
        return encode_npy(image)
    raise ValueError(f"format must be one of {FORMATS}, got {image_format!r}")


def media_type(image_format: str) -> str:
    return "image/png" if image_format == "png" else "application/x-npy"
