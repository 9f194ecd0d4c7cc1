"""Image bytes from a client → arrays, refusing what cannot be read before it costs memory.

PNG (pypng: keeps 16 bits, grey and alpha), NumPy .npy (uint8, uint16 or float; never pickles)
and anything Pillow reads (JPEG, ...). Sizes are checked from the header, before decoding, so a
decompression bomb is refused cheaply; every refusal says what was wrong and what is allowed.
"""

from __future__ import annotations

import io

import numpy as np

MAX_SIDE = 8192
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NPY_MAGIC = b"\x93NUMPY"
NPY_DTYPES = ("uint8", "uint16", "float16", "float32", "float64")
LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


class ImageDecodeError(ValueError):
    """Bytes that are not an image we can read, or one outside the limits."""


def check_size(width: int, height: int, max_side: int = MAX_SIDE) -> None:
    if width < 1 or height < 1:
        raise ImageDecodeError(f"the image is empty ({width}×{height} pixels)")
    if width > max_side or height > max_side:
        raise ImageDecodeError(
            f"the image is {width}×{height}; each side must be 1–{max_side} pixels"
        )


def decode_image_native(data: bytes, max_side: int = MAX_SIDE) -> np.ndarray:
    """Image bytes → array in the file's own pixel type and channels: (H, W) grey or (H, W, C)
    with C in 1–4; PNGs keep 16 bits, .npy keeps floats (finite ones only)."""
    if not data:
        raise ImageDecodeError("no image data (0 bytes)")
    if data.startswith(PNG_MAGIC):
        return _decode_png(data, max_side)
    if data.startswith(NPY_MAGIC):
        return _decode_npy(data, max_side)
    return _decode_pillow(data, max_side)


def decode_image(data: bytes, mode: str = "RGB", max_side: int = MAX_SIDE) -> np.ndarray:
    """Image bytes → uint8: (H, W, 3) for mode RGB, (H, W) for mode L. Alpha is dropped."""
    array = decode_image_native(data, max_side)
    values = _unit_float(array)
    if values.ndim == 2:
        values = values[..., None]
    colour = values[..., :3] if values.shape[2] >= 3 else values[..., :1]
    if mode == "L":
        colour = colour[..., 0] if colour.shape[2] == 1 else colour @ LUMA
    elif colour.shape[2] == 1:
        colour = np.repeat(colour, 3, axis=2)
    return (colour * 255).round().astype(np.uint8)


def _unit_float(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535
    return np.clip(array.astype(np.float32), 0.0, 1.0)


def _decode_png(data: bytes, max_side: int) -> np.ndarray:
    import png

    try:
        reader = png.Reader(bytes=data)
        reader.preamble()  # the header alone: refuse huge images before inflating them
        check_size(reader.width, reader.height, max_side)
        width, height, rows, info = reader.asDirect()
        dtype = np.uint16 if info["bitdepth"] > 8 else np.uint8
        pixels = np.vstack([np.asarray(row, dtype) for row in rows])
    except (png.Error, ValueError, EOFError, OverflowError) as error:
        if isinstance(error, ImageDecodeError):
            raise
        raise ImageDecodeError(f"not a readable PNG ({error or 'truncated'})") from None
    planes = info["planes"]
    if pixels.size != width * height * planes:
        raise ImageDecodeError("not a readable PNG (truncated pixel data)")
    if info["bitdepth"] < 8:  # 1, 2, 4-bit greys: scale to the 8-bit range
        pixels = (pixels * (255 // ((1 << info["bitdepth"]) - 1))).astype(np.uint8)
    pixels = pixels.reshape(height, width, planes)
    return pixels[..., 0] if planes == 1 else pixels


def _decode_npy(data: bytes, max_side: int) -> np.ndarray:
    buffer = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buffer)
        shape, _, dtype = np.lib.format._read_array_header(buffer, version)
    except (ValueError, SyntaxError, EOFError) as error:
        raise ImageDecodeError(f"not a readable .npy file ({error})") from None
    if dtype.name not in NPY_DTYPES:
        raise ImageDecodeError(f".npy pixel type {dtype} is not supported; use {NPY_DTYPES}")
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (1, 2, 3, 4)):
        raise ImageDecodeError(
            f".npy array of shape {shape}: expected (height, width) or (height, width, 1–4)"
        )
    check_size(shape[1], shape[0], max_side)
    buffer.seek(0)
    try:
        array = np.load(buffer, allow_pickle=False)
    except (ValueError, EOFError, OSError) as error:
        raise ImageDecodeError(f"not a readable .npy file ({error})") from None
    if array.dtype.kind == "f":
        bad = int(np.count_nonzero(~np.isfinite(array)))
        if bad:
            raise ImageDecodeError(
                f"the image has {bad} NaN or infinite values; all must be finite"
            )
        array = array.astype(np.float32)
    return array


def _decode_pillow(data: bytes, max_side: int) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            check_size(image.width, image.height, max_side)
            mode = {"L": "L", "LA": "LA", "RGBA": "RGBA"}.get(image.mode, "RGB")
            if image.mode == "P" and "transparency" in image.info:
                mode = "RGBA"
            return np.asarray(image.convert(mode))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, ImageDecodeError):
            raise
        raise ImageDecodeError(f"not a readable image ({error})") from None
